#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 killed with SIGKILL mid-upload leaves no object, and its watchdog
# aborts the unfinished multipart upload (both of them when sync --jobs 2
# is killed); secrets (the secret key and a session token) never appear in
# anything sc2s3 prints, with --debug, on success, on failure and on
# retries, nor in what the fault proxy saw outside the headers that must
# carry them.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"

ensure_s3
B=$(new_bucket)
MiB=1048576
proxy_start

# await_uploads TEST N: poll the bucket's unfinished uploads until their
# count n satisfies [ n TEST N ], for a minute at most.
await_uploads() {
	local end=$((SECONDS + 60))
	n=$(count_uploads "$B")
	until [ "$n" "$1" "$2" ] || [ "$SECONDS" -ge "$end" ]; do
		sleep 0.1
		n=$(count_uploads "$B")
	done
}

# --- SIGKILL mid-upload -----------------------------------------------------
mkfifo "$T/fifo"
( head -c $((20 * MiB)) /dev/urandom; exec sleep 60 ) >"$T/fifo" 2>/dev/null &
feeder=$!
"$SC2S3" cp - "s3://$B/killed" <"$T/fifo" 2>"$T/logs/killed.err" &
pid=$!
await_uploads = 1
check "an upload is in progress before the kill" [ "$n" = 1 ]
sleep 0.5	# let some parts land
kill -KILL "$pid"
wait "$pid" 2>/dev/null; rc=$?
check "sc2s3 died of SIGKILL (status $rc)" [ "$rc" = 137 ]
await_uploads = 0
check "the watchdog aborted the unfinished upload (left: $n)" [ "$n" = 0 ]
no_object() { ! aws_s3 s3api head-object --bucket "$B" --key "$1" >/dev/null 2>&1; }
check "no object after SIGKILL" no_object killed
check "the watchdog said what it did" grep -q "sc2s3 died during the upload of 's3://$B/killed'; the upload was aborted" \
	"$T/logs/killed.err"
kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null

# A normal run leaves no watchdog behind.
head -c 100 /dev/urandom >"$T/tiny"
"$SC2S3" cp "$T/tiny" "s3://$B/tiny" --quiet &
pid=$!
wait "$pid"
check "a clean run exits 0" [ $? = 0 ]
check "no watchdog outlives sc2s3" fails pgrep -P "$pid"

# --- secrets ----------------------------------------------------------------
SECRET=$AWS_SECRET_ACCESS_KEY
TOKEN=ScfsSessionToken0123456789SECRETxyz
export AWS_SESSION_TOKEN=$TOKEN	# RGW ignores it; we must still never print it
head -c $((12 * MiB)) /dev/urandom >"$T/data"
run_debug() {	# run_debug NAME ARGS...: sc2s3 --debug, all output kept
	local name=$1; shift
	"$SC2S3" --debug "$@" >"$T/logs/secret-$name.out" 2>"$T/logs/secret-$name.err"
	echo $? >"$T/logs/secret-$name.rc"
}
proxy_rules '{"op":"UploadPart","part":2,"action":"status","code":"SlowDown","times":1}' \
	'{"op":"CompleteMultipartUpload","action":"error200","code":"InternalError","whitespace":16,"times":1}'
run_debug ok cp "$T/data" "s3://$B/secret-ok" --endpoint-url "$PROXY_URL" --part-size 5M
check "debug run exits 0" [ "$(cat "$T/logs/secret-ok.rc")" = 0 ]
check "debug output shows the requests" grep -q "PUT s3://$B/secret-ok part 2: HTTP 503 SlowDown" "$T/logs/secret-ok.err"
check "debug output shows the retried Complete" grep -q "POST s3://$B/secret-ok: HTTP 200 InternalError" "$T/logs/secret-ok.err"
run_debug json cp "$T/tiny" "s3://$B/secret-json" --json
proxy_rules '{"op":"UploadPart","part":1,"action":"status","code":"InternalError","times":-1}'
run_debug fail cp "$T/data" "s3://$B/secret-fail" --endpoint-url "$PROXY_URL" --part-size 5M
check "failing debug run exits 1" [ "$(cat "$T/logs/secret-fail.rc")" = 1 ]
AWS_SECRET_ACCESS_KEY=${SECRET}x run_debug wrongkey cp "$T/tiny" "s3://$B/secret-wrong"
check "wrong key exits 2" [ "$(cat "$T/logs/secret-wrongkey.rc")" = 2 ]
mkdir -p "$T/aws"
printf '[prof]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
	"$AWS_ACCESS_KEY_ID" "$SECRET" "$TOKEN" >"$T/aws/credentials"
( unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  AWS_SHARED_CREDENTIALS_FILE=$T/aws/credentials run_debug profile cp "$T/tiny" "s3://$B/secret-profile" --profile prof )
check "profile credentials work" [ "$(cat "$T/logs/secret-profile.rc")" = 0 ]
run_debug badurl cp "$T/tiny" "s3:/$B/x"
check "the runs produced output to search" [ "$(cat "$T"/logs/secret-*.err | wc -l)" -gt 20 ]
for f in "$T"/logs/secret-* "$T"/logs/*.err "$PROXY_LOG"; do
	check "no secret key in $(basename "$f")" fails grep -qF "$SECRET" "$f"
	check "no session token in $(basename "$f")" fails grep -qF "$TOKEN" "$f"
done
check "the proxy saw the token travel (as it must, in its header)" \
	[ "$(proxy_q 'all(e["has_token"] for e in E)')" = True ]

# sync --jobs 2 killed with two uploads open (parts held 5 s at the proxy):
# the one watchdog aborts both.
mkdir -p "$T/syncdir"
head -c $((20 * MiB)) /dev/urandom >"$T/syncdir/one"
head -c $((20 * MiB)) /dev/urandom >"$T/syncdir/two"
proxy_rules '{"op":"UploadPart","action":"delay","delay_ms":5000,"times":-1}'
"$SC2S3" sync "$T/syncdir" "s3://$B/sync/" --jobs 2 --endpoint-url "$PROXY_URL" --quiet \
	2>"$T/logs/sync-killed.err" &
pid=$!
await_uploads -ge 2
check "sync --jobs 2 has two uploads open before the kill ($n)" [ "$n" -ge 2 ]
kill -KILL "$pid"
wait "$pid" 2>/dev/null
await_uploads = 0
check "the watchdog aborted both uploads of the killed sync (left: $n)" [ "$n" = 0 ]
check "no object of the killed sync" no_object sync/one
check "no object of the killed sync" no_object sync/two
check "the watchdog named both uploads" \
	[ "$(grep -c "sc2s3 died during the upload of 's3://$B/sync/" "$T/logs/sync-killed.err")" = 2 ]
proxy_rules

# The RGW is shared and keeps data in RAM: leave nothing behind.
aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
# Deleted data waits hours for RGW's garbage collector unless asked.
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
