# SPDX-License-Identifier: GPL-2.0-or-later
"""The API origin: OAuth token endpoint, v1 routes, and /_admin.

Request order: classify the route, apply request faults, check the OAuth
header (not for /oauth/token), then answer.  Paths take numeric ids or
URNs (`soundcloud:users:1001`, percent-encoded or not).  Reads the Store
under its lock and renders JSON with model.py; listings go through
listing.Page; media URLs are signed by cdn.Signer.
"""

import re
import urllib.parse

from . import admin
from .httpbase import BaseHandler, error_body
from .listing import ListError, Page, parse_access, truthy

ROUTES = [
    (("oauth", "token"), "token", "h_token"),
    (("resolve",), "resolve", "h_resolve"),
    (("me",), "user", "h_me"),
    (("me", "tracks"), "list", "h_me_tracks"),
    (("me", "playlists"), "list", "h_me_playlists"),
    (("me", "likes", "tracks"), "list", "h_me_likes"),
    (("me", "favorites"), "list", "h_me_likes"),
    (("users", "*"), "user", "h_user"),
    (("users", "*", "tracks"), "list", "h_user_tracks"),
    (("users", "*", "playlists"), "list", "h_user_playlists"),
    (("users", "*", "likes", "tracks"), "list", "h_user_likes"),
    (("users", "*", "favorites"), "list", "h_user_likes"),
    (("tracks", "*"), "track", "h_track"),
    (("tracks", "*", "download"), "download", "h_download"),
    (("tracks", "*", "streams"), "streams", "h_streams"),
    (("tracks", "*", "streams", "*", "*"), "stream", "h_stream_redirect"),
    (("tracks", "*", "stream"), "stream", "h_legacy_stream"),
    (("tracks", "*", "preview"), "stream", "h_legacy_stream"),
    (("playlists", "*"), "playlist", "h_playlist"),
    (("playlists", "*", "tracks"), "list", "h_playlist_tracks"),
]
USER_TABS = {"tracks", "albums", "sets", "reposts", "likes",
             "popular-tracks", "followers", "following", "comments"}
WEB_HOSTS = {"soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"}


def parse_id(text, kind):
    m = re.fullmatch(r"(?:soundcloud:%s:)?(\d{1,19})" % kind, text)
    return int(m.group(1)) if m else None


class _Done(Exception):
    """An error answer has been sent; stop handling."""


