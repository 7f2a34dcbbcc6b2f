# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the integration scripts (after libfuse's test/cases/lib/common.sh):
# a private work dir per test, the SoundCloud stand-in and RGW on loopback,
# a real mount with -f that is always unmounted from the EXIT trap (lazy
# unmount, then TERM, then KILL), the daemon's exit status checked on the
# clean path, and its log printed on failure.  Exit 77 only when FUSE is
# missing.
set -u

SRC=${SCFS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${SCFS_BUILD_DIR:-$SRC/build}
SCFS=$BUILD/src/scfs
SC2S3=$BUILD/src/sc2s3
PY=/usr/bin/python3
STANDIN=$SRC/contrib/sc-standin/standin.py
AWS=/usr/bin/aws
RGW_DIR=${SCFS_RGW_DIR:-/tmp/scfs-rgw-$(id -u)}
RGW_PORT=${SCFS_RGW_PORT:-18480}

T=$(mktemp -d "${TMPDIR:-/tmp}/scfs-test.XXXXXX")
mkdir -p "$T/mnt" "$T/cache" "$T/logs" "$T/xdg"
MNT=$T/mnt
# scfs and sc2s3 keep tokens and metadata under $XDG_CACHE_HOME/scfs when
# no cache directory is given: never the user's own during tests.
export XDG_CACHE_HOME=$T/xdg
SCFS_PID=
STANDIN_PID=
FAILED=0
CHECKS=0

say() { echo "# $*"; }
ok() { CHECKS=$((CHECKS + 1)); echo "ok $CHECKS - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILED=$((FAILED + 1)); echo "not ok $CHECKS - $*"; }
check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# fails COMMAND...: succeeds when the command fails (for check).
fails() { ! "$@"; }
# quiet COMMAND...: run it with its output dropped (for check).
quiet() { "$@" >/dev/null 2>&1; }
# Stop at once: for steps later checks depend on.
die() { not_ok "$*"; exit 1; }

require_fuse() {
	if [ ! -c /dev/fuse ]; then
		echo "# SKIP: /dev/fuse is missing"
		exit 77
	fi
	command -v fusermount3 >/dev/null || die "fusermount3 not installed (apt-get install fuse3)"
	if [ "$(id -u)" != 0 ] && [ ! -u "$(command -v fusermount3)" ]; then
		echo "# SKIP: fusermount3 is not setuid and we are not root"
		exit 77
	fi
}

dump_logs() {
	local f
	for f in "$T"/logs/*; do
		[ -s "$f" ] || continue
		echo "# ---- $f (last 60 lines)"
		tail -n 60 "$f" | sed 's/^/# /'
	done
}

cleanup() {
	local rc=$?
	if [ -n "$SCFS_PID" ]; then
		fusermount3 -u -z "$MNT" 2>/dev/null || true
		kill -TERM "$SCFS_PID" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SCFS_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$SCFS_PID" 2>/dev/null || true
	fi
	[ -n "$STANDIN_PID" ] && { kill -TERM "$STANDIN_PID" 2>/dev/null || true; wait "$STANDIN_PID" 2>/dev/null || true; }
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] || [ "$FAILED" != 0 ]; then
		dump_logs
		echo "# test files kept in $T"
		[ "$rc" = 0 ] && rc=1
	else
		drop_buckets
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT

# finish: the script's verdict from its checks.
finish() {
	echo "1..$CHECKS"
	[ "$FAILED" = 0 ] || exit 1
	exit 0
}

# json_get FILE KEY: a top-level string field of a JSON file.
json_get() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# await_port_file FILE PID WHAT: wait until a server started in the
# background has written its port file, or stop the test if it died.
await_port_file() {
	for _ in $(seq 1 100); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || die "$3 exited at start"
		sleep 0.05
	done
	die "$3 did not start"
}

# start_standin ARGS...: the SoundCloud stand-in on free ports; sets
# API_URL, AUTH_URL, CDN_URL, ADMIN_URL and the client credentials.
start_standin() {
	"$PY" "$STANDIN" --port-file "$T/standin.json" --log "$T/logs/standin.jsonl" "$@" \
		>"$T/logs/standin.out" 2>&1 &
	STANDIN_PID=$!
	await_port_file "$T/standin.json" "$STANDIN_PID" "the stand-in"
	API_URL=$(json_get "$T/standin.json" api_url)
	AUTH_URL=$(json_get "$T/standin.json" auth_url)
	CDN_URL=$(json_get "$T/standin.json" cdn_url)
	ADMIN_URL=$(json_get "$T/standin.json" admin_url)
	export SOUNDCLOUD_CLIENT_ID SOUNDCLOUD_CLIENT_SECRET
	SOUNDCLOUD_CLIENT_ID=$(json_get "$T/standin.json" client_id)
	SOUNDCLOUD_CLIENT_SECRET=$(json_get "$T/standin.json" client_secret)
}

# mount_scfs OPTIONS: mount in the foreground and wait for it while the
# daemon lives.
mount_scfs() {
	$SCFS_PREFIX "$SCFS" -f -o "api_url=$API_URL,auth_url=$AUTH_URL,cache_dir=$T/cache,$1" \
		"$MNT" >"$T/logs/scfs.log" 2>&1 &
	SCFS_PID=$!
	for _ in $(seq 1 300); do
		mountpoint -q "$MNT" && return 0
		if ! kill -0 "$SCFS_PID" 2>/dev/null; then
			wait "$SCFS_PID"
			not_ok "scfs exited with $? before mounting"
			SCFS_PID=
			return 1
		fi
		sleep 0.1
	done
	not_ok "scfs did not mount within 30 s"
	return 1
}
SCFS_PREFIX=${SCFS_PREFIX:-}

# umount_scfs: clean unmount; the daemon must exit 0.
umount_scfs() {
	local rc
	fusermount3 -u "$MNT" || { not_ok "fusermount3 -u failed"; return 1; }
	wait "$SCFS_PID"
	rc=$?
	SCFS_PID=
	check "scfs exits 0 after a clean unmount (got $rc)" [ "$rc" = 0 ]
}

# ensure_s3: the project's RGW, started once and shared by the tests;
# exports the AWS variables for it.
ensure_s3() {
	local envs
	envs=$("$SRC/contrib/rgw.sh" start "$RGW_DIR" "$RGW_PORT") || die "cannot start RGW (see $RGW_DIR/log)"
	set -a
	eval "$envs"
	set +a
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
	unset AWS_PROFILE AWS_SESSION_TOKEN
}

aws_s3() { "$AWS" --endpoint-url "$S3_ENDPOINT" "$@"; }

# count_uploads BUCKET: unfinished multipart uploads in a bucket.
count_uploads() {
	aws_s3 s3api list-multipart-uploads --bucket "$1" --output json |
		"$PY" -c 'import json,sys; t=sys.stdin.read().strip(); print(len(json.loads(t).get("Uploads") or []) if t else 0)'
}

# new_bucket: a fresh bucket for this test, printed.
new_bucket() {
	local b
	b=t-$(date +%s)-$$-$RANDOM
	aws_s3 s3api create-bucket --bucket "$b" >/dev/null || die "cannot create bucket $b"
	echo "$b" >>"$T/buckets"
	echo "$b"
}

# drop_buckets: delete this test's buckets with their objects and unfinished
# uploads; the RGW keeps its data in RAM.
drop_buckets() {
	local b u k
	[ -s "$T/buckets" ] || return 0
	while read -r b; do
		aws_s3 s3api list-multipart-uploads --bucket "$b" \
			--query 'Uploads[].[Key,UploadId]' --output text 2>/dev/null |
		while IFS=$'\t' read -r k u; do
			[ -n "$u" ] && [ "$u" != None ] &&
				aws_s3 s3api abort-multipart-upload --bucket "$b" --key "$k" --upload-id "$u" >/dev/null 2>&1
		done
		aws_s3 s3 rb --force "s3://$b" >/dev/null 2>&1
	done <"$T/buckets"
}
