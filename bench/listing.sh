#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/listing.sh [BUILD_DIR]: how long `ls -l` of a 1,000-track user takes
# on the local stand-in: the first listing (API pages and size probes), a
# second one within ttl (memory only), and the first after a remount (API
# pages, sizes from the metadata cache).  Each figure is the median of
# RUNS runs (default 3), each with a fresh cache directory.
#
# PROBES="1 8" runs the whole set once per probe_concurrency value, to see
# what parallel probes buy.  LATENCY_MS adds that much latency to every
# stand-in answer (API and CDN), closer to a real network than loopback.
# Needs /dev/fuse, fusermount3 and python3; prints one line per figure.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-${SCFS_BUILD_DIR:-$SRC/build}}
SCFS=$BUILD/src/scfs
RUNS=${RUNS:-3}
TRACKS=${TRACKS:-1000}
PROBES=${PROBES:-8}
LATENCY_MS=${LATENCY_MS:-0}
PY=/usr/bin/python3

[ -x "$SCFS" ] || { echo "no scfs in $BUILD (build first)" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/scfs-bench.XXXXXX")
STANDIN_PID=
SCFS_PID=
cleanup() {
	fusermount3 -u -z "$W/mnt" 2>/dev/null
	[ -n "$SCFS_PID" ] && kill "$SCFS_PID" 2>/dev/null
	[ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/mnt"

"$PY" "$SRC/contrib/sc-standin/standin.py" --port-file "$W/port" \
	--user "big:$TRACKS" >"$W/standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
get() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$W/port" "$1"; }
API=$(get api_url)
ADMIN=$(get admin_url)
export SOUNDCLOUD_CLIENT_ID SOUNDCLOUD_CLIENT_SECRET
SOUNDCLOUD_CLIENT_ID=$(get client_id)
SOUNDCLOUD_CLIENT_SECRET=$(get client_secret)
if [ "$LATENCY_MS" != 0 ]; then
	curl -sf -X POST -H 'Content-Type: application/json' \
		--data "{\"kind\":\"latency\",\"ms\":$LATENCY_MS,\"route\":\"any\"}" \
		"$ADMIN/faults" >/dev/null || { echo "cannot arm latency" >&2; exit 1; }
fi

mount_it() {	# mount_it CACHE PROBES
	"$SCFS" -f -o "api_url=$API,auth_url=$API/oauth/token,cache_dir=$1,user=big,ttl=3600,probe_concurrency=$2" \
		"$W/mnt" >>"$W/scfs.log" 2>&1 &
	SCFS_PID=$!
	for _ in $(seq 300); do mountpoint -q "$W/mnt" && return 0; sleep 0.05; done
	echo "scfs did not mount; see $W/scfs.log" >&2
	exit 1
}
umount_it() { fusermount3 -u "$W/mnt"; wait "$SCFS_PID"; SCFS_PID=; }
# secs COMMAND...: wall time of the command in seconds (3 decimals)
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	"$PY" -c "print('%.3f' % ($t1 - $t0))"
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for p in $PROBES; do
	first=() second=() remount=()
	for r in $(seq "$RUNS"); do
		cache=$W/cache-$p-$r
		mount_it "$cache" "$p"
		first+=("$(secs ls -l "$W/mnt/big/tracks")")
		second+=("$(secs ls -l "$W/mnt/big/tracks")")
		umount_it
		mount_it "$cache" "$p"
		remount+=("$(secs ls -l "$W/mnt/big/tracks")")
		umount_it
	done
	echo "listing a user of $TRACKS tracks, probe_concurrency=$p, latency ${LATENCY_MS} ms, median of $RUNS:" \
		"first ls -l $(median "${first[@]}") s," \
		"second ls -l $(median "${second[@]}") s," \
		"after remount $(median "${remount[@]}") s"
done
