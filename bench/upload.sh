#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/upload.sh [RUNS]: URL -> S3 (RGW on loopback) throughput, CPU and
# peak RSS of sc2s3 against the peers of issue 5, in one run, same origin,
# same RGW:
#
#   sc2s3        sc2s3 cp URL s3://... (ranged GETs straight into part buffers)
#   aws          curl -s URL | aws s3 cp - s3://...   (Debian's /usr/bin/aws)
#   copyurl      rclone copyurl URL rgw:...
#   rcat         curl -s URL | rclone rcat rgw:...
#   ceiling      one PUT of the same bytes from memory (tmpfs), curl --aws-sigv4,
#                UNSIGNED-PAYLOAD: the server's ingest limit with no hashing
#   ceiling-signed  the same PUT signed with the payload's SHA-256 (computed
#                before the clock starts), as S3 requires over plain HTTP: RGW
#                then hashes the body to check it, as it does for sc2s3's parts
#
# for 1 GiB and 256 MiB objects, RUNS runs each (default 3, interleaved so
# drift hits every tool alike).  Wall time, user+sys CPU and max RSS come
# from GNU time around the whole pipeline (CPU: every process of it; RSS:
# its largest process).  Every stored object's size is checked, and its
# MD5 on the first run of each tool.  Prints a Markdown table of medians and
# the ratios issue 5 sets targets on; raw rows go to $OUT/runs.tsv.
#
# Origin: nginx-light on a tmpfs (bench/upload-origin.sh).  S3: the
# project's RGW (contrib/rgw.sh), data deleted and garbage-collected after
# every run.  Needs: apt-get install nginx-light rclone time awscli.
set -u
RUNS=${1:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SCFS_BUILD_DIR:-$SRC/build}
SC2S3=$BUILD/src/sc2s3
OUT=${OUT:-/tmp/scfs-bench-upload}
ORIGIN_DIR=${ORIGIN_DIR:-/dev/shm/scfs-bench-origin}
ORIGIN_PORT=${ORIGIN_PORT:-18791}
RGW_DIR=${SCFS_RGW_DIR:-/tmp/scfs-rgw-$(id -u)}
RGW_PORT=${SCFS_RGW_PORT:-18480}
TOOLS=${TOOLS:-"sc2s3 aws copyurl rcat ceiling ceiling-signed"}
SIZES=${SIZES:-"1g 256m"}
SC2S3_ARGS=${SC2S3_ARGS:-}
AWS=/usr/bin/aws
GNU_TIME=/usr/bin/time

die() { echo "upload.sh: $*" >&2; exit 1; }
for p in "$SC2S3" "$AWS" "$GNU_TIME" /usr/bin/rclone /usr/sbin/nginx; do
	[ -x "$p" ] || die "missing $p (build sc2s3; apt-get install awscli rclone time nginx-light)"
done
mkdir -p "$OUT"

envs=$("$SRC/contrib/rgw.sh" start "$RGW_DIR" "$RGW_PORT") || die "cannot start RGW"
set -a; eval "$envs"; set +a
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN
# rclone's S3 backend fails with AWS_CA_BUNDLE set ("unsupported transport").
unset AWS_CA_BUNDLE
export RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph \
	RCLONE_CONFIG_RGW_ENDPOINT=$S3_ENDPOINT RCLONE_CONFIG_RGW_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \
	RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY RCLONE_CONFIG_RGW_REGION=us-east-1 \
	RCLONE_CONFIG_RGW_ENV_AUTH=false
BUCKET=bench-upload
"$AWS" --endpoint-url "$S3_ENDPOINT" s3api create-bucket --bucket "$BUCKET" >/dev/null 2>&1

# ORIGIN_NETNS/ORIGIN_ADDR: serve from another network namespace (the far
# origin of bench/upload-rtt.sh).
NSEXEC=${ORIGIN_NETNS:+ip netns exec $ORIGIN_NETNS}
ORIGIN=$($NSEXEC "$SRC/bench/upload-origin.sh" start "$ORIGIN_DIR" "$ORIGIN_PORT" \
	"${ORIGIN_ADDR:-127.0.0.1}") || die "cannot start nginx"
