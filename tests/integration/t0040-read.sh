#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The read path through a real mount: originals and HLS tracks byte for
# byte (cp, and preads at random offsets across segment boundaries); a
# sequential read fetches no more than 1.1 x the file; every fault of the
# stand-in's CDN (dropped connection, 503, 429, URL expiry mid-read) still
# gives the exact bytes; a track that changes mid-read gives ESTALE and
# never a mixed file; retries exhausted give EIO and the mount stays
# healthy.
. "$(dirname "$0")/lib.sh"
require_fuse

cat >"$T/fixture.json" <<'JSON'
{"users": [{"id": 1001, "permalink": "band", "tracks": [
  {"id": 4001, "title": "Long take", "size": 67108864, "format": "wav"},
  {"id": 4002, "title": "Short", "size": 300001, "format": "mp3"},
  {"id": 4003, "title": "Stream only", "downloadable": false, "init_size": 1500,
   "segment_sizes": [100000, 65536, 98304, 131072, 4000, 99999, 120000, 77777,
                     100000, 100001, 90000, 3333]},
  {"id": 4004, "title": "Long stream", "downloadable": false,
   "hls_segments": 200, "segment_size": 98304}
]}]}
JSON
start_standin --fixture "$T/fixture.json"
D=$MNT/band/tracks

