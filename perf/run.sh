#!/usr/bin/env bash
# Reproduces every number in the README's "Performance" section.
#
#   perf/run.sh            # everything (about 3 minutes)
#   perf/run.sh frame      # one part: build, frame, diagnose, footprint, bench
#
# Needs Go, curl, hyperfine, GNU time (/usr/bin/time) and tmux; as root it
# installs the last three with apt-get when missing, like .ci/test does for
# tmux. The peer, gum, is installed with `go install` into $OUT/bin for the
# measurement only (it is no dependency of unstuck). Results go to stdout
# and to $OUT (default /tmp/unstuck-perf).
# Nothing here asserts a time: these are measurements, not tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${OUT:-/tmp/unstuck-perf}
N=${N:-60}            # interleaved rounds for the first frame
GUM=${GUM:-v0.17.0}   # the peer: gum choose, at this version
RUNS=${RUNS:-30}      # hyperfine runs for the diagnosis
DELAY=${DELAY:-300ms} # the slow server's delay before every answer
PORT=${PORT:-18080}
mkdir -p "$OUT/bin" "$OUT/home" "$OUT/work"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ]; then
    echo "--- installing $2"
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  else
    echo "perf/run.sh: $1 is missing: sudo apt-get install $2" >&2
    exit 1
  fi
}

# The release build: no local paths, no symbol table or DWARF.
RELEASE=(go build -trimpath -ldflags "-s -w")

build() {
  echo "--- build (release flags: ${RELEASE[*]})"
  "${RELEASE[@]}" -o "$OUT/bin/unstuck" .
  # The two floors: a bare Bubble Tea program drawing one line, and the
  # same linking the rest of the wizard's stack (Lip Gloss, Bubbles, Glamour).
  "${RELEASE[@]}" -o "$OUT/bin/bareprogram" ./perf/bareprogram
  "${RELEASE[@]}" -tags stack -o "$OUT/bin/barestack" ./perf/bareprogram
  # And the stack in use: the same with Glamour and net/http reachable
  # (never called), whose package tables the linker then keeps and inits.
  "${RELEASE[@]}" -tags stack,live -o "$OUT/bin/barelive" ./perf/bareprogram
  go build -o "$OUT/bin/firstframe" ./perf/firstframe
  go build -o "$OUT/bin/slowserver" ./perf/slowserver
  "${RELEASE[@]}" -o "$OUT/bin/coldstart" ./perf/coldstart
  go build -o "$OUT/bin/unstuck-default" .
}

# What a user's shell gives the programs: a key, a home, a terminal type,
# a working directory without a .env, no proxy.
KEY=sk-proj-PERFKEY0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2
userenv() {
  env -i PATH="$PATH" HOME="$OUT/home" TERM=xterm-256color LANG=C.UTF-8 OPENAI_API_KEY="$KEY" "$@"
}

install_gum() {
  [ -x "$OUT/bin/gum" ] && "$OUT/bin/gum" --version 2>/dev/null | grep -q "${GUM#v}" && return
  echo "--- installing the peer: gum $GUM (go install, into $OUT/bin only)"
  GOBIN="$OUT/bin" go install "github.com/charmbracelet/gum@$GUM"
}

frame() {
  install_gum
  need tmux tmux
  # The yardstick is the floor that links the same stack; put it last.
  PROGS=("$OUT/bin/unstuck" "$OUT/bin/gum choose 401 429 timeout" "$OUT/bin/bareprogram" "$OUT/bin/barelive" "$OUT/bin/barestack")
  echo "--- first frame: exec → first visible text, 80×24, $N interleaved rounds"
  echo "    (a) a pseudo-terminal that answers no queries, as some SSH sessions and screen-sharing tools"
  (cd "$OUT/work" && userenv "$OUT/bin/firstframe" -n "$N" -json "$OUT/firstframe.json" "${PROGS[@]}") |
    tee "$OUT/firstframe.txt"
  echo "    (b) in tmux $(tmux -V | cut -d' ' -f2), which answers"
  (cd "$OUT/work" && userenv "$OUT/bin/firstframe" -tmux -n "$N" -json "$OUT/firstframe-tmux.json" "${PROGS[@]}") |
    tee "$OUT/firstframe-tmux.txt"
  echo "--- where unstuck's start-up goes: package init (GODEBUG=inittrace=1, median of 15)"
  for b in unstuck barelive barestack bareprogram; do
    for _ in $(seq 15); do
      (cd "$OUT/work" && userenv GODEBUG=inittrace=1 timeout 2 "$OUT/bin/$b" --version 2>&1 >/dev/null </dev/null || true) |
        awk '$1=="init" {s+=$5; if ($2 ~ /chroma/) c+=$5; if ($2 ~ /unstuck/ || $2 == "main") u+=$5} END {printf "%.2f %.2f %.2f\n", s, c, u}'
    done | sort -n | awk -v b="$b" '{t[NR]=$1; c[NR]=$2; u[NR]=$3} END {m=int((NR+1)/2); printf "  %-12s init %6.2f ms, of which chroma %6.2f ms, our packages %5.2f ms\n", b, t[m], c[m], u[m]}'
  done | tee "$OUT/inittrace.txt"
  echo "--- and in main (fresh processes; the wizard does these off the path to its first frame)"
  (cd "$OUT/work" && userenv "$OUT/bin/coldstart" -n 20) | tee "$OUT/coldstart.txt"
}

