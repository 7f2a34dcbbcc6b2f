#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# sc2s3 cp of a SoundCloud track, through the API (the stand-in), no mount:
# both reference forms, the copy policy (downloadable originals, or the
# token owner's own tracks), the object's name, type and x-amz-meta-sc-*,
# and the errors.
. "$(dirname "$0")/lib.sh"

ensure_s3
B=$(new_bucket)
cat >"$T/fixture.json" <<'EOF'
{
  "users": [
    {"id": 1001, "permalink": "band", "username": "The Band",
     "tracks": [
       {"id": 2001, "title": "Practice / Take 1", "permalink": "take-1",
        "downloadable": true, "size": 12582917, "format": "wav"},
       {"id": 2002, "title": "Unreleased", "permalink": "unreleased",
        "downloadable": false, "size": 300007, "format": "flac"}
     ]},
    {"id": 1002, "permalink": "other",
     "tracks": [
       {"id": 3001, "title": "Not yours", "permalink": "not-yours",
        "downloadable": false, "size": 40000, "format": "mp3"}
     ]}
  ],
  "user_tokens": [{"access_token": "band-user-token", "user": "band"}]
}
EOF
start_standin --fixture "$T/fixture.json"

original() {	# original ID FILE: the original's bytes, as the owner gets them
	local loc
	loc=$(curl -sf -o /dev/null -w '%{redirect_url}' -H "Authorization: OAuth band-user-token" \
		"$API_URL/tracks/soundcloud:tracks:$1/download") && curl -sf -o "$2" "$loc"
}
object_is() {
	rm -f "$T/back"
	aws_s3 s3 cp "s3://$B/$1" "$T/back" --quiet 2>/dev/null && cmp -s "$2" "$T/back"
}
meta_of() { aws_s3 s3api head-object --bucket "$B" --key "$1" --query "$2" --output text; }
sc2s3() { "$SC2S3" cp "$@" --api-url "$API_URL" --auth-url "$AUTH_URL"; }

original 2001 "$T/2001.wav" || die "cannot fetch the original of 2001 from the stand-in"
original 2002 "$T/2002.flac" || die "cannot fetch the original of 2002 from the stand-in"

# Client credentials, a downloadable original, by URN, to a prefix.
sc2s3 soundcloud:tracks:2001 "s3://$B/band/" --part-size 5M --json >"$T/cp.json" 2>"$T/logs/cp.err"
check "copy by URN exits 0 ($(cat "$T/logs/cp.err"))" [ $? = 0 ]
KEY="band/Practice _ Take 1 [2001].wav"
check "the key is the mount's file name" grep -qF "\"destination\":\"s3://$B/$KEY\"" "$T/cp.json"
check "the object is the original, byte for byte" object_is "$KEY" "$T/2001.wav"
check "went up in 3 parts" grep -q '"parts":3' "$T/cp.json"
check "Content-Type is the original's" [ "$(meta_of "$KEY" ContentType)" = audio/wav ]
check "x-amz-meta-sc-urn" [ "$(meta_of "$KEY" 'Metadata."sc-urn"')" = soundcloud:tracks:2001 ]
check "x-amz-meta-sc-source" [ "$(meta_of "$KEY" 'Metadata."sc-source"')" = original ]
check "x-amz-meta-sc-size" [ "$(meta_of "$KEY" 'Metadata."sc-size"')" = 12582917 ]

# By URL, to a key.
sc2s3 https://soundcloud.com/band/take-1 "s3://$B/by-url.wav" --quiet 2>"$T/logs/url.err"
check "copy by soundcloud.com URL exits 0 ($(cat "$T/logs/url.err"))" object_is by-url.wav "$T/2001.wav"

# Policy: not downloadable -> only its owner's user token may copy it.
sc2s3 soundcloud:tracks:2002 "s3://$B/x" 2>"$T/err"; rc=$?
check "a non-downloadable track with client credentials exits 1 (got $rc)" [ $rc = 1 ]
check "... saying why" grep -q "only downloadable originals and your own tracks" "$T/err"
check "... and copies nothing" fails object_is x "$T/2002.flac"
( unset SOUNDCLOUD_CLIENT_ID SOUNDCLOUD_CLIENT_SECRET
  export SOUNDCLOUD_ACCESS_TOKEN=band-user-token
  sc2s3 https://soundcloud.com/band/unreleased "s3://$B/own/" --quiet 2>"$T/logs/own.err"
  echo $? >"$T/own.rc"
  sc2s3 soundcloud:tracks:3001 "s3://$B/theirs" 2>"$T/theirs.err"
  echo $? >"$T/theirs.rc" )
check "the owner's token copies its own non-downloadable track ($(cat "$T/logs/own.err"))" \
	object_is "own/Unreleased [2002].flac" "$T/2002.flac"
check "... with the original's type" [ "$(meta_of "own/Unreleased [2002].flac" ContentType)" = audio/flac ]
check "another user's non-downloadable track is refused (exit $(cat "$T/theirs.rc"))" [ "$(cat "$T/theirs.rc")" = 1 ]

# Errors.
sc2s3 soundcloud:tracks:999999 "s3://$B/x" 2>"$T/err"; rc=$?
check "an unknown track exits 2 (got $rc)" [ $rc = 2 ]
check "... naming it" grep -q "soundcloud:tracks:999999.*no such track" "$T/err"
sc2s3 soundcloud:tracks:12ab "s3://$B/x" 2>"$T/err"; rc=$?
check "a malformed URN exits 2 (got $rc)" [ $rc = 2 ]
( unset SOUNDCLOUD_CLIENT_ID SOUNDCLOUD_CLIENT_SECRET SOUNDCLOUD_ACCESS_TOKEN
  sc2s3 soundcloud:tracks:2001 "s3://$B/x" 2>"$T/err"; echo $? >"$T/nocred.rc" )
check "no SoundCloud credentials exits 2" [ "$(cat "$T/nocred.rc")" = 2 ]
check "... naming the variables" grep -q SOUNDCLOUD_CLIENT_ID "$T/err"
SOUNDCLOUD_CLIENT_SECRET=wrong sc2s3 soundcloud:tracks:2001 "s3://$B/x" 2>"$T/err"; rc=$?
check "wrong SoundCloud credentials exit 2 (got $rc)" [ $rc = 2 ]
check "no secret in the messages" fails grep -q "$SOUNDCLOUD_CLIENT_SECRET\|band-user-token" "$T"/err "$T"/logs/*.err

# The RGW is shared and keeps data in RAM: leave nothing behind.
aws_s3 s3 rb --force "s3://$B" >/dev/null 2>&1 || true
# Deleted data waits hours for RGW's garbage collector unless asked.
timeout 60 radosgw-admin -c "$RGW_DIR/ceph.conf" -n client.rgw gc process --include-all \
	>/dev/null 2>&1 || true
finish
