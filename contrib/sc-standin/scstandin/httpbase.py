# SPDX-License-Identifier: GPL-2.0-or-later
"""HTTP plumbing shared by the API and CDN listeners.

Owns: the server class, the request life cycle (body reading, dispatch,
error capture), raw response writing with an exact Content-Length, Range
and conditional-request handling for blobs, request-level faults
(latency, status, 429, drop), the JSONL request log and the statistics.
Routes live in api.py, cdn.py and admin.py.
"""

import email.utils
import http
import http.server
import json
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
import urllib.parse

from . import content
from .auth import RATE_LIMITS_LINK
from .model import API_LINK, fmt_time

SMALL_BODY = 64 << 10            # header and body go out in one write


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.started = time.time()
            self.requests = 0
            self.bytes = 0
            self.routes = {}
            self.status = {}
            self.grants = {}
            self.grant_failures = {}

    def record(self, route, status, nbytes):
        key = str(status)
        with self.lock:
            self.requests += 1
            self.bytes += nbytes
            r = self.routes.setdefault(
                route, {"requests": 0, "bytes": 0, "status": {}})
            r["requests"] += 1
            r["bytes"] += nbytes
            r["status"][key] = r["status"].get(key, 0) + 1
            self.status[key] = self.status.get(key, 0) + 1

    def grant(self, grant_type, ok):
        table = self.grants if ok else self.grant_failures
        name = grant_type or "none"
        with self.lock:
            table[name] = table.get(name, 0) + 1

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps({
                "since": self.started, "requests": self.requests,
                "bytes": self.bytes, "routes": self.routes,
                "status": self.status, "grants": self.grants,
                "grant_failures": self.grant_failures}))


class RequestLog:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8", buffering=1) \
            if path else None

    def write(self, record):
        if self.file is None:
            return
        line = json.dumps(record, separators=(",", ":")) + "\n"
        with self.lock:
            self.file.write(line)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, addr, handler, app):
        self.app = app
        super().__init__(addr, handler)

    def server_bind(self):
        # skip HTTPServer's getfqdn(): a DNS lookup we do not need
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        if self.app.verbose:
            traceback.print_exc()


def json_bytes(obj):
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:          # lone surrogates from a fixture
        return json.dumps(obj, separators=(",", ":")).encode("ascii")


def error_body(code, message=None):
    """The API's error shape (RESEARCH.md A.7), deprecated fields too."""
    status = "%d - %s" % (code, _reason(code))
    return {"code": code, "message": message or status, "link": API_LINK,
            "status": status, "errors": [{"error_message": status}],
            "error": None}


def xml_error(code, message, extra=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
            '<Message>%s</Message>%s</Error>' % (code, message, extra)
            ).encode()


def rate_limit_body(shape, retry_after):
    reset = fmt_time(time.time() + (retry_after if retry_after else 5))
    if shape == "code":
        return {"code": 429, "message": "Too Many Requests",
                "spam_warning_urn": "soundcloud:spam-warnings:1",
                "link": RATE_LIMITS_LINK}
    return {"errors": [{"meta": {
        "rate_limit": {"group": "plays", "max_nr_of_requests": 15000,
                       "time_window": "PT24H"},
        "remaining_requests": 0, "reset_time": reset}}]}


