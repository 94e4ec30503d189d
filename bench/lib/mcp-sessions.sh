#!/usr/bin/env bash
# Open N MCP sessions on a Streamable HTTP endpoint (initialize, then notifications/initialized)
# and print their Mcp-Session-Id, one a line. Exits non-zero if any session cannot be opened.
# usage: mcp-sessions.sh URL N [PROTOCOL_VERSION]
set -euo pipefail
url="${1:?usage: $0 URL N}"; n="${2:?usage: $0 URL N}"; pv="${3:-2025-11-25}"
hdr=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'
     -H "MCP-Protocol-Version: $pv")
for i in $(seq 1 "$n"); do
  sid="$(curl -sS -m 10 -o /dev/null -D - "${hdr[@]}" "$url" -d '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"'"$pv"'","capabilities":{},"clientInfo":{"name":"erlmcp-bench","version":"0.1.0"}}}' \
    | tr -d '\r' | awk -F': ' 'tolower($1)=="mcp-session-id"{print $2}')"
  [ -n "$sid" ] || { echo "mcp-sessions: initialize #$i gave no Mcp-Session-Id" >&2; exit 1; }
  code="$(curl -sS -m 10 -o /dev/null -w '%{http_code}' "${hdr[@]}" -H "Mcp-Session-Id: $sid" "$url" \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}')"
  case "$code" in 2??) ;; *) echo "mcp-sessions: notifications/initialized answered $code" >&2; exit 1;; esac
  echo "$sid"
done
