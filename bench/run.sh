#!/usr/bin/env bash
# erlmcp benchmark: erlmcp, the official MCP Java SDK and the official TypeScript reference server
# ("everything"), side by side, each serving an `echo` tool, over Streamable HTTP (wrk) and stdio
# (io.erlmcp.bench.StdioLoad), at 1 and 50 concurrent requests. See docs/benchmarks.md.
#
# usage: bench/run.sh [--duration S] [--warmup S] [--quick] [--only NAME[,NAME]]
#   --duration S   measured seconds per run (default 15)
#   --warmup S     warm-up seconds before each measured run (default 10)
#   --quick        --warmup 3 --duration 5
#   --only         run only these servers: erlmcp, erlmcp-stateless (2026-07-28, HTTP), java-sdk,
#                  reference
#
# Every run starts a fresh server process on 127.0.0.1, opens its sessions, warms it up with the
# measured settings, measures, and kills it. Results: bench/results/<date>-<host>.json and .md.
#
# Environment (defaults in brackets):
#   ERLMCP_HTTP_CMD   [bin/erlmcp serve --http 127.0.0.1:{PORT} --server hello --journal embedded ...]
#                     {PORT} is replaced. The echo hot path writes nothing to the journal, so the
#                     embedded journal only changes where initialize is stored.
#   ERLMCP_HTTP_URL   [http://127.0.0.1:{PORT}/mcp]
#   ERLMCP_STDIO_CMD  [bin/erlmcp serve --stdio --server hello]
#   ERLMCP_TOOL / ERLMCP_TOOL_ARGS   [echo / {"message":"hello"}]
#   SDK_JAVA_OPTS     JVM options of the Java SDK server [none: JVM defaults]
#   WRK_THREADS [2]  HTTP_CONNECTIONS ["1 50"]  STDIO_CONCURRENCY ["1 50"]  BASE_PORT [18400]
#   HTTP_ONE_SESSION ["50"]  connection counts also run with every connection on ONE session
#                    (transport "http-1session"; the usual HTTP runs give each connection its
#                    own session); empty to skip
#   BENCH_SKIP_BUILD=1  do not run `mvn -pl bench package` first
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

duration=15
warmup=30  # JVM servers (erlmcp, the Java SDK) need about 30 s of load before the JIT settles
only="erlmcp,erlmcp-stateless,java-sdk,reference"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --quick) duration=5; warmup=3; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

WRK_THREADS="${WRK_THREADS:-2}"
HTTP_CONNECTIONS="${HTTP_CONNECTIONS:-1 50}"
HTTP_ONE_SESSION="${HTTP_ONE_SESSION-50}"
STDIO_CONCURRENCY="${STDIO_CONCURRENCY:-1 50}"
BASE_PORT="${BASE_PORT:-18400}"
ERLMCP_TOOL="${ERLMCP_TOOL:-echo}"
default_args='{"message":"hello"}'
ERLMCP_TOOL_ARGS="${ERLMCP_TOOL_ARGS:-$default_args}"

# --- prerequisites (each idempotent) ---------------------------------------------------------
if ! command -v wrk >/dev/null; then
  echo "run.sh: installing wrk (apt)"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
for tool in curl jq java node; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
tools/js/setup.sh --no-conformance
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/target/classpath.txt ]; then
  echo "run.sh: building bench (mvn -pl bench package)"
  mvn -B -q -pl bench package -DskipTests
fi
bench_cp="$root/bench/target/classes:$(cat bench/target/classpath.txt)"
everything="$root/tools/js/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
host="$(hostname -s 2>/dev/null || hostname)"
out_dir="$root/bench/results"
work="$(mktemp -d "${TMPDIR:-/tmp}/erlmcp-bench.XXXXXX")"
mkdir -p "$out_dir"
rows="$work/rows.jsonl"
: >"$rows"
skipped=()
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

