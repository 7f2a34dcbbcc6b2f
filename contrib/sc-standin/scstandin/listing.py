# SPDX-License-Identifier: GPL-2.0-or-later
"""Cursor pagination with SoundCloud's quirks (RESEARCH.md A.4, 0.6).

A page is `limit` *slots* of the underlying ordered list; slots the caller
may not see (private, filtered by `access`) are dropped after slicing, so
pages can be short or empty while next_href is still present.  The cursor
looks like the real one (`2018-02-27T14:37:10.000Z,tracks,00405959469`)
plus a page marker, and is opaque to clients.  Injected quirks: an empty
page that still carries next_href, a next_href equal to the request URL
(loop), a next_href on another host.
"""

import bisect
import calendar
import time
import urllib.parse

from .faults import DEFAULT_FOREIGN

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class ListError(ValueError):
    pass


class Cursor:
    """Where a page starts: after (ts, id), or at index `pos`."""

    def __init__(self, page=1, empty_done=False, ts=None, tid=None, pos=0):
        self.page = page
        self.empty_done = empty_done
        self.ts, self.tid, self.pos = ts, tid, pos

    def encode(self, kind):
        mark = "p%d%s" % (self.page, "e" if self.empty_done else "")
        if self.ts is None and self.tid is None:
            return "pos,%s,%011d,%s" % (kind, self.pos, mark)
        label = time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                              time.gmtime(self.ts))
        return "%s,%s,%011d,%s" % (label, kind, self.tid, mark)

    @classmethod
    def decode(cls, text):
        try:
            label, kind, num, mark = text.split(",")
            if not mark.startswith("p"):
                raise ValueError(mark)
            empty_done = mark.endswith("e")
            page = int(mark[1:-1] if empty_done else mark[1:])
            if label == "pos":
                return cls(page, empty_done, pos=int(num))
            ts = calendar.timegm(time.strptime(label,
                                               "%Y-%m-%dT%H:%M:%S.000Z"))
            return cls(page, empty_done, ts=ts, tid=int(num))
        except ValueError:
            raise ListError("invalid cursor")


def parse_limit(query):
    text = query.get("limit", query.get("page_size"))
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise ListError("invalid limit %r" % text)
    return max(1, min(MAX_LIMIT, value))


def parse_access(query):
    text = query.get("access")
    if not text:
        return {"playable", "preview"}
    return {a.strip() for a in text.split(",") if a.strip()}


def truthy(text):
    return str(text).lower() in ("1", "true", "yes")


class Page:
    """One listing request, resolved into collection + next_href."""

    def __init__(self, handler, kind, base_path, keyed):
        self.h = handler
        self.kind = kind
        self.base_path = base_path      # e.g. /users/soundcloud:users:1/tracks
        self.keyed = keyed              # ordered by (created_ts, id)?
        self.query = handler.query
        self.limit = parse_limit(self.query)
        self.linked = truthy(self.query.get("linked_partitioning", ""))
        cur = self.query.get("cursor")
        self.cursor = Cursor.decode(cur) if cur else None
        self.ascending = str(self.query.get(
            "sort", self.query.get("direction", self.query.get(
                "order", "desc")))).lower() == "asc"

    def _start(self, items):
        c = self.cursor
        if c is None:
            off = self.query.get("offset")
            return int(off) if off and off.isdigit() else 0
        if c.ts is None:
            return c.pos
        sign = 1 if self.ascending else -1
        keys = [(sign * x.created_ts, sign * x.id) for x in items]
        return bisect.bisect_right(keys, (sign * c.ts, sign * c.tid))

    def _cursor_after(self, items, end, page):
        if self.keyed and end > 0:
            last = items[end - 1]
            return Cursor(page, ts=int(last.created_ts), tid=last.id)
        return Cursor(page, pos=end)

    def _href(self, cursor):
        params = [("linked_partitioning", "true"), ("limit", str(self.limit))]
        for k, v in self.query.items():
            if k not in ("linked_partitioning", "limit", "page_size",
                         "cursor", "offset"):
                params.append((k, v))
        q = urllib.parse.urlencode(params)
        return "%s%s?%s&cursor=%s" % (
            self.h.app.api_url, self.base_path, q,
            urllib.parse.quote(cursor.encode(self.kind), safe=":,"))

    def run(self, items, visible, render, empty_at=None):
        """The JSON to answer with.  items: ordered list; visible(x)."""
        start = self._start(items)
        page = self.cursor.page if self.cursor else 1
        empty_done = bool(self.cursor and self.cursor.empty_done)
        if not self.linked:
            slots = items[start:start + self.limit]
            return [render(x) for x in slots if visible(x)]
        faults = self.h.app.faults
        path = self.h.raw_path
        if not empty_done and (empty_at == page or faults.take(
                "list", path, {"empty_page"}, first=True,
                pred=lambda f: f.spec.get("at", 1) == page)):
            # same start again, marked so the quirk is served once
            c = self.cursor
            if c is not None and c.ts is not None:
                again = Cursor(page, True, ts=c.ts, tid=c.tid)
            else:
                again = Cursor(page, True, pos=start)
            return {"collection": [], "next_href": self._href(again)}
        slots = items[start:start + self.limit]
        end = start + len(slots)
        collection = [render(x) for x in slots if visible(x)]
        nxt = None
        if end < len(items):
            nxt = self._href(self._cursor_after(items, end, page + 1))
        fired = faults.take("list", path, {"next_loop", "next_foreign"},
                            first=True,
                            pred=lambda f: f.spec.get("at", 1) == page)
        if fired and fired[0].kind == "next_loop":
            nxt = self.h.app.api_url + self.h.path
        elif fired:
            nxt = self._foreign(fired[0], nxt or self._href(
                self._cursor_after(items, end, page + 1)))
        return {"collection": collection, "next_href": nxt}

    def _foreign(self, fault, href):
        host = fault.spec.get("host", DEFAULT_FOREIGN)
        if host == "cdn":
            host = self.h.app.cdn_url
        rest = href[len(self.h.app.api_url):]
        return host.rstrip("/") + rest

