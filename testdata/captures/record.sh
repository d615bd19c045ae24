#!/usr/bin/env bash
# record.sh: re-records testdata/captures, what real AI clients print when
# their provider (or the way to it) fails, one fault per run, and what the
# agent CLIs send on a healthy call.
#
# Needs: go (builds the capture server in ./server), node 20 or later and npm
# (install the clients, at the versions pinned below, from the npm registry),
# unshare and script (util-linux; unprivileged user namespaces must be
# allowed), ip (iproute2), mount, timeout, awk, grep, sed.
#
# Never leaves loopback. `npm install` is the only step that uses the network
# (the npm registry, before any client runs). Every client then runs inside
# `unshare -rnm`, a private user, network and mount namespace whose only
# interface is lo:
#   - the capture server listens on 127.0.0.1:8080 and answers DNS on
#     127.0.0.1:53 (NXDOMAIN for every name), and /etc/resolv.conf is bound
#     to a file naming 127.0.0.1, so no name resolves and no query leaves;
#     telemetry, update checks and plugin syncs fail on loopback;
#   - /home is an empty tmpfs, HOME=/home/dev, XDG_CONFIG_HOME and CODEX_HOME
#     under it, the client's install folder bound at /home/dev/app: no client
#     reads or writes the developer's configuration, and every run starts
#     from a fresh home;
#   - the environment is emptied (env -i) first: no developer key or proxy
#     variable reaches a client; the only keys are the fixed fake ones below,
#     all containing FAKE.
#
# Usage: testdata/captures/record.sh [REGEX]
#   REGEX (grep -E) re-records only the cases whose "dir/file" matches; the
#   index keeps every other entry as it was. JOBS=n runs n cases at once
#   (default 3; each case has a namespace of its own, so they do not meet).
#   KEEP=1 keeps the scratch folder (printed at the end).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
filter="${1:-}"
JOBS="${JOBS:-3}"

# ── Pinned clients ──────────────────────────────────────────────────────
# install-folder  package@version   (the 0.x line is the last before 1.0,
# which changed the key header from x-api-key to Authorization: Bearer)
CLIENTS=(
  "openai         openai@7.59.0"
  "anthropic      @anthropic-ai/sdk@1.15.0"
  "anthropic-0x   @anthropic-ai/sdk@0.137.0"
  "claude-code    @anthropic-ai/claude-code@2.1.332"
  "codex          @openai/codex@0.171.0"
)

# The fixed, obviously fake keys (the server accepts exactly these).
OAI=sk-proj-FAKEcaptureKey00000000000000000000000000
ANT=sk-ant-api03-FAKEcaptureKey0000000000000000000000000000-AAAA
S=http://127.0.0.1:8080

for tool in go node npm unshare script ip timeout awk; do
  command -v "$tool" >/dev/null || { echo "record.sh needs $tool" >&2; exit 1; }
done

# Outside /tmp: Codex refuses to set up its helpers under the temp folder
# and says so on every run, which is not what a user's terminal shows.
work="$(mktemp -d /var/tmp/unstuck-captures.XXXXXX)"
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT

echo "--- installing the clients into $work/clients"
for line in "${CLIENTS[@]}"; do
  read -r dir pkg <<<"$line"
  mkdir -p "$work/clients/$dir"
  (cd "$work/clients/$dir" && echo '{"private":true}' >package.json &&
    HOME="$work/npm-home" npm install --no-audit --no-fund --loglevel=error "$pkg" >/dev/null 2>"$work/npm-$dir.log") ||
    { cat "$work/npm-$dir.log" >&2; exit 1; }
