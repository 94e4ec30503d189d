#!/usr/bin/env bash
# Memory per idle session, and how many idle sessions one erlmcp node holds in its default heap.
#
# usage: bench/idle-sessions.sh [--steps "2000 5000 10000 20000"] [--passivate-after S] [--max N]
#   --steps            session counts to measure at (cumulative), default "2000 5000 10000 20000 40000"
#   --passivate-after  the node's idle-entity timeout for this run (default 120 s; erlmcp's default
#                      is 30 min): the last measurement is taken after it, when the entities are
#                      stopped and only their journal (and the bounded read copies) remain
#   --max N            after the steps, keep opening sessions in steps of 20000 up to N (default 0:
#                      no push) and report where the node stops accepting them, if it does
#
# One node (bin/erlmcp serve --http, server hello, default heap 384m, Parallel GC) on its own
# local Cassandra (var/bench-cassandra, CQL 19142). Sessions are opened by
# io.erlmcp.bench.IdleSessions (initialize + notifications/initialized, 32 at a time) and then
# left idle. After each step: a full GC (jcmd GC.run), then the heap in use (jcmd GC.heap_info)
# and the process RSS. Per-session cost = (heap used - heap used before any session) / sessions.
# Writes bench/results/idle-sessions-<date>.md and prints it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
steps="2000 5000 10000 20000 40000"
passivate=120
max=0
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --passivate-after) passivate="$2"; shift 2 ;;
    --max) max="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "idle-sessions.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in curl java jcmd; do
  command -v "$tool" >/dev/null || { echo "idle-sessions.sh: $tool is required" >&2; exit 1; }
done
echo "idle-sessions: building (mvn -pl bench -am package)" >&2
mvn -B -q -pl bench -am package -DskipTests >/dev/null
bench_cp="$root/bench/target/classes:$(cat bench/target/classpath.txt)"

cass_dir="$root/var/bench-cassandra"
bin/cassandra start --dir "$cass_dir" --port 19142 --storage-port 17142 >&2
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port/mcp"
log="$(mktemp "${TMPDIR:-/tmp}/erlmcp-idle.XXXXXX.log")"
ERLMCP_CASSANDRA_CONTACT_POINTS="127.0.0.1:19142" \
ERLMCP_JAVA_OPTS="-Dpekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout=${passivate}s ${ERLMCP_JAVA_OPTS:-}" \
  bin/erlmcp serve --http "127.0.0.1:$port" --server hello --journal cassandra --management off --metrics off \
  >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  bin/cassandra stop --dir "$cass_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -s -o /dev/null -X DELETE "$url" && break
  kill -0 "$pid" 2>/dev/null || { echo "idle-sessions: the node exited; see $log" >&2; exit 1; }
  sleep 0.5
done
# Warm the journal (schema, prepared statements) before the baseline.
java -cp "$bench_cp" io.erlmcp.bench.IdleSessions --url "$url" --count 50 --concurrency 4 >/dev/null