def parse_range(header, size):
    """None: serve all; "unsat": 416; else (start, end_exclusive)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":
            n = int(last)
            if n <= 0 or size == 0:
                return "unsat"
            return max(0, size - n), size
        a = int(first)
        b = int(last) if last != "" else None
    except ValueError:
        return None
    if a < 0 or (b is not None and b < a):
        return None
    if a >= size:
        return "unsat"
    return a, size if b is None else min(b + 1, size)


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


class BaseHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sc-standin/1.0"
    timeout = 300                # idle keep-alive / stalled reader, seconds
    origin = "?"

    def setup(self):
        super().setup()
        self.app = self.server.app
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, fmt, *args):
        if self.app.verbose:
            sys.stderr.write("%s %s - %s\n" % (
                self.origin, self.address_string(), fmt % args))

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    # -- life cycle ---------------------------------------------------------
    def _dispatch(self, method):
        self.method = method
        self.t0 = time.time()
        self.status = 0
        self.sent_body = 0
        self.route = "other"
        self.admin = False
        self.drop_after = None
        self.drop_rst = False
        self.headers_sent = False
        raw = self.path
        if raw.startswith(("http://", "https://")):
            parts = urllib.parse.urlsplit(raw)
            raw = parts.path + ("?" + parts.query if parts.query else "")
        self.raw_path, _, self.query_string = raw.partition("?")
        self.segments = [urllib.parse.unquote(s)
                         for s in self.raw_path.split("/") if s]
        pairs = urllib.parse.parse_qsl(self.query_string,
                                       keep_blank_values=True)
        self.query = {}
        for k, v in pairs:
            self.query.setdefault(k, v)
        try:
            self.body = self._read_body()
            self.handle_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except _BadRequest as e:
            self.close_connection = True
            if not self.headers_sent:
                self.send_bytes(400, [("Content-Type", "text/plain")],
                                str(e).encode())
        except Exception:
            traceback.print_exc()
            if self.headers_sent:
                self.close_connection = True
            else:
                self.send_json(500, error_body(500, "stand-in bug"))
        finally:
            self._record()

    def _read_body(self):
        te = self.headers.get("Transfer-Encoding", "").lower()
        if "chunked" in te:
            out = []
            while True:
                line = self.rfile.readline(1024)
                try:
                    n = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise _BadRequest("bad chunk size")
                if n == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(out)
                out.append(self.rfile.read(n))
                self.rfile.readline(8)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise _BadRequest("bad Content-Length")
        if n < 0 or n > (64 << 20):
            raise _BadRequest("Content-Length out of range")
        return self.rfile.read(n)

    def _record(self):
        if self.admin:
            return
        self.app.log.write({
            "t": round(self.t0, 6), "origin": self.origin,
            "method": self.method, "path": self.raw_path,
            "query": self.query_string, "range": self.headers.get("Range"),
            "status": self.status, "bytes": self.sent_body,
            "auth": self.headers.get("Authorization") is not None,
            "route": self.route,
            "ms": round((time.time() - self.t0) * 1000, 3)})
        self.app.stats.record(self.route, self.status, self.sent_body)
        if self.app.verbose:
            sys.stderr.write("%s %s %s %s -> %d (%d bytes)\n" % (
                self.origin, self.method, self.raw_path, self.route,
                self.status, self.sent_body))

    def handle_request(self):
        raise NotImplementedError

    # -- writing -------------------------------------------------------------
    def send_blob(self, status, headers, blob, start=0, end=None):
        """Write status, headers and blob[start:end]; honours drop faults."""
        if end is None:
            end = blob.size if blob is not None else 0
        length = max(0, end - start)
        no_body = status in (204, 304) or status < 200
        lines = ["HTTP/1.1 %d %s" % (status, _reason(status)),
                 "Date: " + http_date(None),
                 "Server: " + self.server_version]
        lines += ["%s: %s" % kv for kv in headers]
        if not no_body:
            lines.append("Content-Length: %d" % length)
        if self.drop_after is not None:
            self.close_connection = True
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.status = status
        self.headers_sent = True
        todo = 0 if (no_body or self.method == "HEAD") else length
        if self.drop_after is not None:
            todo = min(todo, int(self.drop_after))
        sock = self.connection
        if todo <= SMALL_BODY:
            body = b"".join(blob.chunks(start, start + todo)) if todo else b""
            sock.sendall(head + body)
            self.sent_body += len(body)
        else:
            sock.sendall(head)
            for chunk in blob.chunks(start, start + todo):
                sock.sendall(chunk)
                self.sent_body += len(chunk)
        if self.drop_after is not None:
            self._drop()

    def _drop(self):
        sock = self.connection
        try:
            if self.drop_rst:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send_bytes(self, status, headers, data):
        self.send_blob(status, headers, content.BytesBlob(data))

    def send_json(self, status, obj, headers=()):
        self.send_bytes(status, [("Content-Type",
                                  "application/json; charset=utf-8")]
                        + list(headers), json_bytes(obj))

    def send_redirect(self, location):
        self.send_json(302, {"status": "302 - Found", "location": location},
                       [("Location", location)])

    def serve_blob(self, blob, etag, mtime, ctype, extra=()):
        """GET/HEAD a blob with Range, If-Range, If-Match, If-None-Match."""
        size = blob.size
        headers = [("Content-Type", ctype), ("Accept-Ranges", "bytes"),
                   ("ETag", etag), ("Last-Modified", http_date(mtime))]
        headers += list(extra)
        inm = self.headers.get("If-None-Match")
        if inm and (inm.strip() == "*" or etag in _etags(inm)):
            return self.send_blob(304, headers, None)
        im = self.headers.get("If-Match")
        if im and im.strip() != "*" and etag not in _etags(im):
            return self.send_blob(412, headers, None)
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and if_range and if_range.strip() not in (
                etag, http_date(mtime)):
            rng = None
        r = parse_range(rng, size)
        if r == "unsat":
            return self.send_bytes(
                416, [("Content-Type", "application/xml"),
                      ("Accept-Ranges", "bytes"), ("ETag", etag),
                      ("Content-Range", "bytes */%d" % size)],
                xml_error("InvalidRange",
                          "The requested range is not satisfiable"))
        if r is None:
            return self.send_blob(200, headers, blob)
        a, b = r
        headers.append(("Content-Range", "bytes %d-%d/%d" % (a, b - 1, size)))
        return self.send_blob(206, headers, blob, a, b)

    # -- faults --------------------------------------------------------------
    def fault_error_body(self, status):
        """Body for an injected status; API and CDN differ."""
        return ("application/json; charset=utf-8",
                json_bytes(error_body(status)))

    def apply_request_faults(self):
        """Latency, status/429 and drop faults; False if answered."""
        faults = self.app.faults
        path = self.raw_path
        for f in faults.take(self.route, path, {"latency"}):
            time.sleep(float(f.spec.get("ms", 0)) / 1000.0)
        hit = faults.take(self.route, path, {"status", "429"}, first=True)
        if hit:
            self._answer_fault(hit[0])
            return False
        hit = faults.take(self.route, path, {"drop"}, first=True)
        if hit:
            self.drop_after = int(hit[0].spec.get("after_bytes", 0))
            self.drop_rst = bool(hit[0].spec.get("rst", False))
        return True

    def _answer_fault(self, f):
        spec = f.spec
        headers = []
        retry = spec.get("retry_after")
        if retry is not None:
            headers.append(("Retry-After", "%g" % retry))
        for k, v in (spec.get("headers") or {}).items():
            headers.append((str(k), str(v)))
        if f.kind == "429":
            status = 429
            shape = spec.get("shape", "rate_limit")
            body = b"" if shape == "empty" else json_bytes(
                rate_limit_body(shape, retry))
            ctype = "application/json; charset=utf-8"
        else:
            status = int(spec["status"])
            ctype, body = self.fault_error_body(status)
        if "body" in spec:
            body = str(spec["body"]).encode("utf-8")
            ctype = spec.get("content_type", "text/plain; charset=utf-8")
        if status == 429 and not body:
            return self.send_blob(429, headers, content.BytesBlob(b""))
        self.send_bytes(status, [("Content-Type", ctype)] + headers, body)


class _BadRequest(Exception):
    pass


def _reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _etags(header):
    return [t.strip().removeprefix("W/") for t in header.split(",")]
