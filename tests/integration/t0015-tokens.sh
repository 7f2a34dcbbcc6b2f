#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tokens: stored 0600 in the cache directory and reused by the next mount
# (no new client-credentials grant while the stored one is valid or
# refreshable), refreshed before expiry, one refresh at a time even for two
# mounts sharing the directory (refresh tokens are single-use), never
# logged; a user token shows its owner (via /me, private tracks included)
# when no user= is given, and survives its own expiry across remounts.
. "$(dirname "$0")/lib.sh"
require_fuse

# Tokens live 10 s, so "near expiry" (half the lifetime) is 5 s away.
start_standin --fixture "$SRC/tests/fixtures/sc/skeleton.json" \
	--user-token user-at:band:user-rt --token-ttl 10
grants() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["grants"].get(sys.argv[1], 0))' "$1"; }
grant_failures() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(sum(json.load(sys.stdin)["grant_failures"].values()))'; }
status_count() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["status"].get(sys.argv[1], 0))' "$1"; }
requests() { curl -sf "$ADMIN_URL/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routes"].get(sys.argv[1], {}).get("requests", 0))' "$1"; }
PID2=
trap 'rc=$?; fusermount3 -u -z "$T/mnt2" 2>/dev/null; [ -n "$PID2" ] && kill "$PID2" 2>/dev/null; (exit $rc); cleanup' EXIT

mount_scfs "user=band" || exit 1
ls "$MNT/band/tracks" >/dev/null
check "one client-credentials grant for the first mount" [ "$(grants client_credentials)" = 1 ]
tok=$(ls "$T/cache" | grep '^token-[0-9a-f]*$')
check "the token is stored in the cache directory" [ -n "$tok" ]
check "the token file is 0600" [ "$(stat -c %a "$T/cache/$tok")" = 600 ]
umount_scfs

curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
mount_scfs "user=band" || exit 1
check "a remount with a valid stored token asks the token endpoint nothing" [ "$(requests token)" = 0 ]
umount_scfs

sleep 5.5	# the stored token is now near its expiry
curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
mount_scfs "user=band" || exit 1
check "a remount near expiry refreshes the stored token" [ "$(grants refresh_token)" = 1 ]
check "... and makes no client-credentials grant" [ "$(grants client_credentials)" = 0 ]
ls "$MNT/band/tracks" >/dev/null
sleep 5.5
ls "$MNT/band/likes" >/dev/null
check "a token near expiry is refreshed before use" [ "$(grants refresh_token)" = 2 ]
check "... not after a 401" [ "$(status_count 401)" = 0 ]
umount_scfs

# Two mounts share the cache directory; both need a refresh at once:
# one refresh token is spent once, the other mount adopts the result.
sleep 5.5
curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
mkdir -p "$T/mnt2"
"$SCFS" -f -o "api_url=$API_URL,auth_url=$AUTH_URL,cache_dir=$T/cache,user=band" "$T/mnt2" \
	>"$T/logs/scfs2.log" 2>&1 &
PID2=$!
mount_scfs "user=band" || exit 1
for _ in $(seq 100); do mountpoint -q "$T/mnt2" && break; sleep 0.1; done
check "the second mount is up" mountpoint -q "$T/mnt2"
ls "$MNT/band/tracks" >"$T/ls1" 2>&1 &
l1=$!
ls "$T/mnt2/band/tracks" >"$T/ls2" 2>&1 &
l2=$!
wait $l1 && wait $l2
check "both mounts list at once" [ $? = 0 ]
check "... the same tracks" diff "$T/ls1" "$T/ls2"
check "no refresh token was used twice (no grant failure)" [ "$(grant_failures)" = 0 ]
check "no client-credentials grant for two mounts" [ "$(grants client_credentials)" = 0 ]
fusermount3 -u "$T/mnt2"
wait "$PID2"
check "the second mount exits 0" [ $? = 0 ]
PID2=
umount_scfs

# Another secret is another app: its own token, and refused when wrong.
env SOUNDCLOUD_CLIENT_SECRET=wrong "$SCFS" -f -o "api_url=$API_URL,auth_url=$AUTH_URL,cache_dir=$T/cache,user=band" \
	"$MNT" >"$T/logs/wrong.log" 2>&1
check "a wrong secret is refused even with a stored token (exit $?)" grep -q "refused the client credentials" "$T/logs/wrong.log"

# A user token: its owner by default, through /me, private tracks too.
export SOUNDCLOUD_ACCESS_TOKEN=user-at SOUNDCLOUD_REFRESH_TOKEN=user-rt
curl -sf -X POST "$ADMIN_URL/stats/reset" >/dev/null
mount_scfs "ttl=300" || exit 1
check "without user=, the token's owner is shown" [ "$(ls "$MNT")" = band ]
owned=$(curl -sf "$ADMIN_URL/users/band" | "$PY" -c '
import json, sys
print(sum(1 for t in json.load(sys.stdin)["tracks"] if t["access"] == "playable"))')
check "the owner's private tracks are listed ($owned)" [ "$(ls "$MNT/band/tracks" | wc -l)" = "$owned" ]
check "listings come from /me" grep -q '"path":"/me/tracks"' "$T/logs/standin.jsonl"
check "the owner's stream-only track is its original" [ -f "$MNT/band/tracks/Stream Only [2004].wav" ]
umount_scfs
check "the user token has a file of its own" [ "$(ls "$T/cache" | grep -c '^token-[0-9a-f]*$')" = 2 ]
sleep 5.5	# user-at expires; user-rt is spent by the refresh below
mount_scfs "ttl=300" || exit 1
check "an expired user token is refreshed" [ "$(ls "$MNT")" = band ]
umount_scfs
sleep 5.5
mount_scfs "ttl=300" || exit 1
check "a remount uses the refreshed user token, not the spent one" [ "$(ls "$MNT")" = band ]
umount_scfs

curl -sf "$ADMIN_URL/tokens" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
for t in d["access_tokens"]: print(t["access_token"])
for t in d["refresh_tokens"]: print(t["refresh_token"])' >"$T/all-tokens"
check "no token appears in any log" fails grep -rqFf "$T/all-tokens" "$T/logs/scfs.log" "$T/logs/scfs2.log" "$T/logs/wrong.log"
finish
