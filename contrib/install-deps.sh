#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh: the Debian 12 packages scfs needs to build, test and run
# its local stack.  Idempotent; needs root (or sudo).
set -eu
PKGS=(
	# build
	gcc libc6-dev meson ninja-build pkg-config
	libfuse3-dev libcurl4-openssl-dev libcjson-dev libssl-dev libexpat1-dev
	# run and test: FUSE, the stand-in, the local S3 and an independent S3 client
	fuse3 attr curl python3 util-linux procps rsync
	radosgw ceph-mon ceph-osd awscli
)
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
	{ $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
