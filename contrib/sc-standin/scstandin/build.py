# SPDX-License-Identifier: GPL-2.0-or-later
"""Filling the Store: fixtures, generated users, admin additions, changes.

Every entry point validates its spec and raises model.SpecError with a
message naming the bad field; nothing is half-added on error for a track
(the track is built first, then linked in).  Callers hold no lock; these
functions take Store.lock themselves.
"""

import json
import math
import random
import time
import zlib

from . import content
from .model import (ACCESS_VALUES, SEGMENT_SECONDS, Playlist, SpecError,
                    Track, User, fmt_time, parse_time, slugify, stable_id)

TRACK_KEYS = {
    "id", "title", "permalink", "downloadable", "size", "format",
    "content_type", "access", "sharing", "private", "streamable",
    "created_at", "last_modified", "duration", "genre", "tag_list",
    "description", "seed", "init_size", "hls_segments", "segment_size",
    "segment_sizes", "preview_size", "playback_count", "extra", "omit",
}
USER_KEYS = {
    "id", "permalink", "username", "full_name", "description", "city",
    "country", "seed", "created_at", "tracks", "playlists", "likes",
    "hidden_tracks", "empty_page_at", "extra", "omit",
}
PLAYLIST_KEYS = {
    "id", "title", "permalink", "tracks", "sharing", "playlist_type",
    "created_at", "last_modified", "description", "genre", "extra", "omit",
}

WORDS_A = ["Midnight", "Velvet", "Paper", "Electric", "Quiet", "Golden",
           "Broken", "Neon", "Hollow", "Silver", "Wild", "Lazy", "Frozen",
           "Distant", "Crimson", "Tiny"]
WORDS_B = ["Harbour", "Signal", "Garden", "Machine", "River", "Echo",
           "Summer", "Static", "Engine", "Lantern", "Orbit", "Tide",
           "Window", "Parade", "Cassette", "Horizon"]
UNICODE_TITLES = ["Café Noir", "Über Alles Gut", "Nocturne №2",
                  "東京 Night", "Señorita (Demo)", "Ça va — live"]
GENRES = ["Electronic", "Ambient", "Hip-hop & Rap", "Rock", "Jazz & Blues",
          "Classical", "Folk & Singer-Songwriter", ""]
GEN_FORMATS = (["wav", "mp3", "flac", "aiff"], [3, 4, 2, 1])

FIXTURE_EPOCH = 1546300800          # 2019-01-01, default upload dates
TRACK_ID_RANGE = (100000000, 2000000000)
USER_ID_RANGE = (10000000, 99999999)
PLAYLIST_ID_RANGE = (1000000000, 1999999999)


# -- small validators ------------------------------------------------------

def _int(spec, key, default, lo=0, hi=None):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError("%r must be an integer, got %r" % (key, value))
    if value < lo or (hi is not None and value > hi):
        raise SpecError("%r out of range: %r" % (key, value))
    return value


def _bool(spec, key, default):
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise SpecError("%r must be true or false, got %r" % (key, value))
    return value


def _str(spec, key, default):
    value = spec.get(key, default)
    if value is not None and not isinstance(value, str):
        raise SpecError("%r must be a string, got %r" % (key, value))
    return value


def _check_keys(spec, allowed, what):
    if not isinstance(spec, dict):
        raise SpecError("%s must be a JSON object" % what)
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise SpecError("%s: unknown field(s) %s" % (what, ", ".join(unknown)))


def _time_fields(spec, obj, default_ts):
    created = spec.get("created_at")
    if created is None:
        obj.created_ts = int(default_ts)
        obj.created_at = fmt_time(obj.created_ts)
    elif isinstance(created, (int, float)) and not isinstance(created, bool):
        obj.created_ts = int(created)
        obj.created_at = fmt_time(obj.created_ts)
    elif isinstance(created, str):
        # kept verbatim so tests can serve either date format
        obj.created_at = created
        parsed = parse_time(created)
        obj.created_ts = int(parsed) if parsed is not None else 0
    else:
        raise SpecError("'created_at' must be a string or a number")
    modified = spec.get("last_modified")
    if modified is None:
        modified = obj.created_at
    elif isinstance(modified, (int, float)) and not isinstance(modified, bool):
        modified = fmt_time(modified)
    elif not isinstance(modified, str):
        raise SpecError("'last_modified' must be a string or a number")
    obj.last_modified = modified
    lm_ts = parse_time(modified)
    obj.lm_ts = lm_ts if lm_ts is not None else obj.created_ts


