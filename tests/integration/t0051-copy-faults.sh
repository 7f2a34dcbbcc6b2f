#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# user.s3.copy under faults (issue 6): a 429 storm from the API, dropped CDN
# connections, an S3 5xx burst (survived, and past the retries: failed),
# SIGKILL of the daemon mid-copy in the foreground and once daemonized (its
# watchdog aborts every upload left open), and unmount or SIGTERM mid-copy.
# After each: every object is complete and byte-identical to reading its
# file on the mount, or absent, and ListMultipartUploads is empty.  Also
# the bad input of issue 6: malformed values, a missing bucket, wrong keys,
# a track that may not be copied, each with its errno or status and a
# message naming the cause.  The daemon's S3 goes through s3-fault-proxy;
# objects are read back from RGW directly with the AWS CLI.
. "$(dirname "$0")/lib.sh"
. "$SRC/contrib/s3-fault-proxy/testlib.sh"
require_fuse
ensure_s3
B=$(new_bucket)
proxy_start
export AWS_ENDPOINT_URL=$PROXY_URL	# the daemon's; aws_s3 names RGW itself
start_standin --fixture "$SRC/tests/fixtures/sc/copy.json"
D=$MNT/band/tracks
MOUNTS=0

# mount_band: the fixture's band in the foreground, a log per mount.
mount_band() {
	MOUNTS=$((MOUNTS + 1))
	[ -f "$T/logs/scfs.log" ] && mv "$T/logs/scfs.log" "$T/logs/scfs-$MOUNTS.log"
	mount_scfs "user=band" || die "scfs did not mount"
}
# killed_by SIGNAL STATUS: send the foreground daemon SIGNAL; it must exit
# with STATUS; then the mount is cleared away.
killed_by() {
	local rc
	kill "-$1" "$SCFS_PID"
	wait "$SCFS_PID"
	rc=$?
	SCFS_PID=
	check "scfs exits with $2 on SIG$1 (got $rc)" [ "$rc" = "$2" ]
	fusermount3 -u -z "$MNT" 2>/dev/null
}
# daemon_pid COMM: the process named COMM serving this test's mountpoint.
daemon_pid() {
	local p
	for p in $(pgrep -x "$1"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF " $MNT" && echo "$p"
	done
}
name_of() { ls "$D" | grep -F "[$1]"; }	# name_of TRACK_ID
status() { getfattr --only-values -n user.s3.copy.status "$1" 2>/dev/null; }
copy() {	# copy TRACK_ID PREFIX: queue a copy to s3://B/PREFIX/
	setfattr -n user.s3.copy -v "s3://$B/$2/" "$D/$(name_of "$1")"
}
# await DESCRIPTION SECONDS COMMAND...: poll COMMAND until it succeeds or
# the deadline passes; one check either way.
await() {
	local what=$1 secs=$2 end=$((SECONDS + $2))
	shift 2
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			not_ok "$what (not within ${secs}s)"
			return 1
		fi
		sleep 0.1
	done
	ok "$what"
}
is_final() { case "$(status "$1")" in done*|failed*) return 0 ;; esac; return 1; }
uploads_at_least() { [ "$(count_uploads "$B")" -ge "$1" ]; }
keys_under() {	# keys_under PREFIX: the object keys under PREFIX/, one a line
	aws_s3 s3api list-objects-v2 --bucket "$B" --prefix "$1/" --output json |
		"$PY" -c 'import json,sys
t = sys.stdin.read().strip()
for o in (json.loads(t) if t else {}).get("Contents") or []: print(o["Key"])'
}
# settled PREFIX: every object under PREFIX/ is its file as read from the
# mount (kept in $T/ref), and no multipart upload is left in the bucket.
settled() {
	local k bad=0
	while IFS= read -r k; do
		rm -f "$T/back"
		if ! aws_s3 s3 cp "s3://$B/$k" "$T/back" --quiet ||
		   ! cmp -s "$T/ref/${k#"$1"/}" "$T/back"; then
			say "object '$k' is not its file"
			bad=1
		fi
	done < <(keys_under "$1")
	[ "$bad" = 0 ] && [ "$(count_uploads "$B")" = 0 ]
}
# done_ok ID PREFIX: the copy ended done with an ETag and the file's size,
# and the object is the file.
done_ok() {
	local f s
	f=$(name_of "$1")
	s=$(status "$D/$f")
	case "$s" in
	"done s3://$B/$2/$f etag="*" bytes=$(stat -c %s "$D/$f")")
		ok "'$f' copied under $2: $s" ;;
	*)	not_ok "'$f' copied under $2 (status '$s')" ;;
	esac
	check "the object of '$f' under $2 is in place" [ "$(keys_under "$2" | grep -cF "$f")" = 1 ]
}
# ends_failed FILE TARGET WORD: the copy of FILE to TARGET ends with the
# status "failed TARGET: REASON", WORD in the reason.
ends_failed() {
	local s
	await "the copy to $2 ends" 180 is_final "$1"
	s=$(status "$1")
	case "$s" in
	"failed $2: "*"$3"*) ok "its status says failed, naming $3: $s" ;;
	*) not_ok "its status says failed, naming $3 (got '$s')" ;;
	esac
}
standin_fault() { curl -sf -X POST "$ADMIN_URL/faults" -d "$1" >/dev/null || die "stand-in refused fault $1"; }
standin_clear() { curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null; }
fault_hits() {	# fault_hits: how often the stand-in's faults fired
	curl -sf "$ADMIN_URL/faults" | "$PY" -c 'import json,sys
d = json.load(sys.stdin)
d = d.get("faults", d) if isinstance(d, dict) else d
print(sum(f.get("hits", 0) for f in d))'
}
# slow_s3: parts take five seconds each, so that uploads stay open while
# the test looks (the AWS CLI takes a second to start).
slow_s3() { proxy_rules '{"op":"UploadPart","action":"delay","delay_ms":5000,"times":-1}'; }

