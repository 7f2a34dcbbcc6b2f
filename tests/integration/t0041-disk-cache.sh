#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The on-disk cache (-o disk_cache=DIR,disk_cache_size=SIZE): tracks read
# once are read again after a remount without a byte from the CDN, and
# exactly; block files are private; a corrupt block is fetched again (and
# only it); the cap holds (du of the directory <= the cap) while a track
# larger than it is read, byte for byte.
. "$(dirname "$0")/lib.sh"
require_fuse

cat >"$T/fixture.json" <<'JSON'
{"users": [{"id": 1001, "permalink": "band", "tracks": [
  {"id": 4002, "title": "Short", "size": 300001, "format": "mp3"},
  {"id": 4003, "title": "Stream only", "downloadable": false, "init_size": 1500,
   "segment_sizes": [100000, 65536, 98304, 131072, 4000, 99999, 120000, 77777,
                     100000, 100001, 90000, 3333]},
  {"id": 4005, "title": "Eight", "size": 8388608, "format": "wav"}
]}]}
JSON
start_standin --fixture "$T/fixture.json"
D=$MNT/band/tracks
DC=$T/disk-cache

stats_reset() { curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null; }
# route_bytes ROUTE: body bytes the CDN sent on a route since the reset
route_bytes() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routes"].get(sys.argv[1], {}).get("bytes", 0))' "$1"; }
file_of() { ls "$D"/*"[$1]".*; }
remount() { umount_scfs; mount_scfs "user=band,$1" || exit 1; }
curl -sf "$ADMIN_URL/tracks/4002/original" -o "$T/ref-4002"
curl -sf "$ADMIN_URL/tracks/4005/original" -o "$T/ref-4005"
curl -sf "$ADMIN_URL/tracks/4003/hls" -o "$T/ref-4003"

OPTS="disk_cache=$DC,disk_cache_size=64M"
mount_scfs "user=band,$OPTS" || exit 1
for id in 4002 4003; do
	cat "$(file_of $id)" >"$T/copy-$id"
	check "track $id read through the disk cache is exact" cmp -s "$T/copy-$id" "$T/ref-$id"
done
check "the disk cache directory is private (0700)" [ "$(stat -c %a "$DC")" = 700 ]
check "block files are there, and every one is 0600" \
	[ "$(find "$DC" -name '*.blk' | wc -l)" -gt 0 -a -z "$(find "$DC" -name '*.blk' ! -perm 0600)" ]

remount "$OPTS"
stats_reset
for id in 4002 4003; do
	cat "$(file_of $id)" >"$T/copy-$id"
	check "after a remount, track $id is exact" cmp -s "$T/copy-$id" "$T/ref-$id"
done
got=$(route_bytes cdn_original)
check "after a remount, the original came from the disk ($got CDN bytes)" [ "$got" = 0 ]
# Opening an HLS track still fetches its playlist (a few hundred bytes).
got=$(route_bytes cdn_hls)
check "after a remount, no HLS segment came from the CDN ($got bytes: the playlist)" \
	[ "$got" -lt 4096 ]

# A block damaged on disk is detected and fetched again, and only it.
umount_scfs
blk=$(find "$DC" -name '*.blk' -size +200k | head -1)
"$PY" -c 'import sys; f=open(sys.argv[1], "r+b"); f.seek(5000); b=f.read(1); f.seek(5000); f.write(bytes([b[0] ^ 0x40]))' "$blk"
mount_scfs "user=band,$OPTS" || exit 1
stats_reset
for id in 4002 4003; do
	cat "$(file_of $id)" >"$T/copy-$id"
	check "with a corrupt block on disk, track $id is exact" cmp -s "$T/copy-$id" "$T/ref-$id"
done
got=$(( $(route_bytes cdn_original) + $(route_bytes cdn_hls) ))
check "only the corrupt block was fetched again ($got bytes)" [ "$got" -gt 0 -a "$got" -le $((262144 + 4096)) ]

# The cap holds while a track four times its size is read.
remount "disk_cache=$DC,disk_cache_size=2M"
check "du of the cache is within the 2 MiB cap at start ($(du -sB1 "$DC" | cut -f1))" \
	[ "$(du -sB1 "$DC" | cut -f1)" -le 2097152 ]
cat "$(file_of 4005)" >"$T/copy-4005"
check "an 8 MiB track through a 2 MiB disk cache is exact" cmp -s "$T/copy-4005" "$T/ref-4005"
check "du of the cache is within the cap after it ($(du -sB1 "$DC" | cut -f1))" \
	[ "$(du -sB1 "$DC" | cut -f1)" -le 2097152 ]
check "no temporary files are left behind" [ -z "$(find "$DC" -name 'tmp-*')" ]
check "the daemon logged no error" fails grep -qi "error\|cannot" "$T/logs/scfs.log"
umount_scfs
finish
