#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# S3-compatible servers that refuse checksum headers: Backblaze B2 answers
# CreateMultipartUpload with x-amz-checksum-algorithm "400 InvalidArgument:
# Unsupported header 'x-amz-checksum-algorithm' received for this API
# call.", Cloudflare R2 "501 NotImplemented: Header
# 'x-amz-checksum-algorithm' with value 'CRC32C' not implemented".  sc2s3
# creates the upload again without it, and its parts carry Content-MD5
# instead of x-amz-checksum-crc32c (which those servers refuse too), and
# Complete no ChecksumCRC32C; with sync --jobs the first refusal is
# remembered for every later upload.  A Create refused for anything else
# is not retried without the header.  The proxy plays the servers: the
# header rules refuse any request that carries the header, parts included.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576
proxy_start
head -c $((12 * MiB + 5)) /dev/urandom >"$T/data"

B2_CREATE='{"op":"CreateMultipartUpload","header":"x-amz-checksum-algorithm","action":"status","status":400,"code":"InvalidArgument","message":"Unsupported header '"'"'x-amz-checksum-algorithm'"'"' received for this API call.","times":-1}'
B2_PART='{"op":"UploadPart","header":"x-amz-checksum-crc32c","action":"status","status":400,"code":"InvalidArgument","message":"Unsupported header '"'"'x-amz-checksum-crc32c'"'"' received for this API call.","times":-1}'
R2_CREATE='{"op":"CreateMultipartUpload","header":"x-amz-checksum-algorithm","action":"status","status":501,"code":"NotImplemented","message":"Header '"'"'x-amz-checksum-algorithm'"'"' with value '"'"'CRC32C'"'"' not implemented","times":-1}'
CREATES='[(e["status"], e.get("checksum_algorithm")) for e in E if e["op"] == "CreateMultipartUpload"]'
PARTS='[e for e in E if e["op"] == "UploadPart"]'

# every_part_has_md5: each UploadPart carried the signed Content-MD5 of its
# body and its signed SHA-256 (plain HTTP), and no checksum header.
every_part_has_md5() {
	[ "$(proxy_q "len($PARTS) > 0 and all(e['content_md5'] == e['body_md5'] and 'content-md5' in e['signed_headers'].split(';') and e['content_sha256'] == e['body_sha256'] and e.get('checksum_crc32c') is None and e['status'] == 200 for e in $PARTS)")" = True ]
}
complete_without_crcs() {
	[ "$(proxy_q '[[n, c] for e in E if e["op"] == "CompleteMultipartUpload" for n, _, c in e["complete_parts"]]')" = \
	  "[[1, None], [2, None], [3, None]]" ]
}

for server in B2 R2; do
	if [ $server = B2 ]; then proxy_rules "$B2_CREATE" "$B2_PART"; else proxy_rules "$R2_CREATE" "$B2_PART"; fi
	cp_via_proxy "$server" "$T/data"
	check "$server: exits 0 ($RC: $ERR)" [ "$RC" = 0 ]
	check "$server: the object reads back identical" object_is "$server" "$T/data"
	check "$server: Create refused with the checksum header, then taken without it" \
		[ "$(proxy_q "$CREATES")" = "[($([ $server = B2 ] && echo 400 || echo 501), 'CRC32C'), (200, None)]" ]
	check "$server: every part went with its Content-MD5 (signed), none with a CRC-32C header" every_part_has_md5
	check "$server: Complete names no CRC-32C" complete_without_crcs
	check "$server: no unfinished multipart upload" no_uploads
done

# sync --jobs 2 of three files: one refusal, then every Create goes without.
mkdir -p "$T/dir"
for i in 1 2 3; do head -c $((6 * MiB + i)) /dev/urandom >"$T/dir/f$i.wav"; done
proxy_rules "$B2_CREATE" "$B2_PART"
proxy_mark
"$SC2S3" sync "$T/dir" "s3://$B/dir/" --endpoint-url "$PROXY_URL" --part-size 5M --jobs 2 \
	--quiet >"$T/logs/sync.out" 2>"$T/logs/sync.err"
RC=$?
check "sync: exits 0 ($RC: $(cat "$T/logs/sync.err"))" [ "$RC" = 0 ]
for i in 1 2 3; do
	check "sync: f$i reads back identical" object_is "dir/f$i.wav" "$T/dir/f$i.wav"
done
check "sync: at most the first Creates (2 jobs) tried the header" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "CreateMultipartUpload" and e.get("checksum_algorithm"))')" -le 2 ]
check "sync: three uploads created without it" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "CreateMultipartUpload" and e["status"] == 200 and not e.get("checksum_algorithm"))')" = 3 ]
check "sync: every part went with its Content-MD5" every_part_has_md5
check "sync: no unfinished multipart upload" no_uploads

# Refused for another reason: no second try without the header.
proxy_rules '{"op":"CreateMultipartUpload","action":"status","status":400,"code":"InvalidArgument","message":"Invalid storage class.","times":-1}'
cp_via_proxy other "$T/data"
check "other refusal: exits 1 (got $RC)" [ "$RC" = 1 ]
check "other refusal: the message names the code and the object" \
	grep -q "CreateMultipartUpload 's3://$B/other' failed: InvalidArgument" "$T/logs/other.err"
check "other refusal: one Create, with the header" [ "$(proxy_q "$CREATES")" = "[(400, 'CRC32C')]" ]
check "other refusal: no object" no_object other
check "other refusal: no unfinished multipart upload" no_uploads

# A server that takes the header: nothing changes (no MD5 on parts).
proxy_rules
cp_via_proxy plain "$T/data"
check "plain: exits 0 ($RC: $ERR)" [ "$RC" = 0 ]
check "plain: Create with CRC32C, parts with their CRC-32C and no Content-MD5" \
	[ "$(proxy_q "[c for c in [$CREATES]][0] == [(200, 'CRC32C')] and all(e.get('checksum_crc32c') and not e.get('content_md5') for e in $PARTS)")" = True ]
check "plain: the object reads back identical" object_is plain "$T/data"
finish
