#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 cp through s3-fault-proxy in front of RGW: under every injected
# fault the result is either the correct object (read back identical with
# the AWS CLI, straight from RGW) or exit 1 with no object and no unfinished
# multipart upload.  Also checks the requests themselves from the proxy's
# log: every UploadPart is signed with the SHA-256 and carries the signed
# x-amz-checksum-crc32c of the bytes it sent and no Content-MD5, every
# PutObject its Content-MD5, and a retry is signed anew.  Bodies damaged on
# the way: t0035.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576
proxy_start

# 5 parts of 5 MiB (the last one short) with --part-size 5M.
head -c $((23 * MiB)) /dev/urandom >"$T/data"
head -c $((3 * MiB)) /dev/urandom >"$T/small"

# outcome NAME FILE WANT: WANT=ok (exit 0, identical) or failed (exit 1,
# nothing left); either way one of the two clean outcomes.
outcome() {
	local name=$1 file=$2 want=$3
	if [ "$want" = ok ]; then
		check "$name: exits 0 (got $RC: $ERR)" [ "$RC" = 0 ]
		check "$name: the object reads back identical" object_is "$name" "$file"
	else
		check "$name: exits 1 (got $RC)" [ "$RC" = 1 ]
		check "$name: no object left" no_object "$name"
	fi
	check "$name: no unfinished multipart upload" no_uploads
}

# --- transient errors are retried ---------------------------------------
proxy_rules '{"op":"UploadPart","part":2,"action":"status","code":"SlowDown","times":2,"delay_ms":1100}'
cp_via_proxy slowdown
outcome slowdown "$T/data" ok
check "slowdown: part 2 was sent 3 times" \
	[ "$(proxy_q 'len([e for e in E if e["op"] == "UploadPart" and e["part"] == 2])')" = 3 ]
check "slowdown: each attempt at part 2 has its own date and signature" \
	[ "$(proxy_q 'len({(e["amz_date"], e["sig"]) for e in E if e["part"] == 2}) == len({e["sig"] for e in E if e["part"] == 2}) == 3')" = True ]

proxy_rules '{"op":"CreateMultipartUpload","action":"status","status":500,"code":"InternalError"}' \
	'{"op":"HeadObject","action":"status","code":"ServiceUnavailable"}'
cp_via_proxy create-500
outcome create-500 "$T/data" ok

proxy_rules '{"op":"PutObject","action":"status","code":"SlowDown","times":2}'
cp_via_proxy put-slowdown "$T/small"
outcome put-slowdown "$T/small" ok

proxy_rules '{"op":"UploadPart","part":3,"action":"status","status":503,"code":"SlowDown","forward":true}'
cp_via_proxy part-stored-then-503
outcome part-stored-then-503 "$T/data" ok

# --- dropped connections --------------------------------------------------
proxy_rules '{"op":"UploadPart","part":2,"action":"drop","after_bytes":1048576,"times":2}'
cp_via_proxy drop-once
outcome drop-once "$T/data" ok
check "drop-once: part 2 was cut twice, then stored" \
	[ "$(proxy_q '[e["status"] for e in E if e["part"] == 2]')" = "[None, None, 200]" ]

proxy_rules '{"op":"UploadPart","part":4,"action":"drop","after_bytes":65536,"times":-1}'
cp_via_proxy drop-always
outcome drop-always "$T/data" failed
check "drop-always: the message names the object and the part" \
	grep -q "UploadPart 4 of 's3://$B/drop-always'" "$T/logs/drop-always.err"
check "drop-always: the upload was aborted" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "AbortMultipartUpload" and e["status"] == 204)')" = 1 ]

# --- fatal and persistent errors -----------------------------------------
proxy_rules '{"op":"UploadPart","part":3,"action":"status","code":"InternalError","times":-1}'
cp_via_proxy internal-always
outcome internal-always "$T/data" failed
check "internal-always: the message names InternalError and the object" \
	grep -q "s3://$B/internal-always.*InternalError" "$T/logs/internal-always.err"
