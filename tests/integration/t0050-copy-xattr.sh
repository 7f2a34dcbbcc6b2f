#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# user.s3.copy on the mount: setfattr queues and returns at once, ten copies
# land in RGW byte-identical to the files, statuses follow INTERFACE.md,
# bad values / policy / double submits get their errno, and an unmount in
# the middle of a copy leaves no object and no unfinished upload.
. "$(dirname "$0")/lib.sh"
require_fuse
ensure_s3
B=$(new_bucket)

start_standin --fixture "$SRC/tests/fixtures/sc/copy.json"
mount_scfs "user=band" || exit 1
D=$MNT/band/tracks

ls "$D" | grep -v "Long Jam\|Stream Only" >"$T/ten"
check "ten originals to copy" [ "$(wc -l <"$T/ten")" = 10 ]
start=$(date +%s.%N)
while read -r f; do
	setfattr -n user.s3.copy -v "s3://$B/band/" "$D/$f" || not_ok "setfattr on '$f'"
done <"$T/ten"
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
check "ten setfattr calls return at once (${took}s)" awk -v t="$took" 'BEGIN{exit !(t < 2)}'

wait_done() {	# wait_done FILE: until its status is done or failed
	local s
	for _ in $(seq 1 300); do
		s=$(getfattr --only-values -n user.s3.copy.status "$1" 2>/dev/null)
		case "$s" in done*|failed*) echo "$s"; return 0 ;; esac
		sleep 0.1
	done
	echo "$s"
}
while read -r f; do
	s=$(wait_done "$D/$f")
	size=$(stat -c %s "$D/$f")
	case "$s" in
	"done s3://$B/band/$f etag="*" bytes=$size") ok "status of '$f' is done with its ETag and size" ;;
	*) not_ok "status of '$f' is done with its ETag and size (got '$s')" ;;
	esac
	aws_s3 s3 cp "s3://$B/band/$f" "$T/back" --quiet
	check "object of '$f' equals the file on the mount" cmp -s "$D/$f" "$T/back"
done <"$T/ten"
f=$(head -n 1 "$T/ten")
meta=$(aws_s3 s3api head-object --bucket "$B" --key "band/$f" --query 'Metadata."sc-urn"' --output text)
check "objects carry x-amz-meta-sc-urn ($meta)" [ "${meta#soundcloud:tracks:}" != "$meta" ]
check "listxattr names user.s3.copy.status" grep -q "user.s3.copy.status" <(getfattr -d -m - "$D/$f" 2>/dev/null)
check "an exact key is used as given" setfattr -n user.s3.copy -v "s3://$B/exact.bin" "$D/$f"
wait_done "$D/$f" >/dev/null
check "the exact key exists" quiet aws_s3 s3api head-object --bucket "$B" --key exact.bin

# Refusals with the errno INTERFACE.md names.
check "malformed value: EINVAL" grep -q "Invalid argument" <(setfattr -n user.s3.copy -v "s3:/$B/x" "$D/$f" 2>&1)
check "bad bucket name: EINVAL" grep -q "Invalid argument" <(setfattr -n user.s3.copy -v "s3://B/x" "$D/$f" 2>&1)
hls=$(ls "$D" | grep "Stream Only")
check "stream-only track is listed ('$hls')" [ -n "$hls" ]
check "stream-only track: EACCES" grep -q "Permission denied" <(setfattr -n user.s3.copy -v "s3://$B/x" "$D/$hls" 2>&1)
check "a directory: not a copy" fails quiet setfattr -n user.s3.copy -v "s3://$B/x" "$D"
check "other names stay read-only" grep -q "Read-only file system" <(setfattr -n user.foo -v 1 "$D/$f" 2>&1)

# A long copy: EBUSY while it runs, then an unmount aborts it.
# Each CDN request of the 48 MiB track waits 1.5 s: the copy takes ~10 s.
curl -sf -X POST "$ADMIN_URL/faults" -d '{"kind":"latency","ms":1500,"route":"cdn"}' >/dev/null
long=$(ls "$D" | grep "Long Jam")
check "a long copy is queued" setfattr -n user.s3.copy -v "s3://$B/long.wav" "$D/$long"
check "a second copy of it: EBUSY" grep -q "busy" <(setfattr -n user.s3.copy -v "s3://$B/long2.wav" "$D/$long" 2>&1)
for _ in $(seq 1 100); do
	[ "$(count_uploads "$B")" -ge 1 ] && break
	sleep 0.1
done
check "the long copy has begun its multipart upload" [ "$(count_uploads "$B")" -ge 1 ]
umount_scfs
check "no unfinished upload after the unmount" [ "$(count_uploads "$B")" = 0 ]
check "no object of the interrupted copy" fails quiet aws_s3 s3api head-object --bucket "$B" --key long.wav
finish
