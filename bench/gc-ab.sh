#!/usr/bin/env bash
# A/B of erlmcp's JVM options over Streamable HTTP: for each option set, start a node, open 50
# sessions, warm up 40 s, measure 15 s with wrk (50 connections), and print calls/s, p99, the GC
# pauses seen (-Xlog:gc) and the RSS. Used for the table in docs/benchmarks.md.
#   bench/gc-ab.sh "-XX:+UseG1GC" "-XX:+UseParallelGC" "-XX:+UseParallelGC -Xmn192m"
# Each argument replaces ERLMCP_GC_OPTS (bin/erlmcp), so it may hold any JVM option, system
# properties (configuration) included; ERLMCP_HEAP sets -Xmx (default 384m). GC_AB_WARMUP sets
# the warm-up seconds (default 40).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
port="${GC_AB_PORT:-18700}"
url="http://127.0.0.1:$port/mcp"
work="$(mktemp -d)"
trap 'pkill -f "serve --http 127.0.0.1:$port" 2>/dev/null || true; rm -rf "$work"' EXIT
for opts in "$@"; do
  rm -rf "$work/data"
  ERLMCP_GC_OPTS="$opts" ERLMCP_JAVA_OPTS="-Xlog:gc:file=$work/gc.log" \
    bin/erlmcp serve --http "127.0.0.1:$port" --server hello --journal embedded \
    --data-dir "$work/data" --management off --metrics off >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -s -o /dev/null -X DELETE "$url" && break; sleep 0.5; done
  bench/lib/mcp-sessions.sh "$url" 50 >"$work/sessions.txt"
  wrk -t2 -c50 -d"${GC_AB_WARMUP:-40}"s -s bench/lib/mcp-echo.lua "$url" -- "$work/sessions.txt" >/dev/null 2>&1
  line="$(wrk -t2 -c50 -d15s -s bench/lib/mcp-echo.lua "$url" -- "$work/sessions.txt" 2>&1 | grep WRK_JSON)"
  rss="$(ps -o rss= -p "$(pgrep -f "serve --http 127.0.0.1:$port" | tail -1)")"
  pauses="$(tail -30 "$work/gc.log" | grep -o '[0-9.]*ms$' | sort -n | sed -n '1p;15p;$p' | tr '\n' ' ')"
  # Heap in use after a young collection, first and last of the last 30: growth is what the
  # young collections promote (and a full collection will have to clear).
  after="$(grep 'Pause Young' "$work/gc.log" | tail -30 | grep -o -- '->[0-9]*M' | sed -n '1p;$p' | tr -d '>-' | tr '\n' ' ')"
  echo "[$opts] ${line#WRK_JSON } rss_kib=$rss last-30-pauses(min,median,max)=$pauses heap-after-young(first,last)=$after"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sleep 3
done
