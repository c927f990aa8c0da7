"""Record-aligned segments of a UTF-8 CSV, for flat memory.

polars' streaming CSV source holds on to what it has read until the query
ends, so one query over a whole file needs memory proportional to the file.
The engine therefore runs one streaming query per segment of about
``SEGMENT_BYTES``, each segment being the header line plus whole records.

A record ends at a newline outside quotes. Both UTF-8 and the CSV quote
are single bytes that never occur inside a multi-byte character, so the
quote parity from the segment start decides this with C-level
``bytes.count`` (RFC 4180 escapes quotes by doubling, which keeps parity).
"""
from __future__ import annotations

import codecs
from typing import Iterator

SEGMENT_BYTES = 48 << 20
READ_BYTES = 8 << 20


def _record_end(buf: bytes, start: int = 0) -> int:
    """Index just past the last newline in ``buf`` that ends a record, or
    -1. ``buf`` must begin at a record boundary."""
    pos = buf.rfind(b"\n")
    if pos < start:
        return -1
    quotes = buf.count(b'"', 0, pos)
    while pos >= start:
        if quotes % 2 == 0:
            return pos + 1
        prev = buf.rfind(b"\n", 0, pos)
        quotes -= buf.count(b'"', max(prev, 0), pos)
        pos = prev
    return -1


def iter_segments(path: str, size: int = SEGMENT_BYTES) -> Iterator[bytes]:
    """Yield ``header + records`` byte strings covering the whole file.
    A file without data rows yields the header alone; a final record
    without a trailing newline is kept."""
    with open(path, "rb") as fh:
        buf = fh.read(READ_BYTES)
        if buf.startswith(codecs.BOM_UTF8):
            buf = buf[len(codecs.BOM_UTF8):]
        # The header may itself hold quoted newlines: read until it ends.
        while True:
            end = _first_record_end(buf)
            more = b"" if end >= 0 else fh.read(READ_BYTES)
            if end >= 0 or not more:
                break
            buf += more
        if end < 0:
            yield buf if buf.endswith(b"\n") else buf + b"\n"
            return
        header, buf = buf[:end], buf[end:]
        emitted = False
        while True:
            eof = False
            while len(buf) < size and not eof:
                more = fh.read(READ_BYTES)
                eof = not more
                buf += more
            if eof:  # everything left is the last segment
                if buf or not emitted:
                    yield header + buf
                return
            cut = _record_end(buf)
            while cut < 0:  # one record longer than a segment
                more = fh.read(READ_BYTES)
                if not more:
                    yield header + buf
                    return
                buf += more
                cut = _record_end(buf)
            yield header + buf[:cut]
            emitted = True
            buf = buf[cut:]


def _first_record_end(buf: bytes) -> int:
    pos = buf.find(b"\n")
    while pos >= 0:
        if buf.count(b'"', 0, pos) % 2 == 0:
            return pos + 1
        pos = buf.find(b"\n", pos + 1)
    return -1
