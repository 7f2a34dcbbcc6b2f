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
HERE=$(cd "$(dirname "$0")" && pwd)
export NETNS_NAME=s3rtt NETNS_HOST_DEV=s3rtt0 NETNS_DEV=s3rtt1
export NETNS_HOST_IP=10.199.82.1 NETNS_IP=10.199.82.2 RDBENCH_STATE=/tmp/scfs-bench-s3rtt
NS=$NETNS_NAME NS_IP=$NETNS_IP
"$HERE/netns.sh" up 20 || exit 1
trap '"$HERE/netns.sh" down' EXIT
ORIGIN_NETNS=$NS ORIGIN_ADDR=$NS_IP ORIGIN_DIR=${ORIGIN_DIR:-/dev/shm/scfs-bench-origin-rtt} \
	SIZES=${SIZES:-256m} TOOLS=${TOOLS:-"sc2s3 aws copyurl rcat"} OUT=${OUT:-/tmp/scfs-bench-upload-rtt} \
	"$HERE/upload.sh" "${1:-3}"
