#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# upload-origin.sh start DIR PORT [ADDR] | stop DIR
#
# The HTTP origin of the upload benchmarks: nginx-light serving DIR/www
# (put DIR on a tmpfs: this VM's reclaim empties idle page cache within
# minutes, so a disk origin measures the disk) on ADDR:PORT (default
# 127.0.0.1; run it under `ip netns exec` for a far origin), with
# exact Content-Length, ETag and Range support.  Prints the base URL.
# Needs: apt-get install nginx-light
set -eu
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
mkdir -p "$dir/www" "$dir/tmp"
dir=$(cd "$dir" && pwd -P)
case $cmd in
start)
	port=${3:?port}
	addr=${4:-127.0.0.1}
	cat >"$dir/nginx.conf" <<EOT
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
daemon on;
events { worker_connections 256; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	client_body_temp_path $dir/tmp;
	proxy_temp_path $dir/tmp;
	fastcgi_temp_path $dir/tmp;
	uwsgi_temp_path $dir/tmp;
	scgi_temp_path $dir/tmp;
	types { audio/wav wav; audio/mpeg mp3; application/octet-stream bin; }
	default_type application/octet-stream;
	server {
		listen $addr:$port;
		root $dir/www;
	}
}
EOT
	[ -s "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null ||
		/usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir"
	echo "http://$addr:$port"
	;;
stop)
	[ -s "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
	rm -f "$dir/nginx.pid"
	;;
*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