# --- helpers ---------------------------------------------------------------------------------
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo -1; }
cpu_s() { awk '{print ($14+$15)/100}' "/proc/$1/stat" 2>/dev/null || echo -1; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# The process to measure: the started one, or its descendant with the largest RSS when the
# command is a wrapper that did not exec its server.
measured_pid() {
  local best="$1" best_rss rss p
  best_rss="$(rss_kib "$1")"
  for p in $(descendants "$1"); do
    rss="$(rss_kib "$p")"
    if [ "${rss:-0}" -gt "${best_rss:-0}" ]; then best="$p"; best_rss="$rss"; fi
  done
  echo "$best"
}
descendants() {
  local c
  for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
next_port() {
  local p="$BASE_PORT"
  while ! port_free "$p"; do p=$((p + 1)); done
  BASE_PORT=$((p + 1))
  echo "$p"
}

# start_http NAME CMD URL LOG: starts CMD (a shell command line) with exec, waits until URL
# answers an initialize (60 s at most). Sets server_pid.
start_http() {
  local name="$1" cmd="$2" url="$3" log="$4" i
  bash -c "exec $cmd" >"$log" 2>&1 &
  server_pid=$!
  for i in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "run.sh: $name exited during start-up; see $log" >&2; tail -5 "$log" >&2; return 1
    fi
    if bench/lib/mcp-sessions.sh "$url" 1 >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "run.sh: $name did not answer initialize on $url within 60 s" >&2
  return 1
}

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# run_http NAME CMD_TEMPLATE URL_TEMPLATE TOOL ARGS CONNECTIONS
run_http() {
  local name="$1" cmd_t="$2" url_t="$3" tool="$4" args="$5" conns="$6"
  local port cmd url log threads pid rss0 rss1 cpu0 cpu1 load0 sessions wrk_out json gen
  port="$(next_port)"
  cmd="${cmd_t//\{PORT\}/$port}"
  url="${url_t//\{PORT\}/$port}"
  local transport=http nsessions="$conns"
  if [ "${ONE_SESSION:-0}" = 1 ]; then transport=http-1session; nsessions=1; fi
  log="$work/$name-$transport-c$conns.log"
  threads=$((conns < WRK_THREADS ? conns : WRK_THREADS))
  echo "== $name $transport c=$conns ($url)"
  if ! start_http "$name" "$cmd" "$url" "$log"; then
    stop_server
    jq -nc --arg s "$name" --arg tr "$transport" --argjson c "$conns" \
      '{server:$s,transport:$tr,concurrency:$c,failed:"server did not start"}' >>"$rows"
    return 0
  fi
  pid="$(measured_pid "$server_pid")"
  rss0="$(rss_kib "$pid")"
  if [ "${STATELESS:-0}" = 1 ]; then
    sessions=stateless # 2026-07-28: no sessions; see bench/lib/mcp-echo.lua
  else
    sessions="$work/sessions-$name-$conns-$nsessions.txt"
    bench/lib/mcp-sessions.sh "$url" "$nsessions" >"$sessions"
  fi
  wrk -t"$threads" -c"$conns" -d"${warmup}s" --timeout 10s -s bench/lib/mcp-echo.lua "$url" \
    -- "$sessions" "$tool" "$args" >"$work/$name-$transport-c$conns.warmup.txt" 2>&1
  cpu0="$(cpu_s "$pid")"
  load0="$(loadavg)"
  wrk_out="$work/$name-$transport-c$conns.wrk.txt"
  /usr/bin/time -f 'GEN_CPU %U %S' -o "$work/gen.txt" \
    wrk -t"$threads" -c"$conns" -d"${duration}s" --timeout 10s -s bench/lib/mcp-echo.lua "$url" \
    -- "$sessions" "$tool" "$args" >"$wrk_out" 2>&1 || true
  cpu1="$(cpu_s "$pid")"
  rss1="$(rss_kib "$pid")"
  gen="$(awk '/^GEN_CPU/{print $2+$3}' "$work/gen.txt")"
  json="$(sed -n 's/^WRK_JSON //p' "$wrk_out")"
  stop_server
  if [ -z "$json" ]; then
    echo "run.sh: wrk produced no result for $name; see $wrk_out" >&2; tail -5 "$wrk_out" >&2
    json='{"failed":"wrk produced no result"}'
  fi
  jq -nc --arg s "$name" --arg tr "$transport" --argjson c "$conns" --argjson w "$json" --argjson r0 "$rss0" \
    --argjson r1 "$rss1" --argjson pid "$pid" --arg c0 "$cpu0" --arg c1 "$cpu1" --arg g "$gen" \
    --arg l "$load0" --argjson wu "$warmup" --argjson t "$threads" \
    '{server:$s,transport:$tr,concurrency:$c,wrk_threads:$t,warmup_s:$wu} + $w
     + {errors:(($w.non2xx//0)+($w.rpc_errors//0)+($w.socket_errors//0)+($w.timeouts//0)),
        server_pid:$pid,rss_before_kib:$r0,rss_after_kib:$r1,
        server_cpu_s:((($c1|tonumber)-($c0|tonumber))*100|round/100),
        generator_cpu_s:($g|tonumber),loadavg_1m_before:($l|tonumber)}' | tee -a "$rows" \
    | jq -r '"   \(.calls_per_s // "-") calls/s  p50 \(.p50_ms // "-") ms  p99 \(.p99_ms // "-") ms  errors \(.errors // "-")"'
}

# run_stdio NAME CMD TOOL ARGS CONCURRENCY [TCP_ADDRESS]: over the server's pipes, or, with a
# TCP address, over one socket to its TCP listener (same newline-delimited framing)
run_stdio() {
  local name="$1" cmd="$2" tool="$3" args="$4" conc="$5" tcp="${6:-}" json load0 transport=stdio
  local tcp_opt=()
  if [ -n "$tcp" ]; then transport=tcp; tcp_opt=(--tcp "$tcp"); fi
  echo "== $name $transport c=$conc"
  load0="$(loadavg)"
  # shellcheck disable=SC2086 # the command line is split into words on purpose
  json="$(java -Xmx256m -cp "$bench_cp" io.erlmcp.bench.StdioLoad --concurrency "$conc" \
    --duration "$duration" --warmup "$warmup" --tool "$tool" --arguments "$args" "${tcp_opt[@]}" \
    --server-log "$work/$name-$transport-c$conc.log" -- bash -c "exec $cmd" 2>"$work/$name-$transport-c$conc.err" | tail -1)" || true
  if [ -z "$json" ]; then
    echo "run.sh: $transport load produced no result for $name; see $work/$name-$transport-c$conc.*" >&2
    json='{"failed":"no result"}'
  fi
  jq -nc --arg s "$name" --argjson c "$conc" --argjson j "$json" --arg l "$load0" --arg t "$transport" \
    '$j + {server:$s,transport:$t,concurrency:$c,loadavg_1m_before:($l|tonumber)}' \
    | tee -a "$rows" \
    | jq -r '"   \(.calls_per_s // "-") calls/s  p50 \(.p50_ms // "-") ms  p99 \(.p99_ms // "-") ms  errors \(.errors // "-")"'
}

# run_ws NAME HTTP_CMD_TEMPLATE TOOL ARGS CONCURRENCY: MCP over WebSocket (io.erlmcp.bench.WsLoad)
run_ws() {
  local name="$1" cmd_t="$2" tool="$3" args="$4" conc="$5" port cmd log pid json load0 rss0 rss1 cpu0 cpu1
  port="$(next_port)"
  cmd="${cmd_t//\{PORT\}/$port}"
  log="$work/$name-websocket-c$conc.log"
  echo "== $name websocket c=$conc"
  if ! start_http "$name" "$cmd" "http://127.0.0.1:$port/mcp" "$log"; then
    stop_server
    jq -nc --arg s "$name" --argjson c "$conc" \
      '{server:$s,transport:"websocket",concurrency:$c,failed:"server did not start"}' >>"$rows"
    return 0
  fi
  pid="$(measured_pid "$server_pid")"
  rss0="$(rss_kib "$pid")"
  cpu0="$(cpu_s "$pid")"
  load0="$(loadavg)"
  json="$(java -Xmx256m -cp "$bench_cp" io.erlmcp.bench.WsLoad --url "ws://127.0.0.1:$port/ws" \
    --concurrency "$conc" --duration "$duration" --warmup "$warmup" --tool "$tool" --arguments "$args" \
    2>"$work/$name-websocket-c$conc.err" | tail -1)" || true
  cpu1="$(cpu_s "$pid")"
  rss1="$(rss_kib "$pid")"
  stop_server
  if [ -z "$json" ]; then
    echo "run.sh: websocket load produced no result for $name; see $work/$name-websocket-c$conc.*" >&2
    json='{"failed":"no result"}'
  fi
  jq -nc --arg s "$name" --argjson c "$conc" --argjson j "$json" --arg l "$load0" \
    --argjson r0 "$rss0" --argjson r1 "$rss1" --arg c0 "$cpu0" --arg c1 "$cpu1" \
    '$j + {server:$s,transport:"websocket",concurrency:$c,loadavg_1m_before:($l|tonumber),
           rss_before_kib:$r0,rss_after_kib:$r1,server_cpu_s:((($c1|tonumber)-($c0|tonumber))*100|round/100)}' \
    | tee -a "$rows" \
    | jq -r '"   \(.calls_per_s // "-") calls/s  p50 \(.p50_ms // "-") ms  p99 \(.p99_ms // "-") ms  errors \(.errors // "-")"'
}

bench_server() {
  local name="$1" http_cmd="$2" url="$3" stdio_cmd="$4" tool="$5" args="$6" c
  case ",$only," in *",$name,"*) ;; *) return 0 ;; esac
  for c in $HTTP_CONNECTIONS; do run_http "$name" "$http_cmd" "$url" "$tool" "$args" "$c"; done
  for c in $HTTP_ONE_SESSION; do
    ONE_SESSION=1 run_http "$name" "$http_cmd" "$url" "$tool" "$args" "$c"
  done
  for c in $STDIO_CONCURRENCY; do run_stdio "$name" "$stdio_cmd" "$tool" "$args" "$c"; done
}

