#!/usr/bin/env bash
# `make test`: every test suite, with all of its own setup, on a fresh machine.
#
#   1. the npm tooling (official MCP SDK, reference server, conformance suite)
#   2. a real local Cassandra node for the tests (var/test-cassandra, CQL port 19042)
#   3. mvn verify: unit tests, actor tests, Cassandra integration tests, HTTP/stdio integration
#      tests, the interop suite (official MCP Java SDK client against erlmcp processes) and the
#      multi-JVM cluster tests (three erlmcp processes on this Cassandra: they reuse it through
#      ERLMCP_CASSANDRA_CONTACT_POINTS, exported below)
#   4. the official MCP conformance suite (2025-11-25 and 2026-07-28 requirements) against the
#      conformance example served by a real erlmcp node on that Cassandra
#   5. the suite's client side: every non-OAuth client scenario of both revisions against the
#      client SDK (bin/erlmcp conformance-client, interop-tests/run-conformance-client.sh)
#
# Ends with one line "make test: N passed, N failed". Exit status 0 only if everything passed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CASSANDRA_DIR="$ROOT/var/test-cassandra"
CQL_PORT="${ERLMCP_TEST_CQL_PORT:-19042}"
STORAGE_PORT="${ERLMCP_TEST_STORAGE_PORT:-17000}"
export ERLMCP_CASSANDRA_CONTACT_POINTS="127.0.0.1:$CQL_PORT"
failed=0
server_pid=""

section() { printf '\n==== %s ====\n' "$*"; }

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  bin/cassandra stop --dir "$CASSANDRA_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "test: '$1' is missing; installing $2 with apt-get" >&2
  (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null 2>&1 || {
    echo "test: could not install $2" >&2
    exit 1
  }
}
need java openjdk-17-jdk-headless
need mvn maven
need node nodejs
need npm npm
need curl curl

section "npm tooling (official MCP SDK, reference server, conformance suite)"
tools/js/setup.sh || { echo "test: npm setup failed" >&2; exit 1; }

section "local Cassandra for the tests ($ERLMCP_CASSANDRA_CONTACT_POINTS)"
bin/cassandra start --dir "$CASSANDRA_DIR" --port "$CQL_PORT" --storage-port "$STORAGE_PORT" \
  || { echo "test: Cassandra did not start" >&2; exit 1; }

section "mvn verify (unit, actors, Cassandra, HTTP/stdio integration, interop, multi-JVM cluster)"
rm -rf ./*/target/surefire-reports
mvn -B -ntp verify || failed=1

section "official MCP conformance suite (2025-11-25) against the conformance example"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p var
bin/erlmcp serve --http "127.0.0.1:$port" --server conformance --journal cassandra \
  --management off --metrics off >var/conformance-server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/mcp" -X DELETE && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
# Warm the node's journal path (driver connections, prepared statements) with one session write
# before the suite's first scenario: on a busy machine the first write of a fresh process can
# take longer than a scenario's timeout.
for _ in $(seq 1 60); do
  curl -s -m 20 "http://127.0.0.1:$port/mcp" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"warm-up","version":"1"}}}' \
    | grep -q '"result"' && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 1
done
conformance_passed=0
conformance_failed=0
# One run per requirement set, against the same server process: 2025-11-25 (session revisions)
# and 2026-07-28 (stateless). Each run's "Total:" line is added to the summary.
run_conformance() { # <requirements> <expected-failures file> <log>
  if interop-tests/run-conformance.sh "http://127.0.0.1:$port/mcp" --requirements "$1" \
      --expected-failures "$2" >"$3" 2>&1; then
    :
  else
    failed=1
    echo "test: conformance suite ($1) failed; server log in var/conformance-server.log" >&2
  fi
  section "conformance summary ($1)"
  sed -n '/=== SUMMARY ===/,$p' "$3"
  local p f ns
  read -r p f < <(sed -n 's/^Total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$3" | tail -1)
  # Failed checks of scenarios the requirement set does not score (listed under "Not scored
  # for ...": extensions such as tasks, pending scenarios) do not affect conformance or the exit
  # status, so they are not counted as failures here either.
  ns="$(sed -n '/=== SUMMARY ===/,$p' "$3" | awk '
    /^Not scored for/ { ns = 1; next }
    ns && /^  / && $3 ~ /^\(/ { notscored[$2] = 1; next }
    NF == 6 && $4 == "passed," && $6 == "failed" { name = $2; sub(/:$/, "", name); f[name] = $5 }
    END { n = 0; for (k in f) if (k in notscored) n += f[k]; print n }')"
  f=$(( ${f:-0} - ${ns:-0} ))
  if [[ ${ns:-0} -gt 0 ]]; then
    echo "conformance ($1): $ns failed checks in not-scored scenarios are not counted"
  fi
  conformance_passed=$((conformance_passed + ${p:-0}))
  conformance_failed=$((conformance_failed + f))
}
run_conformance 2025-11-25 interop-tests/expected-failures.txt var/conformance.log
section "official MCP conformance suite (2026-07-28) against the same server"
run_conformance 2026-07-28 interop-tests/expected-failures-2026-07-28.txt \
  var/conformance-2026-07-28.log
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=""

section "official MCP conformance suite, client side (2025-11-25, 2026-07-28) against bin/erlmcp conformance-client"
# The suite runs its own test server per scenario and drives the client SDK through
# bin/erlmcp conformance-client; its "Total:" line (checks) is added to the summary.
if interop-tests/run-conformance-client.sh \
    --expected-failures interop-tests/expected-failures-client.txt >var/conformance-client.log 2>&1; then
  :
else
  failed=1
  echo "test: conformance suite (client side) failed; see var/conformance-client.log" >&2
fi
section "conformance summary (client side)"
sed -n '/=== SUMMARY ===/,$p' var/conformance-client.log
read -r cp cf < <(sed -n 's/^Total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' var/conformance-client.log | tail -1)
conformance_passed=$((conformance_passed + ${cp:-0}))
conformance_failed=$((conformance_failed + ${cf:-0}))

# Totals: JUnit tests from the Surefire reports plus conformance checks.
read -r junit_total junit_bad < <(python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = b = 0
for f in glob.glob("*/target/surefire-reports/TEST-*.xml"):
    r = ET.parse(f).getroot()
    t += int(r.get("tests", 0)) - int(r.get("skipped", 0))
    b += int(r.get("failures", 0)) + int(r.get("errors", 0))
print(t, b)
PY
)
passed=$((junit_total - junit_bad + conformance_passed))
bad=$((junit_bad + conformance_failed))
if [[ $failed -ne 0 && $bad -eq 0 ]]; then bad=1; fi
echo
echo "make test: $passed passed, $bad failed"
exit $failed