check "internal-always: part 3 was tried 6 times" \
	[ "$(proxy_q 'len([e for e in E if e["part"] == 3])')" = 6 ]

proxy_rules '{"op":"UploadPart","part":2,"action":"status","status":403,"code":"AccessDenied"}'
cp_via_proxy denied
outcome denied "$T/data" failed
check "denied: not retried" [ "$(proxy_q 'len([e for e in E if e["part"] == 2])')" = 1 ]
check "denied: the message names AccessDenied" grep -q "AccessDenied" "$T/logs/denied.err"

# --- CompleteMultipartUpload: 200 with an <Error> body ---------------------
proxy_rules '{"op":"CompleteMultipartUpload","action":"error200","code":"InternalError","whitespace":64,"times":1}'
cp_via_proxy complete-error200-once
outcome complete-error200-once "$T/data" ok
check "complete-error200-once: Complete was retried" \
	[ "$(proxy_q '[e["status"] for e in E if e["op"] == "CompleteMultipartUpload"]')" = "[200, 200]" ]

proxy_rules '{"op":"CompleteMultipartUpload","action":"error200","code":"InternalError","whitespace":64,"times":-1}'
cp_via_proxy complete-error200
outcome complete-error200 "$T/data" failed
check "complete-error200: the message names InternalError and the object" \
	grep -q "CompleteMultipartUpload 's3://$B/complete-error200' failed: InternalError" \
	"$T/logs/complete-error200.err"

# InvalidPart: ListParts decides.  Every part there as sent: complete once
# more (the same ETags); S3 insisting: a failure naming InvalidPart.
proxy_rules '{"op":"CompleteMultipartUpload","action":"error200","code":"InvalidPart","message":"One or more of the specified parts could not be found."}'
cp_via_proxy complete-invalidpart-once
outcome complete-invalidpart-once "$T/data" ok
check "complete-invalidpart-once: ListParts, then Complete again" \
	[ "$(proxy_q '[e["op"] for e in E if e["op"] in ("CompleteMultipartUpload", "ListParts")]')" = \
	  "['CompleteMultipartUpload', 'ListParts', 'CompleteMultipartUpload']" ]

proxy_rules '{"op":"CompleteMultipartUpload","action":"error200","code":"InvalidPart","message":"One or more of the specified parts could not be found.","times":-1}'
cp_via_proxy complete-invalidpart
outcome complete-invalidpart "$T/data" failed
check "complete-invalidpart: the message names InvalidPart" \
	grep -q "InvalidPart" "$T/logs/complete-invalidpart.err"
check "complete-invalidpart: ListParts was asked once" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "ListParts")')" = 1 ]

# The upload completes, but its answer is lost: the retry finds no upload,
# and the object is checked instead.
proxy_rules '{"op":"CompleteMultipartUpload","action":"status","code":"InternalError","forward":true}'
cp_via_proxy complete-answer-lost
outcome complete-answer-lost "$T/data" ok

# As AWS may answer that retry: NoSuchUpload (RGW answers 200 again).
proxy_rules '{"op":"CompleteMultipartUpload","action":"status","code":"InternalError","forward":true}' \
	'{"op":"CompleteMultipartUpload","action":"status","code":"NoSuchUpload"}'
cp_via_proxy complete-answer-lost-404
outcome complete-answer-lost-404 "$T/data" ok
check "complete-answer-lost-404: the object was checked with HEAD" \
	[ "$(proxy_q '[e["op"] for e in E][-3:]')" = "['CompleteMultipartUpload', 'CompleteMultipartUpload', 'HeadObject']" ]

# A NoSuchUpload on the retry with nothing stored is still a failure.
proxy_rules '{"op":"CompleteMultipartUpload","action":"status","code":"InternalError"}' \
	'{"op":"CompleteMultipartUpload","action":"status","code":"NoSuchUpload"}'
