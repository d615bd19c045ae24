// The minimal chat completion with the official OpenAI SDK, as an app
// writes it. The client reads OPENAI_API_KEY and OPENAI_BASE_URL itself.
//   --stream         stream the answer (SSE)
//   --print-message  catch the error and print err.message, as many apps do;
//                    without it the error propagates uncaught and Node prints
//                    its own dump.
// CAPTURE_TIMEOUT_MS and CAPTURE_MAX_RETRIES, when set, bound the client
// (only the timeout captures set them). CAPTURE_MODEL picks the model.
import OpenAI from "openai";

const args = process.argv.slice(2);
const opts = {};
if (process.env.CAPTURE_TIMEOUT_MS) opts.timeout = Number(process.env.CAPTURE_TIMEOUT_MS);
if (process.env.CAPTURE_MAX_RETRIES) opts.maxRetries = Number(process.env.CAPTURE_MAX_RETRIES);
const model = process.env.CAPTURE_MODEL || "gpt-4o-mini";

async function main() {
  const client = new OpenAI(opts);
  const messages = [{ role: "user", content: "hi" }];
  if (args.includes("--stream")) {
    const stream = await client.chat.completions.create({ model, messages, stream: true });
    for await (const chunk of stream) {
      process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
    }
    process.stdout.write("\n");
  } else {
    const completion = await client.chat.completions.create({ model, messages });
    console.log(completion.choices[0].message.content);
  }
}

if (args.includes("--print-message")) {
  try {
    await main();
  } catch (err) {
    console.error("Error:", err.message);
    process.exit(1);
  }
} else {
  await main();
}