mount_band
# What reading the files on the mount returns, before any fault.
mkdir -p "$T/ref"
for id in 3001 3002 3004 3006 3008 3012; do
	cp "$D/$(name_of $id)" "$T/ref/" || die "cannot read track $id on the mount"
done

# --- bad input ---------------------------------------------------------------
take1=$D/$(name_of 3001)
for v in "s3://" "s3:///key" "http://$B/k" "$B/k"; do
	check "malformed value '$v': EINVAL" grep -q "Invalid argument" \
		<(setfattr -n user.s3.copy -v "$v" "$take1" 2>&1)
done
check "the log names what is wrong with the value" \
	grep -qF "user.s3.copy on '/band/tracks/$(name_of 3001)' refused: invalid S3 URL 'http://$B/k'" "$T/logs/scfs.log"
check "the log names the missing bucket of 's3://'" \
	grep -qF "refused: invalid bucket name '' in 's3://'" "$T/logs/scfs.log"
check "no status for a refused value" [ "$(status "$take1")" = idle ]
check "a stream-only track: EACCES" grep -q "Permission denied" \
	<(setfattr -n user.s3.copy -v "s3://$B/x/" "$D/$(name_of 3011)" 2>&1)
check "the log says why it may not be copied" \
	grep -qF "refused: not an original (neither downloadable nor the token owner's)" "$T/logs/scfs.log"
nob=scfs-missing-$RANDOM$RANDOM
check "a missing bucket is queued (setfattr cannot wait for S3)" \
	setfattr -n user.s3.copy -v "s3://$nob/k" "$take1"
ends_failed "$take1" "s3://$nob/k" NoSuchBucket

