# SPDX-License-Identifier: GPL-2.0-or-later
"""The shared state both listeners see: catalogue, tokens, faults, stats.

One App per process; handlers reach it as `self.server.app`.  Also runs
the action faults (token_expire, change) when they are added.
"""

import os
import threading

from . import build
from .auth import Auth
from .cdn import Signer
from .faults import FaultError, Faults
from .httpbase import RequestLog, Stats
from .model import SpecError, Store


class App:
    def __init__(self, opts):
        self.verbose = opts.verbose
        self.client_id = opts.client_id
        self.client_secret = opts.client_secret
        self.store = Store()
        self.auth = Auth(opts.client_id, opts.client_secret, opts.token_ttl,
                         opts.max_client_credentials)
        self.faults = Faults(self._action)
        self.stats = Stats()
        self.log = RequestLog(opts.log)
        secret = (opts.sign_secret.encode() if opts.sign_secret
                  else os.urandom(32))
        self.signer = Signer(secret, opts.url_ttl)
        self.empty_page_at = opts.empty_page_at
        self.resolve_location = opts.resolve_location
        self.api_url = ""
        self.cdn_url = ""
        self.stop = threading.Event()

    def set_urls(self, api_url, cdn_url):
        self.api_url = api_url
        self.cdn_url = cdn_url
        self.store.api_url = api_url
        self.signer.cdn_url = cdn_url

    def port_info(self):
        return {
            "api_url": self.api_url,
            "auth_url": self.api_url + "/oauth/token",
            "cdn_url": self.cdn_url,
            "admin_url": self.api_url + "/_admin",
            "pid": os.getpid(),
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    def _action(self, spec):
        if spec["kind"] == "token_expire":
            return {"expired": self.auth.expire_all()}
        ident = spec.get("track")
        try:
            tid = int(str(ident).rsplit(":", 1)[-1])
        except ValueError:
            raise FaultError("change fault needs 'track': a track id")
        t = self.store.track(tid)
        if t is None:
            raise FaultError("change fault: no track %r" % ident)
        changes = {k: v for k, v in spec.items()
                   if k not in ("kind", "track", "route", "count", "after",
                                "path")}
        try:
            build.change_track(self.store, t, changes)
        except SpecError as e:
            raise FaultError("change fault: %s" % e)
        with self.store.lock:
            return self.store.internal_track(t)
