# SPDX-License-Identifier: GPL-2.0-or-later
"""/_admin: test-side control of the stand-in.

No authentication, no faults, not counted in stats, not written to the
request log.  Lets a test read exact content, add or remove catalogue
entries, arm faults and read statistics.  Called by api.ApiHandler with
the path segments after `_admin`.
"""

import json
import os

from . import build
from .faults import FaultError
from .httpbase import error_body
from .model import SpecError


def _json_body(h):
    if not h.body:
        return None
    try:
        return json.loads(h.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SpecError("request body is not JSON: %s" % e)


def _track(h, text):
    try:
        tid = int(text.rsplit(":", 1)[-1])
    except ValueError:
        return None
    return h.app.store.tracks.get(tid)


def handle(h, segs):
    try:
        _route(h, segs)
    except (SpecError, FaultError) as e:
        h.send_json(400, {"error": str(e)})


def _route(h, segs):
    m, app = h.method, h.app
    key = tuple(segs)
    if key == ("health",) and m in ("GET", "HEAD"):
        return h.send_json(200, {"ok": True, "pid": os.getpid()})
    if key == ("config",) and m == "GET":
        return h.send_json(200, app.port_info())
    if key == ("stats",) and m == "GET":
        return h.send_json(200, app.stats.snapshot())
    if key == ("stats", "reset") and m == "POST":
        app.stats.reset()
        return h.send_json(200, {"ok": True})
    if segs[:1] == ["faults"]:
        return _faults(h, segs[1:])
    if segs[:1] == ["tokens"]:
        return _tokens(h, segs[1:])
    if segs[:1] == ["tracks"] and len(segs) >= 2:
        return _tracks(h, segs[1], segs[2:])
    if segs[:1] == ["users"]:
        return _users(h, segs[1:])
    if key == ("shutdown",) and m == "POST":
        h.send_json(200, {"ok": True})
        app.stop.set()
        return None
    return h.send_json(404, error_body(404, "no such admin endpoint"))


def _faults(h, rest):
    faults, m = h.app.faults, h.method
    if not rest and m == "GET":
        return h.send_json(200, faults.describe())
    if not rest and m == "POST":
        return h.send_json(200, faults.add(_json_body(h)))
    if not rest and m == "DELETE":
        return h.send_json(200, {"cleared": faults.clear()})
    if len(rest) == 1 and m == "DELETE" and rest[0].isdigit():
        if faults.remove(int(rest[0])):
            return h.send_json(200, {"removed": int(rest[0])})
    return h.send_json(404, error_body(404))


def _tokens(h, rest):
    auth, m = h.app.auth, h.method
    if not rest and m == "GET":
        return h.send_json(200, auth.describe())
    if not rest and m == "POST":
        spec = _json_body(h) or {}
        u = h.app.store.user(spec.get("user", ""))
        if u is None:
            raise SpecError("unknown user %r" % spec.get("user"))
        auth.add_user_token(spec.get("access_token"),
                            spec.get("refresh_token"), u.id,
                            spec.get("expires_in"))
        return h.send_json(200, {"ok": True})
    if rest == ["expire"] and m == "POST":
        return h.send_json(200, {"expired": auth.expire_all()})
    return h.send_json(404, error_body(404))


def _tracks(h, ident, rest):
    store, m = h.app.store, h.method
    t = _track(h, ident)
    if t is None:
        return h.send_json(404, error_body(404, "no such track"))
    if not rest and m == "GET":
        with store.lock:
            return h.send_json(200, store.internal_track(t))
    if not rest and m == "DELETE":
        build.delete_track(store, t)
        return h.send_json(200, {"deleted": t.id})
    if rest == ["change"] and m == "POST":
        build.change_track(store, t, _json_body(h) or {})
        with store.lock:
            return h.send_json(200, store.internal_track(t))
    if len(rest) == 1 and m in ("GET", "HEAD"):
        with store.lock:
            if rest[0] == "original":
                blob, etag, ctype = t.original_blob(), t.etag("original"), \
                    t.mime()
            elif rest[0] == "hls":
                blob, etag, ctype = t.hls_blob(), t.etag("hls"), "audio/mp4"
            elif rest[0] == "preview":
                blob, etag, ctype = t.preview_blob(), t.etag("preview"), \
                    "audio/mpeg"
            else:
                blob = None
            mtime = t.lm_ts
        if blob is not None:
            return h.serve_blob(blob, etag, mtime, ctype)
    return h.send_json(404, error_body(404))


def _users(h, rest):
    store, m = h.app.store, h.method
    if not rest and m == "POST":
        spec = _json_body(h) or {}
        playlists = spec.pop("playlists", [])
        likes = spec.pop("likes", None)
        u = build.add_user(store, spec)
        for pspec in playlists:
            build.add_playlist(store, u, pspec, u.created_ts)
        if likes is not None:
            build.set_likes(store, u, likes)
        with store.lock:
            return h.send_json(200, store.user_json(u))
    u = store.user(rest[0]) if rest else None
    if u is None and rest and rest[0].isdigit():
        u = store.user(int(rest[0]))
    if u is None:
        return h.send_json(404, error_body(404, "no such user"))
    if rest[1:] == ["tracks"] and m == "POST":
        spec = _json_body(h)
        if not isinstance(spec, dict):
            raise SpecError("track spec must be a JSON object")
        t = build.add_track(store, u, spec)
        with store.lock:
            return h.send_json(200, store.track_json(t))
    if rest[1:] == [] and m == "GET":
        with store.lock:
            return h.send_json(200, {
                "user": store.user_json(u),
                "tracks": [store.internal_track(t) for t in
                           store.ordered_tracks(u)],
                "playlists": [store.playlist_json(p, u.id, None, False)
                              for p in u.playlists],
                "likes": list(u.likes)})
    return h.send_json(404, error_body(404))
