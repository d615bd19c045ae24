// The minimal Messages API call with the official Anthropic SDK, as an app
// writes it. The client reads ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) and
// ANTHROPIC_BASE_URL itself. The same script runs against the current SDK
// and the last 0.x line (the record script installs each in its own folder).
//   --stream         stream the answer (SSE)
//   --print-message  catch the error and print err.message; without it the
//                    error propagates uncaught.
// CAPTURE_TIMEOUT_MS, CAPTURE_MAX_RETRIES and CAPTURE_MODEL as in openai-chat.mjs.
import Anthropic from "@anthropic-ai/sdk";

const args = process.argv.slice(2);
const opts = {};
if (process.env.CAPTURE_TIMEOUT_MS) opts.timeout = Number(process.env.CAPTURE_TIMEOUT_MS);
if (process.env.CAPTURE_MAX_RETRIES) opts.maxRetries = Number(process.env.CAPTURE_MAX_RETRIES);
const model = process.env.CAPTURE_MODEL || "claude-sonnet-4-6";

async function main() {
  const client = new Anthropic(opts);
  const request = { model, max_tokens: 64, messages: [{ role: "user", content: "hi" }] };
  if (args.includes("--stream")) {
    const stream = await client.messages.create({ ...request, stream: true });
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        process.stdout.write(event.delta.text);
      }
    }
    process.stdout.write("\n");
  } else {
    const message = await client.messages.create(request);
    console.log(message.content[0].text);
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
