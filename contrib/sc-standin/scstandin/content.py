# SPDX-License-Identifier: GPL-2.0-or-later
"""Deterministic, cheap content for originals, HLS segments and previews.

A blob is `prefix + body`.  The prefix is a few bytes that make the file
look plausible (a RIFF header, an `ftyp` box ...).  The body is defined by
(seed, length) only:

  - length <= PERIOD: body = Random(seed).randbytes(length)
  - length >  PERIOD: base = Random(seed).randbytes(PERIOD),
                      body[j] = base[j % PERIOD]

PERIOD is odd and a little over 1 MiB, so an offset error by any power of
two (the usual block-size mistakes) never lands on equal bytes.  Bodies
are produced as memoryview slices of a cached base, at most CHUNK bytes
each, so a 1 GiB original costs one ~2 MiB base in memory.

This module owns no track state; model.py decides seeds and sizes.
"""

import collections
import hashlib
import random
import struct
import threading

PERIOD = 1048576 + 4099          # odd, not a power of two
CHUNK = 1 << 20                  # write size for large bodies
CACHE_LIMIT = 256 << 20          # total bytes of cached bases


def mix_seed(*parts):
    """Stable 63-bit seed from any printable parts."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") >> 1


class _BaseCache:
    """LRU of generated bases, keyed by (seed, length)."""

    def __init__(self, limit):
        self.limit = limit
        self.total = 0
        self.items = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, seed, length):
        key = (seed, length)
        with self.lock:
            buf = self.items.get(key)
            if buf is not None:
                self.items.move_to_end(key)
                return buf
        # Generate outside the lock: ~3 ms per MiB, and a duplicate
        # generation in a race is harmless (same bytes).
        buf = random.Random(seed).randbytes(length)
        if length == PERIOD:
            # doubled tail: any window of CHUNK bytes is contiguous
            buf = buf + buf[:CHUNK]
        with self.lock:
            if key not in self.items:
                self.items[key] = buf
                self.total += len(buf)
            while self.total > self.limit and len(self.items) > 1:
                _, old = self.items.popitem(last=False)
                self.total -= len(old)
        return buf


_cache = _BaseCache(CACHE_LIMIT)


class Blob:
    """A deterministic byte string of `size` bytes, never fully built."""

    def __init__(self, seed, size, prefix=b""):
        self.seed = seed
        self.size = max(0, int(size))
        self.prefix = bytes(prefix[: self.size])
        self.body_size = self.size - len(self.prefix)

    def chunks(self, start, end):
        """Yield memoryviews covering [start, end) (clamped to size)."""
        end = min(end, self.size)
        lp = len(self.prefix)
        if start < lp and start < end:
            stop = min(end, lp)
            yield memoryview(self.prefix)[start:stop]
            start = stop
        if start >= end:
            return
        j, jend = start - lp, end - lp
        if self.body_size <= PERIOD:
            view = memoryview(_cache.get(self.seed, self.body_size))
            while j < jend:
                n = min(CHUNK, jend - j)
                yield view[j:j + n]
                j += n
            return
        view = memoryview(_cache.get(self.seed, PERIOD))
        while j < jend:
            n = min(CHUNK, jend - j)
            s = j % PERIOD
            yield view[s:s + n]
            j += n

    def read(self, start=0, end=None):
        if end is None:
            end = self.size
        return b"".join(bytes(c) for c in self.chunks(start, end))


class ConcatBlob:
    """Several blobs back to back (an HLS track as one file)."""

    def __init__(self, parts):
        self.parts = list(parts)
        self.size = sum(p.size for p in self.parts)

    def chunks(self, start, end):
        end = min(end, self.size)
        base = 0
        for part in self.parts:
            lo, hi = base, base + part.size
            base = hi
            if hi <= start:
                continue
            if lo >= end:
                break
            yield from part.chunks(max(start, lo) - lo, min(end, hi) - lo)

    def read(self, start=0, end=None):
        if end is None:
            end = self.size
        return b"".join(bytes(c) for c in self.chunks(start, end))


class BytesBlob:
    """A small in-memory body with the Blob interface (playlists)."""

    def __init__(self, data):
        self.data = bytes(data)
        self.size = len(self.data)

    def chunks(self, start, end):
        end = min(end, self.size)
        if start < end:
            yield memoryview(self.data)[start:end]

    def read(self, start=0, end=None):
        return self.data[start:end]


def original_prefix(fmt, size):
    """Magic bytes so `file(1)` recognises the format."""
    size32 = max(0, size - 8) & 0xFFFFFFFF
    if fmt == "wav":
        return b"RIFF" + struct.pack("<I", size32) + b"WAVEfmt "
    if fmt in ("aiff", "aif"):
        return b"FORM" + struct.pack(">I", size32) + b"AIFF"
    if fmt == "flac":
        return b"fLaC"
    if fmt == "mp3":
        return b"ID3\x04\x00\x00\x00\x00\x00\x00"
    if fmt in ("m4a", "mp4", "aac"):
        return struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"M4A ", 0,
                           b"M4A ", b"mp42")
    if fmt in ("ogg", "opus"):
        return b"OggS\x00\x02"
    return b""


def hls_init_prefix(size):
    """`ftyp` box, then a `free` box spanning the rest of the init."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"iso6", 0,
                       b"iso6", b"mp41")
    free = struct.pack(">I4s", max(0, size - 24) & 0xFFFFFFFF, b"free")
    return ftyp + free


def hls_segment_prefix(size):
    """One `mdat` box spanning the whole segment."""
    return struct.pack(">I4s", size & 0xFFFFFFFF, b"mdat")
