"""Encoding detection and streaming transcoding (GUIDE §6.6).

Order is fixed: BOM, strict UTF-8, GB18030, else reject. GB18030 is tried
last because it decodes almost any byte string and would silently garble a
UTF-8 file. GB18030 input is transcoded to a UTF-8 temp file with an
incremental decoder, so regexes never run on undecoded bytes (four-byte
GB18030 sequences contain ASCII digits) and memory stays flat.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from typing import Callable

from .problems import DesensitizeError

CHUNK = 1 << 20
SAMPLE = 1 << 20
DEFAULT_MAX_LINE = 64 << 20

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"


@dataclass
class SourceText:
    """A UTF-8 file polars can read, plus facts learned while getting it."""
    path: str            # UTF-8 file to parse (the original or a temp copy)
    encoding: str        # encoding of the original
    size: int            # bytes of the original
    lines: int           # newline count: a progress estimate, not a row count
    temp: bool = False   # True if ``path`` is ours to delete


def _valid_utf8_prefix(data: bytes) -> bool:
    # A sample may cut a multi-byte character in half; that is not an error.
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        dec.decode(data, final=False)
        return True
    except UnicodeDecodeError:
        return False


def sniff(path: str) -> str:
    """Guess the encoding from the first megabyte; the full file is
    validated later (UTF-8 by polars, GB18030 while transcoding)."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE)
    if not head:
        raise DesensitizeError.of("empty_file")
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DesensitizeError.of("bad_encoding", detail="UTF-16")
    if _valid_utf8_prefix(head):
        return UTF8
    dec = codecs.getincrementaldecoder(GB18030)("strict")
    try:
        dec.decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise DesensitizeError.of("bad_encoding", detail=f"byte offset {exc.start}") from None
    return GB18030


def _line_guard(max_line: int):
    """Counts newlines and rejects absurd lines chunk by chunk, using only
    C-level bytes methods so it costs little on a 300 MB file."""
    state = {"carry": 0, "lines": 0}

    def feed(chunk: bytes) -> None:
        nl = chunk.count(b"\n")
        if nl == 0:
            state["carry"] += len(chunk)
        else:
            state["lines"] += nl
            if state["carry"] + chunk.find(b"\n") > max_line:
                raise DesensitizeError.of("line_too_long", limit=max_line)
            state["carry"] = len(chunk) - chunk.rfind(b"\n") - 1
        if state["carry"] > max_line:
            raise DesensitizeError.of("line_too_long", limit=max_line)
    return feed, state


def prepare(path: str, workdir: str, *, max_line: int = DEFAULT_MAX_LINE,
            progress: Callable[[float], None] | None = None) -> SourceText:
    """Return a UTF-8 view of ``path``. The original is only ever read."""
    enc = sniff(path)
    size = os.path.getsize(path)
    feed, state = _line_guard(max_line)
    done = 0
    if enc in (UTF8, UTF8_BOM):
        # polars validates UTF-8 strictly and strips the BOM itself.
        # Chunks no longer than max_line: then only lines crossing a chunk
        # edge can be too long, and the carry check sees those.
        with open(path, "rb") as fh:
            while chunk := fh.read(min(CHUNK * 8, max_line)):
                feed(chunk)
        return SourceText(path, enc, size, state["lines"] + 1)
    out_path = os.path.join(workdir, "source.utf8.csv")
    dec = codecs.getincrementaldecoder(GB18030)("strict")
    try:
        with open(path, "rb") as src, open(out_path, "wb") as dst:
            while chunk := src.read(min(CHUNK * 4, max_line)):
                feed(chunk)
                try:
                    dst.write(dec.decode(chunk).encode(UTF8))
                except UnicodeDecodeError as exc:
                    raise DesensitizeError.of(
                        "bad_encoding", detail=f"GB18030, byte offset {done + exc.start}") from None
                done += len(chunk)
                if progress:
                    progress(done / size)
            try:
                dst.write(dec.decode(b"", final=True).encode(UTF8))
            except UnicodeDecodeError:
                raise DesensitizeError.of("bad_encoding", detail="GB18030, truncated at end") from None
    except BaseException:
        if os.path.exists(out_path):
            os.unlink(out_path)
        raise
    return SourceText(out_path, enc, size, state["lines"] + 1, temp=True)
