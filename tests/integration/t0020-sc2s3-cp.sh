#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 cp into a real S3 (Ceph RGW): byte-identical round trips read back
# with the AWS CLI, multipart for anything over one part, the final ETag,
# clear errors with the documented exit status, and nothing left behind by
# an interrupted upload.
. "$(dirname "$0")/lib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576

roundtrip() {	# roundtrip NAME SIZE [ARGS...]: upload SIZE random bytes, read back
	local name=$1 size=$2
	shift 2
	head -c "$size" /dev/urandom >"$T/$name"
	if ! "$SC2S3" cp "$T/$name" "s3://$B/$name" --quiet "$@" 2>"$T/logs/cp-$name.err"; then
		not_ok "sc2s3 cp of $size bytes succeeds ($(cat "$T/logs/cp-$name.err"))"
		return
	fi
	aws_s3 s3 cp "s3://$B/$name" "$T/$name.back" --quiet
	check "$size bytes${*:+ ($*)} read back identical" cmp -s "$T/$name" "$T/$name.back"
	# Later checks reuse the small files; the big ones only cost space.
	if [ "$size" -gt $((64 * MiB)) ]; then
		rm -f "$T/$name" "$T/$name.back"
		aws_s3 s3 rm "s3://$B/$name" --quiet
	fi
}

roundtrip zero 0
roundtrip one 1
roundtrip five-minus $((5 * MiB - 1))
roundtrip eight $((8 * MiB))
roundtrip eight-plus $((8 * MiB + 1))
roundtrip three-parts-7 $((8 * MiB * 3 + 7))
roundtrip five $((5 * MiB))
roundtrip five-5m $((5 * MiB)) --part-size 5M
roundtrip five-plus-5m $((5 * MiB + 1)) --part-size 5M
roundtrip two-hundred $((200 * MiB))
roundtrip two-hundred-stdin-like $((200 * MiB)) --part-size 5M --concurrency 8

# The walking skeleton's headline: 20 MiB as a multipart upload.
head -c $((20 * MiB)) /dev/urandom >"$T/twenty"
"$SC2S3" cp "$T/twenty" "s3://$B/dir/twenty.bin" --json >"$T/cp.json" 2>"$T/logs/cp.err"
check "sc2s3 cp of 20 MiB exits 0" [ $? = 0 ]
etag=$(aws_s3 s3api head-object --bucket "$B" --key dir/twenty.bin --query ETag --output text)
check "20 MiB went up as a multipart upload of 3 parts (ETag $etag)" [ "${etag%-3\"}" != "$etag" ]
expect=$("$PY" - "$T/twenty" <<'PYEOF'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
step = 8 << 20
md5s = b"".join(hashlib.md5(data[i:i + step]).digest() for i in range(0, len(data), step))
print('"%s-%d"' % (hashlib.md5(md5s).hexdigest(), (len(data) + step - 1) // step))
PYEOF
)
check "the ETag is the MD5 of the part MD5s" [ "$etag" = "$expect" ]
aws_s3 s3 cp "s3://$B/dir/twenty.bin" "$T/twenty.back" --quiet
check "20 MiB read back identical" cmp -s "$T/twenty" "$T/twenty.back"
check "--json reports done with the ETag" grep -q '"status":"done".*"parts":3' "$T/cp.json"

# A prefix destination appends the source's name; stdin of unknown size.
head -c $((17 * MiB)) /dev/urandom >"$T/stream"
"$SC2S3" cp - "s3://$B/in/" --quiet <"$T/stream" 2>"$T/logs/stdin.err"
check "stdin upload to a prefix exits 0" [ $? = 0 ]
aws_s3 s3 cp "s3://$B/in/stdin" "$T/stream.back" --quiet
check "stdin stream read back identical" cmp -s "$T/stream" "$T/stream.back"

# Bad input: exit 2 and a message that names the cause.
"$SC2S3" cp "$T/one" "s3://no-such-bucket-$$/x" 2>"$T/err"; rc=$?
check "missing bucket exits 2 (got $rc)" [ $rc = 2 ]
check "missing bucket message names it" grep -q "no-such-bucket-$$.*NoSuchBucket" "$T/err"
AWS_SECRET_ACCESS_KEY=wrong "$SC2S3" cp "$T/one" "s3://$B/x" 2>"$T/err"; rc=$?
check "wrong secret exits 2 (got $rc)" [ $rc = 2 ]
check "wrong secret message names SignatureDoesNotMatch" grep -q SignatureDoesNotMatch "$T/err"
"$SC2S3" cp "$T/one" "s3:/$B/x" 2>"$T/err"; rc=$?
check "malformed s3 URL exits 2 (got $rc)" [ $rc = 2 ]
check "malformed URL message quotes it" grep -q "s3:/$B/x" "$T/err"
"$SC2S3" cp "$T/does-not-exist" "s3://$B/x" 2>"$T/err"; rc=$?
check "missing source exits 2 (got $rc)" [ $rc = 2 ]
"$SC2S3" cp 2>/dev/null; rc=$?
check "no arguments exits 2" [ $rc = 2 ]

# Interrupted mid-stream: exit 1, no object, no multipart upload left.
mkfifo "$T/fifo"
( head -c $((12 * MiB)) /dev/urandom; exec sleep 60 ) >"$T/fifo" 2>/dev/null &
feeder=$!
"$SC2S3" cp - "s3://$B/interrupted" <"$T/fifo" 2>"$T/err" &
pid=$!
for _ in $(seq 1 100); do
	n=$(count_uploads "$B")
	[ "$n" = 1 ] && break
	sleep 0.1
done
check "an upload is in progress before the interrupt" [ "$n" = 1 ]
kill -INT $pid
wait $pid; rc=$?
check "interrupted upload exits 1 (got $rc)" [ $rc = 1 ]
check "interrupted upload says it aborted" grep -q "aborted" "$T/err"
check "interrupted upload reports no failed abort" fails grep -q "cannot abort" "$T/err"
n=$(count_uploads "$B")
check "no multipart upload left behind (got '$n')" [ "$n" = 0 ]
no_object() { ! aws_s3 s3api head-object --bucket "$B" --key "$1" >/dev/null 2>&1; }
check "no object left behind" no_object interrupted
pkill -P $feeder 2>/dev/null; kill $feeder 2>/dev/null; wait $feeder 2>/dev/null

# The RGW is shared and keeps data in RAM: leave nothing behind.
aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
# Deleted data waits hours for RGW's garbage collector unless asked.
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
