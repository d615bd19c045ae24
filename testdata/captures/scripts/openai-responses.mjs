// The minimal Responses API call with the official OpenAI SDK, streamed, as
// an app writes it. The client reads OPENAI_API_KEY and OPENAI_BASE_URL.
//   --print-message  catch the error and print err.message; without it the
//                    error propagates uncaught.
// CAPTURE_TIMEOUT_MS, CAPTURE_MAX_RETRIES and CAPTURE_MODEL as in openai-chat.mjs.
import OpenAI from "openai";

const args = process.argv.slice(2);
const opts = {};
if (process.env.CAPTURE_TIMEOUT_MS) opts.timeout = Number(process.env.CAPTURE_TIMEOUT_MS);
if (process.env.CAPTURE_MAX_RETRIES) opts.maxRetries = Number(process.env.CAPTURE_MAX_RETRIES);
const model = process.env.CAPTURE_MODEL || "gpt-5";

async function main() {
  const client = new OpenAI(opts);
  const stream = await client.responses.create({ model, input: "hi", stream: true });
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") process.stdout.write(event.delta);
  }
  process.stdout.write("\n");
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
