#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-tests.sh: every test, as CI runs them.  Installs what it needs,
# builds twice (plain, and with AddressSanitizer + UndefinedBehaviorSanitizer),
# starts the local S3 (Ceph RGW) once for both, runs the unit, lint and
# integration suites of each build, stops every service, and ends with one
# line: "N passed, N failed" summed over all suites.  With CI set, a skipped
# test counts as failed (CI has FUSE).
set -u
cd "$(dirname "$0")/.." || exit 2

contrib/install-deps.sh || { echo "run-tests: cannot install dependencies"; echo "0 passed, 1 failed"; exit 1; }

export SCFS_RGW_PORT=${SCFS_RGW_PORT:-18580}
export SCFS_RGW_DIR=${SCFS_RGW_DIR:-$(mktemp -d /tmp/scfs-rgw.XXXXXX)}
trap 'contrib/rgw.sh stop "$SCFS_RGW_DIR" >/dev/null 2>&1; rm -rf "$SCFS_RGW_DIR"' EXIT

passed=0
failed=0
skipped=0

# count BUILD_DIR: add the results of a meson test run
count() {
	local counts
	counts=$(/usr/bin/python3 - "$1/meson-logs/testlog.json" <<'PYEOF'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r == "OK" or r == "EXPECTEDFAIL":
        p += 1
    elif r == "SKIP":
        s += 1
    else:
        f += 1
print(p, f, s)
PYEOF
) || { failed=$((failed + 1)); return; }
	set -- $counts
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
}

# run_build NAME DIR MESON_ARGS...: configure, build and test one build
run_build() {
	local name=$1 dir=$2; shift 2
	echo "== $name build ($dir)"
	rm -rf "$dir"
	if ! meson setup "$dir" "$@" >"$dir.setup.log" 2>&1; then
		cat "$dir.setup.log"; echo "run-tests: $name: meson setup failed"
		failed=$((failed + 1)); return
	fi
	rm -f "$dir.setup.log"
	if ! ninja -C "$dir"; then
		echo "run-tests: $name: build failed"
		failed=$((failed + 1)); return
	fi
	meson test -C "$dir" --no-rebuild --print-errorlogs
	count "$dir"
}

if ! contrib/rgw.sh start "$SCFS_RGW_DIR" "$SCFS_RGW_PORT" >/dev/null; then
	echo "run-tests: cannot start the local S3 (RGW)"
	failed=$((failed + 1))
fi

run_build plain build-ci
run_build sanitizers build-asan -Db_sanitize=address,undefined -Db_lundef=false

if [ -n "${CI:-}" ] && [ "$skipped" -gt 0 ]; then
	echo "run-tests: $skipped test(s) skipped; CI has FUSE and S3, so a skip is a failure"
	failed=$((failed + skipped))
elif [ "$skipped" -gt 0 ]; then
	echo "run-tests: $skipped test(s) skipped (no /dev/fuse?)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
