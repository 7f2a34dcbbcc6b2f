#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""s3-fault-proxy: a fault-injecting HTTP proxy in front of a real S3 server.

Forwards every request byte for byte (the Host header as the client sent it,
so SigV4 signatures made for the proxy's host:port stay valid: the server
checks them against the Host it receives), logs one JSON line per request,
and injects the failures S3 clients must survive, by rule: an error status
(503 SlowDown, 500 InternalError, ...) on chosen operations and part numbers,
a 200 whose body is an <Error> (with leading white-space keep-alives, as S3
sends them while it works on a CompleteMultipartUpload), a connection
dropped in the middle of a request body, a request body damaged on its way
to the server, and latency.

Rules are given at start (--rule JSON, repeatable) and changed at run time
through the admin endpoint under /_proxy/ on the same port (S3 bucket names
cannot start with an underscore, so it never shadows a bucket).  See
README.md beside this file.  Python 3 standard library only.
"""
import argparse
import base64
import hashlib
import http.client
import itertools
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers that belong to one hop, not to the request: never forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "upgrade", "expect", "transfer-encoding"}
# Query parameters of presigned URLs: never logged.
SECRET_PARAMS = {"x-amz-signature", "x-amz-security-token", "x-amz-credential",
                 "signature", "awsaccesskeyid"}
ACTIONS = {"status", "error200", "drop", "delay", "truncate", "corrupt"}
RULE_FIELDS = {"op", "method", "part", "key", "header", "action", "status", "code",
               "message", "times", "skip", "forward", "whitespace",
               "keepalive_ms", "after_bytes", "delay_ms", "name", "at_byte"}
DEFAULT_STATUS = {"SlowDown": 503, "ServiceUnavailable": 503,
                  "InternalError": 500, "RequestTimeout": 400,
                  "AccessDenied": 403, "NoSuchUpload": 404}


def classify(method, path, query):
    """The S3 operation a path-style request is, and its part number."""
    q = urllib.parse.parse_qs(query, keep_blank_values=True)
    segs = [s for s in path.split("/") if s]
    has_key = len(segs) > 1
    part = int(q["partNumber"][0]) if q.get("partNumber", [""])[0].isdigit() else None
    if method == "PUT" and "uploadId" in q:
        return "UploadPart", part
    if method == "POST" and "uploads" in q:
        return "CreateMultipartUpload", None
    if method == "POST" and "uploadId" in q:
        return "CompleteMultipartUpload", None
    if method == "DELETE" and "uploadId" in q:
        return "AbortMultipartUpload", None
    if method == "GET" and "uploadId" in q:
        return "ListParts", None
    if method == "GET" and not has_key and "uploads" in q:
        return "ListMultipartUploads", None
    table = {("PUT", True): "PutObject", ("GET", True): "GetObject",
             ("HEAD", True): "HeadObject", ("DELETE", True): "DeleteObject",
             ("GET", False): "ListObjects", ("HEAD", False): "HeadBucket",
             ("PUT", False): "CreateBucket", ("DELETE", False): "DeleteBucket"}
    return table.get((method, has_key), method), part


def safe_query(query):
    """The query string with presigned-URL secrets replaced, for the log."""
    out = []
    for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
        out.append((k, "REDACTED" if k.lower() in SECRET_PARAMS else v))
    return urllib.parse.urlencode(out)


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c_b64(data):
    """CRC-32C of data as x-amz-checksum-crc32c carries it: base64 of the
    big-endian bytes.  Byte at a time in Python (a few MB/s): computed only
    for requests that carry the header."""
    c, t = 0xFFFFFFFF, CRC32C_TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return base64.b64encode(struct.pack(">I", c ^ 0xFFFFFFFF)).decode()


def complete_parts(body):
    """A CompleteMultipartUpload body's parts: [number, ETag, CRC-32C or
    None] each, in the order sent."""
    out = []
    for part in re.findall(rb"<Part>(.*?)</Part>", body, re.S):
        def field(name):
            m = re.search(rb"<%s>([^<]*)</%s>" % (name, name), part)
            return m.group(1).decode() if m else None
        number = field(b"PartNumber")
        out.append([int(number) if number and number.isdigit() else number,
                    field(b"ETag"), field(b"ChecksumCRC32C")])
    return out


def check_rule(rule):
    unknown = set(rule) - RULE_FIELDS
    if unknown:
        raise ValueError("unknown rule field(s): %s" % ", ".join(sorted(unknown)))
    if rule.get("action") not in ACTIONS:
        raise ValueError("rule action must be one of %s" % ", ".join(sorted(ACTIONS)))
    if rule["action"] == "status" and "status" not in rule and \
            rule.get("code") not in DEFAULT_STATUS:
        raise ValueError("a status rule needs 'status' or a known 'code'")
    if rule.get("header") is not None and not isinstance(rule["header"], str):
        raise ValueError("'header' must be a header name")
    part = rule.get("part")
    if part is not None and not isinstance(part, (int, list)):
        raise ValueError("'part' must be a number or a list of numbers")
    return rule


class Rules:
    """The armed rules; each fires 'times' times (-1: always) after letting
    'skip' matching requests through."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.ids = itertools.count(1)

    def add(self, rule):
        rule = dict(check_rule(rule))
        with self.lock:
            rule.setdefault("times", 1)
            rule.setdefault("skip", 0)
            rule["id"] = next(self.ids)
            rule["hits"] = 0
            rule["seen"] = 0
            self.rules.append(rule)
        return rule["id"]

    def clear(self):
        with self.lock:
            self.rules = []

    def snapshot(self):
        with self.lock:
            return [dict(r) for r in self.rules]

    @staticmethod
    def matches(rule, method, op, part, key, headers):
        if rule.get("header") is not None and headers.get(rule["header"]) is None:
            return False
        if rule.get("op") not in (None, "*", op):
            return False
        if rule.get("method") not in (None, method):
            return False
        want = rule.get("part")
        if want is not None:
            wanted = want if isinstance(want, list) else [want]
            if part not in wanted:
                return False
        return rule.get("key") is None or rule["key"] in key

    def pick(self, method, op, part, key, headers):
        """The rule to apply to this request (counted), or None."""
        with self.lock:
            for rule in self.rules:
                if not self.matches(rule, method, op, part, key, headers):
                    continue
                if rule["times"] >= 0 and rule["hits"] >= rule["times"]:
                    continue
                rule["seen"] += 1
                if rule["seen"] <= rule["skip"]:
                    continue
                rule["hits"] += 1
                return dict(rule)
        return None


