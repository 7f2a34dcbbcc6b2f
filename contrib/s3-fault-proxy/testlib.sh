# SPDX-License-Identifier: GPL-2.0-or-later
# Shell helpers for tests that put s3-fault-proxy in front of RGW.  Source
# after tests/integration/lib.sh and ensure_s3 (they need $T, $PY, $RGW_PORT,
# die and the EXIT trap); the proxy is stopped by proxy_stop or at exit.
PROXY_PY=${PROXY_PY:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3_fault_proxy.py}
PROXY_PID=
PROXY_URL=
PROXY_LOG=

# proxy_start [RULE_JSON...]: a proxy to RGW on a free port; sets PROXY_URL
# and PROXY_LOG (JSONL, one line per proxied request).  With PROXY_TLS=1 it
# serves HTTPS with a fresh self-signed certificate for 127.0.0.1, whose
# path is then in PROXY_CA (for AWS_CA_BUNDLE).
proxy_start() {
	local args=() r
	for r in "$@"; do args+=(--rule "$r"); done
	if [ "${PROXY_TLS:-0}" = 1 ]; then
		PROXY_CA=$T/proxy-cert.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 -keyout "$T/proxy-key.pem" \
			-out "$PROXY_CA" >"$T/logs/openssl.out" 2>&1 || die "cannot make a certificate"
		args+=(--tls-cert "$PROXY_CA" --tls-key "$T/proxy-key.pem")
	fi
	PROXY_LOG=$T/logs/proxy.jsonl
	rm -f "$T/proxy.json"
	"$PY" "$PROXY_PY" --upstream "http://127.0.0.1:$RGW_PORT" --port-file "$T/proxy.json" \
		--log "$PROXY_LOG" "${args[@]}" >"$T/logs/proxy.out" 2>&1 &
	PROXY_PID=$!
	await_port_file "$T/proxy.json" "$PROXY_PID" "the fault proxy"
	PROXY_URL=$(json_get "$T/proxy.json" url)
	trap proxy_exit EXIT
}

# The EXIT trap: stop the proxy, then lib.sh's cleanup with the status.
proxy_exit() {
	local rc=$?
	proxy_stop
	(exit "$rc")
	cleanup
}

proxy_stop() {
	[ -n "$PROXY_PID" ] || return 0
	kill -TERM "$PROXY_PID" 2>/dev/null || true
	wait "$PROXY_PID" 2>/dev/null || true
	PROXY_PID=
}

# proxy_rules RULE_JSON...: replace the armed rules (over TLS too: PROXY_CA).
proxy_rules() {
	local r
	curl -sf ${PROXY_CA:+--cacert "$PROXY_CA"} -X DELETE "$PROXY_URL/_proxy/rules" >/dev/null || die "cannot clear proxy rules"
	for r in "$@"; do
		curl -sf ${PROXY_CA:+--cacert "$PROXY_CA"} -X POST --data-binary "$r" "$PROXY_URL/_proxy/rules" >/dev/null ||
			die "the proxy refused rule $r"
	done
}

# proxy_mark: remember where the log ends, so proxy_q sees what follows.
proxy_mark() { PROXY_FROM=$(wc -l <"$PROXY_LOG" 2>/dev/null || echo 0); }
PROXY_FROM=0

# proxy_q PYTHON_EXPR: evaluate an expression over E, the list of log
# entries (dicts) since proxy_mark; prints the result.
proxy_q() {
	"$PY" - "$PROXY_LOG" "$PROXY_FROM" "$1" <<'PYEOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
E = [json.loads(l) for l in lines if l.strip()]
print(eval(sys.argv[3]))
PYEOF
}

# Copies through the proxy into bucket $B (set by the test), and what is
# left there, read straight from RGW with the AWS CLI.
# cp_via_proxy NAME [FILE] [ARGS...]: sc2s3 cp FILE (default $T/data) to
# s3://$B/NAME in 5 MiB parts, 4 in flight; sets RC and ERR.
cp_via_proxy() {
	local name=$1 file=${2:-$T/data}
	shift 2 || shift $#
	proxy_mark
	"$SC2S3" cp "$file" "s3://$B/$name" --endpoint-url "$PROXY_URL" --part-size 5M \
		--concurrency 4 --quiet "$@" >"$T/logs/$name.out" 2>"$T/logs/$name.err"
	RC=$?
	ERR=$(cat "$T/logs/$name.err")
}
object_is() {	# object_is NAME FILE: the object reads back as FILE
	rm -f "$T/back"
	aws_s3 s3 cp "s3://$B/$1" "$T/back" --quiet 2>/dev/null && cmp -s "$2" "$T/back"
}
no_object() { ! aws_s3 s3api head-object --bucket "$B" --key "$1" >/dev/null 2>&1; }
no_uploads() { [ "$(count_uploads "$B")" = 0 ]; }
