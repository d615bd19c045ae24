// Summarises the capture server's request log (one JSON object a line, key
// values already replaced by <KEY>) into the readable request.json kept
// beside a client's captures: method, path, query, headers, and the body
// with long texts cut and tool definitions reduced to their names, so that
// what a client sends can be read and diffed without the megabytes of
// system prompt it also sends. Ids that change on every run are replaced
// by placeholders so that a re-recording only shows real changes.
//   node requests.mjs LABEL=LOG [LABEL=LOG ...] > request.json
// Each LABEL names one recorded run (the record script uses the command).
import { readFileSync } from "node:fs";

const LONG = 160;

function stable(s) {
  return s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\b[0-9a-f]{64}\b/gi, "<hex64>")
    .replace(/"turn_started_at_unix_ms":\d+/g, '"turn_started_at_unix_ms":<ms>');
}

function cut(v, key) {
  if (typeof v === "string") {
    const s = stable(v);
    return s.length > LONG ? `${s.slice(0, LONG)}… [${s.length} chars]` : s;
  }
  if (Array.isArray(v)) {
    if (key === "tools") {
      return { count: v.length, names: v.map((t) => t.name ?? t.type ?? "?") };
    }
    return v.map((x) => cut(x));
  }
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = cut(x, k);
    return out;
  }
  return v;
}

const runs = {};
for (const arg of process.argv.slice(2)) {
  const i = arg.lastIndexOf("=");
  const label = arg.slice(0, i);
  const file = arg.slice(i + 1);
  let lines = [];
  try {
    lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    // no request reached the server
  }
  runs[label] = lines.map((line) => {
    const r = JSON.parse(line);
    const headers = {};
    for (const k of Object.keys(r.headers).sort()) {
      headers[k] = k === "content-length" ? "<n>" : stable(r.headers[k]);
    }
    return { method: r.method, path: r.path, query: r.query, headers, body: cut(r.body) };
  });
}
process.stdout.write(JSON.stringify(runs, null, 2) + "\n");