def error_xml(code, message, resource, request_id):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
            '<Message>%s</Message><Resource>%s</Resource><RequestId>%s</RequestId>'
            '</Error>' % (code, message, resource, request_id)).encode()


class Proxy(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, addr, upstream, rules, log_path):
        super().__init__(addr, Handler)
        u = urllib.parse.urlsplit(upstream)
        if u.scheme != "http" or not u.hostname:
            raise ValueError("--upstream must be http://HOST:PORT")
        self.up_host = u.hostname
        self.up_port = u.port or 80
        self.rules = rules
        self.log_lock = threading.Lock()
        self.log_file = open(log_path, "a", buffering=1) if log_path else None
        self.seq = itertools.count(1)
        self.conn_ids = itertools.count(1)

    def log(self, entry):
        if self.log_file:
            with self.log_lock:
                self.log_file.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "s3-fault-proxy"
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 120

    def setup(self):
        super().setup()
        self.upstream = None
        self.conn_id = next(self.server.conn_ids)

    def finish(self):
        try:
            super().finish()
        finally:
            if self.upstream:
                self.upstream.close()

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.handle_any()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_GET

    # ---- admin ---------------------------------------------------------

    def admin(self, body):
        path = self.path.split("?", 1)[0].rstrip("/")
        rules = self.server.rules
        try:
            if path == "/_proxy/rules" and self.command == "GET":
                return self.reply_json(200, rules.snapshot())
            if path == "/_proxy/rules" and self.command == "POST":
                doc = json.loads(body or b"null")
                docs = doc if isinstance(doc, list) else [doc]
                return self.reply_json(200, {"ids": [rules.add(r) for r in docs]})
            if path in ("/_proxy/rules", "/_proxy/reset") and \
                    self.command in ("DELETE", "POST"):
                rules.clear()
                return self.reply_json(200, {"ok": True})
            if path == "/_proxy/health":
                return self.reply_json(200, {"ok": True})
        except (ValueError, TypeError, AttributeError) as e:
            return self.reply_json(400, {"error": str(e)})
        return self.reply_json(404, {"error": "no such admin path"})

    def reply_json(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # ---- the proxy -----------------------------------------------------

    def read_body(self, limit=None):
        """The request body (all of it, or its first 'limit' bytes)."""
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise ValueError("chunked request bodies are not supported")
        want = length if limit is None else min(limit, length)
        chunks, got = [], 0
        while got < want:
            chunk = self.rfile.read(min(1 << 20, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks), length

    def handle_any(self):
        path, _, query = self.path.partition("?")
        if path.startswith("/_proxy"):
            body, _ = self.read_body()
            return self.admin(body)
        op, part = classify(self.command, path, query)
        key = urllib.parse.unquote(path)
        rule = self.server.rules.pick(self.command, op, part, key, self.headers)
        t0 = time.monotonic()
        entry = {"seq": next(self.server.seq), "time": time.time(),
                 "conn": self.conn_id, "method": self.command, "path": path,
                 "query": safe_query(query), "op": op, "part": part,
                 "fault": None}
        self.describe_auth(entry)
        try:
            self.run_rule(rule, entry)
        finally:
            entry["ms"] = round((time.monotonic() - t0) * 1000, 1)
            self.server.log(entry)

    def describe_auth(self, entry):
        """What the log may say about the signature: never the key, the
        token or the signature itself (a digest of it tells retries apart)."""
        h = self.headers
        auth = h.get("Authorization", "")
        sig = auth.rpartition("Signature=")[2] if "Signature=" in auth else ""
        signed = ""
        if "SignedHeaders=" in auth:
            signed = auth.split("SignedHeaders=", 1)[1].split(",", 1)[0]
        entry.update({
            "amz_date": h.get("x-amz-date"),
            "content_sha256": h.get("x-amz-content-sha256"),
            "content_md5": h.get("Content-MD5"),
            "content_type": h.get("Content-Type"),
            "range": h.get("Range"),
            "checksum_crc32c": h.get("x-amz-checksum-crc32c"),
            "checksum_algorithm": h.get("x-amz-checksum-algorithm"),
            "signed_headers": signed,
            "sig": hashlib.sha256(sig.encode()).hexdigest()[:16] if sig else None,
            "has_token": "x-amz-security-token" in (k.lower() for k in h.keys()),
            "meta": {k.lower()[11:]: v for k, v in h.items()
                     if k.lower().startswith("x-amz-meta-")},
        })

    def note_body(self, entry, body, length):
        entry["bytes_in"] = len(body)
        entry["length"] = length
        entry["body_md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        entry["body_sha256"] = hashlib.sha256(body).hexdigest()
        if entry.get("checksum_crc32c") is not None:
            entry["body_crc32c"] = crc32c_b64(body)
        if entry["op"] == "CompleteMultipartUpload":
            entry["complete_parts"] = complete_parts(body)

    def run_rule(self, rule, entry):
        action = rule["action"] if rule else None
        entry["fault"] = (rule.get("name") or action) if rule else None
        if rule and (rule.get("delay_ms") or action == "delay"):
            time.sleep(rule.get("delay_ms", 1000) / 1000.0)
        if action == "drop":
            return self.drop(rule, entry)
        body, length = self.read_body()
        self.note_body(entry, body, length)
        status = None
        if action == "truncate":
            self.cut_after = rule.get("after_bytes", 1 << 20)
        if action == "corrupt":
            body = self.corrupt(rule, entry, body)
        if action in (None, "delay", "truncate", "corrupt") or rule.get("forward"):
            status = self.forward(body, entry,
                                  send=action in (None, "delay", "truncate", "corrupt"))
            if status is None:
                return
        if action == "status":
            self.send_error_xml(rule, entry)
        elif action == "error200":
            self.send_error_200(rule, entry)

    @staticmethod
    def corrupt(rule, entry, body):
        """The body with one byte flipped (at at_byte, default the middle):
        bytes damaged in transit.  The log's body hashes stay those of the
        body received, i.e. what the client sent."""
        if not body:
            return body
        at = min(int(rule.get("at_byte", len(body) // 2)), len(body) - 1)
        entry["corrupted_at"] = at
        return body[:at] + bytes([body[at] ^ 0xFF]) + body[at + 1:]

    def drop(self, rule, entry):
        """Read part of the body, then reset the connection: no answer."""
        length = int(self.headers.get("Content-Length") or 0)
        body, _ = self.read_body(rule.get("after_bytes", length // 2))
        self.note_body(entry, body, length)
        entry["status"] = None
        self.reset_connection()

    def reset_connection(self):
        """Close with a TCP reset, as a crashed server or a middlebox does."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def upstream_conn(self, fresh):
        if fresh and self.upstream:
            self.upstream.close()
            self.upstream = None
        if not self.upstream:
            self.upstream = http.client.HTTPConnection(
                self.server.up_host, self.server.up_port, timeout=300)
        return self.upstream

    def forward_once(self, body, fresh):
        conn = self.upstream_conn(fresh)
        conn.putrequest(self.command, self.path, skip_host=True,
                        skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                conn.putheader(k, v)
        if body or self.command in ("PUT", "POST"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body if body else None)
        return conn.getresponse()

    def forward(self, body, entry, send):
        """Send the request upstream; relay the answer when send is set.
        Returns the upstream status, or None when upstream failed."""
        try:
            try:
                resp = self.forward_once(body, fresh=False)
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                resp = self.forward_once(body, fresh=True)
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            entry["status"] = 502
            entry["upstream_error"] = str(e)
            self.upstream_conn(fresh=True)
            self.send_plain(502, b"upstream failed\n")
            return None
        entry["upstream_status"] = resp.status
        if resp.status >= 300:
            code = re.search(rb"<Code>([^<]*)</Code>", data)
            entry["upstream_code"] = code.group(1).decode() if code else None
        if resp.will_close:
            self.upstream_conn(fresh=True)
        if not send:
            return resp.status
        entry["status"] = resp.status
        entry["bytes_out"] = len(data)
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        if self.command == "HEAD":
            cl = resp.getheader("Content-Length")
            if cl is not None:
                self.send_header("Content-Length", cl)
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        cut = getattr(self, "cut_after", None)
        if cut is not None and self.command != "HEAD":
            # The answer breaks off after 'cut' bytes of its body.
            self.cut_after = None
            entry["bytes_out"] = min(cut, len(data))
            self.wfile.write(data[:cut])
            self.reset_connection()
        elif self.command != "HEAD":
            self.wfile.write(data)
        return resp.status

    def send_plain(self, status, data):
        self.send_response_only(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fault_body(self, rule, entry, default_code):
        code = rule.get("code", default_code)
        msg = rule.get("message", "injected by s3-fault-proxy")
        return code, error_xml(code, msg, entry["path"], "fault-%d" % entry["seq"])

    def send_error_xml(self, rule, entry):
        code, data = self.fault_body(rule, entry, "InternalError")
        status = rule.get("status", DEFAULT_STATUS.get(code, 500))
        entry["status"] = status
        entry["bytes_out"] = len(data)
        self.send_response_only(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amz-request-id", "fault-%d" % entry["seq"])
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error_200(self, rule, entry):
        """200 OK, white space while 'working', then an <Error> body."""
        _, data = self.fault_body(rule, entry, "InternalError")
        ws = b" " * int(rule.get("whitespace", 0))
        entry["status"] = 200
        entry["bytes_out"] = len(ws) + len(data)
        self.send_response_only(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(ws) + len(data)))
        self.end_headers()
        step = max(1, len(ws) // 4) if ws else 0
        for i in range(0, len(ws), step or 1):
            self.wfile.write(ws[i:i + step])
            time.sleep(rule.get("keepalive_ms", 50) / 1000.0)
        self.wfile.write(data)


def write_port_file(path, url):
    doc = {"url": url, "admin_url": url + "/_proxy", "pid": os.getpid()}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.rename(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True, help="http://HOST:PORT of the S3 server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write {url, admin_url, pid} here once listening")
    ap.add_argument("--log", help="append one JSON line per proxied request")
    ap.add_argument("--rule", action="append", default=[], help="a rule as JSON; repeatable")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (with --tls-key)")
    ap.add_argument("--tls-key", help="the certificate's PEM private key")
    args = ap.parse_args(argv)
    rules = Rules()
    try:
        for r in args.rule:
            rules.add(json.loads(r))
        server = Proxy((args.host, args.port), args.upstream, rules, args.log)
        if args.tls_cert:
            # A TLS front for an HTTP-only S3 server (RGW as the tests run
            # it): the handshake runs in the handler's thread.
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args.tls_cert, args.tls_key)
            server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    except (ValueError, OSError, ssl.SSLError) as e:
        print("s3-fault-proxy: %s" % e, file=sys.stderr)
        return 2
    url = "%s://%s:%d" % (("https" if args.tls_cert else "http",) +
                          server.server_address[:2])
    if args.port_file:
        write_port_file(args.port_file, url)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=server.shutdown, daemon=True).start())
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
