#!/usr/bin/env bash
# Persisted session writes/s and latency percentiles on a local 3-node erlmcp cluster.
#
# usage: bench/session-writes.sh [--clients 50] [--duration 30] [--warmup 15] [--port-base 29000]
#                                [--heap 256m]
#
# Starts one local Cassandra and three erlmcp nodes (bin/erlmcp serve, server hello, one Pekko
# cluster, on 127.0.0.1 from --port-base; chaos LocalCluster), opens one MCP session per client
# (client c on node c % 3 + 1), and has every client call the `remember` tool with a new key back
# to back: each call is one event journaled to Cassandra before it is acknowledged, routed by
# Cluster Sharding to the node that holds the session. After the warm-up it measures for
# --duration seconds (io.erlmcp.chaos.bench.SessionWritesBench) and stops everything.
# Writes bench/results/session-writes-<date>.md (command, machine, result line) and prints it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for a in "$@"; do
  case "$a" in -h|--help) sed -n '2,13p' "$0"; exit 0 ;; esac
done
# bin/erlmcp builds the reactor when sources changed; the benchmark uses the same classes.
bin/erlmcp --help >/dev/null
cp="$root/chaos/target/classes:$root/runtime/target/classes:$(cat cli/target/classpath.txt)"
out="$(mktemp)"
java -Xmx256m -Derlmcp.home="$root" -cp "$cp" io.erlmcp.chaos.bench.SessionWritesBench "$@" | tee "$out"
result="$(grep '^session writes:' "$out")"
rm -f "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="bench/results/session-writes-$stamp.md"
{
  echo "# Persisted session writes on 3 erlmcp nodes ($stamp)"
  echo
  echo "Command: \`bench/session-writes.sh $*\` at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- chaos bin || echo ' (with uncommitted changes)')"
  echo
  echo "Machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(java -version 2>&1 | head -1)"
  echo
  echo "One local Cassandra 5.0.9 (RF 1, 512 MB heap), three erlmcp nodes (256 MB heap each), the"
  echo "load generator: all on this machine."
  echo
  echo '```'
  echo "$result"
  echo '```'
} >"$file"
echo "wrote $file"
