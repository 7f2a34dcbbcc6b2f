# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault injection: parse fault specs, match them to requests, count hits.

A fault is armed until it has fired `count` times (default: forever).
`after` lets that many matching requests pass before it fires.  `route`
(a name or a list) and `path` (a regular expression searched in the
request path) narrow it down.  Action kinds (token_expire, change) run
once when added and are not kept.  The HTTP side decides what a fired
fault does; this module only decides whether it fires.  Thread-safe.
"""

import re
import threading
import time

ROUTES = {
    "resolve", "token", "list", "track", "user", "playlist", "download",
    "streams", "stream", "cdn", "cdn_original", "cdn_hls", "cdn_preview",
    "api", "any",
}
REQUEST_KINDS = {"status", "429", "drop", "latency", "expire"}
PAGINATION_KINDS = {"empty_page", "next_loop", "next_foreign"}
ACTION_KINDS = {"token_expire", "change"}
KINDS = REQUEST_KINDS | PAGINATION_KINDS | ACTION_KINDS
DEFAULT_FOREIGN = "http://api-internal.soundcloud.invalid"


class FaultError(ValueError):
    pass


def route_matches(wanted, route):
    if wanted in ("any", route):
        return True
    if wanted == "cdn":
        return route.startswith("cdn")
    if wanted == "api":
        return not route.startswith("cdn")
    return False


def _number(spec, key, default, lo=0):
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or value < lo:
        raise FaultError("fault field %r must be a number >= %s" % (key, lo))
    return value


class Fault:
    def __init__(self, fid, spec):
        self.id = fid
        self.spec = dict(spec)
        self.kind = str(spec["kind"])
        default = "cdn" if self.kind == "expire" else \
            "list" if self.kind in PAGINATION_KINDS else "any"
        routes = spec.get("route", default)
        self.routes = [routes] if isinstance(routes, str) else list(routes)
        bad = [r for r in self.routes if r not in ROUTES]
        if bad or not self.routes:
            raise FaultError("unknown route(s) %s; use one of %s"
                             % (bad, ", ".join(sorted(ROUTES))))
        self.count = _number(spec, "count", None, 1)
        self.after = _number(spec, "after", 0)
        try:
            self.path_re = re.compile(spec["path"]) if "path" in spec else None
        except (re.error, TypeError) as e:
            raise FaultError("bad 'path' regular expression: %s" % e)
        self.created = time.time()
        self.seen = 0
        self.hits = 0
        self._validate()

    def _validate(self):
        s = self.spec
        if self.kind == "status":
            status = _number(s, "status", None, 100)
            if status is None or status > 599 or status != int(status):
                raise FaultError("status fault needs 'status' (100-599)")
        elif self.kind == "429":
            if s.get("shape", "rate_limit") not in ("rate_limit", "code",
                                                    "empty"):
                raise FaultError("429 'shape' is rate_limit, code or empty")
            _number(s, "retry_after", None)
        elif self.kind == "drop":
            _number(s, "after_bytes", 0)
        elif self.kind == "latency":
            _number(s, "ms", 0)
        elif self.kind == "expire":
            before = s.get("issued_before")
            if before == "now":
                # URLs carry milliseconds: one signed in this very
                # millisecond counts as issued after the fault
                self.spec["issued_before"] = int(self.created * 1000) / 1000
            elif before is not None:
                _number(s, "issued_before", None)
        elif self.kind in PAGINATION_KINDS:
            _number(s, "at", 1, 1)

    def armed(self):
        return self.count is None or self.hits < self.count

    def describe(self):
        d = dict(self.spec)
        d.update({"id": self.id, "hits": self.hits, "seen": self.seen,
                  "armed": self.armed(), "route": self.routes})
        return d


class Faults:
    def __init__(self, on_action):
        self.lock = threading.Lock()
        self.items = []
        self.next_id = 1
        self.on_action = on_action      # fn(spec) -> result, for actions
        self.fired = 0

    def add(self, specs):
        """Add one spec or a list; returns a description per spec."""
        if isinstance(specs, dict):
            specs = [specs]
        if not isinstance(specs, list):
            raise FaultError("faults must be a JSON object or a list")
        made = []
        for spec in specs:
            if not isinstance(spec, dict) or "kind" not in spec:
                raise FaultError("a fault is an object with a 'kind'")
            spec = dict(spec, kind=str(spec["kind"]))
            if spec["kind"] not in KINDS:
                raise FaultError("unknown fault kind %r; kinds: %s" % (
                    spec["kind"], ", ".join(sorted(KINDS))))
            if spec["kind"] in ACTION_KINDS:
                made.append(("action", spec))
                continue
            with self.lock:
                fault = Fault(self.next_id, spec)
                self.next_id += 1
            made.append(("fault", fault))
        out = []
        for what, item in made:          # all validated: now apply
            if what == "action":
                out.append({"kind": item["kind"], "applied": True,
                            "result": self.on_action(item)})
            else:
                with self.lock:
                    self.items.append(item)
                out.append(item.describe())
        return out

    def clear(self):
        with self.lock:
            n = len(self.items)
            self.items = []
            return n

    def remove(self, fid):
        with self.lock:
            before = len(self.items)
            self.items = [f for f in self.items if f.id != fid]
            return before != len(self.items)

    def describe(self):
        with self.lock:
            return [f.describe() for f in self.items]

    def take(self, route, path, kinds, pred=None, first=False):
        """Fire and return the armed faults of `kinds` matching a request."""
        fired = []
        with self.lock:
            for f in self.items:
                if f.kind not in kinds or not f.armed():
                    continue
                if not any(route_matches(r, route) for r in f.routes):
                    continue
                if f.path_re is not None and not f.path_re.search(path):
                    continue
                if pred is not None and not pred(f):
                    continue
                f.seen += 1
                if f.seen <= f.after:
                    continue
                f.hits += 1
                self.fired += 1
                fired.append(f)
                if first:
                    break
        return fired
