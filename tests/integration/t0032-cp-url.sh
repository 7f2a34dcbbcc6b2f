#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 cp http(s)://URL: ranged GETs into part buffers, size and type from
# the origin, a broken download resumed at the exact offset, and clear
# errors.  The origin is RGW itself serving public-read objects (Range,
# ETag and Content-Type as a CDN gives them), optionally behind the fault
# proxy, which cuts answers short.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576
proxy_start

publish() {	# publish KEY FILE [TYPE]: a public object on the origin
	aws_s3 s3api put-object --bucket "$B" --key "$1" --body "$2" --acl public-read \
		${3:+--content-type "$3"} >/dev/null || die "cannot publish $1"
}
meta_of() {	# meta_of KEY FIELD: a field of head-object
	aws_s3 s3api head-object --bucket "$B" --key "$1" --query "$2" --output text
}
object_is() {
	rm -f "$T/back"
	aws_s3 s3 cp "s3://$B/$1" "$T/back" --quiet 2>/dev/null && cmp -s "$2" "$T/back"
}

head -c $((21 * MiB + 3)) /dev/urandom >"$T/track.wav"
publish origin/track.wav "$T/track.wav" audio/wav
: >"$T/empty"
publish origin/empty.bin "$T/empty"
ORIGIN=$S3_ENDPOINT/$B/origin

"$SC2S3" cp "$ORIGIN/track.wav" "s3://$B/copies/" --part-size 5M --json >"$T/cp.json" 2>"$T/logs/cp.err"
check "URL copy exits 0 ($(cat "$T/logs/cp.err"))" [ $? = 0 ]
check "URL copy reads back identical" object_is copies/track.wav "$T/track.wav"
check "the key takes the URL's last path segment" grep -q "\"destination\":\"s3://$B/copies/track.wav\"" "$T/cp.json"
check "Content-Type comes from the origin" [ "$(meta_of copies/track.wav ContentType)" = audio/wav ]
check "x-amz-meta-sc-size is the size" [ "$(meta_of copies/track.wav Metadata.\"sc-size\")" = $((21 * MiB + 3)) ]
check "5 parts of 5 MiB" grep -q '"parts":5' "$T/cp.json"

"$SC2S3" cp "$ORIGIN/empty.bin" "s3://$B/copies/empty" --quiet 2>"$T/logs/empty.err"
check "an empty URL copies (exit $?)" object_is copies/empty "$T/empty"

# Downloads cut short twice: each read resumes where the bytes stopped.
# Parts are read in parallel, so the two cuts may hit any parts; a resumed
# GET starts inside its part, no further than the bytes the proxy let
# through (fewer may arrive: a reset can discard what the kernel held),
# and ends where the part ends.  The byte-identical copy proves the offset
# exact.
proxy_rules '{"op":"GetObject","action":"truncate","after_bytes":1000000,"times":2,"skip":1}'
proxy_mark
"$SC2S3" cp "$PROXY_URL/$B/origin/track.wav" "s3://$B/copies/resumed.wav" --part-size 5M \
	--quiet 2>"$T/logs/resumed.err"
check "a download cut twice still copies (exit $?: $(cat "$T/logs/resumed.err"))" \
	object_is copies/resumed.wav "$T/track.wav"
RANGES='[tuple(map(int, e["range"][6:].split("-"))) for e in E if e["op"] == "GetObject" and e["range"]]'
resumed=$(proxy_q "sum(1 for a, b in $RANGES if 0 < a % 5242880 <= 2000000 and (b + 1 == $((21 * MiB + 3)) or (b + 1) % 5242880 == 0))")
check "two reads resumed mid-part (got $resumed)" [ "$resumed" = 2 ]
odd=$(proxy_q "sum(1 for a, b in $RANGES if a % 5242880 > 2000000)")
check "no read started anywhere else (got $odd)" [ "$odd" = 0 ]

# Errors: what the origin refuses is the user's to fix (2); a transfer that
# cannot complete is 1.
"$SC2S3" cp "$ORIGIN/missing.wav" "s3://$B/copies/" 2>"$T/err"; rc=$?
check "a missing URL (403/404) exits 2 (got $rc)" [ $rc = 2 ]
check "the message names the URL and the status" grep -q "$ORIGIN/missing.wav.*HTTP 40[34]" "$T/err"
mkdir -p "$T/www" && cp "$T/track.wav" "$T/www/"
"$PY" -m http.server --bind 127.0.0.1 --directory "$T/www" 0 >"$T/logs/http.out" 2>&1 &
HTTPD=$!
for _ in $(seq 1 50); do
	port=$(grep -o 'port [0-9]*' "$T/logs/http.out" | grep -o '[0-9]*$')
	[ -n "$port" ] && break
	sleep 0.1
done
"$SC2S3" cp "http://127.0.0.1:$port/track.wav" "s3://$B/copies/norange" 2>"$T/err"; rc=$?
kill "$HTTPD"; wait "$HTTPD" 2>/dev/null
check "a server that ignores Range exits 2 (got $rc)" [ $rc = 2 ]
check "... and says to pipe instead" grep -q "ignores range requests" "$T/err"
proxy_rules '{"op":"GetObject","action":"status","status":503,"code":"SlowDown","times":-1}'
"$SC2S3" cp "$PROXY_URL/$B/origin/track.wav" "s3://$B/copies/down" 2>"$T/err"; rc=$?
check "an origin that keeps failing exits 1 (got $rc)" [ $rc = 1 ]
check "... and leaves no object" fails object_is copies/down "$T/track.wav"
check "... nor an upload" [ "$(count_uploads "$B")" = 0 ]
"$SC2S3" cp "http://127.0.0.1:1/x.wav" "s3://$B/copies/" 2>"$T/err"; rc=$?
check "an unreachable origin exits 1 (got $rc)" [ $rc = 1 ]

# The RGW is shared and keeps data in RAM: leave nothing behind.
aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
# Deleted data waits hours for RGW's garbage collector unless asked.
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
