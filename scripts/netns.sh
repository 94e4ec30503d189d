#!/usr/bin/env bash
# Real network partitions for erlmcp multi-JVM tests and drills: one network namespace per node.
#
#   scripts/netns.sh check                 exit 0 if root and netns + iptables work (else prints why)
#   scripts/netns.sh up N                  namespaces for N nodes, Cassandra and a hub bridge
#   scripts/netns.sh down                  remove every namespace, link and rule made by `up`
#   scripts/netns.sh exec NAME CMD...      run CMD in namespace NAME (n1..nN, cass, hub)
#   scripts/netns.sh partition A,B C ...   cut node groups apart, e.g. `partition 1,2 3`
#   scripts/netns.sh ring                  each node sees only its two ring neighbours
#   scripts/netns.sh isolate I             cut node I from all other nodes
#   scripts/netns.sh heal                  remove all partition rules
#   scripts/netns.sh addr NAME             print the address of n1..nN, cass or root
#
# Layout (ERLMCP_NETNS_PREFIX, default emcp; ERLMCP_NETNS_NET, default 10.77.0):
#   namespace <prefix>-hub   bridge br0, one veth end per other namespace; no address
#   namespace <prefix>-nI    eth0 = NET.I/24 (node I), lo
#   namespace <prefix>-cass  eth0 = NET.200/24 (Cassandra)
#   root namespace           <prefix>-root = NET.254/24, so test clients and haproxy reach nodes
# The range exists only on these links: traffic never leaves the machine. Partitions are DROP
# rules in each node namespace's own iptables (chain EMCP-PART), so node<->node traffic is cut
# while clients (root) and Cassandra still reach every node, as when a rack loses its uplink
# between peers but not to the shared database. Nothing is added to the root namespace's firewall.
set -euo pipefail

P="${ERLMCP_NETNS_PREFIX:-emcp}"
NET="${ERLMCP_NETNS_NET:-10.77.0}"
STATE="/run/${P}-netns.nodes"
CHAIN="EMCP-PART"

die() { echo "netns: $*" >&2; exit 1; }

addr() {
  case "$1" in
    cass) echo "$NET.200" ;;
    root) echo "$NET.254" ;;
    n[0-9]*) echo "$NET.${1#n}" ;;
    [0-9]*) echo "$NET.$1" ;;
    *) die "unknown name $1" ;;
  esac
}

nodes() { [[ -f "$STATE" ]] && cat "$STATE" || echo 0; }

ipt() { # ipt NS ARGS... : iptables in namespace NS
  local ns="$1"; shift
  ip netns exec "$P-$ns" iptables -w "$@"
}

ensure_tools() {
  if ! command -v iptables >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
    echo "netns: installing iproute2 iptables" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 iptables) >&2
  fi
}

check() {
  [[ "$(id -u)" == 0 ]] || { echo "not root (network namespaces need root)"; return 1; }
  ensure_tools >/dev/null 2>&1 || true
  command -v ip >/dev/null 2>&1 || { echo "no 'ip' command (iproute2)"; return 1; }
  command -v iptables >/dev/null 2>&1 || { echo "no 'iptables' command"; return 1; }
  local t="$P-probe$$"
  ip netns add "$t" 2>/dev/null || { echo "cannot create network namespaces (ip netns add failed)"; return 1; }
  if ! ip netns exec "$t" iptables -w -L INPUT >/dev/null 2>&1; then
    ip netns del "$t"; echo "iptables does not work inside a network namespace"; return 1
  fi
  ip netns del "$t"
  return 0
}

link() { # link NAME: veth from namespace NAME (eth0) into the hub bridge
  local name="$1" a; a="$(addr "$name")"
  ip link add "$P-$name" type veth peer name "h-$P-$name"
  ip link set "h-$P-$name" netns "$P-hub"
  ip -n "$P-hub" link set "h-$P-$name" master br0 up
  ip link set "$P-$name" netns "$P-$name"
  ip -n "$P-$name" link set "$P-$name" name eth0
  ip -n "$P-$name" addr add "$a/24" dev eth0
  ip -n "$P-$name" link set eth0 up
  ip -n "$P-$name" link set lo up
}