done
for dir in openai anthropic anthropic-0x; do
  cp "$here"/scripts/*.mjs "$work/clients/$dir/"
done

echo "--- building the capture server"
(cd "$repo" && go vet ./testdata/captures/server && go build -o "$work/server" ./testdata/captures/server)

echo "nameserver 127.0.0.1" >"$work/resolv.conf"
nodedir="$(dirname "$(command -v node)")"

# helpers.sh is sourced by a case's setup (never by its command).
cat >"$work/helpers.sh" <<'EOF'
# codex_config BASE_URL [EXTRA_TOML]: a config.toml with one custom provider
# whose key is in RELAY_API_KEY, and Codex's own analytics, feedback and
# update check off.
codex_config() {
  mkdir -p "$CODEX_HOME"
  cat >"$CODEX_HOME/config.toml" <<TOML
model_provider = "relay"
check_for_update_on_startup = false

[analytics]
enabled = false

[feedback]
enabled = false

[model_providers.relay]
name = "My relay"
base_url = "$1"
env_key = "RELAY_API_KEY"
wire_api = "responses"
${2:-}
TOML
}
EOF

# inner.sh runs one case inside the namespace: $1 the work folder, $2 the case.
cat >"$work/inner.sh" <<'EOF'
#!/usr/bin/env bash
set -u
W=$1 c=$2 nodedir=$3
ip link set lo up || exit 97
mount --bind "$W/resolv.conf" /etc/resolv.conf || exit 97
mount -t tmpfs -o mode=755 tmpfs /home || exit 97
mkdir -p /home/dev/app /home/dev/.config /home/dev/.codex
mount --bind "$W/clients/$(<"$c/install")" /home/dev/app || exit 97
read -r -a sflags <"$c/server"
"$W/server" -addr 127.0.0.1:8080 -dns 127.0.0.1:53 -log "$c/requests.jsonl" "${sflags[@]}" 2>>"$c/server.log" &
srv=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.05; done
env=(PATH="/home/dev/app/node_modules/.bin:$nodedir:/usr/local/bin:/usr/bin:/bin" HOME=/home/dev USER=dev LOGNAME=dev
  SHELL=/bin/bash LANG=C.UTF-8 XDG_CONFIG_HOME=/home/dev/.config CODEX_HOME=/home/dev/.codex)
cd /home/dev/app
if [ -s "$c/setup" ]; then
  env -i "${env[@]}" bash -c "source '$W/helpers.sh'; $(<"$c/setup")" >>"$c/server.log" 2>&1
fi
tmo=$(<"$c/timeout")
if [ "$(<"$c/tty")" = 1 ]; then
  # A terminal: script gives the client a pty and passes its bytes on raw.
  # Its stdin stays open (sleep) so that script does not hang up at once.
  env -i "${env[@]}" TERM=xterm-256color COLUMNS=100 LINES=40 \
    timeout -k 5 "$tmo" script -q -e -c "$(<"$c/command")" /dev/null >"$c/out" 2>&1 < <(sleep "$tmo")
  rc=$?
else
  env -i "${env[@]}" TERM=dumb timeout -k 5 "$tmo" bash -c "$(<"$c/command")" >"$c/out" 2>&1 </dev/null
  rc=$?
fi
echo "$rc" >"$c/rc"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
exit 0
EOF
chmod +x "$work/inner.sh"

# ── The cases ───────────────────────────────────────────────────────────
# Each case is a folder of one-field files under $work/cases.
#   dir      fixture folder under testdata/captures
#   file     fixture name (kind "fixture") or run label (kind "request")
#   fault    what was wrong (a server fault or the client's setup)
#   expect   the CAUSES.md cause a careful support engineer names from the text
#   actual   the cause that was really set up, when the text points elsewhere
#   evident  "false" when the text alone cannot tell the cause (expect is then
#            the actual cause; the score leaves these out)
#   server   capture server flags
#   setup    bash run before the command (helpers.sh sourced), not shown
#   timeout  seconds before `timeout` stops the client
#   tty      1: run under script, a pty; raw bytes kept
#   note     what a reader should know
#   command  what the user typed (the environment it names is all it gets)
n=0
add() { # kind dir file fault expect actual evident server setup timeout tty note command
  local d="$work/cases/$(printf %03d "$n")"
  n=$((n + 1))
  mkdir -p "$d"
  if [ -n "$filter" ] && ! grep -qE -- "$filter" <<<"$2/$3"; then touch "$d/skip"; fi
  local f
  local -a names=(kind dir file fault expect actual evident server setup timeout tty note command)
  for f in "${names[@]}"; do
    printf '%s' "$1" >"$d/$f"
    shift
  done
  install_of "$(<"$d/dir")" >"$d/install"
}
install_of() {
  case "$1" in
  openai-chat | openai-responses) echo openai ;;
  *) echo "$1" ;;
  esac
}
package_of() {
  case "$1" in
  openai) echo openai ;;
  anthropic | anthropic-0x) echo @anthropic-ai/sdk ;;
  claude-code) echo @anthropic-ai/claude-code ;;
  codex) echo @openai/codex ;;
  esac
}

# fx dir file fault expect actual evident server setup timeout note command
fx() { add fixture "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" 0 "${10}" "${11}"; }
# tty: the same under a pty
fxtty() { add fixture "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" 1 "${10}" "${11}"; }

# sdk dir script fault expect actual evident server env [args] [note]:
# the script uncaught (<fault>.txt) and printing err.message (<fault>.message.txt).
# A message variant whose text no longer carries the cause gives msg_evident.
sdk() {
  local dir=$1 script=$2 fault=$3 expect=$4 actual=$5 evident=$6 server=$7 env=$8 args=${9:-} note=${10:-}
  local cmd="${env:+$env }node $script${args:+ $args}"
  fx "$dir" "$fault.txt" "$fault" "$expect" "$actual" "$evident" "$server" "" 60 "$note" "$cmd"
  fx "$dir" "$fault.message.txt" "$fault" "$expect" "$actual" "${msg_evident:-$evident}" "$server" "" 60 "$note" "$cmd --print-message"
}

openai_sdk() { # dir script base stream-args
  local d=$1 sc=$2 B=$3 st=$4
  local K="OPENAI_API_KEY=$OAI"
  sdk "$d" "$sc" bad-key key-rejected "" true "-fault bad-key" "$K OPENAI_BASE_URL=$B"
  sdk "$d" "$sc" missing-key key-missing "" true "" "OPENAI_BASE_URL=$B"
  sdk "$d" "$sc" quoted-key key-quoted "" true "" "OPENAI_API_KEY='\"$OAI\"' OPENAI_BASE_URL=$B" "" \
    "the key wrapped in ASCII double quotes, as a .env loader that keeps them passes it"
  sdk "$d" "$sc" smart-quoted-key key-quoted "" true "" "OPENAI_API_KEY='“$OAI”' OPENAI_BASE_URL=$B" "" \
    "the key wrapped in typographic quotes, as pasted from a document or chat"
  sdk "$d" "$sc" bearer-key key-has-scheme "" true "" "OPENAI_API_KEY='Bearer $OAI' OPENAI_BASE_URL=$B"
  sdk "$d" "$sc" wrong-path base-url-path "" true "" "$K OPENAI_BASE_URL=$S" "" \
    "the base URL lacks /v1"
  sdk "$d" "$sc" html-404 base-url-path "" true "-fault html-404" "$K OPENAI_BASE_URL=$B" "" \
    "a web server's HTML 404 page at the base URL"
  sdk "$d" "$sc" no-credit insufficient-balance "" true "-fault no-credit" "$K OPENAI_BASE_URL=$B"
  sdk "$d" "$sc" rate-limit rate-limited "" true "-fault rate-limit" "$K OPENAI_BASE_URL=$B" "" \
    "429 with retry-after: 1; the SDK retried twice before giving up"
  sdk "$d" "$sc" server-error upstream-error "" true "-fault server-error" "$K OPENAI_BASE_URL=$B" "" \
    "the SDK retried twice before giving up"
  sdk "$d" "$sc" overloaded upstream-unavailable "" true "-fault overloaded" "$K OPENAI_BASE_URL=$B"
  sdk "$d" "$sc" model-missing model-not-found "" true "-fault model-missing" "$K OPENAI_BASE_URL=$B CAPTURE_MODEL=gpt-4o-mni"
  sdk "$d" "$sc" stream-error stream-error "" true "-fault stream-error" "$K OPENAI_BASE_URL=$B" "$st" \
    "an SSE error event after the first chunk"
  sdk "$d" "$sc" stream-cut stream-error "" true "-fault stream-cut" "$K OPENAI_BASE_URL=$B" "$st" \
    "the connection dropped after the first chunk"
  msg_evident=false sdk "$d" "$sc" connection-refused connection-refused "" true "" "$K OPENAI_BASE_URL=http://127.0.0.1:8081/v1"
  msg_evident=false sdk "$d" "$sc" dns-failure dns-failure "" true "" "$K OPENAI_BASE_URL=https://api.openai-relay.invalid/v1"
  msg_evident=false sdk "$d" "$sc" tls-failure tls-failure "" true "-tls" "$K OPENAI_BASE_URL=https://127.0.0.1:8080/v1" "" \
    "the server's certificate is self-signed"
  sdk "$d" "$sc" timeout timeout "" true "-fault silent" "$K OPENAI_BASE_URL=$B CAPTURE_TIMEOUT_MS=3000" "" \
    "the server accepts and never answers; the client's timeout is 3 s, with its default 2 retries"
}

anthropic_sdk() { # dir
  local d=$1 sc=anthropic-messages.mjs
  local K="ANTHROPIC_API_KEY=$ANT"
  sdk "$d" "$sc" bad-key key-rejected "" true "-fault bad-key" "$K ANTHROPIC_BASE_URL=$S"
  sdk "$d" "$sc" missing-key key-missing "" true "" "ANTHROPIC_BASE_URL=$S"
  sdk "$d" "$sc" quoted-key key-rejected key-quoted true "" "ANTHROPIC_API_KEY='\"$ANT\"' ANTHROPIC_BASE_URL=$S" "" \
    "the key wrapped in ASCII double quotes; Anthropic does not echo the key, so the text cannot show the quotes"
  sdk "$d" "$sc" smart-quoted-key key-quoted "" true "" "ANTHROPIC_API_KEY='“$ANT”' ANTHROPIC_BASE_URL=$S" "" \
    "the key wrapped in typographic quotes, as pasted from a document or chat"
  sdk "$d" "$sc" wrong-path base-url-path "" true "" "$K ANTHROPIC_BASE_URL=$S/v1" "" \
    "the base URL has /v1, which the Anthropic SDK adds itself"
  sdk "$d" "$sc" html-404 base-url-path "" true "-fault html-404" "$K ANTHROPIC_BASE_URL=$S" "" \
    "a web server's HTML 404 page at the base URL"
  sdk "$d" "$sc" no-credit insufficient-balance "" true "-fault no-credit" "$K ANTHROPIC_BASE_URL=$S"
  sdk "$d" "$sc" rate-limit rate-limited "" true "-fault rate-limit" "$K ANTHROPIC_BASE_URL=$S" "" \
    "429 with retry-after: 1; the SDK retried twice before giving up"
  sdk "$d" "$sc" server-error upstream-error "" true "-fault server-error" "$K ANTHROPIC_BASE_URL=$S"
  sdk "$d" "$sc" overloaded upstream-unavailable "" true "-fault overloaded" "$K ANTHROPIC_BASE_URL=$S"
  sdk "$d" "$sc" model-missing model-not-found "" true "-fault model-missing" "$K ANTHROPIC_BASE_URL=$S CAPTURE_MODEL=claude-sonnet-4.6"
  sdk "$d" "$sc" stream-error stream-error "" true "-fault stream-error" "$K ANTHROPIC_BASE_URL=$S" --stream \
    "Anthropic's SSE error event (overloaded_error) after the first text delta"
  sdk "$d" "$sc" stream-cut stream-error "" true "-fault stream-cut" "$K ANTHROPIC_BASE_URL=$S" --stream \
    "the connection dropped after the first text delta"
  msg_evident=false sdk "$d" "$sc" connection-refused connection-refused "" true "" "$K ANTHROPIC_BASE_URL=http://127.0.0.1:8081"
  msg_evident=false sdk "$d" "$sc" dns-failure dns-failure "" true "" "$K ANTHROPIC_BASE_URL=https://api.anthropic-relay.invalid"
  msg_evident=false sdk "$d" "$sc" tls-failure tls-failure "" true "-tls" "$K ANTHROPIC_BASE_URL=https://127.0.0.1:8080" "" \
    "the server's certificate is self-signed"
  sdk "$d" "$sc" timeout timeout "" true "-fault silent" "$K ANTHROPIC_BASE_URL=$S CAPTURE_TIMEOUT_MS=3000" "" \
    "the server accepts and never answers; the client's timeout is 3 s, with its default 2 retries"
}

# Not showable, so not kept (the client prints the partial answer and exits
# 0): openai-chat --stream under stream-eof (no [DONE]), openai-responses
# under stream-failed (the SDK yields response.failed as one more event),
# and every SDK with a key ending in a newline (fetch trims header values).
# and openai-responses under html-200 (a 200 HTML page gives no events, so
# the stream is empty).
openai_sdk openai-chat openai-chat.mjs "$S/v1" --stream
openai_sdk openai-responses openai-responses.mjs "$S/v1" ""
anthropic_sdk anthropic
anthropic_sdk anthropic-0x
html200="an HTML page with 200: the SDK returns the page as the result, and the app's own code fails on it"
sdk openai-chat openai-chat.mjs html-200 base-url-path "" false "-fault html-200" "OPENAI_API_KEY=$OAI OPENAI_BASE_URL=$S/v1" "" "$html200"
sdk anthropic anthropic-messages.mjs html-200 base-url-path "" false "-fault html-200" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S" "" "$html200"
sdk anthropic-0x anthropic-messages.mjs html-200 base-url-path "" false "-fault html-200" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S" "" "$html200"
sdk anthropic anthropic-messages.mjs x-api-key-only key-missing auth-header-format true "-fault x-api-key-only" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S" "" \
  "a relay that reads only x-api-key; SDK 1.x sends the key as Authorization: Bearer"

# Claude Code: -p (print mode), no TTY. Retries bounded at 2 (default 10).
CC="DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 CLAUDE_CODE_MAX_RETRIES=2"
cc() { # file fault expect actual evident server env note
  fx claude-code "$1" "$2" "$3" "$4" "$5" "$6" "" 90 "${8:-}" "$CC $7 claude -p hi"
}
cc bad-key.txt bad-key key-rejected "" true "-fault bad-key" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
fxtty claude-code bad-key.tty.txt bad-key key-rejected "" true "-fault bad-key" "" 90 "on a terminal (script): the raw bytes" \
  "$CC ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S claude -p hi"
cc bad-token.txt bad-key key-rejected "" true "-fault bad-key" "ANTHROPIC_AUTH_TOKEN=$ANT ANTHROPIC_BASE_URL=$S" \
  "the key in ANTHROPIC_AUTH_TOKEN, sent as Authorization: Bearer"
cc missing-key.txt missing-key key-missing "" true "" "ANTHROPIC_BASE_URL=$S" \
  "no key and no login: Claude Code asks for its subscription login"
# Not showable in print mode: both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN
# set (no "Auth conflict" line; the call succeeds), a key ending in a
# newline (trimmed), and the stream faults with the non-streaming fallback
# on (the default: the retry without streaming answers).
cc quoted-key.txt quoted-key key-rejected key-quoted true "" "ANTHROPIC_API_KEY='\"$ANT\"' ANTHROPIC_BASE_URL=$S" \
  "the key wrapped in ASCII double quotes"
cc smart-quoted-key.txt smart-quoted-key key-quoted "" true "" "ANTHROPIC_API_KEY='“$ANT”' ANTHROPIC_BASE_URL=$S" \
  "the key wrapped in typographic quotes"
cc wrong-path.txt wrong-path model-not-found base-url-path true "" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S/v1" \
  "the base URL has /v1 (Claude Code adds it): the 404 is reported as a model problem"
cc html-404.txt html-404 model-not-found base-url-path true "-fault html-404" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S" \
  "an HTML 404 page: reported as a model problem"
cc html-200.txt html-200 base-url-path "" true "-fault html-200" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
cc no-credit.txt no-credit insufficient-balance "" true "-fault no-credit" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
cc rate-limit.txt rate-limit rate-limited "" true "-fault rate-limit" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
cc server-error.txt server-error upstream-error "" true "-fault server-error" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
cc overloaded.txt overloaded upstream-unavailable "" true "-fault overloaded" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S"
cc model-missing.txt model-missing model-not-found "" true "-fault model-missing" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S ANTHROPIC_MODEL=claude-sonnet-4.6"
nofb="with its non-streaming fallback off; by default Claude Code retries without streaming and the answer arrives"
cc stream-error.txt stream-error upstream-unavailable stream-error true "-fault stream-error" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK=1" \
  "an SSE overloaded_error after the first text delta, $nofb: the text names only the overload"
for f in stream-cut stream-eof; do
  cc "$f.txt" "$f" stream-error "" true "-fault $f" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK=1" "$nofb"
done
cc x-api-key-only.txt x-api-key-only key-missing auth-header-format true "-fault x-api-key-only" "ANTHROPIC_AUTH_TOKEN=$ANT ANTHROPIC_BASE_URL=$S" \
  "a relay that reads only x-api-key, and the key in ANTHROPIC_AUTH_TOKEN (sent as Bearer)"
cc connection-refused.txt connection-refused connection-refused "" true "" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=http://127.0.0.1:8081"
cc dns-failure.txt dns-failure dns-failure "" true "" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=https://api.anthropic-relay.invalid"
cc tls-failure.txt tls-failure tls-failure "" true "-tls" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=https://127.0.0.1:8080"
cc proxy-failure.txt proxy-failure connection-refused proxy-failure true "" "ANTHROPIC_API_KEY=$ANT HTTPS_PROXY=http://127.0.0.1:3128" \
  "HTTPS_PROXY at a port where nothing listens, the default base URL"
cc timeout.txt timeout timeout "" true "-fault silent" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S API_TIMEOUT_MS=3000" \
  "the server accepts and never answers; API_TIMEOUT_MS=3000"

# Codex: exec, no TTY, a custom provider (helpers.sh codex_config) whose key
# is in RELAY_API_KEY. Its own retries are left at their defaults.
CX="codex exec --skip-git-repo-check hi"
cx() { # file fault expect actual evident server setup env timeout note
  fx codex "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${9:-90}" "${10:-}" "${8:+$8 }$CX"
}
cfg="codex_config $S/v1"
cx bad-key.txt bad-key key-rejected "" true "-fault bad-key" "$cfg" "RELAY_API_KEY=$OAI"
fxtty codex bad-key.tty.txt bad-key key-rejected "" true "-fault bad-key" "$cfg" 90 "on a terminal (script): the raw bytes" \
  "RELAY_API_KEY=$OAI $CX"
cx missing-key.txt missing-key key-missing "" true "" "$cfg" ""
cx quoted-key.txt quoted-key key-quoted "" true "" "$cfg" "RELAY_API_KEY='\"$OAI\"'"
cx smart-quoted-key.txt smart-quoted-key key-quoted "" true "" "$cfg" "RELAY_API_KEY='“$OAI”'"
cx newline-key.txt newline-key key-missing key-whitespace true "" "$cfg" "RELAY_API_KEY=\$'$OAI\\n'" "" \
  "the key ends in a newline: Codex drops the header it cannot send, and the server says no key was given"
cx bearer-key.txt bearer-key key-has-scheme "" true "" "$cfg" "RELAY_API_KEY='Bearer $OAI'"
cx wrong-path.txt wrong-path base-url-path "" true "" "codex_config $S" "RELAY_API_KEY=$OAI" "" \
  "base_url without /v1"
cx html-404.txt html-404 base-url-path "" true "-fault html-404" "$cfg" "RELAY_API_KEY=$OAI"
cx html-200.txt html-200 stream-error base-url-path true "-fault html-200" "$cfg" "RELAY_API_KEY=$OAI" "" \
  "an HTML page with 200: Codex reports a stream that closed early"
cx no-credit.txt no-credit insufficient-balance "" true "-fault no-credit" "$cfg" "RELAY_API_KEY=$OAI"
cx rate-limit.txt rate-limit rate-limited "" true "-fault rate-limit" "$cfg" "RELAY_API_KEY=$OAI"
cx server-error.txt server-error upstream-unavailable upstream-error true "-fault server-error" "$cfg" "RELAY_API_KEY=$OAI" "" \
  "a 500: Codex words it as high demand"
cx overloaded.txt overloaded upstream-unavailable "" true "-fault overloaded" "$cfg" "RELAY_API_KEY=$OAI"
cx model-missing.txt model-missing model-not-found "" true "-fault model-missing" "$cfg" "RELAY_API_KEY=$OAI" "" "" 
for f in stream-error stream-failed stream-cut stream-eof; do
  cx "$f.txt" "$f" stream-error "" true "-fault $f" "$cfg" "RELAY_API_KEY=$OAI"
done
waits="Codex retries a failed connection without end, saying only that it waits for the network; stopped after 40 s"
cx connection-refused.txt connection-refused connection-refused "" false "" "codex_config http://127.0.0.1:8081/v1" "RELAY_API_KEY=$OAI" 40 "$waits"
cx dns-failure.txt dns-failure dns-failure "" false "" "codex_config https://api.openai-relay.invalid/v1" "RELAY_API_KEY=$OAI" 40 "$waits"
cx tls-failure.txt tls-failure tls-failure "" false "-tls" "codex_config https://127.0.0.1:8080/v1" "RELAY_API_KEY=$OAI" 40 \
  "the server's certificate is self-signed; $waits"
cx proxy-failure.txt proxy-failure proxy-failure "" false "" "codex_config https://api.openai.com/v1" "HTTPS_PROXY=http://127.0.0.1:3128 RELAY_API_KEY=$OAI" 40 \
  "HTTPS_PROXY at a port where nothing listens; Codex waits for the network without end; stopped after 40 s"
cx timeout.txt timeout timeout "" false "-fault silent" "$cfg" "RELAY_API_KEY=$OAI" 40 \
  "the server accepts and never answers: Codex prints nothing and waits; stopped after 40 s"

# What the agent CLIs (and the SDKs) send on a healthy call.
req() { # dir label setup command
  add request "$1" "$2" none "" "" "" "" "$3" 90 0 "" "$4"
}
req claude-code "ANTHROPIC_API_KEY" "" "$CC ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S claude -p hi"
req claude-code "ANTHROPIC_AUTH_TOKEN" "" "$CC ANTHROPIC_AUTH_TOKEN=$ANT ANTHROPIC_BASE_URL=$S claude -p hi"
req claude-code "nonessential traffic on" "" "DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S claude -p hi"
req claude-code "/context (count_tokens)" "" "$CC ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S claude -p /context"
req claude-code "small model named" "" "$CC ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S ANTHROPIC_MODEL=claude-sonnet-4-6 ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5-20251001 ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5-20251001 claude -p hi"
req codex "healthy" "$cfg" "RELAY_API_KEY=$OAI $CX"
req openai-chat "chat" "" "OPENAI_API_KEY=$OAI OPENAI_BASE_URL=$S/v1 node openai-chat.mjs"
req openai-chat "chat --stream" "" "OPENAI_API_KEY=$OAI OPENAI_BASE_URL=$S/v1 node openai-chat.mjs --stream"
req openai-responses "responses" "" "OPENAI_API_KEY=$OAI OPENAI_BASE_URL=$S/v1 node openai-responses.mjs"
req anthropic "ANTHROPIC_API_KEY" "" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S node anthropic-messages.mjs"
req anthropic-0x "ANTHROPIC_API_KEY" "" "ANTHROPIC_API_KEY=$ANT ANTHROPIC_BASE_URL=$S node anthropic-messages.mjs"

# ── Run ─────────────────────────────────────────────────────────────────
torun() { for c in "$work"/cases/*/; do [ -e "$c/skip" ] || echo "${c%/}"; done; }
total=$(torun | wc -l)
echo "--- running $total cases, $JOBS at a time, each in its own namespace (unshare -rnm)"
export work nodedir
torun |
  xargs -P "$JOBS" -I{} sh -c 'unshare -rnm "$work/inner.sh" "$work" "$1" "$nodedir" || echo "$?" >"$1/rc"; printf "%s/%s -> %s\n" "$(cat "$1/dir")" "$(cat "$1/file")" "$(cat "$1/rc")"' _ {}