trap '$NSEXEC "$SRC/bench/upload-origin.sh" stop "$ORIGIN_DIR"' EXIT
declare -A BYTES=([1g]=$((1 << 30)) [256m]=$((256 << 20)))
for sz in $SIZES; do
	f=$ORIGIN_DIR/www/$sz.bin
	[ -s "$f" ] && [ "$(stat -c %s "$f")" = "${BYTES[$sz]}" ] ||
		head -c "${BYTES[$sz]}" /dev/urandom >"$f"
	md5sum "$f" | cut -c1-32 >"$ORIGIN_DIR/$sz.md5"
	sha256sum "$f" | cut -c1-64 >"$ORIGIN_DIR/$sz.sha256"
done

gc() {
	"$AWS" --endpoint-url "$S3_ENDPOINT" s3 rm "s3://$BUCKET/$1" --quiet >/dev/null 2>&1
	CEPH_CONF=$RGW_DIR/ceph.conf timeout 120 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw \
		gc process --include-all >/dev/null 2>&1
}

cmd_for() {	# cmd_for TOOL SIZE KEY: the pipeline, as one bash -c string
	local url=$ORIGIN/$2.bin dst=s3://$BUCKET/$3
	case $1 in
	sc2s3) echo "'$SC2S3' cp '$url' '$dst' --quiet $SC2S3_ARGS" ;;
	aws) echo "curl -sf '$url' | '$AWS' --endpoint-url '$S3_ENDPOINT' s3 cp - '$dst' --only-show-errors" ;;
	copyurl) echo "rclone copyurl '$url' 'rgw:$BUCKET/$3'" ;;
	rcat) echo "curl -sf '$url' | rclone rcat 'rgw:$BUCKET/$3'" ;;
	ceiling-signed) echo "curl -sf --aws-sigv4 'aws:amz:us-east-1:s3' --user '$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY' -H 'x-amz-content-sha256: $(cat "$ORIGIN_DIR/$2.sha256")' -T '$ORIGIN_DIR/www/$2.bin' '$S3_ENDPOINT/$BUCKET/$3' -o /dev/null" ;;
	ceiling) echo "curl -sf --aws-sigv4 'aws:amz:us-east-1:s3' --user '$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T '$ORIGIN_DIR/www/$2.bin' '$S3_ENDPOINT/$BUCKET/$3' -o /dev/null" ;;
	esac
}

verify() {	# verify SIZE KEY FULL: size (and MD5 when FULL) of the object
	local size
	size=$("$AWS" --endpoint-url "$S3_ENDPOINT" s3api head-object --bucket "$BUCKET" --key "$2" \
		--query ContentLength --output text 2>/dev/null)
	[ "$size" = "${BYTES[$1]}" ] || return 1
	[ "$3" = 1 ] || return 0
	[ "$("$AWS" --endpoint-url "$S3_ENDPOINT" s3 cp "s3://$BUCKET/$2" - | md5sum | cut -c1-32)" = \
		"$(cat "$ORIGIN_DIR/$1.md5")" ]
}

RAW=$OUT/runs.tsv
printf 'tool\tsize\trun\tseconds\tuser\tsys\tmaxrss_kb\tverified\n' >"$RAW"
for run in $(seq 1 "$RUNS"); do
	for sz in $SIZES; do
		for tool in $TOOLS; do
			key=$tool-$sz-$run
			gc "$key"
			sync
			"$GNU_TIME" -f '%e %U %S %M' -o "$OUT/time" bash -c "$(cmd_for "$tool" "$sz" "$key")" \
				>"$OUT/$key.out" 2>&1 || echo "upload.sh: $tool $sz run $run failed" >&2
			read -r secs user sys rss <"$OUT/time"
			ok=0
			verify "$sz" "$key" $([ "$run" = 1 ] && echo 1 || echo 0) && ok=1
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$sz" "$run" "$secs" "$user" "$sys" \
				"$rss" "$ok" >>"$RAW"
			echo "# $tool $sz run $run: ${secs}s cpu $(echo "$user + $sys" | bc)s rss ${rss}KB verified=$ok" >&2
			gc "$key"
		done
	done
done
"$SRC/bench/upload-report.py" "$RAW"
