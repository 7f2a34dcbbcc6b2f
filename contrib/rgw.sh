#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# rgw.sh start DIR [PORT] | stop DIR | env DIR
#
# A throw-away real S3 server on loopback: Ceph's RADOS Gateway on a
# single-node cluster (one monitor, one memstore OSD, no manager, no cephx).
# All state lives under DIR; data lives in RAM and is gone after stop.
# `start` prints shell-sourceable S3_ENDPOINT and AWS_* lines (also kept in
# DIR/s3.env) and is idempotent: a gateway already up for DIR is reused.
#
# Facts this depends on (Ceph 16.2 from Debian 12):
# - without cephx every messenger mode must be crc, or radosgw loops on
#   "get_initial_auth_request returned -13";
# - paxos_propose_interval=0.01 cuts start-up from ~12 s to ~1 s;
# - RGW answers CompleteMultipartUpload with an empty <ETag>; HEAD instead.
#
# Needs: apt-get install --no-install-recommends radosgw ceph-mon ceph-osd
set -u
umask 022

usage() { echo "usage: $0 start DIR [PORT] | stop DIR | env DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
CMD=$1
mkdir -p "$2" || exit 2
D=$(cd "$2" && pwd -P) || exit 2
PORT=${3:-18080}
case $PORT in ''|*[!0-9]*) usage;; esac
CONF=$D/ceph.conf
LOG=$D/log/start.log
EP=http://127.0.0.1:$PORT
ACCESS=${RGW_ACCESS_KEY:-SCFSTESTACCESSKEY001}
SECRET=${RGW_SECRET_KEY:-scfstestsecretkey0000000000000000000001}
export CEPH_CONF=$CONF

pid_of() {	# live pid recorded for daemon $1 that uses our conf
	local p
	p=$(cat "$D/run/$1.pid" 2>/dev/null) || return 1
	[ -n "$p" ] && [ -r "/proc/$p/cmdline" ] || return 1
	[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] || return 1
	tr '\0' ' ' <"/proc/$p/cmdline" | grep -qF -- "$CONF" || return 1
	echo "$p"
}

stop_one() {
	local p i
	p=$(pid_of "$1") || { rm -f "$D/run/$1.pid"; return 0; }
	kill -TERM "$p" 2>/dev/null
	for ((i = 0; i < 50; i++)); do pid_of "$1" >/dev/null || break; sleep 0.1; done
	pid_of "$1" >/dev/null && kill -KILL "$p" 2>/dev/null
	for ((i = 0; i < 30; i++)); do pid_of "$1" >/dev/null || break; sleep 0.1; done
	rm -f "$D/run/$1.pid"
}

do_stop() {
	stop_one client.rgw
	stop_one osd.0
	stop_one mon.a
	rm -rf "$D/mon.a" "$D/osd.0" "$D/rgw" "$D/s3.env" "$D/monmap"
}

print_env() {
	cat <<EOT
S3_ENDPOINT=$EP
AWS_ENDPOINT_URL=$EP
AWS_ACCESS_KEY_ID=$ACCESS
AWS_SECRET_ACCESS_KEY=$SECRET
AWS_DEFAULT_REGION=us-east-1
AWS_REGION=us-east-1
EOT
}

http_code() { curl -s -m 2 -o /dev/null -w '%{http_code}' "$EP/" 2>/dev/null || true; }