# survives WHAT FAULT PREFIX ID...: with the stand-in's FAULT armed, copies
# of the tracks under PREFIX all end done and the fault fired.
survives() {
	local what=$1 fault=$2 prefix=$3 id
	shift 3
	standin_fault "$fault"
	for id in "$@"; do copy "$id" "$prefix" || not_ok "setfattr on $id with $what"; done
	for id in "$@"; do
		await "the copy of $id with $what ends" 120 is_final "$D/$(name_of "$id")"
	done
	check "$what fired ($(fault_hits) times)" [ "$(fault_hits)" -ge 1 ]
	for id in "$@"; do done_ok "$id" "$prefix"; done
	check "after $what: objects complete or absent, no upload left" settled "$prefix"
	standin_clear
}

# --- (a) a 429 storm from the API, (b) CDN connections dropped -------------------
# The signed URLs the listing's probes got are expired first, so that the
# copies must ask the API for new ones (a fresh probe URL needs no API call).
survives "a 429 storm" \
	'[{"kind":"expire","route":"cdn_original","issued_before":"now"},
	  {"kind":"429","shape":"rate_limit","retry_after":1,"route":["download","track"],"count":4}]' a 3002 3004
check "the API answered 429 during the storm" [ "$(curl -sf "$ADMIN_URL/stats" | \
	"$PY" -c 'import json,sys; print(json.load(sys.stdin)["status"].get("429", 0))')" -ge 1 ]
survives "CDN drops" '{"kind":"drop","after_bytes":300000,"route":"cdn_original","count":4}' b 3006 3008

# A copy that must wait out the API's rate limit says so after its status:
# its signed URL has expired, and renewing it meets a 429 asking for 5 s.
status_has() { status "$1" | grep -qF "$2"; }
now=$(date +%s)
standin_fault '[{"kind":"expire","route":"cdn_original","issued_before":'$((now + 1))'},
	{"kind":"429","shape":"rate_limit","retry_after":5,"route":"download","count":1}]'
sleep 1.1	# URLs signed from now on are valid
copy 3004 w || not_ok "setfattr while the API is rate limited"
await "a copy waiting for the rate limit says so" 30 \
	status_has "$D/$(name_of 3004)" "for SoundCloud's rate limit)"
say "waiting: $(status "$D/$(name_of 3004)")"
await "... and then ends" 120 is_final "$D/$(name_of 3004)"
done_ok 3004 w
standin_clear

# --- (c) an S3 5xx burst on some parts ------------------------------------------
proxy_mark
proxy_rules '{"op":"UploadPart","part":[1,2],"action":"status","code":"SlowDown","times":3}' \
	'{"op":"UploadPart","part":2,"action":"status","code":"InternalError","times":2}' \
	'{"op":"PutObject","action":"status","code":"ServiceUnavailable","times":1}'
copy 3006 c && copy 3002 c && copy 3001 c || not_ok "setfattr with S3 5xx"
for id in 3006 3002 3001; do
	await "copy of $id through a 5xx burst ends" 120 is_final "$D/$(name_of $id)"
done
check "S3 answered 5xx ($(proxy_q 'sum(1 for e in E if e["fault"])') times)" \
	[ "$(proxy_q 'sum(1 for e in E if e["fault"])')" -ge 3 ]
done_ok 3006 c
done_ok 3002 c
done_ok 3001 c
check "after a 5xx burst: objects complete or absent, no upload left" settled c
# Past the retries: the copy fails, names the reason, leaves nothing.
proxy_rules '{"op":"UploadPart","part":2,"action":"status","code":"InternalError","times":-1}'
copy 3006 c2 || not_ok "setfattr with S3 failing"
ends_failed "$D/$(name_of 3006)" "s3://$B/c2/$(name_of 3006)" InternalError
check "after a failed copy: no object" [ -z "$(keys_under c2)" ]
check "after a failed copy: no upload left" settled c2
proxy_rules

