# SPDX-License-Identifier: GPL-2.0-or-later
"""The CDN origin: signed, short-lived URLs to originals, HLS and previews.

Behaves like CloudFront in front of S3 as far as a client can tell:
signature and expiry checked first (403 with an XML body), a request that
also carries an Authorization header is refused (400), Range/HEAD/ETag are
served by httpbase.serve_blob.  Owns URL signing (Signer); the API side
only calls Signer.sign().
"""

import hashlib
import hmac
import math
import re
import time
import urllib.parse

from .content import BytesBlob
from .httpbase import BaseHandler, xml_error

KEY_PAIR_ID = "APKASTANDIN0000000001"
SEGMENT_RE = re.compile(r"seg-(\d{1,7})\.m4s")
PREVIEW_RE = re.compile(r"(\d{1,19})\.mp3")
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


class Signer:
    def __init__(self, secret, ttl):
        self.secret = secret
        self.ttl = ttl
        self.cdn_url = ""

    def _mac(self, path, expires, issued):
        msg = ("%s\n%s\n%s" % (path, expires, issued)).encode()
        return hmac.new(self.secret, msg, hashlib.sha256).hexdigest()

    def sign(self, path, now=None):
        now = time.time() if now is None else now
        expires = math.ceil(now + self.ttl)     # valid for at least ttl
        issued = int(now * 1000)
        return "%s%s?expires=%d&issued=%d&Signature=%s&Key-Pair-Id=%s" % (
            self.cdn_url, path, expires, issued,
            self._mac(path, expires, issued), KEY_PAIR_ID)

    def verify(self, path, query):
        """(None, issued_s) when valid, else (reason, None)."""
        expires, issued = query.get("expires"), query.get("issued")
        sig = query.get("Signature")
        if not expires or not issued or not sig \
                or query.get("Key-Pair-Id") != KEY_PAIR_ID:
            return "missing", None
        if not hmac.compare_digest(sig, self._mac(path, expires, issued)):
            return "signature", None
        try:
            if time.time() >= int(expires):
                return "expired", None
            return None, int(issued) / 1000.0
        except ValueError:
            return "signature", None


def content_disposition(name):
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_"
                       for c in name)
    encoded = urllib.parse.quote(name, safe="", errors="replace")
    return "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
        fallback, encoded)


def playlist_text(t, signer):
    base = "/hls/%d/" % t.id
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:10",
             "#EXT-X-MEDIA-SEQUENCE:0",
             '#EXT-X-MAP:URI="%s"' % signer.sign(base + "init.mp4")]
    for i in range(len(t.segment_sizes)):
        lines.append("#EXTINF:10.0,")
        lines.append(signer.sign(base + "seg-%d.m4s" % i))
    lines.append("#EXT-X-ENDLIST")
    return ("\n".join(lines) + "\n").encode()


class CdnHandler(BaseHandler):
    origin = "cdn"

    def fault_error_body(self, status):
        return "application/xml", xml_error(
            "ServiceUnavailable" if status >= 500 else "Error",
            "injected %d" % status)

    def _xml(self, status, code, message, extra=""):
        self.send_bytes(status, [("Content-Type", "application/xml")],
                        xml_error(code, message, extra))

    def _classify(self):
        """(route, track_id, what) from the path, what in
        original | playlist | init | segment:N | preview."""
        s = self.segments
        if len(s) == 2 and s[0] == "originals" and s[1].isdigit():
            return "cdn_original", int(s[1]), "original"
        if len(s) == 3 and s[0] == "hls" and s[1].isdigit():
            if s[2] == "playlist.m3u8":
                return "cdn_hls", int(s[1]), "playlist"
            if s[2] == "init.mp4":
                return "cdn_hls", int(s[1]), "init"
            m = SEGMENT_RE.fullmatch(s[2])
            if m:
                return "cdn_hls", int(s[1]), "segment:" + m.group(1)
        if len(s) == 2 and s[0] == "previews":
            m = PREVIEW_RE.fullmatch(s[1])
            if m:
                return "cdn_preview", int(m.group(1)), "preview"
        return "cdn", None, None

    def handle_request(self):
        self.route, tid, what = self._classify()
        if not self.apply_request_faults():
            return
        if self.method not in ("GET", "HEAD"):
            return self._xml(405, "MethodNotAllowed",
                             "The specified method is not allowed")
        if self.headers.get("Authorization") is not None:
            return self._xml(
                400, "InvalidArgument",
                "Only one auth mechanism allowed; only the X-Amz-Algorithm "
                "query parameter, Signature query string parameter or the "
                "Authorization header should be specified",
                "<ArgumentName>Authorization</ArgumentName>")
        if tid is None:
            return self._xml(404, "NoSuchKey",
                             "The specified key does not exist.")
        if not self._check_signature():
            return
        self._serve(tid, what)

    def _check_signature(self):
        reason, issued = self.app.signer.verify(self.raw_path, self.query)
        if reason == "missing":
            self._xml(403, "MissingKey", "Missing Key-Pair-Id query "
                      "parameter or cookie value")
            return False
        if reason == "signature":
            self._xml(403, "AccessDenied", "Access denied")
            return False
        if reason == "expired" or self.app.faults.take(
                self.route, self.raw_path, {"expire"}, pred=lambda f:
                f.spec.get("issued_before") is None
                or issued < f.spec["issued_before"]):
            self._xml(403, "AccessDenied", "Request has expired")
            return False
        return True

    def _serve(self, tid, what):
        store = self.app.store
        with store.lock:
            t = store.track(tid)
            if t is None:
                return self._xml(404, "NoSuchKey",
                                 "The specified key does not exist.")
            mtime = t.lm_ts
            if what == "original":
                blob, etag = t.original_blob(), t.etag("original")
                ctype = t.mime()
                extra = [("Content-Disposition",
                          content_disposition(t.filename()))]
            elif what == "playlist":
                blob = BytesBlob(playlist_text(t, self.app.signer))
                etag, ctype, extra = t.etag("playlist"), PLAYLIST_TYPE, []
            elif what == "init":
                blob, etag = t.init_blob(), t.etag("init")
                ctype, extra = "video/mp4", []
            elif what == "preview":
                blob, etag = t.preview_blob(), t.etag("preview")
                ctype, extra = "audio/mpeg", []
            else:
                index = int(what.split(":")[1])
                if index >= len(t.segment_sizes):
                    return self._xml(404, "NoSuchKey",
                                     "The specified key does not exist.")
                blob, etag = t.segment_blob(index), t.etag(what)
                ctype, extra = "audio/mp4", []
        extra.append(("Cache-Control", "private, max-age=300"))
        self.serve_blob(blob, etag, mtime, ctype, extra)