fail() {
	{
		echo "rgw.sh: $*"
		for f in "$LOG" "$D"/log/*.out "$D/log/client.rgw.log"; do
			[ -s "$f" ] && { echo "--- $f (tail)"; tail -n 15 "$f"; }
		done
	} >&2
	do_stop
	exit 1
}

start_daemon() {	# NAME CMD...
	local name=$1; shift
	setsid "$@" -f </dev/null >>"$D/log/$name.out" 2>&1 &
	echo $! >"$D/run/$name.pid"
}

wait_for() {	# NAME TRIES CHECK...
	local name=$1 tries=$2 i; shift 2
	for ((i = 0; i < tries; i++)); do
		pid_of "$name" >/dev/null || fail "$name exited"
		"$@" >>"$LOG" 2>&1 && return 0
		sleep 0.2
	done
	fail "$name did not come up"
}

osd_up() { ceph -c "$CONF" osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
rgw_up() { [ "$(http_code)" = 200 ]; }

write_conf() {
	cat >"$CONF" <<EOT
[global]
fsid = $1
mon_host = v2:127.0.0.1:$((PORT + 1))
public_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
ms_bind_port_min = $((PORT + 2))
ms_bind_port_max = $((PORT + 9))
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_client_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
run_dir = $D/run
admin_socket =
log_file = $D/log/\$name.log
mon_cluster_log_file = $D/log/cluster.log
crash_dir = $D/crash
mon_data = $D/mon.\$id
osd_data = $D/osd.\$id
osd_objectstore = memstore
memstore_device_bytes = ${RGW_STORE_BYTES:-8589934592}
osd_crush_chooseleaf_type = 0
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 1
mon_data_avail_crit = 0
osd_max_object_size = 1073741824
paxos_propose_interval = 0.01
paxos_min_wait = 0.01

[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:$PORT
rgw_data = $D/rgw
rgw_thread_pool_size = 32
rgw_multipart_min_part_size = 5242880
rgw_enable_usage_log = false
# Tests create and delete many objects in a RAM store: reclaim deleted data
# within seconds instead of hours, or the store fills and every request hangs.
rgw_gc_obj_min_wait = 1
rgw_gc_processor_period = 5
rgw_gc_processor_max_time = 5
EOT
}

do_start() {
	local b fsid uuid id
	for b in ceph ceph-mon ceph-osd radosgw radosgw-admin monmaptool curl; do
		command -v "$b" >/dev/null 2>&1 || { echo "rgw.sh: '$b' not found; install: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd curl" >&2; exit 3; }
	done
	if pid_of client.rgw >/dev/null && rgw_up && [ -s "$D/s3.env" ]; then
		cat "$D/s3.env"
		return 0
	fi
	do_stop
	mkdir -p "$D/run" "$D/log" "$D/mon.a" "$D/osd.0" "$D/rgw" "$D/crash"
	: >"$LOG"
	for p in $PORT $(seq $((PORT + 1)) $((PORT + 9))); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && fail "port $p on 127.0.0.1 is already in use"
	done
	fsid=$(cat /proc/sys/kernel/random/uuid)
	uuid=$(cat /proc/sys/kernel/random/uuid)
	write_conf "$fsid"
	monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$((PORT + 1))]" "$D/monmap" >>"$LOG" 2>&1 || fail "monmaptool failed"
	ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap" >>"$LOG" 2>&1 || fail "ceph-mon --mkfs failed"
	start_daemon mon.a ceph-mon -c "$CONF" -i a
	wait_for mon.a 100 timeout 10 ceph -c "$CONF" --connect-timeout 5 mon stat
	id=$(timeout 20 ceph -c "$CONF" osd new "$uuid" 2>>"$LOG") || fail "ceph osd new failed"
	[ "$id" = 0 ] || fail "unexpected osd id '$id'"
	ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$LOG" 2>&1 || fail "ceph-osd --mkfs failed"
	start_daemon osd.0 ceph-osd -c "$CONF" -i 0
	wait_for osd.0 150 osd_up
	start_daemon client.rgw radosgw -c "$CONF" -n client.rgw
	wait_for client.rgw 450 rgw_up
	timeout 60 radosgw-admin -c "$CONF" -n client.rgw user create --uid=scfs --display-name=scfs \
		--access-key="$ACCESS" --secret-key="$SECRET" >>"$LOG" 2>&1 || fail "radosgw-admin user create failed"
	print_env >"$D/s3.env"
	print_env
}

case $CMD in
start) do_start ;;
stop) do_stop ;;
env) [ -s "$D/s3.env" ] && cat "$D/s3.env" || { echo "rgw.sh: no gateway running for $D" >&2; exit 1; } ;;
*) usage ;;
esac
