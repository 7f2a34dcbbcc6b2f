#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/upload-rtt.sh [RUNS]: bench/upload.sh with the origin 40 ms away.
# The origin (nginx) runs in its own network namespace (s3rtt, 10.199.82.2)
# joined to this one by bench/delayline.c holding every packet 20 ms each
# way (the kernel has no sch_netem); S3 stays on loopback, as in PEERS.md.
# Own namespace and addresses, so it never disturbs bench/netns.sh's
# (each can be overridden, as netns.sh's, to run two benches at once).
# Needs root.  Defaults to the 256 MiB object, as the peers' rtt40 row.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export NETNS_NAME=${NETNS_NAME:-s3rtt} NETNS_HOST_DEV=${NETNS_HOST_DEV:-s3rtt0}
export NETNS_DEV=${NETNS_DEV:-s3rtt1} NETNS_HOST_IP=${NETNS_HOST_IP:-10.199.82.1}
export NETNS_IP=${NETNS_IP:-10.199.82.2} RDBENCH_STATE=${RDBENCH_STATE:-/tmp/scfs-bench-s3rtt}
NS=$NETNS_NAME NS_IP=$NETNS_IP
"$HERE/netns.sh" up 20 || exit 1
trap '"$HERE/netns.sh" down' EXIT
ORIGIN_NETNS=$NS ORIGIN_ADDR=$NS_IP ORIGIN_DIR=${ORIGIN_DIR:-/dev/shm/scfs-bench-origin-rtt} \
	SIZES=${SIZES:-256m} TOOLS=${TOOLS:-"sc2s3 aws copyurl rcat"} OUT=${OUT:-/tmp/scfs-bench-upload-rtt} \
	"$HERE/upload.sh" "${1:-3}"
