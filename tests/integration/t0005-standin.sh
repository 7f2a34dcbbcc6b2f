#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Self-test of the SoundCloud stand-in (contrib/sc-standin/standin.py):
# OAuth, resolve, pagination quirks, downloads through the CDN, Range,
# HLS, faults and stats, checked with curl against /_admin's exact bytes.
# Prints TAP-style "ok N - ..." / "not ok N - ..." lines; exits 1 if any
# check failed (the work directory is then kept and its path printed).

set -euo pipefail

PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
STANDIN=${STANDIN:-$HERE/../../contrib/sc-standin/standin.py}
T=$(mktemp -d "${TMPDIR:-/tmp}/t0005.XXXXXX")
pid=
n=0
failed=0

cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "$failed" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "# kept $T (stand-in log: $T/standin.err, requests: $T/requests.log)"
	fi
}
trap cleanup EXIT

check() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

# --- helpers ------------------------------------------------------------------
# req NAME CURL_ARGS... : body in $T/NAME.b, headers in $T/NAME.h, prints status
req() {
	local name=$1
	shift
	curl -sS --max-time 20 -o "$T/$name.b" -D "$T/$name.h" -w '%{http_code}' "$@" || true
}
# hdr NAME HEADER : value of a response header
hdr() {
	grep -i "^$2:" "$T/$1.h" | tail -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r'
}
# jv FILE EXPR : evaluate a Python expression over the JSON document d
jv() {
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
pf() { jv "$T/port" "d['$1']"; }
oauth() { printf 'Authorization: OAuth %s' "$1"; }
fault() { curl -sS --max-time 5 -o /dev/null -X POST --data-binary "$1" "$ADMIN/faults"; }
clear_faults() { curl -sS --max-time 5 -o /dev/null -X DELETE "$ADMIN/faults"; }
redirect_of() { # redirect_of URL TOKEN
	curl -sS --max-time 10 -o /dev/null -w '%{redirect_url}' -H "$(oauth "$2")" "$1"
}

# --- fixture ------------------------------------------------------------------
$PY - "$T/fixture.json" <<'EOF'
import json, sys
titles = ["a/b\\c slash", "ctl\x01\x1f\x7f chars", "\u00e9" * 150, "emoji \U0001F3B5\U0001F3B6",
          "dup", "dup", "", "  spaced  ", 'quote "x"']
tracks = []
for i in range(23):
    t = {"id": 2001 + i, "title": titles[i] if i < len(titles) else "Song %d" % i,
         "size": 3000 + 977 * i, "format": ["wav", "mp3", "flac", "aiff"][i % 4]}
    tracks.append(t)
tracks[0].update(size=1048576 + 12345)          # wraps the content period
tracks[1].update(downloadable=False, hls_segments=5, segment_size=65536 + 3)
tracks[2].update(access="blocked")
tracks[3].update(access="preview")
json.dump({"users": [{"id": 1001, "permalink": "band", "username": "The Band",
                      "tracks": tracks, "hidden_tracks": 7,
                      "playlists": [{"id": 3001, "title": "Set", "tracks": [2001, 2002, 2003]}],
                      "likes": [2001, 2005]}],
           "user_tokens": [{"access_token": "user-at", "refresh_token": "user-rt", "user": "band"}]},
          open(sys.argv[1], "w"))
EOF

# --- start ----------------------------------------------------------------------
$PY "$STANDIN" --port-file "$T/port" --fixture "$T/fixture.json" --user gen:12:3 \
	--empty-page-at 2 --log "$T/requests.log" 2>"$T/standin.err" &
pid=$!
for _ in $(seq 100); do
	[ -s "$T/port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if [ ! -s "$T/port" ]; then
	echo "not ok 1 - stand-in did not start"
	cat "$T/standin.err"
	failed=1
	exit 1
fi
API=$(pf api_url)
AUTH_URL=$(pf auth_url)
CDN=$(pf cdn_url)
ADMIN=$(pf admin_url)
CID=$(pf client_id)
CSECRET=$(pf client_secret)

# --- OAuth --------------------------------------------------------------------------
t_grant_basic() {
	[ "$(req tok -u "$CID:$CSECRET" -d grant_type=client_credentials "$AUTH_URL")" = 200 ] &&
		[ "$(jv "$T/tok.b" "d['token_type'], d['expires_in'], d['scope']")" = "('bearer', 3599, '')" ] &&
		TOKEN=$(jv "$T/tok.b" "d['access_token']") && REFRESH=$(jv "$T/tok.b" "d['refresh_token']")
}
check "client_credentials grant with HTTP Basic" t_grant_basic

t_grant_body() {
	[ "$(req tok2 -d grant_type=client_credentials -d "client_id=$CID" -d "client_secret=$CSECRET" "$AUTH_URL")" = 200 ] &&
		[ "$(req tok3 -u "$CID:wrong" -d grant_type=client_credentials "$AUTH_URL")" = 401 ] &&
		[ "$(jv "$T/tok3.b" "d")" = "{'error': 'invalid_client'}" ]
}
check "credentials in the body work, wrong secret is 401 invalid_client" t_grant_body

t_refresh_once() {
	[ "$(req ref1 -u "$CID:$CSECRET" -d grant_type=refresh_token -d "refresh_token=$REFRESH" "$AUTH_URL")" = 200 ] &&
		[ "$(req ref2 -u "$CID:$CSECRET" -d grant_type=refresh_token -d "refresh_token=$REFRESH" "$AUTH_URL")" = 400 ] &&
		[ "$(jv "$T/ref2.b" "d['code'], d['message']")" = "(400, 'invalid_grant')" ] &&
		TOKEN=$(jv "$T/ref1.b" "d['access_token']")
}
check "refresh token works once, second use is 400 invalid_grant" t_refresh_once

t_user_refresh() {
	[ "$(req uref -u "$CID:$CSECRET" -d grant_type=refresh_token -d refresh_token=user-rt "$AUTH_URL")" = 200 ] &&
		[ "$(req me -H "$(oauth "$(jv "$T/uref.b" "d['access_token']")")" "$API/me")" = 200 ] &&
		[ "$(jv "$T/me.b" "d['permalink']")" = band ] &&
		[ "$(req me2 -H "$(oauth "$TOKEN")" "$API/me")" = 403 ]
}
check "refreshed user token keeps its owner (/me); app token gets 403 on /me" t_user_refresh

t_auth_refused() {
	[ "$(req na "$API/users/1001")" = 401 ] &&
		[ "$(req nb -H "Authorization: Bearer $TOKEN" "$API/users/1001")" = 401 ] &&
		[ "$(req nc -H "$(oauth nonsense)" "$API/users/1001")" = 401 ] &&
		[ "$(jv "$T/na.b" "d['code'], d['status']")" = "(401, '401 - Unauthorized')" ] &&
		[ "$(req nd -H "$(oauth "$TOKEN")" "$API/users/soundcloud%3Ausers%3A1001")" = 200 ]
}
check "401 without OAuth header, with Bearer, with unknown token; URN path ok" t_auth_refused

# --- resolve ------------------------------------------------------------------------
t_resolve() {
	[ "$(req res -H "$(oauth "$TOKEN")" "$API/resolve?url=https://soundcloud.com/band")" = 302 ] &&
		[ "$(hdr res Location)" = "$API/users/1001" ] &&
		[ "$(jv "$T/res.b" "d['status'], d['location']")" = "('302 - Found', '$API/users/1001')" ] &&
		[ "$(req res2 -H "$(oauth "$TOKEN")" "$API/resolve?url=https://soundcloud.com/band/song-20")" = 302 ] &&
		[ "$(hdr res2 Location)" = "$API/tracks/2021" ] &&
		[ "$(req res3 -H "$(oauth "$TOKEN")" "$API/resolve?url=https://soundcloud.com/nobody")" = 404 ] &&
		[ "$(jv "$T/res3.b" "d['code'], d['message'], d['errors'][0]['error_message']")" = \
			"(404, '404 - Not Found', '404 - Not Found')" ]
}
check "resolve: 302 + JSON body for user and track, 404 JSON for unknown" t_resolve

# --- pagination -----------------------------------------------------------------------
walk() { # walk FIRST_URL OUT : follows next_href, writes ids/page-sizes/hrefs to OUT
	$PY - "$1" "$TOKEN" "$2" <<'EOF'
import json, sys, urllib.request
url, tok, out = sys.argv[1:]
pages = []
for _ in range(100):
    r = urllib.request.Request(url, headers={"Authorization": "OAuth " + tok})
    d = json.load(urllib.request.urlopen(r, timeout=10))
    pages.append({"ids": [t["id"] for t in d["collection"]], "next": d.get("next_href")})
    url = d.get("next_href")
    if not url:
        break
json.dump(pages, open(out, "w"))
EOF
}
t_pages() {
	curl -sS "$ADMIN/users/band" -o "$T/band.json" &&
		walk "$API/users/soundcloud:users:1001/tracks?linked_partitioning=true&limit=5" "$T/pages.json" &&
		$PY - "$T/band.json" "$T/pages.json" "$API" <<'EOF'
import json, sys
band, pages, api = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
want = sorted(t["id"] for t in band["tracks"] if t["sharing"] == "public" and t["access"] != "blocked")
got = [i for p in pages for i in p["ids"]]
problems = []
if sorted(got) != want or len(got) != len(set(got)):
    problems.append("ids differ: got %d (%d unique), want %d" % (len(got), len(set(got)), len(want)))
if not any(not p["ids"] and p["next"] for p in pages):
    problems.append("no empty page carrying next_href")
if not any(0 < len(p["ids"]) < 5 for p in pages):
    problems.append("no short page (hidden tracks)")
if pages[-1]["next"] is not None or not all(p["next"].startswith(api + "/") for p in pages[:-1]):
    problems.append("next_href not absolute or last page not null")
if len(want) != 22 or len(band["tracks"]) != 30:
    problems.append("fixture shape: %d visible, %d total" % (len(want), len(band["tracks"])))
for p in problems:
    print("#", p)
sys.exit(1 if problems else 0)
EOF
}
check "pagination with hidden tracks and an empty page reaches every track once" t_pages

t_page_faults() {
	fault '{"kind":"next_loop","count":1}' &&
		local u="$API/users/1001/tracks?linked_partitioning=true&limit=5" &&
		[ "$(req loop -H "$(oauth "$TOKEN")" "$u")" = 200 ] &&
		[ "$(jv "$T/loop.b" "d['next_href']")" = "$u" ] &&
		fault '{"kind":"next_foreign","count":1}' &&
		[ "$(req foreign -H "$(oauth "$TOKEN")" "$u")" = 200 ] &&
		[ "$(jv "$T/foreign.b" "d['next_href'].startswith('$API')")" = False ] &&
		[ "$(req after -H "$(oauth "$TOKEN")" "$u")" = 200 ] &&
		[ "$(jv "$T/after.b" "d['next_href'].startswith('$API/users/')")" = True ]
}
check "next_href loop and foreign-host faults fire once" t_page_faults

t_playlists_likes() {
	[ "$(req pl -H "$(oauth "$TOKEN")" "$API/playlists/soundcloud:playlists:3001")" = 200 ] &&
		[ "$(jv "$T/pl.b" "[t['id'] for t in d['tracks']]")" = "[2001, 2002]" ] &&
		[ "$(req lk -H "$(oauth "$TOKEN")" "$API/users/1001/likes/tracks?linked_partitioning=true")" = 200 ] &&
		[ "$(jv "$T/lk.b" "[t['id'] for t in d['collection']]")" = "[2001, 2005]" ]
}
check "playlist (blocked filtered) and likes listing" t_playlists_likes

t_track_json() {
	[ "$(req tr -H "$(oauth "$TOKEN")" "$API/tracks/2003")" = 200 ] &&
		$PY - "$T/tr.b" "$T/fixture.json" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
fx = json.load(open(sys.argv[2]))["users"][0]["tracks"][2]
need = {"kind", "id", "urn", "title", "permalink", "permalink_url", "created_at", "last_modified",
        "duration", "downloadable", "download_url", "stream_url", "streamable", "access", "sharing",
        "genre", "tag_list", "description", "user"}
ok = (need <= set(d) and d["title"] == fx["title"] and d["urn"] == "soundcloud:tracks:2003"
      and re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \+0000", d["created_at"])
      and not {"original_content_size", "original_format", "size"} & set(d)
      and d["user"]["urn"] == "soundcloud:users:1001")
sys.exit(0 if ok else 1)
EOF
}
check "track JSON has the v1 fields, exact unicode title, no size/format" t_track_json

# --- downloads ----------------------------------------------------------------------------
t_download() {
	LOC=$(redirect_of "$API/tracks/2001/download" "$TOKEN") &&
		[ "${LOC#"$CDN"/originals/2001?}" != "$LOC" ] &&
		[ "$(req dl "$LOC")" = 200 ] &&
		curl -sS "$ADMIN/tracks/2001/original" -o "$T/orig.bin" &&
		cmp -s "$T/dl.b" "$T/orig.bin" &&
		[ "$(stat -c %s "$T/orig.bin")" = $((1048576 + 12345)) ] &&
		[ "$(hdr dl Content-Type)" = audio/wav ] &&
		[ -n "$(hdr dl ETag)" ] && [ "$(hdr dl Accept-Ranges)" = bytes ] &&
		hdr dl Content-Disposition | grep -Fq 'attachment; filename="a/b_c slash.wav"; filename*=UTF-8'"''"'a%2Fb%5Cc%20slash.wav'
}
check "download 302 -> signed CDN URL, bytes equal /_admin original" t_download

t_download_refused() {
	[ "$(req nd1 -H "$(oauth "$TOKEN")" "$API/tracks/2002/download")" = 404 ] &&
		[ "$(req nd2 -H "$(oauth user-at)" "$API/tracks/2002/download")" = 302 ]
}
check "non-downloadable track: 404 for the app, 302 for its owner" t_download_refused

t_range() {
	local size
	size=$(stat -c %s "$T/orig.bin")
	[ "$(req r1 -r 1048570-1048700 "$LOC")" = 206 ] &&
		[ "$(hdr r1 Content-Range)" = "bytes 1048570-1048700/$size" ] &&
		cmp -s "$T/r1.b" <(tail -c +1048571 "$T/orig.bin" | head -c 131) &&
		[ "$(req r2 -r -100 "$LOC")" = 206 ] &&
		cmp -s "$T/r2.b" <(tail -c 100 "$T/orig.bin") &&
		[ "$(req r3 -r "$((size - 10))-" "$LOC")" = 206 ] &&
		[ "$(stat -c %s "$T/r3.b")" = 10 ] &&
		[ "$(req r4 -r "$size-" "$LOC")" = 416 ] &&
		[ "$(hdr r4 Content-Range)" = "bytes */$size" ] &&
		[ "$(req hd -I "$LOC")" = 200 ] &&
		[ "$(hdr hd Content-Length)" = "$size" ]
}
check "Range a-b, -n, a- give 206 with the right bytes; 416; HEAD Content-Length" t_range

t_keepalive() {
	curl -sv --max-time 10 -o /dev/null -o /dev/null "$LOC" "$LOC" 2>&1 |
		grep -Eiq 're-?using existing connection'
}
check "keep-alive: two requests on one connection" t_keepalive

t_cdn_refuses() {
	local bad
	bad=$(printf '%s' "$LOC" | sed 's/Signature=[0-9a-f]*/Signature=deadbeef/')
	[ "$(req ca -H "$(oauth "$TOKEN")" "$LOC")" = 400 ] &&
		grep -q '<Code>InvalidArgument</Code>' "$T/ca.b" &&
		[ "$bad" != "$LOC" ] && [ "$(req cb "$bad")" = 403 ] &&
		[ "$(req cc "${LOC%%\?*}")" = 403 ] &&
		fault '{"kind":"expire","count":1}' &&
		[ "$(req cd "$LOC")" = 403 ] && grep -q '<Code>AccessDenied</Code>' "$T/cd.b" &&
		[ "$(req ce -r 0-0 "$LOC")" = 206 ] &&
		fault '{"kind":"expire","issued_before":"now"}' &&
		[ "$(req cf -r 0-0 "$LOC")" = 403 ] &&
		[ "$(req cg -r 0-0 "$(redirect_of "$API/tracks/2001/download" "$TOKEN")")" = 206 ] &&
		clear_faults
}
check "CDN: Authorization header 400, bad/missing signature 403, expired 403" t_cdn_refuses

# --- HLS ------------------------------------------------------------------------------------
t_hls() {
	local hls pl
	[ "$(req st -H "$(oauth "$TOKEN")" "$API/tracks/soundcloud:tracks:2002/streams")" = 200 ] &&
		hls=$(jv "$T/st.b" "d['hls_aac_160_url']") &&
		[ "$(req hnoauth "$hls")" = 401 ] &&
		pl=$(redirect_of "$hls" "$TOKEN") &&
		[ "$(req m3u "$pl")" = 200 ] &&
		[ "$(hdr m3u Content-Type)" = application/vnd.apple.mpegurl ] &&
		head -n 2 "$T/m3u.b" | tr '\n' ' ' | grep -q '^#EXTM3U #EXT-X-VERSION:7 ' &&
		grep -q '^#EXT-X-ENDLIST' "$T/m3u.b" &&
		[ "$(grep -c '^#EXTINF:10.0,' "$T/m3u.b")" = 5 ] &&
		: >"$T/hls.bin" &&
		curl -sS --fail "$(sed -n 's/^#EXT-X-MAP:URI="\(.*\)"$/\1/p' "$T/m3u.b")" >>"$T/hls.bin" &&
		while read -r seg; do
			curl -sS --fail "$seg" >>"$T/hls.bin" || return 1
		done < <(grep '^http' "$T/m3u.b") &&
		curl -sS "$ADMIN/tracks/2002/hls" -o "$T/hls-admin.bin" &&
		cmp -s "$T/hls.bin" "$T/hls-admin.bin" &&
		[ "$(head -c 8 "$T/hls.bin" | tail -c 4)" = ftyp ]
}
check "streams -> hls url (needs OAuth) -> playlist; init+segments equal /_admin hls" t_hls

# --- faults -----------------------------------------------------------------------------------
t_429() {
	fault '{"kind":"429","route":"track","count":1,"retry_after":2}' &&
		[ "$(req q1 -H "$(oauth "$TOKEN")" "$API/tracks/2001")" = 429 ] &&
		[ "$(hdr q1 Retry-After)" = 2 ] &&
		[ "$(jv "$T/q1.b" "d['errors'][0]['meta']['remaining_requests']")" = 0 ] &&
		fault '{"kind":"429","shape":"code","route":"track","count":1}' &&
		[ "$(req q2 -H "$(oauth "$TOKEN")" "$API/tracks/2001")" = 429 ] &&
		[ "$(jv "$T/q2.b" "d['code']")" = 429 ] &&
		[ "$(req q3 -H "$(oauth "$TOKEN")" "$API/tracks/2001")" = 200 ]
}
check "429 fault: rate-limit body + Retry-After, code shape, then disarmed" t_429

t_status_latency() {
	fault '{"kind":"status","status":503,"route":"resolve","count":1}' &&
		fault '{"kind":"latency","ms":300,"route":"user","count":1}' &&
		[ "$(req s1 -H "$(oauth "$TOKEN")" "$API/resolve?url=https://soundcloud.com/band")" = 503 ] &&
		[ "$(req s2 -H "$(oauth "$TOKEN")" "$API/resolve?url=https://soundcloud.com/band")" = 302 ] &&
		$PY -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.3 else 1)' \
			"$(curl -sS -o /dev/null -w '%{time_total}' -H "$(oauth "$TOKEN")" "$API/users/1001")"
}
check "status 503 and latency faults" t_status_latency

t_drop() {
	local rc=0
	fault '{"kind":"drop","after_bytes":1000,"route":"cdn_original","count":1}' &&
		{ curl -sS --max-time 10 -o "$T/drop.b" "$LOC" 2>/dev/null || rc=$?; } &&
		[ "$rc" = 18 ] && [ "$(stat -c %s "$T/drop.b")" = 1000 ] &&
		cmp -s "$T/drop.b" <(head -c 1000 "$T/orig.bin") &&
		[ "$(req dr2 "$LOC")" = 200 ] && cmp -s "$T/dr2.b" "$T/orig.bin"
}
check "drop fault cuts the body after K bytes, once" t_drop

t_token_expire() {
	fault '{"kind":"token_expire"}' &&
		[ "$(req te1 -H "$(oauth "$TOKEN")" "$API/users/1001")" = 401 ] &&
		[ "$(req te2 -u "$CID:$CSECRET" -d grant_type=client_credentials "$AUTH_URL")" = 200 ] &&
		TOKEN=$(jv "$T/te2.b" "d['access_token']") &&
		[ "$(req te3 -H "$(oauth "$TOKEN")" "$API/users/1001")" = 200 ]
}
check "token_expire fault: old token 401, new grant works" t_token_expire

t_change() {
	local e1 e2
	e1=$(jv "$T/band.json" "[t['etag'] for t in d['tracks'] if t['id'] == 2005][0]") &&
		fault '{"kind":"change","track":2005}' &&
		curl -sS "$ADMIN/tracks/2005" -o "$T/c.json" &&
		e2=$(jv "$T/c.json" "d['etag']") && [ "$e1" != "$e2" ] &&
		[ "$(req ch "$(redirect_of "$API/tracks/2005/download" "$TOKEN")")" = 200 ] &&
		[ "$(hdr ch ETag)" = "$e2" ] &&
		[ "$(stat -c %s "$T/ch.b")" = "$(jv "$T/c.json" "d['size']")" ] &&
		cmp -s "$T/ch.b" <(curl -sS "$ADMIN/tracks/2005/original")
}
check "change fault: new ETag, size and bytes" t_change

t_admin_tracks() {
	local id
	curl -sS -X POST --data-binary '{"title":"Fresh \u2603","size":12345,"format":"mp3"}' \
		"$ADMIN/users/band/tracks" -o "$T/new.json" &&
		id=$(jv "$T/new.json" "d['id']") &&
		[ "$(req nt -H "$(oauth "$TOKEN")" "$API/tracks/$id")" = 200 ] &&
		[ "$(req nt2 "$(redirect_of "$API/tracks/$id/download" "$TOKEN")")" = 200 ] &&
		[ "$(hdr nt2 Content-Type)" = audio/mpeg ] && [ "$(stat -c %s "$T/nt2.b")" = 12345 ] &&
		curl -sS -o /dev/null -X DELETE "$ADMIN/tracks/$id" &&
		[ "$(req nt3 -H "$(oauth "$TOKEN")" "$API/tracks/$id")" = 404 ]
}
check "admin add track then delete it upstream" t_admin_tracks

t_stats() {
	curl -sS -o /dev/null -X POST "$ADMIN/stats/reset" &&
		req x1 -H "$(oauth "$TOKEN")" "$API/users/1001" >/dev/null &&
		req x2 -H "$(oauth "$TOKEN")" "$API/users/1001" >/dev/null &&
		req x3 -H "$(oauth "$TOKEN")" "$API/tracks/999" >/dev/null &&
		req x4 -u "$CID:$CSECRET" -d grant_type=client_credentials "$AUTH_URL" >/dev/null &&
		curl -sS "$ADMIN/stats" -o "$T/stats.json" &&
		[ "$(jv "$T/stats.json" "d['routes']['user']['requests'], d['routes']['track']['status']['404'], d['grants']['client_credentials'], d['requests'], 'other' in d['routes']")" = "(2, 1, 1, 4, False)" ] &&
		[ "$(jv "$T/stats.json" "d['routes']['user']['bytes'] == 2 * $(stat -c %s "$T/x1.b")")" = True ]
}
check "stats count requests, bytes, statuses and grants (admin not counted)" t_stats

t_log() {
	$PY - "$T/requests.log" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
keys = {"t", "origin", "method", "path", "query", "range", "status", "bytes", "auth"}
ok = (lines and all(keys <= set(l) for l in lines)
      and any(l["origin"] == "cdn" and l["status"] == 206 and l["range"] for l in lines)
      and all(l["bytes"] == 0 for l in lines if l["method"] == "HEAD")
      and any(l["method"] == "HEAD" for l in lines)
      and not any(l["path"].startswith("/_admin") for l in lines))
sys.exit(0 if ok else 1)
EOF
}
check "request log: one JSON line per request with the documented fields" t_log

t_sigterm() {
	local rc=0
	kill -TERM "$pid" && { wait "$pid" || rc=$?; } && pid= && [ "$rc" = 0 ]
}
check "SIGTERM: clean exit 0" t_sigterm

echo "1..$n"
if [ "$failed" -ne 0 ]; then
	echo "# $failed of $n checks failed"
	exit 1
fi