cp_via_proxy complete-404-nothing
outcome complete-404-nothing "$T/data" failed

# --- latency: parts overlap ------------------------------------------------
proxy_rules '{"op":"UploadPart","action":"delay","delay_ms":800,"times":-1}'
cp_via_proxy slow-parts
outcome slow-parts "$T/data" ok
overlap=$(proxy_q 'max(sum(1 for f in E if f["op"] == "UploadPart" and f["time"] <= e["time"] < f["time"] + f["ms"] / 1000) for e in E if e["op"] == "UploadPart")')
check "slow-parts: several parts were in flight at once (max $overlap)" [ "$overlap" -ge 3 ]

# --- the requests themselves (every run above) ---------------------------
PROXY_FROM=0
# Parts whole on the wire (a dropped one was cut by the proxy).
WHOLE='[e for e in E if e["op"] == "UploadPart" and e.get("length") == e.get("bytes_in")]'
check "every UploadPart is signed with the SHA-256 of its bytes" \
	[ "$(proxy_q "all(e['content_sha256'] == e['body_sha256'] and 'x-amz-content-sha256' in e['signed_headers'].split(';') for e in $WHOLE)")" = True ]
check "every UploadPart carries a signed x-amz-checksum-crc32c, the CRC-32C of its bytes" \
	[ "$(proxy_q "all(e['checksum_crc32c'] and e['checksum_crc32c'] == e['body_crc32c'] and 'x-amz-checksum-crc32c' in e['signed_headers'].split(';') for e in $WHOLE)")" = True ]
check "no UploadPart carries a Content-MD5" \
	[ "$(proxy_q 'all(e["content_md5"] is None and "content-md5" not in e["signed_headers"].split(";") for e in E if e["op"] == "UploadPart")')" = True ]
check "there were UploadParts to look at" [ "$(proxy_q "len($WHOLE)")" -gt 40 ]
check "every PutObject carries Content-MD5 and its SHA-256, both signed" \
	[ "$(proxy_q 'all(e["content_md5"] == e["body_md5"] and e["content_sha256"] == e["body_sha256"] and {"content-md5", "x-amz-content-sha256"} <= set(e["signed_headers"].split(";")) for e in E if e["op"] == "PutObject")')" = True ]
check "there were PutObjects to look at" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "PutObject")')" -gt 0 ]
# AWS S3 takes a part's x-amz-checksum-crc32c only in an upload created
# with that algorithm, and then wants each part's CRC-32C in Complete.
check "every CreateMultipartUpload names CRC32C as the checksum algorithm, signed" \
	[ "$(proxy_q 'all(e["checksum_algorithm"] == "CRC32C" and "x-amz-checksum-algorithm" in e["signed_headers"].split(";") for e in E if e["op"] == "CreateMultipartUpload")')" = True ]
UPLOAD='.split("uploadId=")[-1]'
check "every CompleteMultipartUpload lists parts 1..N, each with the CRC-32C its stored UploadPart sent" \
	[ "$(proxy_q "all([p[0] for p in c['complete_parts']] == list(range(1, len(c['complete_parts']) + 1)) and all(p[1] and p[2] and p[2] in {u['checksum_crc32c'] for u in E if u['op'] == 'UploadPart' and u['part'] == p[0] and u['status'] == 200 and u['query']$UPLOAD == c['query']$UPLOAD} for p in c['complete_parts']) for c in E if c['op'] == 'CompleteMultipartUpload')")" = True ]
check "there were CompleteMultipartUploads to look at" \
	[ "$(proxy_q 'sum(1 for e in E if e["op"] == "CompleteMultipartUpload" and e["complete_parts"])')" -gt 10 ]

# The RGW is shared and keeps data in RAM: leave nothing behind.
aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
# Deleted data waits hours for RGW's garbage collector unless asked.
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
