#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# netns.sh up|down [DELAY_MS]: a far origin for the read benchmarks.  A
# network namespace (rdbench, 10.199.81.2) joined to this one (10.199.81.1)
# by bench/delayline.c, which holds every packet DELAY_MS (default 20) each
# way: a 2 x DELAY_MS round trip with real TCP on it.  The kernel has no
# sch_netem, hence the user-space line.  Needs root.  Prints nothing on
# success; `down` undoes everything `up` did and never fails.
# Another benchmark can own a second line by setting NETNS_NAME,
# NETNS_HOST_DEV, NETNS_DEV, NETNS_HOST_IP, NETNS_IP and RDBENCH_STATE.
set -u
NS=${NETNS_NAME:-rdbench} HOST_DEV=${NETNS_HOST_DEV:-rdtun0} NS_DEV=${NETNS_DEV:-rdtun1}
HOST_IP=${NETNS_HOST_IP:-10.199.81.1} NS_IP=${NETNS_IP:-10.199.81.2}
STATE=${RDBENCH_STATE:-/tmp/rdbench-netns}
HERE=$(cd "$(dirname "$0")" && pwd)

down() {
	[ -f "$STATE/pid" ] && kill "$(cat "$STATE/pid")" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$STATE"
	return 0
}

up() {
	local delay=${1:-20}
	down
	mkdir -p "$STATE"
	cc -O2 -pthread -o "$STATE/delayline" "$HERE/delayline.c" || return 1
	ip netns add "$NS" || return 1
	ip -n "$NS" link set lo up
	"$STATE/delayline" "$NS" "$HOST_DEV" "$NS_DEV" "$delay" >"$STATE/out" 2>&1 &
	echo $! >"$STATE/pid"
	for _ in $(seq 1 50); do grep -q ready "$STATE/out" 2>/dev/null && break; sleep 0.1; done
	grep -q ready "$STATE/out" || { cat "$STATE/out"; down; return 1; }
	# 64 KiB packets: few enough per second for one thread each way.
	ip link set "$HOST_DEV" mtu 65000 up &&
	ip addr add "$HOST_IP/30" dev "$HOST_DEV" &&
	ip -n "$NS" link set "$NS_DEV" mtu 65000 up &&
	ip -n "$NS" addr add "$NS_IP/30" dev "$NS_DEV" || { down; return 1; }
}

case "${1:-}" in
up) shift; up "$@" ;;
down) down ;;
*) echo "usage: $0 up [DELAY_MS] | down" >&2; exit 2 ;;
esac