host() {
  # Inside a container a loopback base URL is exactly what the container
  # check flags; use a name /etc/hosts maps to 127.0.0.1 there (no DNS).
  if [ -f /.dockerenv ] || [ -f /run/.containerenv ]; then
    awk '$1=="127.0.0.1" {for (i=2;i<=NF;i++) if ($i !~ /localhost/) {print $i; exit}}' /etc/hosts
  fi
}

diagnose() {
  need hyperfine hyperfine
  echo "--- diagnosis wall time: every answer delayed by $DELAY"
  "$OUT/bin/slowserver" -addr "127.0.0.1:$PORT" -delay "$DELAY" >"$OUT/slowserver.url" &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -s "$OUT/slowserver.url" ] && break; sleep 0.1; done
  H=$(host); H=${H:-127.0.0.1}
  BASE="http://$H:$PORT/v1"
  BODY='{"model":"gpt-4o-mini","max_tokens":1,"messages":[{"role":"user","content":"Say OK"}],"stream":true}'
  CURL="curl -sS -N -o /dev/null $BASE/chat/completions -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' -d '$BODY'"
  DIAG="$OUT/bin/unstuck diagnose --base-url $BASE --model gpt-4o-mini"
  echo "  verdict: $(cd "$OUT/work" && userenv $DIAG --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)"
  # "unstuck --version" is the floor: starting the process and nothing else.
  (cd "$OUT/work" && userenv hyperfine -N -w 3 -r "$RUNS" --export-json "$OUT/diagnose.json" \
    -n curl "$CURL" -n diagnose "$DIAG" -n 'diagnose --json' "$DIAG --json" \
    -n 'unstuck --version' "$OUT/bin/unstuck --version") | tee "$OUT/diagnose.txt"
  python3 - "$OUT/diagnose.json" <<'PY' | tee -a "$OUT/diagnose.txt"
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
base = rs[0]["median"]
for r in rs:
    print(f"  {r['command']:<20} median {r['median']*1000:7.1f} ms  ({r['median']/base:.2f}x curl)")
PY
  kill $SERVER; trap - EXIT
}

footprint() {
  need /usr/bin/time time
  echo "--- footprint"
  "$OUT/bin/slowserver" -addr "127.0.0.1:$PORT" -delay "$DELAY" >"$OUT/slowserver.url" &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -s "$OUT/slowserver.url" ] && break; sleep 0.1; done
  H=$(host); H=${H:-127.0.0.1}
  for _ in $(seq 9); do
    (cd "$OUT/work" && userenv /usr/bin/time -v "$OUT/bin/unstuck" diagnose --base-url "http://$H:$PORT/v1" --model gpt-4o-mini 2>&1 >/dev/null) |
      awk '/Maximum resident set size/ {print $6}'
  done | sort -n | awk '{a[NR]=$1} END {printf "  diagnose peak RSS (median of 9, /usr/bin/time -v): %.1f MB\n", a[int((NR+1)/2)]/1024}' | tee "$OUT/footprint.txt"
  kill $SERVER; trap - EXIT
  echo "  wizard to its first frame: the peak RSS column of the first-frame table" | tee -a "$OUT/footprint.txt"
  awk -v d="$(stat -c %s "$OUT/bin/unstuck-default")" -v r="$(stat -c %s "$OUT/bin/unstuck")" \
    'BEGIN {printf "  binary: go build %.1f MB, release build %.1f MB\n", d/1048576, r/1048576}' | tee -a "$OUT/footprint.txt"
}

bench() {
  echo "--- go benchmarks (-count 6, enough for benchstat)"
  go test -run '^$' -bench . -benchmem -count 6 . | tee "$OUT/bench-main.txt"
  go test -run '^$' -bench . -benchmem -count 6 ./report/ | tee "$OUT/bench-report.txt"
  if command -v benchstat >/dev/null 2>&1; then # go install golang.org/x/perf/cmd/benchstat@latest
    benchstat "$OUT/bench-main.txt" "$OUT/bench-report.txt" | tee "$OUT/benchstat.txt"
  fi
}

case "${1:-all}" in
  build) build ;;
  frame) build; frame ;;
  diagnose) build; diagnose ;;
  footprint) build; footprint ;;
  bench) bench ;;
  all) build; frame; diagnose; footprint; bench ;;
  *) echo "usage: perf/run.sh [all|build|frame|diagnose|footprint|bench]" >&2; exit 2 ;;
esac
echo "--- results in $OUT"
