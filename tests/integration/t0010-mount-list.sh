#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The walking skeleton's mount: a user's playable tracks listed under
# MNT/<permalink>/tracks with safe names (originals with their format,
# stream-only tracks as .m4a), exact sizes and mtimes, the originals' exact
# bytes on read, metadata in xattrs, EROFS for every write, a clean
# unmount; and one clear line with exit 1 when it cannot mount.
. "$(dirname "$0")/lib.sh"
require_fuse

start_standin --fixture "$SRC/tests/fixtures/sc/skeleton.json"
mount_scfs "user=band" || exit 1

D=$MNT/band/tracks
check "the root lists the user" [ "$(ls "$MNT")" = band ]
check "the user lists likes/, playlists/, tracks/" \
	[ "$(ls "$MNT/band" | tr '\n' ' ')" = "likes playlists tracks " ]
ls "$D" >"$T/names"
cat >"$T/expected" <<'NAMES'
Demo été 🎸 [2007].aiff
Encore [2002].mp3
Practice _ Take 1 [2001].wav
Stream Only [2004].m4a
untitled [2003].flac
NAMES
check "the playable tracks are listed with safe names" diff "$T/expected" "$T/names"

for id in 2001 2002 2003 2007; do
	f=$(ls "$D"/*"[$id]".*)
	curl -sf "$ADMIN_URL/tracks/$id/original" -o "$T/orig-$id"
	check "size of track $id equals the original's ($(stat -c %s "$f"))" \
		[ "$(stat -c %s "$f")" = "$(stat -c %s "$T/orig-$id")" ]
	check "cat of track $id returns its exact bytes" cmp -s "$f" "$T/orig-$id"
done
f="$D/Encore [2002].mp3"
check "mtime comes from the track's date" [ "$(stat -c %Y "$f")" = "$(date -d 2021-11-14T11:27:16Z +%s)" ]
check "files are 0444" [ "$(stat -c %a "$f")" = 444 ]
check "directories are 0555" [ "$(stat -c %a "$D")" = 555 ]
dd if="$D/Practice _ Take 1 [2001].wav" of="$T/mid" bs=1 skip=1234567 count=4096 status=none
check "a read at an offset returns the right bytes" \
	cmp -s "$T/mid" <(tail -c +1234568 "$T/orig-2001" | head -c 4096)
check "user.sc.urn is the track's URN" [ "$(getfattr --only-values -n user.sc.urn "$f")" = soundcloud:tracks:2002 ]
check "user.sc.created_at is ISO 8601 UTC" [ "$(getfattr --only-values -n user.sc.created_at "$f")" = 2021-11-14T11:27:16Z ]
check "user.sc.source is original" [ "$(getfattr --only-values -n user.sc.source "$f")" = original ]
check "getfattr -d lists the metadata" grep -q user.sc.title <(getfattr -d "$f")
check "an unknown xattr is ENODATA" grep -q "No such attribute" <(getfattr -n user.nope "$f" 2>&1)

check "write is refused" fails sh -c "echo x >>'$f'"
check "write says EROFS" grep -q "Read-only file system" <(sh -c "echo x >>'$f'" 2>&1)
check "create says EROFS" grep -q "Read-only file system" <(touch "$D/new" 2>&1)
check "rm says EROFS" grep -q "Read-only file system" <(rm -f "$f" 2>&1)
check "mkdir says EROFS" grep -q "Read-only file system" <(mkdir "$D/x" 2>&1)
check "rename says EROFS" grep -q "Read-only file system" <(mv "$f" "$D/y" 2>&1)
check "chmod says EROFS" grep -q "Read-only file system" <(chmod 600 "$f" 2>&1)
check "a missing file is ENOENT" grep -q "No such file" <(stat "$D/missing [1].wav" 2>&1)
check "find counts the files" [ "$(find "$MNT" -type f | wc -l)" = 5 ]
umount_scfs

# Refusals before mounting: exit 1, one clear line, nothing mounted.
refuse() {	# refuse WHAT PATTERN OPTIONS [ENV...]
	local what=$1 pattern=$2 opts=$3 rc; shift 3
	env "$@" "$SCFS" -f -o "api_url=$API_URL,auth_url=$AUTH_URL,$opts" "$MNT" \
		>"$T/logs/refuse.log" 2>&1 &
	local pid=$!
	for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if kill -0 $pid 2>/dev/null; then
		not_ok "$what: scfs is still running"
		fusermount3 -u -z "$MNT" 2>/dev/null; kill -KILL $pid
		return
	fi
	wait $pid; rc=$?
	check "$what: exit 1 (got $rc)" [ $rc = 1 ]
	check "$what: says '$pattern'" grep -q "$pattern" "$T/logs/refuse.log"
	check "$what: one line" [ "$(wc -l <"$T/logs/refuse.log")" -le 2 ]
	check "$what: nothing mounted" fails mountpoint -q "$MNT"
}
refuse "unknown user" "unknown SoundCloud user 'nobody'" user=nobody
refuse "wrong secret" "refused the client credentials" user=band SOUNDCLOUD_CLIENT_SECRET=wrong
refuse "no credentials" "no SoundCloud credentials" user=band SOUNDCLOUD_CLIENT_ID= SOUNDCLOUD_CLIENT_SECRET=
refuse "unreachable API" "cannot reach the token endpoint 'http://127.0.0.1:1/oauth/token'" \
	"user=band,api_url=http://127.0.0.1:1,auth_url=http://127.0.0.1:1/oauth/token"
refuse "no user" "no user to show" ""
finish