up() {
  local n="$1" i
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 && "$n" -le 9 ]] || die "up needs 1..9 nodes"
  ensure_tools
  down 2>/dev/null || true
  ip netns add "$P-hub"
  ip -n "$P-hub" link add br0 type bridge
  ip -n "$P-hub" link set br0 up
  ip -n "$P-hub" link set lo up
  for i in $(seq 1 "$n"); do ip netns add "$P-n$i"; link "n$i"; done
  ip netns add "$P-cass"; link cass
  # The root namespace's door into the hub: test clients, haproxy.
  ip link add "$P-root" type veth peer name "h-$P-root"
  ip link set "h-$P-root" netns "$P-hub"
  ip -n "$P-hub" link set "h-$P-root" master br0 up
  ip addr add "$(addr root)/24" dev "$P-root"
  ip link set "$P-root" up
  for i in $(seq 1 "$n"); do
    ipt "n$i" -N "$CHAIN"
    ipt "n$i" -I INPUT -j "$CHAIN"
    ipt "n$i" -I OUTPUT -j "$CHAIN"
  done
  echo "$n" > "$STATE"
  echo "netns: up: $n nodes at $NET.1..$NET.$n, cassandra $(addr cass), root $(addr root)" >&2
}

down() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-(hub|cass|n[0-9]+)$" || true); do
    # Processes left in the namespace would keep it alive: kill them first.
    for pid in $(ip netns pids "$ns" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del "$P-root" 2>/dev/null || true
  rm -f "$STATE"
}

heal() {
  local i n; n="$(nodes)"
  for i in $(seq 1 "$n"); do ipt "n$i" -F "$CHAIN"; done
}

cut() { # cut I J: drop both ways between node I and node J (rules on both sides)
  local i="$1" j="$2"
  ipt "n$i" -A "$CHAIN" -s "$(addr "$j")" -j DROP
  ipt "n$i" -A "$CHAIN" -d "$(addr "$j")" -j DROP
  ipt "n$j" -A "$CHAIN" -s "$(addr "$i")" -j DROP
  ipt "n$j" -A "$CHAIN" -d "$(addr "$i")" -j DROP
}

group_of() { # group_of I GROUPS...: index of the group holding node I, or -1
  local i="$1"; shift; local g=0 grp
  for grp in "$@"; do
    if [[ ",$grp," == *",$i,"* ]]; then echo "$g"; return; fi
    g=$((g + 1))
  done
  echo -1
}

partition() {
  local n i j gi gj; n="$(nodes)"
  [[ "$n" -ge 2 ]] || die "not up"
  heal
  for i in $(seq 1 "$n"); do
    for j in $(seq $((i + 1)) "$n"); do
      gi="$(group_of "$i" "$@")"; gj="$(group_of "$j" "$@")"
      if [[ "$gi" != "$gj" ]]; then cut "$i" "$j"; fi
    done
  done
  echo "netns: partitioned: $*" >&2
}

ring() {
  local n i j d; n="$(nodes)"
  heal
  for i in $(seq 1 "$n"); do
    for j in $(seq $((i + 1)) "$n"); do
      d=$((j - i))
      if [[ "$d" -ne 1 && "$d" -ne $((n - 1)) ]]; then cut "$i" "$j"; fi
    done
  done
  echo "netns: ring of $n" >&2
}

isolate() {
  local n="$(nodes)" k="$1" rest=() i
  for i in $(seq 1 "$n"); do [[ "$i" != "$k" ]] && rest+=("$i"); done
  partition "$k" "$(IFS=,; echo "${rest[*]}")"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  check) check ;;
  up) up "${1:?up N}" ;;
  down) down ;;
  exec) ns="${1:?exec NAME CMD}"; shift; exec ip netns exec "$P-$ns" "$@" ;;
  partition) partition "$@" ;;
  ring) ring ;;
  isolate) isolate "${1:?isolate I}" ;;
  heal) heal; echo "netns: healed" >&2 ;;
  addr) addr "${1:?addr NAME}" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