# --- the three servers -------------------------------------------------------------------------
erlmcp_http="${ERLMCP_HTTP_CMD:-}"
erlmcp_stdio="${ERLMCP_STDIO_CMD:-}"
# Defaults kept in variables: a '}' inside ${var:-...} would end the expansion early.
default_erlmcp_http='bin/erlmcp serve --http 127.0.0.1:{PORT} --server hello --journal embedded'
default_erlmcp_http+=" --data-dir $root/var/bench --management off --metrics off"
default_erlmcp_stdio="bin/erlmcp serve --stdio --server hello --data-dir $root/var/bench-stdio"
default_erlmcp_url='http://127.0.0.1:{PORT}/mcp'
if [ -z "$erlmcp_http$erlmcp_stdio" ] && [ ! -x bin/erlmcp ]; then
  case ",$only," in *",erlmcp,"*) echo "erlmcp: not built, skipped"; skipped+=(erlmcp) ;; esac
else
  bench_server erlmcp \
    "${erlmcp_http:-$default_erlmcp_http}" \
    "${ERLMCP_HTTP_URL:-$default_erlmcp_url}" \
    "${erlmcp_stdio:-$default_erlmcp_stdio}" \
    "$ERLMCP_TOOL" "$ERLMCP_TOOL_ARGS"
  # The same server over TCP (erlmcp serve --tcp: newline-delimited JSON-RPC, one socket).
  case ",$only," in *",erlmcp,"*)
    if [ -z "$erlmcp_http$erlmcp_stdio" ]; then
      for c in $STDIO_CONCURRENCY; do
        tcp_port="$(next_port)"
        run_stdio erlmcp "bin/erlmcp serve --tcp 127.0.0.1:$tcp_port --server hello --journal embedded --data-dir $root/var/bench-tcp --management off --metrics off" \
          "$ERLMCP_TOOL" "$ERLMCP_TOOL_ARGS" "$c" "127.0.0.1:$tcp_port"
      done
    fi ;;
  esac
  # The same server over WebSocket (/ws on its HTTP listener: one message per text message).
  case ",$only," in *",erlmcp,"*)
    if [ -z "$erlmcp_http$erlmcp_stdio" ]; then
      for c in $STDIO_CONCURRENCY; do run_ws erlmcp "$default_erlmcp_http" "$ERLMCP_TOOL" "$ERLMCP_TOOL_ARGS" "$c"; done
    fi ;;
  esac
  # The same server and tool over the stateless revision 2026-07-28: no sessions, every POST
  # carries its _meta and the Mcp-Method/Mcp-Name headers (HTTP only; stdio is session-bound).
  case ",$only," in *",erlmcp-stateless,"*)
    for c in $HTTP_CONNECTIONS; do
      STATELESS=1 run_http erlmcp-stateless "${erlmcp_http:-$default_erlmcp_http}" \
        "${ERLMCP_HTTP_URL:-$default_erlmcp_url}" "$ERLMCP_TOOL" "$ERLMCP_TOOL_ARGS" "$c"
    done ;;
  esac