class ApiHandler(BaseHandler):
    origin = "api"

    def handle_request(self):
        if self.segments[:1] == ["_admin"]:
            self.admin = True
            return admin.handle(self, self.segments[1:])
        self.route, name, args = self._match(self.segments)
        if not self.apply_request_faults():
            return
        if name is None:
            return self.send_json(404, error_body(404))
        allowed = ("POST",) if name == "h_token" else ("GET", "HEAD")
        if self.method not in allowed:
            return self.send_json(405, error_body(405),
                                  [("Allow", ", ".join(allowed))])
        if name != "h_token":
            ok, who = self.app.auth.check(self.headers.get("Authorization"))
            if not ok:
                return self.send_json(401, error_body(401, who))
            self.viewer = who
        try:
            getattr(self, name)(*args)
        except _Done:
            pass
        except ListError as e:
            self.send_json(400, error_body(400, str(e)))

    def _match(self, segs):
        for pattern, route, name in ROUTES:
            if len(pattern) != len(segs):
                continue
            args = []
            for want, got in zip(pattern, segs):
                if want == "*":
                    args.append(got)
                elif want != got:
                    break
            else:
                return route, name, args
        return "other", None, []

    # -- lookups that answer 404 themselves -------------------------------
    def _fail(self, status, message=None):
        self.send_json(status, error_body(status, message))
        raise _Done()

    def _user(self, text):
        uid = parse_id(text, "users")
        u = self.app.store.user(uid) if uid is not None else None
        if u is None:
            self._fail(404)
        return u

    def _me(self):
        if self.viewer is None:
            self._fail(403, "requires a user token (authorization_code)")
        u = self.app.store.user(self.viewer)
        if u is None:
            self._fail(404)
        return u

    def _track(self, text):
        tid = parse_id(text, "tracks")
        t = self.app.store.track(tid) if tid is not None else None
        if t is None or not t.visible_to(self.viewer,
                                         self.query.get("secret_token")):
            self._fail(404)
        return t

    def _playlist(self, text):
        pid = parse_id(text, "playlists")
        p = self.app.store.playlists.get(pid) if pid is not None else None
        if p is None or (p.sharing == "private" and self.viewer != p.user.id):
            self._fail(404)
        return p

    def _owner(self, obj):
        return self.viewer is not None and self.viewer == obj.user.id

    # -- OAuth ---------------------------------------------------------------
    def h_token(self):
        text = self.body.decode("utf-8", "replace")
        form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        status, body, headers, grant_type = self.app.auth.grant(
            self.headers.get("Authorization"), form)
        self.app.stats.grant(grant_type, status == 200)
        self.send_json(status, body, headers + [
            ("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    # -- resolve -------------------------------------------------------------
    def h_resolve(self):
        url = self.query.get("url", "").strip()
        if not url:
            self._fail(400, "missing 'url' parameter")
        if "://" not in url:
            url = "https://" + url
        store = self.app.store
        with store.lock:
            target = self._resolve(urllib.parse.urlsplit(url))
        if target is None:
            self._fail(404)
        kind, oid, suffix = target
        ident = str(oid) if self.app.resolve_location == "numeric" \
            else "soundcloud:%s:%d" % (kind, oid)
        self.send_redirect("%s/%s/%s%s" % (self.app.api_url, kind, ident,
                                           suffix))

    def _resolve(self, parts):
        if (parts.hostname or "").lower() not in WEB_HOSTS:
            return None
        segs = [urllib.parse.unquote(s) for s in parts.path.split("/") if s]
        store = self.app.store
        u = store.user(segs[0]) if segs else None
        if u is None or len(segs) > 3:
            return None
        if len(segs) == 1 or (len(segs) == 2 and segs[1] in USER_TABS):
            return "users", u.id, ""
        if segs[1] == "sets":
            for p in u.playlists:
                if len(segs) == 3 and p.permalink == segs[2] and (
                        p.sharing != "private" or self.viewer == u.id):
                    return "playlists", p.id, ""
            return None
        secret = segs[2] if len(segs) == 3 else None
        for t in u.tracks:
            if t.permalink == segs[1] and t.visible_to(self.viewer, secret):
                suffix = "?secret_token=" + secret if secret else ""
                return "tracks", t.id, suffix
        return None

    # -- objects --------------------------------------------------------------
    def h_me(self):
        with self.app.store.lock:
            body = self.app.store.user_json(self._me())
        self.send_json(200, body)

    def h_user(self, arg):
        with self.app.store.lock:
            body = self.app.store.user_json(self._user(arg))
        self.send_json(200, body)

    def h_track(self, arg):
        with self.app.store.lock:
            body = self.app.store.track_json(self._track(arg), self.viewer)
        self.send_json(200, body)

    def h_playlist(self, arg):
        store = self.app.store
        with store.lock:
            p = self._playlist(arg)
            body = store.playlist_json(
                p, self.viewer, parse_access(self.query),
                truthy(self.query.get("show_tracks", "true")))
        self.send_json(200, body)

    # -- listings -------------------------------------------------------------
    def _send_page(self, kind, base, keyed, items, visible, render,
                   empty_at=None):
        page = Page(self, kind, base, keyed)
        if empty_at is None:
            empty_at = self.app.empty_page_at
        body = page.run(items, visible, render, empty_at)
        self.send_json(200, body)

    def _tracks_of(self, u, base):
        store = self.app.store
        access = parse_access(self.query)
        page_sort = Page(self, "tracks", base, True).ascending
        with store.lock:
            items = store.ordered_tracks(u, page_sort)
            self._send_page(
                "tracks", base, True, items,
                lambda t: t.visible_to(self.viewer) and t.access in access,
                lambda t: store.track_json(t, self.viewer), u.empty_page_at)

    def _playlists_of(self, u, base):
        store = self.app.store
        access = parse_access(self.query)
        show = truthy(self.query.get("show_tracks", "true"))
        page_sort = Page(self, "playlists", base, True).ascending
        with store.lock:
            items = store.ordered_playlists(u, page_sort)
            self._send_page(
                "playlists", base, True, items,
                lambda p: p.sharing != "private" or self.viewer == u.id,
                lambda p: store.playlist_json(p, self.viewer, access, show),
                u.empty_page_at)

    def _track_ids(self, ids, kind, base, empty_at=None):
        store = self.app.store
        access = parse_access(self.query)
        with store.lock:
            items = [store.tracks[i] for i in ids
                     if i in store.tracks and not store.tracks[i].deleted]
            self._send_page(
                kind, base, False, items,
                lambda t: t.visible_to(self.viewer) and t.access in access,
                lambda t: store.track_json(t, self.viewer), empty_at)

    def h_user_tracks(self, arg):
        u = self._user(arg)
        self._tracks_of(u, "/users/soundcloud:users:%d/tracks" % u.id)

    def h_me_tracks(self):
        self._tracks_of(self._me(), "/me/tracks")

    def h_user_playlists(self, arg):
        u = self._user(arg)
        self._playlists_of(u, "/users/soundcloud:users:%d/playlists" % u.id)

    def h_me_playlists(self):
        self._playlists_of(self._me(), "/me/playlists")

    def h_user_likes(self, arg):
        u = self._user(arg)
        self._track_ids(u.likes, "likes",
                        "/users/soundcloud:users:%d/likes/tracks" % u.id,
                        u.empty_page_at)

    def h_me_likes(self):
        u = self._me()
        self._track_ids(u.likes, "likes", "/me/likes/tracks", u.empty_page_at)

    def h_playlist_tracks(self, arg):
        p = self._playlist(arg)
        self._track_ids(p.track_ids, "tracks",
                        "/playlists/soundcloud:playlists:%d/tracks" % p.id)

    # -- media ----------------------------------------------------------------
    def h_download(self, arg):
        with self.app.store.lock:
            t = self._track(arg)
            owner = self._owner(t)
            if not owner and (not t.downloadable or t.access == "blocked"):
                self._fail(404)
            url = self.app.signer.sign("/originals/%d" % t.id)
        self.send_redirect(url)

    def h_streams(self, arg):
        api = self.app.api_url
        with self.app.store.lock:
            t = self._track(arg)
            owner = self._owner(t)
            if t.access == "blocked" and not owner:
                self._fail(403, "track is blocked")
            base = "%s/tracks/%s/streams/%s" % (api, t.urn(), t.stream_uuid())
            body = {}
            if owner or (t.access == "playable" and t.streamable):
                body["hls_aac_160_url"] = base + "/hls"
            body["preview_mp3_128_url"] = base + "/preview"
        self.send_json(200, body)

    def h_stream_redirect(self, arg, uuid, what):
        with self.app.store.lock:
            t = self._track(arg)
            owner = self._owner(t)
            if uuid != t.stream_uuid() or what not in ("hls", "preview"):
                self._fail(404)
            if what == "hls":
                if not owner and (t.access != "playable"
                                  or not t.streamable):
                    self._fail(403, "no full-length stream for this track")
                path = "/hls/%d/playlist.m3u8" % t.id
            else:
                if t.access == "blocked" and not owner:
                    self._fail(403, "track is blocked")
                path = "/previews/%d.mp3" % t.id
            url = self.app.signer.sign(path)
        self.send_redirect(url)

    def h_legacy_stream(self, arg):
        with self.app.store.lock:
            t = self._track(arg)
            if t.access == "blocked" and not self._owner(t):
                self._fail(403, "track is blocked")
            url = self.app.signer.sign("/previews/%d.mp3" % t.id)
        self.send_redirect(url)