# ── Fixtures, request.json and the index ────────────────────────────────
version_of() { # install folder, package
  node -p "require('$work/clients/$1/node_modules/$2/package.json').version"
}
q() { # a YAML single-quoted scalar
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

opt() { # key file: a line of the index when the file is not empty
  if [ -s "$2" ]; then echo "    $1: $(<"$2")"; fi
}
optq() { # the same, quoted
  if [ -s "$2" ]; then echo "    $1: $(q "$(<"$2")")"; fi
}
old="$here/index.yaml"
new="$work/index.yaml"
if [ -z "$filter" ]; then
  # A full run rewrites every fixture: none of an earlier run's stays behind.
  find "$here" -mindepth 2 -maxdepth 2 \( -name '*.txt' -o -name request.json \) \
    -not -path "$here/scripts/*" -not -path "$here/server/*" -delete
fi
cat >"$new" <<'EOF'
# What real AI clients print when their provider fails: one capture per
# client and fault, recorded by record.sh inside a private network namespace
# against the capture server (server/main.go). Do not edit by hand: re-record.
#   file         the capture: the bytes the terminal got, stdout and stderr
#                together in order, nothing stripped
#   client       the npm package; client_version its installed version
#   fault        what was wrong (a server fault, or the client's setup)
#   command      what ran, with every variable it had (env -i before it)
#   setup        run before the command (Codex: its config.toml; see record.sh)
#   server       the capture server's flags
#   expect       the CAUSES.md cause a careful support engineer names from the text
#   actual       the cause really set up, where the text points elsewhere
#   evident      false: the text alone cannot tell the cause (expect is then the
#                cause set up; the score leaves these out)
#   exit_code    the client's; 124 means timeout stopped it
#   tty, ansi    run on a pty (raw bytes kept); ANSI escapes present
captures:
EOF
for c in "$work"/cases/*/; do
  c=${c%/}
  [ "$(<"$c/kind")" = fixture ] || continue
  dir=$(<"$c/dir") file=$(<"$c/file")
  if [ -e "$c/skip" ]; then
    # not re-recorded: keep its old entry
    if [ -f "$old" ]; then
      awk -v key="$dir/$file" '
        /^  - file: / { on = ($3 == key) }
        /^[^ ]/ { on = 0 }
        on { print }' "$old" >>"$new"
    fi
    continue
  fi
  mkdir -p "$here/$dir"
  cp "$c/out" "$here/$dir/$file"
  inst=$(<"$c/install")
  pkg=$(package_of "$inst")
  ansi=false tty=false
  if grep -q $'\x1b' "$c/out"; then ansi=true; fi
  if [ "$(<"$c/tty")" = 1 ]; then tty=true; fi
  {
    echo "  - file: $dir/$file"
    echo "    client: $(q "$pkg")"
    echo "    client_version: $(version_of "$inst" "$pkg")"
    echo "    fault: $(<"$c/fault")"
    echo "    command: $(q "$(<"$c/command")")"
    optq setup "$c/setup"
    optq server "$c/server"
    echo "    expect: $(<"$c/expect")"
    opt actual "$c/actual"
    if [ "$(<"$c/evident")" = false ]; then echo "    evident: false"; fi
    echo "    exit_code: $(<"$c/rc")"
    echo "    tty: $tty"
    echo "    ansi: $ansi"
    optq note "$c/note"
  } >>"$new"
done
cp "$new" "$old"

# request.json: every request run of a folder, labelled by its command;
# rewritten only when all of that folder's request runs ran now.
declare -A reqargs reqskip
for c in "$work"/cases/*/; do
  c=${c%/}
  [ "$(<"$c/kind")" = request ] || continue
  dir=$(<"$c/dir")
  if [ -e "$c/skip" ]; then reqskip[$dir]=1; continue; fi
  reqargs[$dir]+="$(<"$c/file"): $(<"$c/command")=$c/requests.jsonl"$'\x1f'
done
for dir in "${!reqargs[@]}"; do
  [ -z "${reqskip[$dir]:-}" ] || continue
  IFS=$'\x1f' read -r -a args <<<"${reqargs[$dir]}"
  mkdir -p "$here/$dir"
  node "$here/scripts/requests.mjs" "${args[@]}" | sed "s/$OAI/<KEY>/g; s/$ANT/<KEY>/g" >"$here/$dir/request.json"
done
echo "--- $(grep -c '^  - file:' "$old") index entries; $total cases ran"