def _extras(spec, obj):
    extra = spec.get("extra", {})
    omit = spec.get("omit", [])
    if not isinstance(extra, dict):
        raise SpecError("'extra' must be an object")
    if not isinstance(omit, list) or not all(isinstance(k, str) for k in omit):
        raise SpecError("'omit' must be a list of field names")
    obj.extra = dict(extra)
    obj.omit = list(omit)


def unique_permalink(user, wanted, skip=None):
    taken = {t.permalink for t in user.tracks
             if t is not skip and not t.deleted}
    base = wanted
    n = 2
    while wanted in taken:
        wanted = "%s-%d" % (base, n)
        n += 1
    return wanted


# -- tracks ------------------------------------------------------------------

def _hls_fields(spec, t, creating):
    if "segment_sizes" in spec:
        sizes = spec["segment_sizes"]
        if not isinstance(sizes, list) or not all(
                isinstance(s, int) and not isinstance(s, bool) and s > 0
                for s in sizes):
            raise SpecError("'segment_sizes' must be a list of positive "
                            "integers")
        t.segment_sizes = list(sizes)
    elif creating or "hls_segments" in spec or "segment_size" in spec:
        count = _int(spec, "hls_segments",
                     len(t.segment_sizes) if not creating else 3, 0, 100000)
        size = _int(spec, "segment_size",
                    t.segment_sizes[0] if t.segment_sizes and not creating
                    else 65536, 1)
        t.segment_sizes = [size] * count
    if creating or "init_size" in spec:
        t.init_size = _int(spec, "init_size", 1024, 1)


def apply_track_spec(t, spec, creating, default_ts=0):
    """Set fields of `t` from `spec`; with creating, fill every default."""
    _check_keys(spec, TRACK_KEYS, "track")

    def pick(key, fn, *args):
        if creating or key in spec:
            setattr(t, key, fn(spec, key, *args))

    title = spec.get("title", None if not creating else "Track %d" % t.id)
    if title is not None:
        if not isinstance(title, str):
            raise SpecError("'title' must be a string")
        t.title = title
    pick("downloadable", _bool, True)
    pick("size", _int, 300000)
    fmt = _str(spec, "format", "wav" if creating else t.format)
    t.format = (fmt or "bin").lower()
    if creating or "content_type" in spec:
        t.content_type = _str(spec, "content_type", None)
    access = _str(spec, "access", "playable" if creating else t.access)
    if access not in ACCESS_VALUES:
        raise SpecError("'access' must be one of %s"
                        % ", ".join(ACCESS_VALUES))
    t.access = access
    sharing = _str(spec, "sharing", "public" if creating else t.sharing)
    if spec.get("private") is True:
        sharing = "private"
    if sharing not in ("public", "private"):
        raise SpecError("'sharing' must be public or private")
    t.sharing = sharing
    pick("streamable", _bool, True)
    for key in ("genre", "tag_list", "description"):
        if creating or key in spec:
            setattr(t, key, _str(spec, key, "") or "")
    pick("seed", _int, content.mix_seed("track", t.id))
    pick("preview_size", _int, 120000)
    pick("playback_count", _int, 0)
    _hls_fields(spec, t, creating)
    if creating or "duration" in spec:
        t.duration = _int(spec, "duration",
                          len(t.segment_sizes) * SEGMENT_SECONDS * 1000)
    if creating or "created_at" in spec or "last_modified" in spec:
        if not creating and "created_at" not in spec:
            spec = dict(spec, created_at=t.created_at)
        _time_fields(spec, t, default_ts)
    if creating or "extra" in spec or "omit" in spec:
        _extras(spec, t)


def add_track(store, user, spec, default_ts=None):
    """Build a track from `spec` and link it to `user`; returns it."""
    with store.lock:
        t = Track(user)
        index = len(user.tracks)
        if "id" in spec:
            t.id = _int(spec, "id", 0, 1)
            if t.id in store.tracks:
                raise SpecError("track id %d already exists" % t.id)
        else:
            t.id = store.free_id(store.tracks, stable_id(
                *TRACK_ID_RANGE, "track", user.id, index))
        if default_ts is None:
            default_ts = time.time()
        apply_track_spec(t, spec, True, default_ts)
        wanted = _str(spec, "permalink", None)
        if wanted is None:
            wanted = slugify(t.title) or "track-%d" % t.id
        t.permalink = unique_permalink(user, wanted)
        store.tracks[t.id] = t
        user.tracks.append(t)
        store.touch()
        return t


def change_track(store, t, spec):
    """New content version: new bytes, ETag and (unless given) size."""
    with store.lock:
        spec = dict(spec)
        t.version += 1
        if "size" not in spec:
            spec["size"] = t.size + 1000 + t.version
        if "segment_sizes" not in spec and "hls_segments" not in spec \
                and t.segment_sizes:
            sizes = list(t.segment_sizes)
            sizes[-1] += 16 * t.version
            spec["segment_sizes"] = sizes
        if "last_modified" not in spec:
            spec["last_modified"] = fmt_time(time.time())
        apply_track_spec(t, spec, False)
        if "permalink" in spec:
            t.permalink = unique_permalink(t.user, spec["permalink"], skip=t)
        store.touch()
        return t


