#!/usr/bin/env bash
# Install the JavaScript peers from their lock files (npm registry only), idempotently:
#   tools/js              @modelcontextprotocol/sdk 1.32.2, @modelcontextprotocol/server-everything
#   tools/js/conformance  @modelcontextprotocol/conformance (0.1.16 and 0.2.0-alpha.12) + Node 22
# `npm ci` runs only when a directory's node_modules was not installed from its current
# package-lock.json (a stamp holding the lock file's sha256 is kept in node_modules/).
# usage: tools/js/setup.sh [--no-conformance]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dirs=("$here")
[ "${1:-}" = --no-conformance ] || dirs+=("$here/conformance")

for dir in "${dirs[@]}"; do
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.erlmcp-lock.sha256"
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup: ${dir#"$here"/} up to date"
    continue
  fi
  echo "setup: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done
