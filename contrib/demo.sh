#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh: the main job against the bundled local stack.  Installs what it
# needs, builds, starts the SoundCloud stand-in and a real S3 (Ceph RGW) on
# loopback, mounts a band's account, lists it, copies a track into a bucket
# with sc2s3, verifies the object byte for byte with the AWS CLI, then
# unmounts and stops everything.  Exit 0 when the copy is verified.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
W=$(mktemp -d /tmp/scfs-demo.XXXXXX)
PORT=${SCFS_DEMO_RGW_PORT:-18680}
SCFS_PID=
STANDIN_PID=

step() { printf '\n== %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
cleanup() {
	[ -n "$SCFS_PID" ] && { fusermount3 -u -z "$W/mnt" 2>/dev/null; kill "$SCFS_PID" 2>/dev/null; }
	[ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null
	contrib/rgw.sh stop "$W/rgw" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

step "install and build"
contrib/install-deps.sh || die "cannot install the dependencies"
[ -d build ] || meson setup build >/dev/null || die "meson setup failed"
ninja -C build >/dev/null || die "build failed (run: ninja -C build)"

step "start the SoundCloud stand-in (user 'band', 6 tracks) and S3 (Ceph RGW)"
mkdir -p "$W/mnt"
/usr/bin/python3 contrib/sc-standin/standin.py --port-file "$W/standin.json" \
	--user band:6 >"$W/standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 50); do [ -s "$W/standin.json" ] && break; sleep 0.1; done
[ -s "$W/standin.json" ] || die "the stand-in did not start: $(cat "$W/standin.log")"
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$W/standin.json" "$1"; }
API=$(field api_url)
export SOUNDCLOUD_CLIENT_ID SOUNDCLOUD_CLIENT_SECRET
SOUNDCLOUD_CLIENT_ID=$(field client_id)
SOUNDCLOUD_CLIENT_SECRET=$(field client_secret)
S3ENV=$(contrib/rgw.sh start "$W/rgw" "$PORT") || die "cannot start RGW"
set -a; eval "$S3ENV"; set +a
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
echo "API $API, S3 $S3_ENDPOINT"

step "mount: scfs -f -o user=band,api_url=$API,auth_url=$API/oauth/token $W/mnt"
build/src/scfs -f -o "user=band,api_url=$API,auth_url=$API/oauth/token,cache_dir=$W/cache" \
	"$W/mnt" >"$W/scfs.log" 2>&1 &
SCFS_PID=$!
for _ in $(seq 100); do mountpoint -q "$W/mnt" && break; kill -0 $SCFS_PID 2>/dev/null || break; sleep 0.1; done
mountpoint -q "$W/mnt" || die "scfs did not mount: $(cat "$W/scfs.log")"

step "list: ls -l $W/mnt/band/tracks"
ls -l "$W/mnt/band/tracks"
TRACK=$(find "$W/mnt/band/tracks" -type f | sort | head -n 1)
[ -n "$TRACK" ] || die "no track listed"
getfattr -n user.sc.urn "$TRACK" 2>/dev/null

step "copy: sc2s3 cp '$TRACK' s3://scfs-demo/band/"
/usr/bin/aws --endpoint-url "$S3_ENDPOINT" s3 mb s3://scfs-demo >/dev/null || die "cannot create the bucket"
build/src/sc2s3 cp "$TRACK" s3://scfs-demo/band/ || die "the copy failed"
KEY="band/$(basename "$TRACK")"

step "verify: the object read back with the AWS CLI equals the file on the mount"
/usr/bin/aws --endpoint-url "$S3_ENDPOINT" s3api head-object --bucket scfs-demo --key "$KEY" \
	--query '{size: ContentLength, etag: ETag, type: ContentType, meta: Metadata}'
/usr/bin/aws --endpoint-url "$S3_ENDPOINT" s3 cp "s3://scfs-demo/$KEY" "$W/back" --quiet || die "cannot read the object back"
cmp "$TRACK" "$W/back" || die "the object differs from the file"
echo "verified: s3://scfs-demo/$KEY is byte-identical to the track"

step "unmount and stop"
fusermount3 -u "$W/mnt"
wait "$SCFS_PID"; rc=$?
SCFS_PID=
[ $rc = 0 ] || die "scfs exited with $rc"
echo "demo: OK"
