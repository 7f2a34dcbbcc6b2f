#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 sync straight from a SoundCloud user (no mount): the first run
# copies every original byte-identical, a second run (either form of the
# user, or the mount) sends no PUT, objects made from the mount are found
# unchanged and the other way round, one track gone and one new upstream
# make a --delete run copy one and delete one, a 429 storm is waited out
# with the wait shown and shared with another process through the cache
# directory, and malformed or unknown users exit 2 with their name.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"
require_fuse
ensure_s3
B=$(new_bucket)
proxy_start

start_standin --fixture "$SRC/tests/fixtures/sc/sync.json"
USER_URL=https://soundcloud.com/band
USER_URN=soundcloud:users:1201
sync_to() {	# sync_to SRC PREFIX ARGS...: sets RC; output in $T/out, $T/err
	local src=$1 prefix=$2
	shift 2
	"$SC2S3" sync "$src" "s3://$B/$prefix" --endpoint-url "$PROXY_URL" \
		--api-url "$API_URL" --auth-url "$AUTH_URL" --cache-dir "$T/cache" "$@" \
		>"$T/out" 2>"$T/err"
	RC=$?
}
puts_since_mark() {
	proxy_q 'len([e for e in E if e["op"] in ("PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload")])'
}
# same_as_upstream PREFIX N: every object under PREFIX equals the
# stand-in's original of the track its name carries, and there are N.
same_as_upstream() {
	local f id same=0 n=0
	rm -rf "$T/back" && mkdir -p "$T/back"
	aws_s3 s3 cp --recursive "s3://$B/$1" "$T/back" --quiet || return 1
	for f in "$T"/back/*; do
		n=$((n + 1))
		id=$(basename "$f" | sed -n 's/.*\[\([0-9]*\)\]\.[a-z0-9]*$/\1/p')
		curl -sf "$ADMIN_URL/tracks/$id/original" -o "$T/upstream" &&
			cmp -s "$f" "$T/upstream" && same=$((same + 1))
	done
	say "$same of $n objects under $1 equal their track's original"
	[ "$same" = "$2" ] && [ "$n" = "$2" ]
}
# requests_in_pauses SINCE LIST_S OTHER_S: API requests the stand-in
# answered after SINCE while a 429 it sent earlier still held (its
# Retry-After: LIST_S seconds on listings, OTHER_S elsewhere).
requests_in_pauses() {
	"$PY" - "$T/logs/standin.jsonl" "$@" <<'PYEOF'
import json, sys
log, since, list_s, other_s = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
E = [json.loads(l) for l in open(log) if l.strip()]
E = [e for e in E if e["t"] >= since and e["origin"] == "api"]
bad = 0
for e in E:
    if e["status"] == 429:
        until = e["t"] + (list_s if e["route"] == "list" else other_s)
        bad += sum(1 for o in E if e["t"] + 0.05 < o["t"] < until - 0.05)
print(bad)
PYEOF
}
meta_of() {	# meta_of KEY: Content-Type and x-amz-meta-* of an object
	aws_s3 s3api head-object --bucket "$B" --key "$1" \
		--query '[ContentType, Metadata]' --output json | tr -d ' \n'
}

# Bad input first: nothing is listed or copied.
sync_to "soundcloud:users:notanumber" band/
check "soundcloud:users:notanumber exits 2 (got $RC)" [ $RC = 2 ]
check "and says what is expected" grep -q "soundcloud:users:notanumber.*expected" "$T/err"
sync_to "https://soundcloud.com/nosuchband" band/
check "an unknown user exits 2 (got $RC)" [ $RC = 2 ]
check "and the message names the user" grep -q "nosuchband" "$T/err"
sync_to "https://example.com/band" band/
check "another URL exits 2 (got $RC)" [ $RC = 2 ]

sync_to "$USER_URL" band/ --dry-run
check "--dry-run exits 0" [ $RC = 0 ]
check "--dry-run plans 30 copies" [ "$(grep -c "^would copy" "$T/out")" = 30 ]
check "--dry-run copies nothing" [ "$(aws_s3 s3 ls --recursive "s3://$B/" | wc -l)" = 0 ]

sync_to "$USER_URL" band/ --jobs 4
check "first sync exits 0 ($(tail -n 1 "$T/err"))" [ $RC = 0 ]
check "first sync copies 30" grep -q "^sync: 30 copied, 0 skipped, 0 deleted, 0 failed" "$T/err"
check "the stream is skipped with a note" grep -q "skipping.*Radio Edit.*not an original" "$T/err"
check "every object equals its track's original" same_as_upstream band/ 30

proxy_mark
curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
sync_to "$USER_URN" band/
check "second sync (by URN) exits 0" [ $RC = 0 ]
check "second sync copies nothing" grep -q "^sync: 0 copied, 30 skipped" "$T/err"
check "second sync sends no PUT (got $(puts_since_mark))" [ "$(puts_since_mark)" = 0 ]
check "second sync lists the prefix once (no HEAD per object)" \
	[ "$(proxy_q 'len([e for e in E if e["method"] == "GET" and "prefix=" in (e.get("query") or "")])'),$(proxy_q 'len([e for e in E if e["method"] == "HEAD"])')" = "1,0" ]
downloads=$(curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["routes"]; print(sum(r.get(k, {}).get("requests", 0) for k in ("download", "cdn_original", "cdn")))')
check "second sync probes no track (the cache directory knows them; got $downloads)" [ "$downloads" = 0 ]

# The mount and the API make the same objects.
mount_scfs "user=band" || exit 1
D=$MNT/band/tracks
proxy_mark
"$SC2S3" sync "$D" "s3://$B/band/" --endpoint-url "$PROXY_URL" >"$T/out" 2>"$T/err"
check "a sync from the mount finds the API's objects unchanged" grep -q "^sync: 0 copied, 30 skipped" "$T/err"
"$SC2S3" sync "$D" "s3://$B/mnt/" --endpoint-url "$PROXY_URL" --quiet 2>"$T/err"
check "a sync from the mount into another prefix exits 0" [ $? = 0 ]
umount_scfs
proxy_mark
sync_to "$USER_URL" mnt/
check "a sync from the API finds the mount's objects unchanged" grep -q "^sync: 0 copied, 30 skipped" "$T/err"
check "and sends no PUT (got $(puts_since_mark))" [ "$(puts_since_mark)" = 0 ]
k=$(cd "$T/back" && ls | grep '\[4002\]')
check "objects from the mount and the API carry the same type and metadata" \
	[ "$(meta_of "band/$k")" = "$(meta_of "mnt/$k")" ]
check "x-amz-meta-sc-urn, -source and -size are set" \
	sh -c "echo '$(meta_of "band/$k")' | grep -q 'sc-urn\":\"soundcloud:tracks:4002.*' "

# Upstream: one track gone, one new.
gone=$(cd "$T/back" && ls | grep '\[4003\]')
curl -sf -X DELETE "$ADMIN_URL/tracks/4003" >/dev/null || not_ok "admin delete"
curl -sf -X POST "$ADMIN_URL/users/band/tracks" \
	-d '{"id": 4100, "title": "New Song", "format": "wav", "size": 33333}' >/dev/null || not_ok "admin add"
sync_to "$USER_URL" band/ --delete
check "third sync exits 0" [ $RC = 0 ]
check "third sync copies one and deletes one" grep -q "^sync: 1 copied, 29 skipped, 1 deleted, 0 failed" "$T/err"
check "the gone track's object is deleted" fails quiet aws_s3 s3api head-object --bucket "$B" --key "band/$gone"
check "the new track's object equals its original" same_as_upstream band/ 30

# A 429 storm while two tracks changed upstream: waited out, shown, and
# no request is made while the pause holds.
curl -sf -X POST "$ADMIN_URL/tracks/4001/change" -d '{}' >/dev/null || not_ok "admin change"
curl -sf -X POST "$ADMIN_URL/tracks/4002/change" -d '{}' >/dev/null || not_ok "admin change"
curl -sf -X POST "$ADMIN_URL/faults" -d '[
	{"kind":"429","shape":"rate_limit","retry_after":2,"count":1,"route":"list"},
	{"kind":"429","shape":"code","retry_after":1,"count":3,"route":["download","resolve"]}]' >/dev/null ||
	not_ok "arm the 429 storm"
start=$(date +%s.%N)
sync_to "$USER_URL" band/ --jobs 2
check "a sync through a 429 storm exits 0 ($(tail -n 1 "$T/err"))" [ $RC = 0 ]
check "it copies the two changed tracks" grep -q "^sync: 2 copied, 28 skipped, 0 deleted, 0 failed" "$T/err"
check "the wait is shown" grep -q "waiting [0-9]* s for SoundCloud's rate limit (until .* UTC): HTTP 429" "$T/err"
hits=$(curl -sf "$ADMIN_URL/faults" | "$PY" -c 'import json,sys; print(sum(f["hits"] for f in json.load(sys.stdin)))')
check "all 4 rate limits were met (got $hits)" [ "$hits" = 4 ]
check "objects are correct after the storm" same_as_upstream band/ 30
check "the pause is recorded in the cache directory" sh -c "ls '$T/cache' | grep -q '^pause-'"
# Nothing asked the API while a pause it had been told of held.
paused=$(requests_in_pauses "$start" 2 1)
check "no API request while a pause held (got $paused)" [ "$paused" = 0 ]

# One rate budget across processes: another sc2s3 run and a mount on the
# same cache directory wait for the pause the first run recorded.
mount_scfs "user=band" || exit 1
curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null
curl -sf -X POST "$ADMIN_URL/faults" \
	-d '{"kind":"429","shape":"rate_limit","retry_after":3,"count":1,"route":"list"}' >/dev/null ||
	not_ok "arm one 429"
rm -f "$T/cache"/pause-*
start=$(date +%s.%N)
"$SC2S3" sync "$USER_URL" "s3://$B/band/" --endpoint-url "$PROXY_URL" --api-url "$API_URL" \
	--auth-url "$AUTH_URL" --cache-dir "$T/cache" --dry-run >"$T/out1" 2>"$T/err1" &
first=$!
for _ in $(seq 1 100); do ls "$T/cache" | grep -q '^pause-' && break; sleep 0.05; done
check "the first run records a pause" sh -c "ls '$T/cache' | grep -q '^pause-'"
ls "$MNT/band/likes" >"$T/likes" 2>"$T/likes.err" &
lister=$!
sync_to "$USER_URN" band/ --dry-run
wait "$first"
rc1=$?
wait "$lister"
rc2=$?
check "both runs exit 0 ($rc1 and $RC)" [ "$rc1,$RC" = 0,0 ]
check "the second run waits for the first one's pause" grep -q "waiting .*HTTP 429 on '/users/" "$T/err"
check "the mount lists likes/ after waiting for the pause too (ls: $rc2)" \
	sh -c "[ $rc2 = 0 ] && grep -q \"waiting .* for the API's rate limit: HTTP 429 on '/users/\" '$T/logs/scfs.log'"
check "the 429 was met once" [ "$(curl -sf "$ADMIN_URL/faults" | "$PY" -c 'import json,sys; print(sum(f["hits"] for f in json.load(sys.stdin)))')" = 1 ]
paused=$(requests_in_pauses "$start" 3 3)
check "neither the runs nor the mount asked the API during the pause (got $paused)" [ "$paused" = 0 ]
umount_scfs
check "no upload was left unfinished" [ "$(count_uploads "$B")" = 0 ]
finish
