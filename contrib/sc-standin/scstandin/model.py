# SPDX-License-Identifier: GPL-2.0-or-later
"""The catalogue: users, tracks, playlists, and their API JSON.

Owns all mutable catalogue state behind one lock (`Store.lock`).  Callers
take the lock while they read several objects that must agree, and render
JSON with the helpers here so that every route shows the same shape.
Blobs (content) are immutable snapshots: take one under the lock, stream it
outside.  No HTTP here.
"""

import datetime
import hashlib
import re
import threading
import time
import uuid

from . import content

SC_WEB = "https://soundcloud.com"
API_LINK = "https://developers.soundcloud.com/docs/api/explorer/open-api"

CONTENT_TYPES = {
    "wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac",
    "aiff": "audio/aiff", "aif": "audio/aiff", "m4a": "audio/mp4",
    "mp4": "video/mp4", "aac": "audio/aac", "ogg": "audio/ogg",
    "opus": "audio/ogg", "alac": "audio/mp4", "wma": "audio/x-ms-wma",
}
ACCESS_VALUES = ("playable", "preview", "blocked")
SEGMENT_SECONDS = 10


def fmt_time(ts):
    """The v1 API timestamp: 2019/01/15 15:40:49 +0000."""
    return time.strftime("%Y/%m/%d %H:%M:%S +0000", time.gmtime(ts))


def iso_time(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ts))


def parse_time(text):
    """Seconds since the epoch from either API date format, or None."""
    if not isinstance(text, str):
        return None
    for fmt in ("%Y/%m/%d %H:%M:%S %z",):
        try:
            return datetime.datetime.strptime(text, fmt).timestamp()
        except ValueError:
            pass
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.timestamp()


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug[:80].strip("-")


def stable_id(lo, hi, *parts):
    span = hi - lo
    return lo + content.mix_seed("id", *parts) % span


class SpecError(ValueError):
    """A fixture or admin spec that cannot be used."""


class Track:
    def __init__(self, user):
        self.user = user
        self.id = 0
        self.title = ""
        self.permalink = ""
        self.downloadable = True
        self.size = 0
        self.format = "wav"
        self.content_type = None
        self.access = "playable"
        self.sharing = "public"
        self.streamable = True
        self.created_ts = 0.0
        self.created_at = ""
        self.last_modified = ""
        self.lm_ts = 0.0
        self.duration = None
        self.genre = ""
        self.tag_list = ""
        self.description = ""
        self.seed = 0
        self.version = 1
        self.init_size = 1024
        self.segment_sizes = []
        self.preview_size = 120000
        self.playback_count = 0
        self.extra = {}
        self.omit = []
        self.deleted = False

    # -- content -----------------------------------------------------
    def mime(self):
        if self.content_type:
            return self.content_type
        return CONTENT_TYPES.get(self.format, "application/octet-stream")

    def original_blob(self):
        return content.Blob(
            content.mix_seed(self.seed, "original", self.version), self.size,
            content.original_prefix(self.format, self.size))

    def init_blob(self):
        return content.Blob(
            content.mix_seed(self.seed, "init", self.version), self.init_size,
            content.hls_init_prefix(self.init_size))

    def segment_blob(self, index):
        size = self.segment_sizes[index]
        return content.Blob(
            content.mix_seed(self.seed, "segment", index, self.version), size,
            content.hls_segment_prefix(size))

    def hls_blob(self):
        parts = [self.init_blob()]
        parts += [self.segment_blob(i) for i in range(len(self.segment_sizes))]
        return content.ConcatBlob(parts)

    def preview_blob(self):
        return content.Blob(
            content.mix_seed(self.seed, "preview", self.version),
            self.preview_size, content.original_prefix("mp3", 10))

    def etag(self, what):
        text = "%d:%d:%s:%d" % (self.id, self.version, what, self.size)
        return '"%s"' % hashlib.md5(text.encode()).hexdigest()

    def stream_uuid(self):
        return str(uuid.uuid5(uuid.NAMESPACE_URL,
                              "sc-standin:%d:%d" % (self.id, self.version)))

    def secret_token(self):
        return "s-" + hashlib.sha1(b"%d" % self.id).hexdigest()[:5]

    def visible_to(self, viewer_id, secret=None):
        if self.deleted:
            return False
        if self.sharing != "private" or viewer_id == self.user.id:
            return True
        return secret is not None and secret == self.secret_token()

    def filename(self):
        return "%s.%s" % (self.title, self.format)

    def urn(self):
        return "soundcloud:tracks:%d" % self.id


