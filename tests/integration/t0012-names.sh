#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Adversarial titles (slash, "..", control characters, a NUL escape, 300
# bytes of UTF-8, emoji, equal titles, empty and blank titles, a lone
# surrogate) give names that are valid UTF-8, at most 255 bytes, free of
# '/' and control characters, unique in their directory, and the same on
# a second mount.  Playlists with equal titles, the same track twice, and
# likes follow the same rules; preview-only, blocked and unstreamable
# tracks are not listed.
. "$(dirname "$0")/lib.sh"
require_fuse

start_standin --fixture "$SRC/tests/fixtures/sc/names.json"

# check_names DIR: every entry valid, bounded, unique; prints failures.
check_names() {
	"$PY" - "$1" <<'PY'
import os, sys, unicodedata
root = sys.argv[1].encode()
bad = 0
for d, dirs, files in os.walk(root):
    names = dirs + files
    if len(set(names)) != len(names):
        print("duplicate names in", d); bad += 1
    for n in names:
        why = None
        try:
            s = n.decode("utf-8", "strict")
        except UnicodeDecodeError:
            why = "not UTF-8"
        else:
            if len(n) > 255: why = "longer than 255 bytes"
            elif b"/" in n or b"\0" in n: why = "slash or NUL"
            elif n in (b".", b".."): why = "dot name"
            elif n.startswith(b"."): why = "hidden"
            elif any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in s):
                why = "control character"
            elif s != s.strip(): why = "untrimmed"
        if why:
            print(repr(n), why); bad += 1
sys.exit(1 if bad else 0)
PY
}

mount_scfs "user=weird" || exit 1
U=$MNT/weird
(cd "$U" && find . | LC_ALL=C sort) >"$T/tree1"
check "every name is valid, bounded and unique" check_names "$U"
check "tracks/ has the 20 listable tracks" [ "$(ls "$U/tracks" | wc -l)" = 20 ]
check "preview-only, blocked and unstreamable tracks are not listed" \
	fails grep -q '\[502[123]\]' "$T/tree1"
check "a slash becomes '_'" [ -f "$U/tracks/AC_DC _ Back in Black [5001].mp3" ]
check "'..' and '.' become 'untitled'" \
	[ -f "$U/tracks/untitled [5002].mp3" -a -f "$U/tracks/untitled [5003].mp3" ]
check "a path stays one name" [ -f "$U/tracks/_.._etc_passwd [5004].mp3" ]
check "an empty title is 'untitled'" [ -f "$U/tracks/untitled [5012].mp3" ]
check "a blank title is 'untitled'" [ -f "$U/tracks/untitled [5013].mp3" ]
check "equal titles stay apart by id" \
	[ "$(ls "$U/tracks" | grep -cE '^Same \[(5009|5010)\]\.mp3$')" = 2 ]
check "a stream-only track is .m4a" [ -f "$U/tracks/Same [5011].m4a" ]
check "emoji are kept" [ -f "$U/tracks/🎸🔥 Emoji 🎵 [5008].mp3" ]
check "brackets in a title are kept" [ -f "$U/tracks/Title [2001].wav [5017].mp3" ]
long=$(ls "$U/tracks" | grep '\[5007\]')
check "300 bytes of é are cut to fit 255 bytes (got ${#long} chars)" \
	[ "$(printf %s "$long" | wc -c)" -le 255 -a "$(printf %s "$long" | wc -c)" -ge 250 ]
check "a lone surrogate does not cost the listing" [ -f "$U/tracks/lone � surrogate [5020].mp3" ]
check "a NUL escape ends nothing but the title" grep -q '^nul.*\[5006\]\.mp3$' <(ls "$U/tracks")
check "two playlists with one title are two directories" \
	[ "$(ls "$U/playlists" | grep -c '^Mix \[600[12]\]$')" = 2 ]
check "a track twice in a playlist is two numbered files" \
	[ "$(ls "$U/playlists/Mix [6001]" | tr '\n' '|')" = "01 - Same [5009].mp3|02 - Same [5010].mp3|03 - Same [5009].mp3|04 - AC_DC _ Back in Black [5001].mp3|" ]
check "a preview in a playlist is left out, its place kept" \
	[ "$(ls "$U/playlists/Mix [6002]" | tr '\n' '|')" = "01 - Same [5011].m4a|03 - 🎸🔥 Emoji 🎵 [5008].mp3|" ]
check "an empty playlist title is 'untitled'" [ -d "$U/playlists/untitled [6003]" ]
check "a slash in a playlist title becomes '_'" [ -d "$U/playlists/a_b [6004]" ]
check "likes lists the liked playable tracks" \
	[ "$(ls "$U/likes" | tr '\n' '|')" = "AC_DC _ Back in Black [5001].mp3|Same [5011].m4a|🎸🔥 Emoji 🎵 [5008].mp3|" ]
for f in "$U/playlists/a_b [6004]"/*; do
	check "a long name in a playlist fits ($(printf %s "${f##*/}" | wc -c) bytes)" \
		[ "$(printf %s "${f##*/}" | wc -c)" -le 255 ]
done
umount_scfs

# The same names on another mount, without the metadata cache too.
mount_scfs "user=weird" || exit 1
(cd "$U" && find . | LC_ALL=C sort) >"$T/tree2"
check "a second mount gives the same names" diff "$T/tree1" "$T/tree2"
umount_scfs
rm -rf "$T/cache"
mount_scfs "user=weird" || exit 1
(cd "$U" && find . | LC_ALL=C sort) >"$T/tree3"
check "a mount without the cache gives the same names" diff "$T/tree1" "$T/tree3"
umount_scfs
finish