# --- (e) unmount and SIGTERM mid-copy ---------------------------------------------
slow_s3
copy 3012 e && copy 3006 e || not_ok "setfattr before the unmount"
await "two uploads are open before the unmount" 60 uploads_at_least 2
umount_scfs
await "unmount mid-copy: no upload left" 30 settled e
check "unmount mid-copy: no object" [ -z "$(keys_under e)" ]
check "the daemon said it stopped cleanly, not that it died" \
	fails grep -qF "died during" "$T/logs/scfs.log"

mount_band
copy 3012 e2 || not_ok "setfattr before SIGTERM"
await "an upload is open before SIGTERM" 60 uploads_at_least 1
killed_by TERM 0
await "SIGTERM mid-copy: no upload left" 30 settled e2
check "SIGTERM mid-copy: no object" [ -z "$(keys_under e2)" ]

# --- (d) SIGKILL of the daemon mid-copy -------------------------------------------
mount_band
guard=$(pgrep -P "$SCFS_PID" -x scfs-guard)
check "the daemon has its upload watchdog ($guard)" [ -n "$guard" ]
copy 3012 d && copy 3006 d || not_ok "setfattr before SIGKILL"
await "two uploads are open before SIGKILL" 60 uploads_at_least 2
killed_by KILL 137
await "SIGKILL mid-copy: the watchdog aborted both uploads" 60 settled d
check "SIGKILL mid-copy: no object" [ -z "$(keys_under d)" ]
await "the watchdog exits when done" 30 fails kill -0 "$guard"
check "the watchdog said what it did" \
	grep -qF "scfs died during the upload of 's3://$B/d/$(ls "$T/ref" | grep -F '[3012]')'; the upload was aborted" \
	"$T/logs/scfs.log"

# The same with the daemon in the background: the watchdog outlives the
# process that forked it and the daemonizing fork, and acts only when the
# daemon itself is gone.
mv "$T/logs/scfs.log" "$T/logs/scfs-killed.log"
"$SCFS" -o "api_url=$API_URL,auth_url=$AUTH_URL,cache_dir=$T/cache,user=band" "$MNT" \
	>"$T/logs/scfs-bg.out" 2>&1
rc=$?
check "scfs daemonizes (exit $rc)" [ "$rc" = 0 ]
SCFS_PID=$(daemon_pid scfs)
guard=$(daemon_pid scfs-guard)
check "the daemon runs in the background ($SCFS_PID)" [ -n "$SCFS_PID" ]
check "its watchdog outlived the process that started it ($guard)" [ -n "$guard" ]
check "a copy through the daemonized mount works" copy 3002 bg
await "the copy ends" 120 is_final "$D/$(name_of 3002)"
done_ok 3002 bg
check "the watchdog is still there after the copy" kill -0 "$guard"
slow_s3
copy 3012 d2 || not_ok "setfattr before SIGKILL (background)"
await "an upload is open before SIGKILL (background)" 60 uploads_at_least 1
kill -KILL "$SCFS_PID"
await "the background daemon died of SIGKILL" 30 fails kill -0 "$SCFS_PID"
SCFS_PID=
fusermount3 -u -z "$MNT" 2>/dev/null
await "SIGKILL of the background daemon: no upload left" 60 settled d2
check "SIGKILL of the background daemon: no object" [ -z "$(keys_under d2)" ]
await "its watchdog exits when done" 30 fails kill -0 "$guard"
proxy_rules

# --- wrong keys ----------------------------------------------------------------
good=$AWS_SECRET_ACCESS_KEY
AWS_SECRET_ACCESS_KEY=wrong-secret-0000000000000000000000000
mount_band
AWS_SECRET_ACCESS_KEY=$good
check "a copy with wrong keys is queued" copy 3001 k
ends_failed "$D/$(name_of 3001)" "s3://$B/k/$(name_of 3001)" SignatureDoesNotMatch
check "wrong keys: no object" [ -z "$(keys_under k)" ]
check "the secret never reaches the log" fails grep -rq "wrong-secret-0000" "$T/logs"
umount_scfs
finish