heap_used_kib() { # after a full GC; sums the "used" of every space jcmd reports
  jcmd "$pid" GC.run >/dev/null
  sleep 1
  jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | head -2 | awk '{s+=$1} END {print s}'
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

base_heap="$(heap_used_kib)"
base_rss="$(rss_kib)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/bench/results/idle-sessions-$stamp.md"
{
  echo "# Idle sessions on one node ($stamp)"
  echo
  echo "Command: \`bench/idle-sessions.sh --steps \"$steps\" --passivate-after $passivate --max $max\`"
  echo "(commit $(git rev-parse --short HEAD); $(nproc) cores; $(java -version 2>&1 | head -1);"
  echo "node heap ${ERLMCP_HEAP:-384m}, Parallel GC; one local Cassandra; idle-entity timeout ${passivate} s)."
  echo
  echo "Before any session (after 50 warm-up sessions): heap used $((base_heap / 1024)) MiB, RSS $((base_rss / 1024)) MiB."
  echo
  echo "| idle sessions | opened/s | heap used after full GC (MiB) | RSS (MiB) | heap per session (bytes) |"
  echo "| --- | --- | --- | --- | --- |"
} >"$out"
have=0
last_heap=0
measure_row() { # <sessions> <rate>
  local h r per
  h="$(heap_used_kib)"
  r="$(rss_kib)"
  per=$(( ( (h - base_heap) * 1024 ) / ($1 > 0 ? $1 : 1) ))
  last_heap="$h"
  echo "| $1 | $2 | $((h / 1024)) | $((r / 1024)) | $per |" >>"$out"
  echo "idle-sessions: $1 sessions: heap $((h / 1024)) MiB, RSS $((r / 1024)) MiB, $per B/session" >&2
}
open_to() { # <target> -> prints the JSON line
  java -cp "$bench_cp" io.erlmcp.bench.IdleSessions --url "$url" --count "$(( $1 - have ))" --concurrency 32
}
stopped=""
for target in $steps; do
  j="$(open_to "$target")"
  created="$(sed -E 's/.*"created":([0-9]+).*/\1/' <<<"$j")"
  failed="$(sed -E 's/.*"failed":([0-9]+).*/\1/' <<<"$j")"
  rate="$(sed -E 's/.*"sessions_per_s":([0-9.]+).*/\1/' <<<"$j")"
  have=$((have + created))
  measure_row "$have" "$rate"
  if [ "$failed" -gt 0 ]; then
    stopped="after $have sessions: $failed failed, first: $(sed -E 's/.*"first_failure":"(.*)"\}/\1/' <<<"$j")"
    break
  fi
done
if [ -z "$stopped" ] && [ "$max" -gt "$have" ]; then
  while [ "$have" -lt "$max" ]; do
    target=$((have + 20000))
    j="$(open_to "$target")"
    created="$(sed -E 's/.*"created":([0-9]+).*/\1/' <<<"$j")"
    failed="$(sed -E 's/.*"failed":([0-9]+).*/\1/' <<<"$j")"
    rate="$(sed -E 's/.*"sessions_per_s":([0-9.]+).*/\1/' <<<"$j")"
    have=$((have + created))
    kill -0 "$pid" 2>/dev/null || { stopped="the node died at about $have sessions (see $log)"; break; }
    measure_row "$have" "$rate"
    if [ "$failed" -gt 0 ]; then
      stopped="after $have sessions: $failed failed, first: $(sed -E 's/.*"first_failure":"(.*)"\}/\1/' <<<"$j")"
      break
    fi
  done
fi
echo "idle-sessions: waiting $((passivate + 15)) s for the idle entities to passivate" >&2
sleep $((passivate + 15))
h="$(heap_used_kib)"
r="$(rss_kib)"
{
  echo
  echo "After the idle-entity timeout (entities stopped; their state is in the journal and returns on"
  echo "the next request): $have sessions, heap used $((h / 1024)) MiB, RSS $((r / 1024)) MiB,"
  echo "$(( ( (h - base_heap) * 1024 ) / (have > 0 ? have : 1) )) bytes of heap per session (the bounded read copies)."
    live_per=$(( ( (last_heap - base_heap) * 1024 ) / (have > 0 ? have : 1) ))
  heap_mib="${ERLMCP_HEAP:-384m}"; heap_mib="${heap_mib%m}"
  if [ "$live_per" -gt 0 ]; then
    echo
    echo "Estimate (not a measurement): at $live_per bytes per live session, the ${heap_mib} MiB heap"
    echo "(less the $((base_heap / 1024)) MiB in use before any session) holds about"
    echo "$(( ( (heap_mib * 1024 - base_heap) * 1024 ) / live_per )) live sessions at once; sessions idle past the timeout"
    echo "leave the heap, so idle sessions as such are bounded by the journal, not the heap."
  fi
  if [ -n "$stopped" ]; then
    echo
    echo "The node stopped accepting sessions: $stopped"
  elif [ "$max" -gt 0 ]; then
    echo
    echo "The node accepted all $have sessions (the push stopped at --max $max)."
  fi
} >>"$out"
cat "$out"
