#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 sync from a mounted user into RGW: the first run copies every
# original, a second run copies nothing and sends no PUT (counted at the
# fault proxy), and after one track goes and one comes upstream a run with
# --delete copies one and deletes one.  Streams are never copied.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"
require_fuse
ensure_s3
B=$(new_bucket)
proxy_start

start_standin --fixture "$SRC/tests/fixtures/sc/sync.json"
mount_scfs "user=band,ttl=1" || exit 1
D=$MNT/band/tracks
sync_to() {	# sync_to ARGS...: sets RC, OUT, ERR
	"$SC2S3" sync "$D" "s3://$B/band/" --endpoint-url "$PROXY_URL" "$@" \
		>"$T/out" 2>"$T/err"
	RC=$?
}
puts_since_mark() {
	proxy_q 'len([e for e in E if e["op"] in ("PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload")])'
}

sync_to --dry-run
check "--dry-run exits 0" [ $RC = 0 ]
check "--dry-run plans 30 copies" [ "$(grep -c "^would copy" "$T/out")" = 30 ]
check "--dry-run copies nothing" [ "$(aws_s3 s3 ls --recursive "s3://$B/" | wc -l)" = 0 ]

sync_to --jobs 4
check "first sync exits 0 ($(tail -n 1 "$T/err"))" [ $RC = 0 ]
check "first sync copies 30" grep -q "^sync: 30 copied, 0 skipped, 0 deleted, 0 failed" "$T/err"
check "the stream is skipped with a note" grep -q "skipping.*Radio Edit.*not an original" "$T/err"
mkdir -p "$T/back"
aws_s3 s3 cp --recursive "s3://$B/band/" "$T/back" --quiet
check "30 objects in the bucket" [ "$(ls "$T/back" | wc -l)" = 30 ]
same=0
for f in "$T"/back/*; do cmp -s "$f" "$D/$(basename "$f")" && same=$((same + 1)); done
check "every object equals its file on the mount ($same/30)" [ $same = 30 ]

proxy_mark
sync_to
check "second sync exits 0" [ $RC = 0 ]
check "second sync copies nothing" grep -q "^sync: 0 copied, 30 skipped" "$T/err"
check "second sync sends no PUT (got $(puts_since_mark))" [ "$(puts_since_mark)" = 0 ]
check "second sync lists the prefix once (no HEAD per object)" \
	[ "$(proxy_q 'len([e for e in E if e["method"] == "GET" and "prefix=" in (e.get("query") or "")])'),$(proxy_q 'len([e for e in E if e["method"] == "HEAD"])')" = "1,0" ]

# Upstream: one track gone, one new.
curl -sf -X DELETE "$ADMIN_URL/tracks/4003" >/dev/null || not_ok "admin delete"
curl -sf -X POST "$ADMIN_URL/users/band/tracks" \
	-d '{"id": 4100, "title": "New Song", "format": "wav", "size": 33333}' >/dev/null || not_ok "admin add"
for _ in $(seq 1 50); do
	ls "$D" | grep -q "New Song" && ! ls "$D" | grep -q "\[4003\]" && break
	sleep 0.2
done
check "the mount shows the change" sh -c "ls '$D' | grep -q 'New Song'"
sync_to --delete
check "third sync exits 0" [ $RC = 0 ]
check "third sync copies one and deletes one" grep -q "^sync: 1 copied, 29 skipped, 1 deleted, 0 failed" "$T/err"
check "the gone track's object is deleted" fails quiet aws_s3 s3api head-object --bucket "$B" --key "band/$(cd "$T/back" && ls | grep '\[4003\]')"
check "the new track's object exists" quiet aws_s3 s3api head-object --bucket "$B" --key "band/New Song [4100].wav"

# Bad input.
"$SC2S3" sync "$T/nope" "s3://$B/x/" 2>"$T/err"; rc=$?
check "sync of a missing directory exits 2 (got $rc)" [ $rc = 2 ]
check "and names it" grep -q "$T/nope" "$T/err"
"$SC2S3" sync "$D" "s3://no-such-bucket-$$/x/" 2>"$T/err"; rc=$?
check "sync to a missing bucket exits 2 (got $rc)" [ $rc = 2 ]
"$SC2S3" cp "$D/$(ls "$D" | grep 'Radio Edit')" "s3://$B/x" 2>"$T/err"; rc=$?
check "cp of a stream exits 1 (got $rc)" [ $rc = 1 ]
check "and says why" grep -q "only originals" "$T/err"
"$SC2S3" cp "$T/err" "s3://$B/x" --delete 2>/dev/null; rc=$?
check "--delete with cp exits 2" [ $rc = 2 ]
umount_scfs
finish
