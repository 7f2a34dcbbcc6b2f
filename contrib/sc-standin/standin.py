#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sc-standin: a local stand-in for the SoundCloud API, OAuth and CDN.

Python 3 standard library only.  Starts two HTTP/1.1 listeners on
127.0.0.1 (API + OAuth + /_admin, and CDN), writes a JSON port file
atomically once both listen, and runs until SIGTERM/SIGINT.  See
README.md beside this file for options, fixture format, admin endpoints
and faults.
"""

import argparse
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scstandin import build  # noqa: E402
from scstandin.api import ApiHandler  # noqa: E402
from scstandin.app import App  # noqa: E402
from scstandin.cdn import CdnHandler  # noqa: E402
from scstandin.faults import FaultError  # noqa: E402
from scstandin.httpbase import Server  # noqa: E402
from scstandin.model import SpecError  # noqa: E402


def user_spec(text):
    """PERMALINK:NTRACKS[:SEED[:HIDDEN]]"""
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 4 or not parts[0]:
        raise argparse.ArgumentTypeError(
            "expected PERMALINK:NTRACKS[:SEED[:HIDDEN]], got %r" % text)
    try:
        nums = [int(p) for p in parts[1:]]
    except ValueError:
        raise argparse.ArgumentTypeError("not a number in %r" % text)
    if any(n < 0 for n in nums):
        raise argparse.ArgumentTypeError("negative number in %r" % text)
    return (parts[0], nums[0], nums[1] if len(nums) > 1 else None,
            nums[2] if len(nums) > 2 else 0)


def token_spec(text):
    """TOKEN:PERMALINK[:REFRESH]"""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise argparse.ArgumentTypeError(
            "expected ACCESS_TOKEN:PERMALINK[:REFRESH_TOKEN], got %r" % text)
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def fault_spec(text):
    try:
        return json.loads(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError("--fault is not JSON: %s" % e)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="standin.py",
        description="Local stand-in for the SoundCloud API and CDN.")
    p.add_argument("--port-file", required=True,
                   help="write the JSON port file here (atomically)")
    p.add_argument("--host", default="127.0.0.1",
                   help="IPv4 address to listen on (default 127.0.0.1)")
    p.add_argument("--api-port", type=int, default=0,
                   help="API/OAuth/admin port (default 0: kernel picks)")
    p.add_argument("--cdn-port", type=int, default=0,
                   help="CDN port (default 0: kernel picks)")
    p.add_argument("--user", action="append", type=user_spec, default=[],
                   metavar="PERMALINK:NTRACKS[:SEED[:HIDDEN]]",
                   help="generate a user with deterministic tracks")
    p.add_argument("--fixture", action="append", default=[],
                   metavar="FILE.json", help="load users/tracks from JSON")
    p.add_argument("--user-token", action="append", type=token_spec,
                   default=[], metavar="TOKEN:PERMALINK[:REFRESH]",
                   help="a user (authorization_code) token")
    p.add_argument("--client-id", default="standin-client")
    p.add_argument("--client-secret", default="standin-secret")
    p.add_argument("--token-ttl", type=float, default=3599,
                   help="access token lifetime in seconds (default 3599)")
    p.add_argument("--max-client-credentials", type=int, default=None,
                   metavar="N", help="answer 429 after N client_credentials "
                   "grants (default: no limit)")
    p.add_argument("--url-ttl", type=float, default=300,
                   help="signed CDN URL lifetime in seconds (default 300)")
    p.add_argument("--sign-secret", default=None,
                   help="HMAC key for CDN URLs (default: random)")
    p.add_argument("--empty-page-at", type=int, default=None, metavar="K",
                   help="every listing serves an empty page with next_href "
                   "in place of page K (1-based), then page K itself")
    p.add_argument("--resolve-location", choices=("numeric", "urn"),
                   default="numeric",
                   help="form of the /resolve Location (default numeric)")
    p.add_argument("--fault", action="append", type=fault_spec, default=[],
                   metavar="JSON", help="arm a fault at start (repeatable)")
    p.add_argument("--log", default=None, metavar="FILE",
                   help="append one JSON line per request")
    p.add_argument("--verbose", action="store_true",
                   help="per-request lines and tracebacks on stderr")
    return p.parse_args(argv)


def load_data(app, args):
    for path in args.fixture:
        build.load_fixture(app.store, app.auth, path)
    made = [build.generate_user(app.store, perm, n, seed, hidden)
            for perm, n, seed, hidden in args.user]
    if made:
        build.generate_likes(app.store, made)
    for access, perm, refresh in args.user_token:
        u = app.store.user(perm)
        if u is None:
            raise SpecError("--user-token: unknown user %r" % perm)
        app.auth.add_user_token(access, refresh, u.id)


def write_port_file(path, info):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(info, f)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    app = App(args)
    try:
        load_data(app, args)
    except SpecError as e:
        print("standin: %s" % e, file=sys.stderr)
        return 2
    try:
        api = Server((args.host, args.api_port), ApiHandler, app)
        cdn = Server((args.host, args.cdn_port), CdnHandler, app)
    except OSError as e:
        print("standin: cannot listen on %s: %s" % (args.host, e),
              file=sys.stderr)
        return 2
    app.set_urls("http://%s:%d" % (args.host, api.server_address[1]),
                 "http://%s:%d" % (args.host, cdn.server_address[1]))
    try:
        for spec in args.fault:
            app.faults.add(spec)
    except FaultError as e:
        print("standin: --fault: %s" % e, file=sys.stderr)
        return 2
    threads = [threading.Thread(target=s.serve_forever, daemon=True,
                                kwargs={"poll_interval": 0.2})
               for s in (api, cdn)]
    for t in threads:
        t.start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.stop.set())
    try:
        write_port_file(args.port_file, app.port_info())
    except OSError as e:
        print("standin: cannot write port file: %s" % e, file=sys.stderr)
        return 2
    if args.verbose:
        print("standin: api %s cdn %s" % (app.api_url, app.cdn_url),
              file=sys.stderr)
    while not app.stop.wait(0.5):
        pass
    for s in (api, cdn):
        s.shutdown()
        s.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
