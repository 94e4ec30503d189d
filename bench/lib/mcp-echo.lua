-- wrk script: MCP Streamable HTTP `tools/call` of the echo tool, spread over pre-initialized sessions.
--
-- usage: wrk -t2 -c50 -d15s -s mcp-echo.lua URL -- SESSIONS_FILE [TOOL] [ARGUMENTS_JSON]
--   SESSIONS_FILE  one Mcp-Session-Id per line, each already initialized (initialize +
--                  notifications/initialized, see bench/lib/mcp-sessions.sh); or the word
--                  "stateless" for protocol revision 2026-07-28: no session, every request carries
--                  its `_meta` (protocol version, client info and capabilities) and the
--                  Mcp-Method / Mcp-Name headers
--
-- wrk's Lua cannot open its own connections or tell which connection a request goes out on, so a
-- session cannot be pinned to a connection. Instead each thread cycles through all sessions,
-- request by request, starting at a different offset: with 50 sessions and 50 connections the
-- server sees 50 concurrently active sessions (MCP sessions are not bound to a TCP connection).
-- Request bodies are pre-rendered (distinct JSON-RPC ids within any 100 consecutive requests of a
-- session) so the script costs wrk almost nothing per request.
--
-- A response counts as an error when its status is not 2xx or its body carries a JSON-RPC error.
-- Servers that answer tools/call as an SSE stream (the Java SDK does) still answer 200 and their
-- stream ends with the response, so wrk measures the full exchange.
-- done() prints one line: "WRK_JSON {...}" with requests/s, p50/p95/p99/max (ms) and error counts.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests_ring = {}
local ring_index = 0
non2xx = 0
rpc_errors = 0

function init(args)
  local file = args[1]
  local tool = args[2] or "echo"
  local arguments = args[3] or '{"message":"hello"}'
  if file == "stateless" then
    local meta = '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",' ..
      '"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"},' ..
      '"io.modelcontextprotocol/clientCapabilities":{}}'
    local headers = {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json, text/event-stream",
      ["MCP-Protocol-Version"] = "2026-07-28",
      ["Mcp-Method"] = "tools/call",
      ["Mcp-Name"] = tool,
    }
    for k = 0, 4999 do
      local id = offset * 1000000 + k
      local body = '{"jsonrpc":"2.0","id":' .. id .. ',"method":"tools/call","params":{' .. meta ..
        ',"name":"' .. tool .. '","arguments":' .. arguments .. '}}'
      table.insert(requests_ring, wrk.format("POST", nil, headers, body))
    end
    return
  end
  local sessions = {}
  for line in io.lines(file) do
    if line ~= "" then table.insert(sessions, line) end
  end
  assert(#sessions > 0, "no sessions in " .. file)
  local ids_per_session = 100
  local headers_base = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = "2025-11-25",
  }
  local n = #sessions
  for k = 0, n * ids_per_session - 1 do
    local s = sessions[((k + offset) % n) + 1]
    local id = offset * 1000000 + k
    local body = '{"jsonrpc":"2.0","id":' .. id ..
      ',"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. arguments .. '}}'
    local headers = {}
    for h, v in pairs(headers_base) do headers[h] = v end
    headers["Mcp-Session-Id"] = s
    table.insert(requests_ring, wrk.format("POST", nil, headers, body))
  end
end

function request()
  ring_index = ring_index % #requests_ring + 1
  return requests_ring[ring_index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif body and string.find(body, '"error":{', 1, true) then
    rpc_errors = rpc_errors + 1
  end
end

function done(summary, latency, requests)
  local total_non2xx, total_rpc = 0, 0
  for _, t in ipairs(threads) do
    total_non2xx = total_non2xx + (t:get("non2xx") or 0)
    total_rpc = total_rpc + (t:get("rpc_errors") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_s":%.3f,"calls_per_s":%.1f,' ..
    '"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"non2xx":%d,"rpc_errors":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    total_non2xx, total_rpc, e.connect + e.read + e.write, e.timeout))
end