fi

sdk_java="java ${SDK_JAVA_OPTS:-} -cp '$bench_cp' io.erlmcp.bench.SdkEchoServer"
bench_server java-sdk "$sdk_java --http 127.0.0.1:{PORT}" "http://127.0.0.1:{PORT}/mcp" \
  "$sdk_java --stdio" echo '{"message":"hello"}'

bench_server reference \
  "env PORT={PORT} node --require '$root/tools/js/loopback.cjs' '$everything' streamableHttp" \
  "http://127.0.0.1:{PORT}/mcp" "node '$everything' stdio" echo '{"message":"hello"}'

# --- report ------------------------------------------------------------------------------------
mem_mib=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) / 1024 ))
cpu_model="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
base="$out_dir/$stamp-$host"
erlmcp_ran=true
[ ${#skipped[@]} -eq 0 ] || erlmcp_ran=false
jq -s --arg date "$stamp" --arg host "$host" --arg cpu "$cpu_model" --argjson nproc "$(nproc)" \
  --argjson mem "$mem_mib" --argjson d "$duration" --argjson w "$warmup" \
  --arg skipped "${skipped[*]:-}" --argjson erlmcp "$erlmcp_ran" \
  --arg java "$(java -version 2>&1 | head -1)" --arg node "$(node --version)" \
  --arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
  def key: "\(.transport)/\(.concurrency)";
  def rate(a; b): if (a.calls_per_s // 0) > 0 and (b.calls_per_s // 0) > 0
                  then (a.calls_per_s / b.calls_per_s * 100 | round / 100) else null end;
  . as $rows
  | ($rows | map(select(.server == "erlmcp")) | map({(key): .}) | add // {}) as $e
  | ($rows | map(select(.server == "java-sdk")) | map({(key): .}) | add // {}) as $j
  | ($rows | map(select(.server == "reference")) | map({(key): .}) | add // {}) as $r
  | {
      label: (if $erlmcp then "erlmcp vs Java SDK vs reference"
              else "harness check without erlmcp (erlmcp not built)" end),
      date: $date, host: $host, commit: $commit,
      machine: {nproc: $nproc, cpu_model: $cpu, mem_total_mib: $mem, java: $java, node: $node},
      settings: {duration_s: $d, warmup_s: $w, tool: "echo", protocol_version: "2025-11-25",
                 http_generator: "wrk + bench/lib/mcp-echo.lua, as many sessions as connections, used round-robin per request",
                 stdio_generator: "io.erlmcp.bench.StdioLoad"},
      skipped: ($skipped | split(" ") | map(select(. != ""))),
      results: $rows,
      ratios: [($rows | map(key) | unique)[] as $k
               | {run: $k,
                  erlmcp_over_java_sdk: (if $e[$k] and $j[$k] then rate($e[$k]; $j[$k]) else null end),
                  erlmcp_over_reference: (if $e[$k] and $r[$k] then rate($e[$k]; $r[$k]) else null end)}]
    }' "$rows" >"$base.json"
bench/lib/report-md.sh "$base.json" >"$base.md"
cat "$base.md"
echo
echo "run.sh: wrote $base.json and $base.md (logs in $work)"