def delete_track(store, t):
    with store.lock:
        t.deleted = True
        store.touch()


# -- users --------------------------------------------------------------------

def add_user(store, spec):
    """A user from a fixture-style spec (tracks included, not playlists)."""
    _check_keys(spec, USER_KEYS, "user")
    permalink = _str(spec, "permalink", None)
    if not permalink:
        raise SpecError("user needs a 'permalink'")
    with store.lock:
        if permalink.lower() in store.users_by_permalink:
            raise SpecError("user %r already exists" % permalink)
        u = User()
        u.permalink = permalink
        if "id" in spec:
            u.id = _int(spec, "id", 0, 1)
            if u.id in store.users:
                raise SpecError("user id %d already exists" % u.id)
        else:
            u.id = store.free_id(store.users, stable_id(
                *USER_ID_RANGE, "user", permalink))
        u.username = _str(spec, "username", permalink)
        u.full_name = _str(spec, "full_name", "") or ""
        u.description = _str(spec, "description", None)
        u.city = _str(spec, "city", None)
        u.country = _str(spec, "country", None)
        u.seed = _int(spec, "seed", zlib.crc32(permalink.encode()))
        u.empty_page_at = spec.get("empty_page_at")
        if u.empty_page_at is not None:
            u.empty_page_at = _int(spec, "empty_page_at", 1, 1)
        _time_fields(spec, u, FIXTURE_EPOCH - 86400 * 365)
        _extras(spec, u)
        store.users[u.id] = u
        store.users_by_permalink[permalink.lower()] = u
        tracks = spec.get("tracks", [])
        if not isinstance(tracks, list):
            raise SpecError("'tracks' must be a list")
        n = len(tracks)
        for i, tspec in enumerate(tracks):
            # fixture order = listing order (newest first)
            add_track(store, u, tspec, FIXTURE_EPOCH + (n - i) * 3600)
        hidden = _int(spec, "hidden_tracks", 0, 0)
        if hidden:
            _add_hidden(store, u, hidden)
        store.touch()
        return u


def _add_hidden(store, u, count):
    """Private tracks interleaved by date among the visible ones."""
    rnd = random.Random(content.mix_seed("hidden", u.id, u.seed))
    stamps = [t.created_ts for t in u.tracks] or [FIXTURE_EPOCH]
    lo, hi = min(stamps) - 1800, max(stamps) + 1800
    for i in range(count):
        ts = lo + rnd.random() * (hi - lo)
        add_track(store, u, {
            "title": "Private sketch %d" % (i + 1), "sharing": "private",
            "size": rnd.randint(4096, 200000), "hls_segments": 2,
            "segment_size": 8192, "created_at": int(ts),
            "seed": content.mix_seed("hidden-track", u.id, i),
        })


def add_playlist(store, u, spec, default_ts):
    _check_keys(spec, PLAYLIST_KEYS, "playlist")
    with store.lock:
        p = Playlist(u)
        if "id" in spec:
            p.id = _int(spec, "id", 0, 1)
            if p.id in store.playlists:
                raise SpecError("playlist id %d already exists" % p.id)
        else:
            p.id = store.free_id(store.playlists, stable_id(
                *PLAYLIST_ID_RANGE, "playlist", u.id, len(u.playlists)))
        p.title = _str(spec, "title", "Playlist %d" % p.id)
        p.permalink = _str(spec, "permalink", None) or slugify(p.title) \
            or "set-%d" % p.id
        ids = spec.get("tracks", [])
        if not isinstance(ids, list) or not all(
                isinstance(i, int) and i in store.tracks for i in ids):
            raise SpecError("playlist %r: 'tracks' must list existing track "
                            "ids" % p.title)
        p.track_ids = list(ids)
        p.sharing = _str(spec, "sharing", "public")
        p.playlist_type = _str(spec, "playlist_type", "playlist")
        p.description = _str(spec, "description", "") or ""
        p.genre = _str(spec, "genre", "") or ""
        _time_fields(spec, p, default_ts)
        _extras(spec, p)
        u.playlists.append(p)
        store.playlists[p.id] = p
        store.touch()
        return p


def set_likes(store, u, ids):
    if not isinstance(ids, list) or not all(
            isinstance(i, int) and i in store.tracks for i in ids):
        raise SpecError("user %r: 'likes' must list existing track ids"
                        % u.permalink)
    with store.lock:
        u.likes = list(ids)
        store.touch()


