#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The first read of an original reuses the signed CDN URL the listing's
# size probe got: no /download round trip before the first byte.  A URL
# the CDN refuses is renewed through the API and the bytes are exact; when
# sizes come from the metadata cache (no probe, no URL) the read asks the
# API as before.  Opening an HLS track just probed reuses the probe's
# offset map: no HEAD and no playlist before the first byte.
. "$(dirname "$0")/lib.sh"
require_fuse

cat >"$T/fixture.json" <<'JSON'
{"users": [{"id": 1001, "permalink": "band", "tracks": [
  {"id": 4002, "title": "Short", "size": 300001, "format": "mp3"},
  {"id": 4006, "title": "Other", "size": 123457, "format": "wav"},
  {"id": 4007, "title": "Stream", "downloadable": false,
   "hls_segments": 40, "segment_size": 98304},
  {"id": 4008, "title": "Stream two", "downloadable": false,
   "hls_segments": 30, "segment_size": 65536}
]}]}
JSON
start_standin --fixture "$T/fixture.json"
D=$MNT/band/tracks

fault() { curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$1" "$ADMIN_URL/faults" >/dev/null; }
faults_off() { curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null; }
stats_reset() { curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null; }
# route_requests ROUTE: requests on a route since the reset
route_requests() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routes"].get(sys.argv[1], {}).get("requests", 0))' "$1"; }
file_of() { ls "$D"/*"[$1]".*; }
for id in 4002 4006; do curl -sf "$ADMIN_URL/tracks/$id/original" -o "$T/ref-$id"; done
for id in 4007 4008; do curl -sf "$ADMIN_URL/tracks/$id/hls" -o "$T/ref-$id"; done

mount_scfs "user=band" || exit 1
ls "$D" >/dev/null		# the listing probes every size
stats_reset
head -c 4096 "$(file_of 4002)" >"$T/head-4002"
check "the first 4 KiB of a cold file are exact" cmp -s "$T/head-4002" <(head -c 4096 "$T/ref-4002")
n=$(route_requests download)
check "the first read asked the API for no URL ($n /download requests)" [ "$n" = 0 ]
check "and went to the CDN" [ "$(route_requests cdn_original)" -ge 1 ]
cat "$(file_of 4002)" >"$T/copy-4002"
check "the whole file is exact" cmp -s "$T/copy-4002" "$T/ref-4002"

stats_reset
before=$(wc -l <"$T/logs/standin.jsonl")
head -c 4096 "$(file_of 4007)" >"$T/head-4007"
check "the first 4 KiB of a cold HLS track are exact" cmp -s "$T/head-4007" <(head -c 4096 "$T/ref-4007")
n=$(( $(route_requests streams) + $(route_requests stream) ))
check "opening it asked the API for no playlist ($n requests)" [ "$n" = 0 ]
n=$(tail -n +$((before + 1)) "$T/logs/standin.jsonl" | grep '"route":"cdn_hls"' | grep -c '"method":"HEAD"\|m3u8')
check "and sent the CDN no HEAD and no playlist GET, only reads ($n)" [ "$n" = 0 ]
cat "$(file_of 4007)" >"$T/copy-4007"
check "the whole HLS track is exact" cmp -s "$T/copy-4007" "$T/ref-4007"

# Every URL issued so far refused: the probe's URL is renewed once.
fault '{"kind":"expire","issued_before":"now"}'
stats_reset
cat "$(file_of 4006)" >"$T/copy-4006"
check "with the probe's URL refused, the file is exact" cmp -s "$T/copy-4006" "$T/ref-4006"
n=$(route_requests download)
check "and its URL was renewed through the API once ($n)" [ "$n" = 1 ]
before=$(wc -l <"$T/logs/standin.jsonl")
cat "$(file_of 4008)" >"$T/copy-4008"
check "with the probe's HLS URLs refused, the HLS track is exact" cmp -s "$T/copy-4008" "$T/ref-4008"
n=$(tail -n +$((before + 1)) "$T/logs/standin.jsonl" | grep '"route":"cdn_hls"' | grep -c '"status":403')
check "(the CDN did refuse them: $n)" [ "$n" -ge 1 ]
faults_off

# Sizes from the metadata cache: no probe, so the API gives the URL.
umount_scfs
mount_scfs "user=band" || exit 1
ls "$D" >/dev/null
stats_reset
cat "$(file_of 4002)" >"$T/copy-4002"
check "with sizes from the metadata cache, the file is exact" cmp -s "$T/copy-4002" "$T/ref-4002"
n=$(route_requests download)
check "and its URL came from the API ($n /download request)" [ "$n" = 1 ]
check "no signed URL reached the log" fails grep -q "sig=\|Signature=\|[?&]Expires=" "$T/logs/scfs.log"
umount_scfs
finish
