#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the API does wrong, and what the user sees: a 429 storm and 5xx
# are waited out, a token that expires mid-mount is refreshed (not
# re-granted), and no error reaches the user; a malformed page, a missing
# field, a huge page or a next_href on another host make that directory
# EIO with one log line naming the URL without its query string, and the
# directory lists again once the API behaves; a looping next_href or
# empty pages still give the whole listing.
. "$(dirname "$0")/lib.sh"
require_fuse

users=
for i in 1 2 3 4 5 6 7 8 9; do users="$users --user u$i:30"; done
# shellcheck disable=SC2086
start_standin $users --token-ttl 3599
# fault JSON|@FILE: arm faults
fault() { curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$1" "$ADMIN_URL/faults" >/dev/null; }
# same_bytes FILE: the file's bytes are the stand-in's original
same_bytes() {
	local id=${1##*[}
	id=${id%%]*}
	cmp -s "$1" <(curl -sf "$ADMIN_URL/tracks/$id/original")
}
faults_off() { curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null; }
grants() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["grants"].get(sys.argv[1], 0))' "$1"; }
# count U DIR: the playable tracks the stand-in has for a listing
count() {
	curl -sf "$ADMIN_URL/users/$1" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for t in d["tracks"] if t["access"] == "playable" and t["sharing"] == "public"))'
}
quiet() { "$@" >/dev/null 2>&1; }
log_lines() { grep -c "$1" "$T/logs/scfs.log"; }

mount_scfs "user=u1:u2:u3:u4:u5:u6:u7:u8:u9,ttl=1" || exit 1

# A 429 storm on every API route (rate-limit body, then bodies with
# Retry-After only, then no body) and a flapping gateway: waited out.
fault '[{"kind":"429","shape":"rate_limit","retry_after":1,"count":3,"route":"api"},
	{"kind":"429","shape":"code","retry_after":1,"count":2,"route":"api"},
	{"kind":"429","shape":"empty","count":2,"route":"download"},
	{"kind":"status","status":503,"count":2,"route":"list"}]'
n=$(ls "$MNT/u1/tracks" 2>"$T/err" | wc -l)
check "a 429 storm and 503s are survived (listed $n)" [ "$n" = "$(count u1)" -a ! -s "$T/err" ]
find "$MNT/u1/tracks" -name '*.wav' -o -name '*.mp3' | sort >"$T/originals"
fault '{"kind":"429","shape":"rate_limit","retry_after":1,"count":2,"route":"download"}'
check "a read during a 429 storm gets every byte" same_bytes "$(sed -n 1p "$T/originals")"
faults_off

# The token expires mid-mount: refreshed with the refresh token.
cc=$(grants client_credentials)
curl -sf -X POST "$ADMIN_URL/tokens/expire" >/dev/null
check "after the token expires, a new directory lists" \
	[ "$(ls "$MNT/u2/tracks" 2>"$T/err" | wc -l)" = "$(count u2)" -a ! -s "$T/err" ]
check "after the token expires, a file reads" same_bytes "$(sed -n 2p "$T/originals")"
check "the token was refreshed" [ "$(grants refresh_token)" -ge 1 ]
check "no new client-credentials grant was needed" [ "$(grants client_credentials)" = "$cc" ]
curl -sf -X POST "$ADMIN_URL/tokens/expire" >/dev/null
sleep 1.2
ls "$MNT/u2/tracks" >/dev/null	# stale: a background refresh with a dead token
for _ in $(seq 50); do [ "$(grants refresh_token)" -ge 2 ] && break; sleep 0.1; done
check "a background refresh renews the token too" [ "$(grants refresh_token)" -ge 2 ]

# Broken pages: EIO for that directory, one line naming the URL.
broken() {	# broken WHAT USER FAULT PATTERN
	local what=$1 u=$2 spec=$3 pattern=$4 before
	before=$(log_lines "$pattern")
	fault "$spec"
	check "$what: the directory is EIO" grep -q "Input/output error" <(ls "$MNT/$u/likes" 2>&1)
	check "$what: one log line naming the URL" \
		[ "$(grep "$pattern" "$T/logs/scfs.log" | grep -c "/users/soundcloud:users:[0-9]*/likes/tracks'")" = $((before + 1)) ]
	check "$what: no query string in the log" fails grep -q 'likes/tracks?' "$T/logs/scfs.log"
	check "$what: the other directories still work" [ -n "$(ls "$MNT/$u/tracks")" ]
	faults_off
	sleep 2.2	# a failed listing is held for 2 s
	check "$what: the directory lists once the API behaves" quiet ls "$MNT/$u/likes"
}
broken "malformed JSON" u3 '{"kind":"status","status":200,"route":"list","path":"likes","body":"{\"collection\":[{\"id\":1,","content_type":"application/json"}' \
	"malformed JSON"
broken "a missing field" u4 '{"kind":"status","status":200,"route":"list","path":"likes","body":"{\"next_href\":null}","content_type":"application/json"}' \
	"malformed JSON or a missing field"
"$PY" -c 'import json, sys; json.dump({"kind": "status", "status": 200, "route": "list", "path": "likes", "content_type": "application/json", "body": "{\"collection\":[],\"pad\":\"" + "x" * (9 << 20) + "\"}"}, open(sys.argv[1], "w"))' "$T/huge.json"
broken "a 9 MiB page" u5 "@$T/huge.json" "larger than"
broken "a next_href on another host" u6 '{"kind":"next_foreign","at":1,"route":"list","path":"likes"}' \
	"not on the API host"
check "scfs is still running" kill -0 "$SCFS_PID"

# Quirks that still give the whole listing.
fault '{"kind":"next_loop","at":1,"route":"list","path":"tracks"}'
check "a looping next_href stops the listing, no error" quiet ls "$MNT/u7/tracks"
check "the loop is logged" grep -q "stops at a repeated page" "$T/logs/scfs.log"
faults_off
fault '[{"kind":"empty_page","at":1,"route":"list","path":"tracks"}]'
check "an empty first page with a next_href is followed" \
	[ "$(ls "$MNT/u8/tracks" | wc -l)" = "$(count u8)" ]
faults_off
check "no token leaked into the log" fails grep -qE 'sat-|srt-|OAuth [A-Za-z0-9]' "$T/logs/scfs.log"
check "no signed URL leaked into the log" fails grep -qE 'Signature=|expires=' "$T/logs/scfs.log"
umount_scfs
finish