# -- generated users ----------------------------------------------------------

def _gen_title(r, i, titles):
    if i % 17 == 9 and titles:
        return titles[-1]                       # a duplicate title
    if i % 13 == 5:
        return r.choice(UNICODE_TITLES)
    return "%s %s" % (r.choice(WORDS_A), r.choice(WORDS_B))


def _gen_track_spec(r, i, titles, private):
    roll = r.random()
    access = "blocked" if roll < 0.06 else "preview" if roll < 0.14 \
        else "playable"
    title = _gen_title(r, i, titles)
    titles.append(title)
    segments = [r.randint(16 << 10, 96 << 10) for _ in range(r.randint(2, 12))]
    return {
        "title": title,
        "access": access,
        "sharing": "private" if private else "public",
        "downloadable": r.random() < 0.55,
        "format": r.choices(*GEN_FORMATS)[0],
        "size": int(math.exp(r.uniform(math.log(4096), math.log(6 << 20)))),
        "segment_sizes": segments,
        "init_size": r.randint(600, 1400),
        "genre": r.choice(GENRES),
        "tag_list": '"%s %s" demo' % (r.choice(WORDS_A).lower(),
                                      r.choice(WORDS_B).lower()),
        "description": "Generated track %d." % (i + 1),
        "playback_count": r.randint(0, 100000),
    }


def generate_user(store, permalink, ntracks, seed=None, hidden=0):
    if seed is None:
        seed = zlib.crc32(permalink.encode())
    rnd = random.Random(content.mix_seed("gen-user", permalink, seed))
    start = 1325376000 + rnd.randrange(0, 86400 * 30)       # 2012
    u = add_user(store, {"permalink": permalink,
                         "username": permalink.replace("-", " ").title(),
                         "seed": seed, "created_at": start - 86400 * 90})
    total = ntracks + hidden
    hidden_idx = set(rnd.sample(range(total), hidden)) if hidden else set()
    step = max(3600, (1704067200 - start) // max(1, total))  # .. 2024
    titles = []
    for i in range(total):
        r = random.Random(content.mix_seed("gen-track", permalink, seed, i))
        spec = _gen_track_spec(r, i, titles, i in hidden_idx)
        spec["created_at"] = start + i * step + r.randrange(0, step // 2)
        spec["seed"] = content.mix_seed("gen-content", permalink, seed, i)
        add_track(store, u, spec)
    public = [t.id for t in u.tracks if t.sharing == "public"]
    if public:
        last = max(t.created_ts for t in u.tracks)
        add_playlist(store, u, {
            "title": "Best of %s" % u.username,
            "tracks": rnd.sample(public, min(12, len(public)))}, last + 60)
        add_playlist(store, u, {
            "title": "%s EP" % u.username, "playlist_type": "album",
            "tracks": public[:5]}, last + 120)
    return u


def generate_likes(store, users):
    """Each generated user likes a few public tracks from anyone."""
    with store.lock:
        pool = sorted(t.id for t in store.tracks.values()
                      if t.sharing == "public" and not t.deleted)
        for u in users:
            r = random.Random(content.mix_seed("likes", u.permalink, u.seed))
            set_likes(store, u, r.sample(pool, min(8, len(pool))))


# -- fixtures -----------------------------------------------------------------

def load_fixture(store, auth, path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise SpecError("cannot read fixture '%s': %s" % (path, e))
    if not isinstance(data, dict):
        raise SpecError("fixture '%s': top level must be an object" % path)
    unknown = set(data) - {"users", "user_tokens", "generate"}
    if unknown:
        raise SpecError("fixture '%s': unknown field(s) %s"
                        % (path, ", ".join(sorted(unknown))))
    users = data.get("users", [])
    made = [(add_user(store, spec), spec) for spec in users]
    for u, spec in made:
        for i, pspec in enumerate(spec.get("playlists", [])):
            add_playlist(store, u, pspec, FIXTURE_EPOCH + 86400 * 30 + i * 60)
        if "likes" in spec:
            set_likes(store, u, spec["likes"])
    generated = []
    for g in data.get("generate", []):
        generated.append(generate_user(
            store, g["permalink"], int(g.get("tracks", 10)), g.get("seed"),
            int(g.get("hidden", 0))))
    if generated:
        generate_likes(store, generated)
    for tok in data.get("user_tokens", []):
        u = store.user(tok.get("user", ""))
        if u is None:
            raise SpecError("user_tokens: unknown user %r" % tok.get("user"))
        auth.add_user_token(tok.get("access_token"), tok.get("refresh_token"),
                            u.id, tok.get("expires_in"))
