#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-layering.sh [SOURCE_DIR]: who may include what (docs/ARCHITECTURE.md).
#
# 1. Every module (src/M.c and include/M.h) includes only the project
#    headers its row below allows; a module missing from the table fails,
#    so a new file cannot slip past the rules.
# 2. Each system library has exactly one home (curl: http.c, cJSON:
#    sc_json.c, OpenSSL: hash.c, expat: s3_xml.c, FUSE: fuse_ops.c and
#    main.c).
# 3. Across the whole include graph, the FUSE adapter never reaches HTTP,
#    the API or S3, and the uploader never reaches HTTP or FUSE.
# Exit 0 when clean, 1 with one line per violation.
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

# module: project headers it may include (its own header is always allowed)
ALLOW='
aws_config:
buf:
hash:
log:
names:
sc_json:
sigv4: buf.h hash.h
s3_xml: buf.h
http: buf.h log.h
source: 
source_fd: source.h
source_url: source.h http.h log.h
source_original: source.h http.h log.h sc_api.h
hls_playlist:
source_hls: source.h buf.h hls_playlist.h http.h log.h sc_api.h
cache:
disk_cache: source.h log.h statefile.h
reader: cache.h disk_cache.h source.h log.h parallel.h
sink:
sink_s3: hash.h sink.h s3.h s3_list.h log.h
s3_guard: aws_config.h http.h log.h s3.h s3_guard_i.h sink.h
uploader: sink.h source.h hash.h log.h parallel.h
copy_jobs: aws_config.h log.h parallel.h sink.h source.h uploader.h
sync_plan:
open_pins:
size_arg:
mount_tune: log.h
s3_list: s3_xml.h
scfs_copy: aws_config.h catalog.h copy_jobs.h log.h names.h rate_pause.h s3.h s3_guard.h sink.h source.h uploader.h
s3: aws_config.h buf.h hash.h http.h log.h s3_list.h s3_xml.h sigv4.h
statefile:
rate_pause: hash.h statefile.h
token: hash.h statefile.h
page_guard:
parallel:
meta_cache: buf.h hash.h statefile.h
sc_api: buf.h hash.h http.h log.h page_guard.h rate_pause.h sc_api_i.h sc_json.h sigv4.h token.h
sc_auth: buf.h hash.h http.h log.h sc_api.h sc_api_i.h sc_json.h sigv4.h statefile.h token.h
catalog: catalog_i.h log.h meta_cache.h names.h parallel.h sc_api.h source.h source_hls.h source_original.h
catalog_load: catalog.h catalog_i.h log.h meta_cache.h names.h parallel.h sc_api.h source_hls.h
fuse_ops: catalog.h fuse_inval.h log.h open_pins.h reader.h scfs_copy.h
fuse_inval: log.h open_pins.h parallel.h
main: catalog.h fuse_ops.h http.h log.h mount_tune.h sc_api.h scfs_version.h size_arg.h statefile.h scfs_copy.h
sc2s3: aws_config.h http.h log.h s3.h s3_guard.h sc_api.h scfs_version.h size_arg.h sink.h source.h uploader.h sc2s3_i.h
sc2s3_source: http.h log.h names.h sc_api.h source.h source_original.h source_url.h statefile.h sc2s3_i.h
sc2s3_sync: log.h parallel.h s3_list.h sc2s3_i.h sync_plan.h
sc2s3_user: catalog.h sc2s3_i.h sync_plan.h
'

# library include prefix: the only files allowed to include it
LIBS='
curl/: src/http.c
cJSON.h: src/sc_json.c
openssl/: src/hash.c
expat.h: src/s3_xml.c
fuse: src/fuse_ops.c src/fuse_inval.c src/main.c
'

fail=0
violation() { echo "layering: $*"; fail=1; }

allowed_for() { echo "$ALLOW" | sed -n "s/^$1: *//p"; }
known() { echo "$ALLOW" | grep -q "^$1:"; }
includes_of() { sed -n 's/^#include "\([^"]*\)".*/\1/p' "$1" 2>/dev/null; }

for f in src/*.c include/*.h; do
	m=$(basename "$f"); m=${m%.*}
	if ! known "$m"; then
		violation "$f: module '$m' is not in the table of contrib/check-layering.sh"
		continue
	fi
	ok=" $(allowed_for "$m") $m.h "
	for h in $(includes_of "$f"); do
		case "$ok" in *" $h "*) ;; *) violation "$f includes \"$h\", which module '$m' may not" ;; esac
	done
done

while IFS=: read -r lib homes; do
	[ -n "$lib" ] || continue
	for f in $(grep -l "^#include <$lib" src/*.c include/*.h 2>/dev/null); do
		case " $homes " in *" $f "*) ;; *) violation "$f includes <$lib...>; only$homes may" ;; esac
	done
done <<<"$LIBS"

# closure FILE: every project header reachable from FILE
closure() {
	local -a todo
	local seen=" " h
	read -r -a todo <<<"$(includes_of "$1" | tr '\n' ' ')"
	while [ ${#todo[@]} -gt 0 ]; do
		h=${todo[0]}
		todo=("${todo[@]:1}")
		case "$seen" in *" $h "*) continue ;; esac
		seen="$seen$h "
		[ -f "include/$h" ] && read -r -a more <<<"$(includes_of "include/$h" | tr '\n' ' ')" &&
			todo+=("${more[@]}")
	done
	echo "$seen"
}

never() {	# never FILE HEADER...: FILE must not reach any HEADER
	local f=$1 c h; shift
	c=$(closure "$f")
	for h in "$@"; do
		case "$c" in *" $h "*) violation "$f reaches \"$h\" through its includes" ;; esac
	done
}
never src/fuse_ops.c http.h sc_api.h s3.h sigv4.h sc_json.h
never src/uploader.c http.h s3.h sc_api.h fuse_ops.h catalog.h
never src/reader.c http.h sc_api.h s3.h catalog.h
never src/http.c sc_api.h s3.h catalog.h reader.h uploader.h source.h

if [ $fail = 0 ]; then echo "layering: ok"; fi
exit $fail