class Playlist:
    def __init__(self, user):
        self.user = user
        self.id = 0
        self.title = ""
        self.permalink = ""
        self.track_ids = []
        self.sharing = "public"
        self.playlist_type = "playlist"
        self.created_ts = 0.0
        self.created_at = ""
        self.last_modified = ""
        self.description = ""
        self.genre = ""
        self.extra = {}
        self.omit = []


class User:
    def __init__(self):
        self.id = 0
        self.permalink = ""
        self.username = ""
        self.full_name = ""
        self.description = None
        self.city = None
        self.country = None
        self.seed = 0
        self.created_ts = 0.0
        self.created_at = ""
        self.tracks = []
        self.playlists = []
        self.likes = []
        self.empty_page_at = None
        self.extra = {}
        self.omit = []


class Store:
    def __init__(self, api_url=""):
        self.lock = threading.RLock()
        self.api_url = api_url
        self.users = {}
        self.users_by_permalink = {}
        self.tracks = {}
        self.playlists = {}
        self.generation = 0
        self._order_cache = {}

    # -- lookups ---------------------------------------------------------
    def user(self, key):
        with self.lock:
            if isinstance(key, int):
                return self.users.get(key)
            return self.users_by_permalink.get(str(key).lower())

    def track(self, tid):
        with self.lock:
            t = self.tracks.get(tid)
            return None if t is None or t.deleted else t

    def touch(self):
        self.generation += 1
        self._order_cache.clear()

    def free_id(self, table, want):
        while want in table:
            want += 1
        return want

    # -- ordered views, cached until the next mutation -----------------
    def ordered_tracks(self, user, ascending=False):
        """Tracks of `user` (incl. private, excl. deleted) by upload date."""
        key = ("tracks", user.id, ascending)
        with self.lock:
            got = self._order_cache.get(key)
            if got is None:
                got = [t for t in user.tracks if not t.deleted]
                got.sort(key=lambda t: (t.created_ts, t.id),
                         reverse=not ascending)
                self._order_cache[key] = got
            return got

    def ordered_playlists(self, user, ascending=False):
        key = ("playlists", user.id, ascending)
        with self.lock:
            got = self._order_cache.get(key)
            if got is None:
                got = sorted(user.playlists,
                             key=lambda p: (p.created_ts, p.id),
                             reverse=not ascending)
                self._order_cache[key] = got
            return got

    def public_track_count(self, user):
        return sum(1 for t in user.tracks
                   if not t.deleted and t.sharing != "private")

    # -- JSON --------------------------------------------------------------
    def user_mini(self, u):
        urn = "soundcloud:users:%d" % u.id
        return {
            "kind": "user", "id": u.id, "urn": urn,
            "permalink": u.permalink, "username": u.username,
            "permalink_url": "%s/%s" % (SC_WEB, u.permalink),
            "uri": "%s/users/%s" % (self.api_url, urn),
            "avatar_url": None, "last_modified": u.created_at,
        }

    def user_json(self, u):
        d = self.user_mini(u)
        public_pl = [p for p in u.playlists if p.sharing != "private"]
        d.update({
            "track_count": self.public_track_count(u),
            "playlist_count": len(public_pl),
            "public_favorites_count": len(u.likes),
            "likes_count": len(u.likes), "playlist_likes_count": 0,
            "followers_count": 0, "followings_count": 0,
            "reposts_count": 0, "comments_count": 0,
            "full_name": u.full_name, "first_name": "", "last_name": "",
            "description": u.description, "city": u.city,
            "country": u.country, "created_at": u.created_at,
            "website": None, "website_title": None, "online": False,
            "plan": "Free", "subscriptions": [],
        })
        return _finish(d, u)

    def track_json(self, t, viewer_id=None):
        api = self.api_url
        urn = t.urn()
        owner = viewer_id == t.user.id
        can_download = t.downloadable or owner
        d = {
            "kind": "track", "id": t.id, "urn": urn, "title": t.title,
            "permalink": t.permalink,
            "permalink_url": "%s/%s/%s" % (SC_WEB, t.user.permalink,
                                           t.permalink),
            "uri": "%s/tracks/%s" % (api, urn),
            "created_at": t.created_at, "last_modified": t.last_modified,
            "duration": t.duration, "downloadable": t.downloadable,
            "download_url": ("%s/tracks/%d/download" % (api, t.id)
                             if can_download else None),
            "stream_url": "%s/tracks/%s/stream" % (api, urn),
            "streamable": t.streamable, "access": t.access,
            "sharing": t.sharing, "genre": t.genre, "tag_list": t.tag_list,
            "description": t.description, "artwork_url": None,
            "waveform_url": None, "bpm": None, "comment_count": 0,
            "commentable": True, "download_count": 0,
            "favoritings_count": 0, "playback_count": t.playback_count,
            "reposts_count": 0, "isrc": None, "key_signature": None,
            "label_name": None, "license": "all-rights-reserved",
            "metadata_artist": None, "purchase_title": None,
            "purchase_url": None, "release": None, "release_day": None,
            "release_month": None, "release_year": None,
            "embeddable_by": "all", "user_favorite": False,
            "user_playback_count": None, "available_country_codes": None,
            "reveal_comments": True, "reveal_stats": True,
            "secret_uri": None, "user": self.user_mini(t.user),
        }
        if owner and t.sharing == "private":
            d["secret_uri"] = "%s/tracks/%s?secret_token=%s" % (
                api, urn, t.secret_token())
        return _finish(d, t)

    def playlist_tracks(self, p, viewer_id, access):
        out = []
        for tid in p.track_ids:
            t = self.tracks.get(tid)
            if t is None or not t.visible_to(viewer_id):
                continue
            if access is not None and t.access not in access:
                continue
            out.append(t)
        return out

    def playlist_json(self, p, viewer_id=None, access=None,
                      show_tracks=True):
        api = self.api_url
        urn = "soundcloud:playlists:%d" % p.id
        tracks = self.playlist_tracks(p, viewer_id, access)
        d = {
            "kind": "playlist", "id": p.id, "urn": urn, "title": p.title,
            "permalink": p.permalink,
            "permalink_url": "%s/%s/sets/%s" % (SC_WEB, p.user.permalink,
                                                p.permalink),
            "uri": "%s/playlists/%s" % (api, urn),
            "tracks_uri": "%s/playlists/%s/tracks" % (api, urn),
            "user": self.user_mini(p.user),
            "user_urn": "soundcloud:users:%d" % p.user.id,
            "track_count": len(tracks),
            "duration": sum(t.duration for t in tracks),
            "created_at": p.created_at, "last_modified": p.last_modified,
            "sharing": p.sharing, "playlist_type": p.playlist_type,
            "type": p.playlist_type, "genre": p.genre, "tag_list": "",
            "description": p.description, "artwork_url": None,
            "likes_count": 0, "label_name": None, "release_year": None,
            "embeddable_by": "all", "downloadable": False,
            "streamable": True, "ean": None, "label": None,
        }
        if show_tracks:
            d["tracks"] = [self.track_json(t, viewer_id) for t in tracks]
        return _finish(d, p)

    def internal_track(self, t):
        """Everything a test may want to compare against (admin only)."""
        return {
            "id": t.id, "urn": t.urn(), "user": t.user.permalink,
            "user_id": t.user.id, "title": t.title,
            "permalink": t.permalink, "size": t.size, "format": t.format,
            "content_type": t.mime(), "downloadable": t.downloadable,
            "access": t.access, "sharing": t.sharing,
            "version": t.version, "etag": t.etag("original"),
            "hls_etag": t.etag("hls"), "init_size": t.init_size,
            "segment_sizes": list(t.segment_sizes),
            "hls_size": t.init_size + sum(t.segment_sizes),
            "preview_size": t.preview_size, "duration": t.duration,
            "created_at": t.created_at, "last_modified": t.last_modified,
            "filename": t.filename(), "deleted": t.deleted,
            "secret_token": t.secret_token(), "seed": t.seed,
        }


def _finish(d, obj):
    for key in obj.omit:
        d.pop(key, None)
    d.update(obj.extra)
    return d