fault() { curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$1" "$ADMIN_URL/faults" >/dev/null; }
faults_off() { curl -sf -X DELETE "$ADMIN_URL/faults" >/dev/null; }
# hits: how many times the armed faults fired
hits() { curl -sf "$ADMIN_URL/faults" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); d=d.get("faults", d) if isinstance(d, dict) else d; print(sum(f.get("hits", 0) for f in d))'; }
stats_reset() { curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null; }
# route_bytes ROUTE: body bytes the CDN sent on a route since the reset
route_bytes() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routes"].get(sys.argv[1], {}).get("bytes", 0))' "$1"; }
file_of() { ls "$D"/*"[$1]".*; }
remount() { umount_scfs; mount_scfs "user=band${1:+,$1}" || exit 1; }

mount_scfs "user=band" || exit 1
for id in 4001 4002; do curl -sf "$ADMIN_URL/tracks/$id/original" -o "$T/ref-$id"; done
for id in 4003 4004; do curl -sf "$ADMIN_URL/tracks/$id/hls" -o "$T/ref-$id"; done
for id in 4001 4002 4003 4004; do
	check "track $id is listed with its exact size" \
		[ "$(stat -c %s "$(file_of $id)" 2>/dev/null)" = "$(stat -c %s "$T/ref-$id")" ]
done
check "HLS tracks are .m4a" [ -f "$D/Stream only [4003].m4a" ]
# The kernel's read-ahead for this mount is raised to one 1 MiB request
# (only root may; scfs leaves the default otherwise).
if [ "$(id -u)" = 0 ]; then
	ra=$(cat "/sys/class/bdi/$(mountpoint -d "$MNT")/read_ahead_kb" 2>/dev/null)
	check "the mount's kernel read-ahead is 1024 KiB (got '$ra')" [ "$ra" = 1024 ]
fi

# Cold sequential reads: exact bytes, and no waste from read-ahead.
for id in 4001 4004; do
	route=cdn_original
	[ $id = 4004 ] && route=cdn_hls
	stats_reset
	cat "$(file_of $id)" >"$T/copy-$id"
	check "cat of track $id gives its exact bytes" cmp -s "$T/copy-$id" "$T/ref-$id"
	size=$(stat -c %s "$T/ref-$id")
	got=$(route_bytes $route)
	check "reading track $id fetched $got bytes for $size (<= 1.1x)" \
		[ "$got" -ge "$size" -a "$got" -le $((size + size / 10)) ]
done
for id in 4002 4003; do
	cp "$(file_of $id)" "$T/copy-$id"
	check "cp of track $id gives its exact bytes" cmp -s "$T/copy-$id" "$T/ref-$id"
done

# preads at random offsets and lengths, kernel read-ahead off.
cat >"$T/pread.py" <<'PY'
import os, random, sys
path, ref, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
want = open(ref, "rb").read()
fd = os.open(path, os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
rnd, bad = random.Random(seed), 0
for _ in range(n):
    off = rnd.randrange(len(want) + 100)
    ln = rnd.choice([1, 4096, rnd.randrange(1, 300000)])
    got = os.pread(fd, ln, off)
    if got != want[off:off + ln]:
        bad += 1
        print("# mismatch at %d+%d: got %d bytes" % (off, ln, len(got)))
sys.exit(1 if bad else 0)
PY
remount
for id in 4001 4003 4004; do
	check "200 random preads of track $id match" "$PY" "$T/pread.py" "$(file_of $id)" "$T/ref-$id" 200 $id
done

# Faults: a small window so the faults hit reads, not only read-ahead.
# fault_read ID ROUTE FAULT: a cold read under FAULT is still exact.
fault_read() {
	local id=$1 route=$2 spec=$3
	remount readahead_max=2
	fault "$spec"
	cat "$(file_of $id)" >"$T/copy-$id" 2>"$T/err"
	check "track $id under $spec: exact bytes" cmp -s "$T/copy-$id" "$T/ref-$id"
	check "track $id under $spec: the fault fired ($(hits))" [ "$(hits)" -ge 1 ]
	faults_off
}
for target in "4001 cdn_original" "4004 cdn_hls"; do
	set -- $target
	fault_read $1 $2 '{"kind":"drop","after_bytes":100000,"count":3,"route":"'$2'"}'
	fault_read $1 $2 '{"kind":"drop","after_bytes":5000,"rst":true,"count":2,"route":"'$2'"}'
	fault_read $1 $2 '{"kind":"status","status":503,"count":3,"route":"'$2'"}'
	fault_read $1 $2 '{"kind":"429","shape":"rate_limit","retry_after":1,"count":2,"route":"'$2'"}'
done

# URL expiry mid-read: the first bytes, then every URL issued so far is
# refused; the rest must arrive through new URLs, at the same offsets.
cat >"$T/midread.py" <<'PY'
import errno, json, os, sys, urllib.request
path, ref, admin, action = sys.argv[1:5]
want = open(ref, "rb").read()
fd = os.open(path, os.O_RDONLY)
got = os.read(fd, 4 << 20)
req = urllib.request.Request(admin + "/faults", data=action.encode(),
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
err = 0
while True:
    try:
        chunk = os.read(fd, 1 << 20)
    except OSError as e:
        err = e.errno
        break
    if not chunk:
        break
    got += chunk
prefix_ok = got == want[:len(got)]
print("# read %d of %d bytes, error %s, prefix %s" % (len(got), len(want),
      errno.errorcode.get(err, err), "ok" if prefix_ok else "WRONG"))
if sys.argv[5] == "exact":
    sys.exit(0 if got == want and not err else 1)
sys.exit(0 if err == errno.ESTALE and prefix_ok else 1)
PY
for id in 4001 4004; do
	remount readahead_max=2
	check "track $id: URL expiry mid-read still gives the exact bytes" \
		"$PY" "$T/midread.py" "$(file_of $id)" "$T/ref-$id" "$ADMIN_URL" \
		'{"kind":"expire","issued_before":"now"}' exact
	check "track $id: the expiry fired ($(hits))" [ "$(hits)" -ge 1 ]
	faults_off
done

# Retries exhausted: EIO for that read; the mount stays healthy.
remount
fault '{"kind":"status","status":503,"route":"cdn_original"}'
check "an origin that keeps failing gives EIO" \
	grep -q "Input/output error" <(cat "$(file_of 4002)" 2>&1 >/dev/null)
faults_off
check "once the origin is back, the same file reads exactly" cmp -s "$(file_of 4002)" "$T/ref-4002"
check "the mount still lists" [ "$(ls "$D" | wc -l)" = 4 ]

# A track that changes mid-read: ESTALE, and the bytes before it are the
# old version's, never a mix.
for id in 4001 4004; do
	remount readahead_max=2
	check "track $id changed mid-read: ESTALE, no mixed bytes" \
		"$PY" "$T/midread.py" "$(file_of $id)" "$T/ref-$id" "$ADMIN_URL" \
		'{"kind":"change","track":'$id'}' estale
done
umount_scfs
finish
