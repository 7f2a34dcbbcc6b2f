#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The SoundCloud stand-in with its CDN URLs pointing at another origin.

    standin_cdn.py CDN_BASE_URL STANDIN_ARGS...

For benchmarks only: the API (OAuth, listings, /download, /streams) is the
stand-in's, but the signed URLs it hands out (302s to originals, HLS
segment URLs in playlists) name CDN_BASE_URL, where nginx serves the same
bytes from tmpfs, so that scfs and its peers read from one and the same
server.  The stand-in's own CDN still listens (the port file's cdn_url):
nginx proxies playlists to it.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "contrib", "sc-standin"))

import standin  # noqa: E402
from scstandin import app as appmod  # noqa: E402


def main():
    base = sys.argv.pop(1).rstrip("/")
    set_urls = appmod.App.set_urls

    def set_urls_elsewhere(self, api_url, cdn_url):
        set_urls(self, api_url, cdn_url)
        self.signer.cdn_url = base

    appmod.App.set_urls = set_urls_elsewhere
    return standin.main()


if __name__ == "__main__":
    sys.exit(main())
