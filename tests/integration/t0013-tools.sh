#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tools people point at a mount: find, stat, getfattr -d and
# rsync -a --dry-run see the whole tree (tracks, playlists, likes), and
# every write path answers EROFS.
. "$(dirname "$0")/lib.sh"
require_fuse

quiet() { "$@" >/dev/null 2>&1; }

start_standin --user band:40 --user other:12
mount_scfs "user=band:other" || exit 1

# What the stand-in says should be there.
curl -sf "$ADMIN_URL/users/band" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
ok = {t["id"] for t in d["tracks"] if t["access"] == "playable" and t["sharing"] == "public"}
print(len(ok), len(d["playlists"]))
' >"$T/want"
read -r n_tracks n_playlists <"$T/want"

check "the root lists both users" [ "$(ls "$MNT" | tr '\n' ' ')" = "band other " ]
check "a user has likes, playlists, tracks" [ "$(ls "$MNT/band" | tr '\n' ' ')" = "likes playlists tracks " ]
check "find sees every track of band ($n_tracks)" \
	[ "$(find "$MNT/band/tracks" -type f | wc -l)" = "$n_tracks" ]
check "find sees every playlist ($n_playlists)" \
	[ "$(find "$MNT/band/playlists" -mindepth 1 -maxdepth 1 -type d | wc -l)" = "$n_playlists" ]
check "find sees likes" [ "$(find "$MNT/band/likes" -type f | wc -l)" -ge 1 ]
check "find -type f over the mount works" quiet find "$MNT" -type f -name '*]*' -print -quit
f=$(find "$MNT/band/tracks" -type f -name '*.wav' -o -type f -name '*.mp3' | head -n1)
check "stat on a track works" quiet stat "$f"
check "a track is a regular 0444 file" [ "$(stat -c %F:%a "$f")" = "regular file:444" ]
check "a directory is 0555" [ "$(stat -c %F:%a "$MNT/band/playlists")" = "directory:555" ]
check "a track is owned by the mounting user" [ "$(stat -c %u "$f")" = "$(id -u)" ]
getfattr --absolute-names -d "$f" >"$T/xattrs" 2>&1
for a in id urn title permalink_url duration_ms created_at source json; do
	check "getfattr -d shows user.sc.$a" grep -q "^user.sc.$a=" "$T/xattrs"
done
h=$(find "$MNT/band/tracks" -type f -name '*.m4a' | head -n1)
check "a stream-only track says user.sc.source=hls_aac_160" \
	[ "$(getfattr --absolute-names --only-values -n user.sc.source "$h")" = hls_aac_160 ]
check "getfattr on a directory works" quiet getfattr --absolute-names -d "$MNT/band/tracks"
check "an unknown attribute is ENODATA" grep -q "No such attribute" <(getfattr --absolute-names -n user.sc.nope "$f" 2>&1)

command -v rsync >/dev/null || die "rsync not installed (apt-get install rsync)"
rsync -a --dry-run --itemize-changes "$MNT/band/" "$T/x" >"$T/rsync" 2>"$T/rsync.err"
check "rsync -a --dry-run succeeds" [ $? = 0 ]
check "rsync -a --dry-run would copy every track" \
	[ "$(grep -c '^>f.*tracks/' "$T/rsync")" = "$n_tracks" ]
check "rsync -a --dry-run would copy the playlists and likes" \
	grep -q '^>f.*playlists/.*/01 - ' "$T/rsync"
check "rsync said nothing on stderr" [ ! -s "$T/rsync.err" ]

erofs() {	# erofs WHAT COMMAND...: the command fails saying EROFS
	local what=$1; shift
	if "$@" 2>"$T/err"; then not_ok "$what succeeded"; return; fi
	check "$what: EROFS" grep -q "Read-only file system" "$T/err"
}
d=$MNT/band/tracks
erofs "append" sh -c "echo x >>'$f'"
erofs "truncate" truncate -s 0 "$f"
erofs "create" touch "$d/new"
erofs "utimens" touch -m -d @0 "$f"
erofs "unlink" rm -f "$f"
erofs "mkdir" mkdir "$d/x"
erofs "rmdir" rmdir "$MNT/band/likes"
erofs "rename" mv "$f" "$d/renamed"
erofs "link" ln "$f" "$d/hard"
erofs "symlink" ln -s "$f" "$d/soft"
erofs "chmod" chmod 600 "$f"
erofs "mkfifo" mkfifo "$d/fifo"
erofs "setxattr" setfattr -n user.x -v 1 "$f"
erofs "removexattr" setfattr -x user.sc.id "$f"
erofs "write in a playlist" sh -c "echo x >'$(find "$MNT/band/playlists" -type f | head -n1)'"
check "the tree is unchanged" [ "$(find "$MNT/band/tracks" -type f | wc -l)" = "$n_tracks" ]
umount_scfs
finish
