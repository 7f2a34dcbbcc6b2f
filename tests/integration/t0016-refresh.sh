#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Listings are trusted for ttl, then refreshed in the background: a slow
# API never blocks `ls` once a directory has been listed; a track deleted
# upstream disappears, a new one appears, a changed one shows its new
# size; a file open while its track changes or goes away keeps its old
# bytes or fails (ESTALE), never mixes old and new bytes, and is never cut
# short by the new version's smaller size; opens of the new version read
# the new bytes meanwhile.
. "$(dirname "$0")/lib.sh"
require_fuse

start_standin --fixture "$SRC/tests/fixtures/sc/skeleton.json"
admin() { curl -sf -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "$ADMIN_URL/$2" >/dev/null; }
size_of() { curl -sf "$ADMIN_URL/tracks/$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["size"])'; }
# until SECONDS COMMAND...: poll until the command succeeds
until_ok() {
	local n=$(( $1 * 10 )); shift
	while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
listed() { ls "$D" | grep -q "$1"; }
size_is() { [ "$(stat -c %s "$1")" = "$2" ]; }
unlisted() { ! ls "$D" | grep -q "$1"; }

mount_scfs "user=band,ttl=1" || exit 1
D=$MNT/band/tracks
check "the first listing has Encore" listed 'Encore \[2002\]'
curl -sf "$ADMIN_URL/tracks/2002/original" -o "$T/encore.old"
curl -sf "$ADMIN_URL/tracks/2001/original" -o "$T/practice.old"
curl -sf "$ADMIN_URL/tracks/2007/original" -o "$T/demo.old"
DEMO="$D/$(ls "$D" | grep '\[2007\]')"

# Hold two files open and read their first half now, the rest later.
"$PY" - "$D" "$T" <<'PY' >"$T/reader.out" 2>&1 &
import errno, os, sys, time
d, t = sys.argv[1], sys.argv[2]
files = {"encore": "Encore [2002].mp3", "practice": "Practice _ Take 1 [2001].wav",
         "demo": [n for n in os.listdir(d) if "[2007]" in n][0]}
fds = {k: os.open(os.path.join(d, v), os.O_RDONLY) for k, v in files.items()}
got = {}
for k, fd in fds.items():
    size = os.fstat(fd).st_size
    got[k] = os.pread(fd, size // 2, 0)
open(os.path.join(t, "half-read"), "w").close()
while not os.path.exists(os.path.join(t, "go-on")):
    time.sleep(0.05)
for k, fd in fds.items():
    old = open(os.path.join(t, k + ".old"), "rb").read()
    try:
        rest = b""
        while True:
            b = os.pread(fd, 65536, len(got[k]) + len(rest))
            if not b:
                break
            rest += b
        print(k, "same" if got[k] + rest == old else "MIXED")
    except OSError as e:
        print(k, "error", errno.errorcode.get(e.errno, e.errno))
PY
READER=$!
until_ok 10 test -e "$T/half-read" || not_ok "the reader did not start"

# Upstream: one track deleted, one added, one changed (new bytes and size).
admin DELETE tracks/2002
admin POST users/band/tracks '{"id": 2100, "title": "Brand New", "format": "mp3", "size": 5000}'
admin POST tracks/2001/change '{}'
admin POST tracks/2007/change '{"size": 30000}'	# shrinks under the reader
new_size=$(size_of 2001)
curl -sf "$ADMIN_URL/tracks/2001/original" -o "$T/practice.new"
curl -sf "$ADMIN_URL/tracks/2007/original" -o "$T/demo.new"
sleep 1.2	# past ttl

t0=$(date +%s%N)
ls -l "$D" >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "ls after ttl answers from the old listing at once (${ms} ms)" [ "$ms" -lt 1000 ]
check "a deleted track disappears" until_ok 10 unlisted 'Encore \[2002\]'
check "a new track appears" until_ok 10 listed 'Brand New \[2100\]\.mp3'
# While the old versions are open, new opens read the new bytes to their
# end (quiet cmp without -s: GNU cmp -s trusts st_size, which stays the
# old version's meanwhile)...
check "a changed track reads its new bytes while its old version is open" \
	until_ok 10 quiet cmp "$D/Practice _ Take 1 [2001].wav" "$T/practice.new"
check "a shrunk track reads its new bytes while its old version is open" \
	until_ok 10 quiet cmp "$DEMO" "$T/demo.new"
# ... and the kernel keeps the old size, which bounds the old descriptors.
check "stat keeps the old size while the old version is open" \
	size_is "$DEMO" "$(stat -c %s "$T/demo.old")"
touch "$T/go-on"
wait "$READER"
say "open files: $(tr '\n' ';' <"$T/reader.out")"
check "an open file of a deleted track never mixes bytes" grep -Eq '^encore (same|error ESTALE)$' "$T/reader.out"
check "an open file of a changed track gives its old bytes or ESTALE" \
	grep -Eq '^practice (same|error ESTALE)$' "$T/reader.out"
check "an open file of a shrunk track gives all its old bytes or ESTALE" \
	grep -Eq '^demo (same|error ESTALE)$' "$T/reader.out"
check "once closed, a changed track has its new size ($new_size)" \
	until_ok 10 size_is "$D/Practice _ Take 1 [2001].wav" "$new_size"
check "once closed, a shrunk track has its new size" until_ok 10 size_is "$DEMO" 30000
check "the new track reads exactly" \
	cmp -s "$D/Brand New [2100].mp3" <(curl -sf "$ADMIN_URL/tracks/2100/original")
check "the changed track reads its new bytes" \
	cmp -s "$D/Practice _ Take 1 [2001].wav" "$T/practice.new"
check "the shrunk track reads its new bytes through the page cache" \
	cmp -s "$DEMO" "$T/demo.new"

# A slow API: once listed, a directory never waits for a refresh.
curl -sf -X POST -H 'Content-Type: application/json' \
	--data '{"kind":"latency","ms":3000,"route":"list"}' "$ADMIN_URL/faults" >/dev/null
admin POST users/band/tracks '{"id": 2101, "title": "Later", "format": "wav", "size": 100}'
sleep 1.2
t0=$(date +%s%N)
ls -l "$D" >"$T/during"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "ls during a slow refresh does not wait for it (${ms} ms)" [ "$ms" -lt 1000 ]
check "... and shows the old listing" fails grep -q 'Later' "$T/during"
check "the slow refresh lands" until_ok 10 listed 'Later \[2101\]'
curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null

# A refresh that fails keeps the old listing.
curl -sf -X POST -H 'Content-Type: application/json' \
	--data '{"kind":"status","status":404,"route":"list"}' "$ADMIN_URL/faults" >/dev/null
sleep 1.2
ls "$D" >/dev/null
sleep 0.5
check "a failed refresh keeps the listing" listed 'Later \[2101\]'
# The refresh runs in the background: give a loaded machine time to log it.
check "... and says so once" until_ok 10 grep -q "keeping the listing of 'band/tracks'" "$T/logs/scfs.log"
curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null

# Unmounting while a refresh waits on a very slow API does not wait for it.
curl -sf -X POST -H 'Content-Type: application/json' \
	--data '{"kind":"latency","ms":60000,"route":"list"}' "$ADMIN_URL/faults" >/dev/null
sleep 1.2
ls "$D" >/dev/null
sleep 0.3
t0=$(date +%s)
umount_scfs
check "unmounting during a refresh takes seconds, not a minute ($(( $(date +%s) - t0 )) s)" \
	[ $(( $(date +%s) - t0 )) -le 5 ]
finish
