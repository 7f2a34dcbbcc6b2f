#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/upload-rtt.sh [RUNS]: bench/upload.sh with the origin 40 ms away.
# The origin (nginx) runs in its own network namespace (s3rtt, 10.199.82.2)
# joined to this one by bench/delayline.c holding every packet 20 ms each
# way (the kernel has no sch_netem); S3 stays on loopback, as in PEERS.md.
# Own namespace and addresses, so it never disturbs bench/netns.sh's.
# Needs root.  Defaults to the 256 MiB object, as the peers' rtt40 row.
set -u
NS=s3rtt HOST_DEV=s3rtt0 NS_DEV=s3rtt1 HOST_IP=10.199.82.1 NS_IP=10.199.82.2
STATE=/tmp/scfs-bench-s3rtt
HERE=$(cd "$(dirname "$0")" && pwd)
down() {
	[ -f "$STATE/pid" ] && kill "$(cat "$STATE/pid")" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$STATE"
	return 0
}
down
mkdir -p "$STATE"
cc -O2 -pthread -o "$STATE/delayline" "$HERE/delayline.c" || exit 1
ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up
"$STATE/delayline" "$NS" "$HOST_DEV" "$NS_DEV" 20 >"$STATE/out" 2>&1 &
echo $! >"$STATE/pid"
trap down EXIT
for _ in $(seq 1 50); do grep -q ready "$STATE/out" 2>/dev/null && break; sleep 0.1; done
ip link set "$HOST_DEV" mtu 65000 up && ip addr add "$HOST_IP/30" dev "$HOST_DEV" &&
	ip -n "$NS" link set "$NS_DEV" mtu 65000 up && ip -n "$NS" addr add "$NS_IP/30" dev "$NS_DEV" ||
	exit 1
ping -c 2 -q "$NS_IP" | tail -1 >&2
ORIGIN_NETNS=$NS ORIGIN_ADDR=$NS_IP ORIGIN_DIR=${ORIGIN_DIR:-/dev/shm/scfs-bench-origin-rtt} \
	SIZES=${SIZES:-256m} TOOLS=${TOOLS:-"sc2s3 aws copyurl rcat"} OUT=${OUT:-/tmp/scfs-bench-upload-rtt} \
	"$HERE/upload.sh" "${1:-3}"
