#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 cp to an HTTPS endpoint (s3-fault-proxy as a TLS front for RGW, a
# self-signed certificate trusted through AWS_CA_BUNDLE): parts go as
# UNSIGNED-PAYLOAD with x-amz-checksum-crc32c, signed, and equal to the CRC
# of the bytes on the wire, and without Content-MD5; the object reads back
# identical; the certificate is verified by default.  RGW 16 ignores the checksum header
# (flexible checksums came with Ceph 18), so its value is checked here, in
# the proxy's log, not by the server.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576
PROXY_TLS=1 proxy_start
case $PROXY_URL in https://*) ;; *) die "the proxy does not speak TLS: $PROXY_URL" ;; esac

# 3 parts of 5 MiB, the last one short.
head -c $((12 * MiB + 5)) /dev/urandom >"$T/data"

proxy_mark
AWS_CA_BUNDLE=$PROXY_CA "$SC2S3" cp "$T/data" "s3://$B/tls" --endpoint-url "$PROXY_URL" \
	--part-size 5M --quiet 2>"$T/logs/tls.err"
check "a copy over HTTPS exits 0 ($?: $(cat "$T/logs/tls.err"))" object_is tls "$T/data"
PARTS='[e for e in E if e["op"] == "UploadPart"]'
check "3 parts went" [ "$(proxy_q "len($PARTS)")" = 3 ]
check "every part is UNSIGNED-PAYLOAD" \
	[ "$(proxy_q "all(e['content_sha256'] == 'UNSIGNED-PAYLOAD' for e in $PARTS)")" = True ]
check "every part's x-amz-checksum-crc32c is the CRC-32C of its bytes" \
	[ "$(proxy_q "all(e['checksum_crc32c'] and e['checksum_crc32c'] == e['body_crc32c'] for e in $PARTS)")" = True ]
check "... and is signed" \
	[ "$(proxy_q "all('x-amz-checksum-crc32c' in e['signed_headers'].split(';') for e in $PARTS)")" = True ]
check "Complete lists each part's CRC-32C" \
	[ "$(proxy_q "[p[2] for e in E if e['op'] == 'CompleteMultipartUpload' for p in e['complete_parts']] == [e['checksum_crc32c'] for e in sorted($PARTS, key=lambda e: e['part'])]")" = True ]
check "no part carries a Content-MD5" \
	[ "$(proxy_q "all(e['content_md5'] is None and 'content-md5' not in e['signed_headers'].split(';') for e in $PARTS)")" = True ]

# The certificate is checked: without the CA nothing is sent.
proxy_mark
AWS_CA_BUNDLE= "$SC2S3" cp "$T/data" "s3://$B/untrusted" --endpoint-url "$PROXY_URL" \
	--part-size 5M --quiet 2>"$T/logs/untrusted.err"; rc=$?
check "an untrusted certificate fails the copy (exit $rc)" [ $rc != 0 ]
check "... before any request reaches S3" [ "$(proxy_q 'len(E)')" = 0 ]

# Plain HTTP (straight to RGW) signs each part with its SHA-256 and sends
# the same CRC-32C: t0030 checks both against the bytes.  A byte flipped
# behind this TLS front goes through RGW 16 unnoticed: t0035.

aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
