#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A user of 1,000 tracks: the first `ls -l` lists every playable track with
# its exact size (originals against the stand-in's bytes, HLS renditions
# against init + segments); a second `ls -l` within ttl asks the API
# nothing; after unmount and remount `ls -l` costs the resolve and the five
# pages only, no probe and no token, and gives the same names.
. "$(dirname "$0")/lib.sh"
require_fuse

start_standin --user big:1000
stats() { curl -sf "$ADMIN_URL/stats"; }
# field EXPR: a value from the stats JSON on stdin (0 when absent)
field() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {"d": d, "r": d.get("routes", {})}))' "$1"; }
route() { field "r.get('$1', {}).get('requests', 0)"; }

# What the stand-in has: id, source, exact size of every listable track.
curl -sf "$ADMIN_URL/users/big" | "$PY" -c '
import json, sys
for t in json.load(sys.stdin)["tracks"]:
    if t["access"] != "playable" or t["sharing"] != "public":
        continue
    if t["downloadable"]:
        print(t["id"], "original", t["size"])
    else:
        print(t["id"], "hls", t["hls_size"])
' | sort >"$T/expected"
check "the stand-in has 858 playable tracks" [ "$(wc -l <"$T/expected")" = 858 ]

mount_scfs "user=big,ttl=600" || exit 1
D=$MNT/big/tracks
curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
ls -l "$D" >"$T/ls1" || not_ok "the first ls -l fails"
stats >"$T/stats1"
# id, source, size of what the mount shows
(cd "$D" && for f in *; do
	id=${f##*[}; id=${id%%]*}
	src=original; case "$f" in *.m4a) src=hls ;; esac
	echo "$id $src $(stat -c %s "$f")"
done) | sort >"$T/listed"
check "858 files are listed" [ "$(wc -l <"$T/listed")" = 858 ]
check "the listing has the same tracks and sources" \
	diff <(cut -d' ' -f1,2 "$T/expected") <(cut -d' ' -f1,2 "$T/listed")
check "every original's size is exact" \
	diff <(grep original "$T/expected") <(grep original "$T/listed")
check "every HLS rendition's size is exact (init + segments)" \
	diff <(grep ' hls ' "$T/expected") <(grep ' hls ' "$T/listed")
check "the first listing reads 5 pages" [ "$(route list <"$T/stats1")" = 5 ]
check "the first listing probes each original once" \
	[ "$(route download <"$T/stats1")" = "$(grep -c original "$T/expected")" ]

curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
ls -l "$D" >"$T/ls2"
n2=$(stats | field 'd["requests"]')
check "a second ls -l within ttl makes no request (made $n2)" [ "$n2" = 0 ]
check "a second ls -l shows the same" diff "$T/ls1" "$T/ls2"
umount_scfs

curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
mount_scfs "user=big,ttl=600" || exit 1
ls -l "$D" >"$T/ls3"
stats >"$T/stats3"
n3=$(field 'd["requests"]' <"$T/stats3")
check "a remount lists with at most 6 requests (made $n3)" [ "$n3" -le 6 ]
check "a remount makes no probe" \
	[ "$(route download <"$T/stats3")$(route cdn_original <"$T/stats3")$(route streams <"$T/stats3")" = 000 ]
check "a remount reuses the stored token" [ "$(route token <"$T/stats3")" = 0 ]
check "a remount shows the same names and sizes" \
	diff <(awk '{print $5, $NF}' "$T/ls1") <(awk '{print $5, $NF}' "$T/ls3")
check "find counts every file" [ "$(find "$MNT/big/tracks" -type f | wc -l)" = 858 ]
umount_scfs
finish
