# SPDX-License-Identifier: GPL-2.0-or-later
"""OAuth 2.1 token endpoint and access-token checks (RESEARCH.md A.2).

Owns every access and refresh token.  Pure logic: `grant()` takes the
Authorization header and the form fields and returns (status, body,
headers, grant_type); `check()` maps an API Authorization header to the
token's owner.  Refresh tokens are single-use; a refreshed token keeps
its owner.  Thread-safe.
"""

import base64
import binascii
import secrets
import threading
import time
import urllib.parse

from .model import API_LINK

RATE_LIMITS_LINK = ("https://developers.soundcloud.com/docs/api/"
                    "rate-limits#errors")


class Token:
    def __init__(self, owner, expires_at):
        self.owner = owner              # user id, or None for the app
        self.expires_at = expires_at
        self.issued_at = time.time()


def token_error(code, message):
    return {"code": code, "message": message, "link": API_LINK,
            "error": message}


class Auth:
    def __init__(self, client_id, client_secret, ttl, max_cc_grants=None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.ttl = ttl
        self.max_cc_grants = max_cc_grants
        self.cc_grants = 0
        self.lock = threading.Lock()
        self.access = {}                # token -> Token
        self.refresh = {}               # token -> {"owner", "used"}

    # -- fixtures / admin --------------------------------------------------
    def add_user_token(self, access, refresh, owner, expires_in=None):
        ttl = self.ttl if expires_in is None else float(expires_in)
        with self.lock:
            if access:
                self.access[access] = Token(owner, time.time() + ttl)
            if refresh:
                self.refresh[refresh] = {"owner": owner, "used": False}

    def expire_all(self):
        now = time.time()
        with self.lock:
            for tok in self.access.values():
                tok.expires_at = min(tok.expires_at, now)
            return len(self.access)

    def describe(self):
        now = time.time()
        with self.lock:
            return {
                "access_tokens": [
                    {"access_token": k, "owner": t.owner,
                     "expires_in": round(t.expires_at - now, 3),
                     "expired": t.expires_at <= now}
                    for k, t in self.access.items()],
                "refresh_tokens": [
                    {"refresh_token": k, "owner": v["owner"],
                     "used": v["used"]} for k, v in self.refresh.items()],
                "client_credentials_grants": self.cc_grants,
            }

    # -- API side ------------------------------------------------------------
    def check(self, header):
        """(ok, owner_or_reason) for an `Authorization: OAuth T` header."""
        if not header:
            return False, "missing Authorization header"
        scheme, _, value = header.strip().partition(" ")
        if scheme != "OAuth":
            return False, "scheme %r refused, use 'OAuth'" % scheme
        with self.lock:
            tok = self.access.get(value.strip())
            if tok is None:
                return False, "unknown access token"
            if tok.expires_at <= time.time():
                return False, "access token expired"
            return True, tok.owner

    # -- token endpoint -------------------------------------------------------
    def _client_ok(self, header, form):
        cid = form.get("client_id")
        secret = form.get("client_secret")
        if header and header.startswith("Basic "):
            try:
                raw = base64.b64decode(header[6:].strip(), validate=True)
                text = raw.decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return False
            cid, _, secret = text.partition(":")
            cid = urllib.parse.unquote_plus(cid)
            secret = urllib.parse.unquote_plus(secret)
        return cid == self.client_id and secret == self.client_secret

    def _issue(self, owner):
        access = "sat-" + secrets.token_urlsafe(24)
        refresh = "srt-" + secrets.token_urlsafe(24)
        self.access[access] = Token(owner, time.time() + self.ttl)
        self.refresh[refresh] = {"owner": owner, "used": False}
        return {"access_token": access, "expires_in": int(self.ttl),
                "refresh_token": refresh, "scope": "",
                "token_type": "bearer"}

    def grant(self, header, form):
        """Returns (status, body, extra_headers, grant_type)."""
        grant_type = form.get("grant_type", "")
        if not self._client_ok(header, form):
            return 401, {"error": "invalid_client"}, [], grant_type
        with self.lock:
            if grant_type == "client_credentials":
                if (self.max_cc_grants is not None
                        and self.cc_grants >= self.max_cc_grants):
                    return (429, {"code": 429, "message": "Too Many Requests",
                                  "link": RATE_LIMITS_LINK}, [], grant_type)
                self.cc_grants += 1
                return 200, self._issue(None), [], grant_type
            if grant_type == "refresh_token":
                rt = self.refresh.get(form.get("refresh_token", ""))
                if rt is None or rt["used"]:
                    return (400, token_error(400, "invalid_grant"), [],
                            grant_type)
                rt["used"] = True
                return 200, self._issue(rt["owner"]), [], grant_type
        return 400, token_error(400, "unsupported_grant"), [], grant_type
