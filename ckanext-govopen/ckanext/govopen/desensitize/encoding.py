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
import subprocess
import sys
from dataclasses import dataclass, field
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
    # UTF-8 text split over several files, read in order (``path`` first,
    # holding the header); all ours to delete.
    parts: list[str] = field(default_factory=list)


def _valid_utf8_prefix(data: bytes) -> bool:
    """Strict UTF-8, as Python decodes it incrementally: a sample may cut a
    multi-byte character in half; that is not an error. (Compiled: decoding
    a megabyte in Python held the GIL for milliseconds.)"""
    import numpy as np

    from .jit import utf8_prefix_ok
    return bool(utf8_prefix_ok(np.frombuffer(data, dtype=np.uint8)))


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


def _line_guard(max_line: int, count: bool = True):
    """Rejects absurd lines chunk by chunk, using only C-level bytes
    methods; ``count`` also counts newlines (a progress estimate), which
    the streaming path does not need."""
    state = {"carry": 0, "lines": 0}

    def feed(chunk: bytes) -> None:
        first = chunk.find(b"\n")
        if first < 0:
            state["carry"] += len(chunk)
        else:
            if count:
                state["lines"] += chunk.count(b"\n")
            if state["carry"] + first > max_line:
                raise DesensitizeError.of("line_too_long", limit=max_line)
            state["carry"] = len(chunk) - chunk.rfind(b"\n") - 1
        if state["carry"] > max_line:
            raise DesensitizeError.of("line_too_long", limit=max_line)
    return feed, state


def line_guard(max_line: int = DEFAULT_MAX_LINE) -> Callable[[bytes], None]:
    """A fresh chunk feeder that raises ``line_too_long``; chunks must be
    fed in file order and be no longer than ``max_line``."""
    return _line_guard(max_line, count=False)[0]


def prepare(path: str, workdir: str, *, max_line: int = DEFAULT_MAX_LINE,
            progress: Callable[[float], None] | None = None, lazy: bool = False) -> SourceText:
    """Return a UTF-8 view of ``path``. The original is only ever read.

    ``lazy``: only sniff the encoding; ``path`` stays the original (GB18030
    included) and the caller decodes record-aligned segments itself (in
    worker processes, overlapping with the transform) and runs the line
    guard while reading them (:func:`line_guard`), so the file is read once."""
    enc = sniff(path)
    size = os.path.getsize(path)
    if lazy:
        return SourceText(path, enc, size, 0)
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
    if size >= PARALLEL_MIN and _python_ok():
        parts = _transcode_parallel(path, out_path, size, feed, progress)
        return SourceText(parts[0], enc, size, state["lines"] + 1, temp=True, parts=parts)
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


# --- parallel GB18030 decoding -------------------------------------------
# Python's codecs hold the GIL, so decoding uses worker *processes*, one byte
# range each. Ranges end just after a newline: 0x0A never occurs inside a
# GB18030 multi-byte character, so each range decodes on its own.
PARALLEL_MIN = 32 << 20
_WORKER = r"""
import codecs, sys
src, start, end, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
dec = codecs.getincrementaldecoder("gb18030")("strict")
pos = start
with open(src, "rb") as f, open(out, "wb") as o:
    f.seek(start)
    while pos < end:
        chunk = f.read(min(4 << 20, end - pos))
        if not chunk:
            break
        try:
            o.write(dec.decode(chunk, final=pos + len(chunk) >= end).encode("utf-8"))
        except UnicodeDecodeError as exc:
            sys.stderr.write("%d" % (pos + exc.start))
            sys.exit(3)
        pos += len(chunk)
"""


def _python_ok() -> bool:
    # Under uwsgi and the like sys.executable is not a Python interpreter.
    exe = sys.executable or ""
    return os.path.basename(exe).startswith("python") and os.access(exe, os.X_OK)


def _split_points(path: str, size: int, n: int) -> list[int]:
    points = [0]
    with open(path, "rb") as fh:
        for k in range(1, n):
            fh.seek(max(size * k // n, points[-1]))
            buf = fh.read(1 << 20)
            nl = buf.find(b"\n")
            if nl >= 0 and fh.tell() - len(buf) + nl + 1 < size:
                points.append(fh.tell() - len(buf) + nl + 1)
    return points + [size]


def _transcode_parallel(path: str, out_path: str, size: int, feed, progress) -> list[str]:
    n = max(2, min(os.cpu_count() or 2, 4))
    points = _split_points(path, size, n)
    parts = [out_path if i == 0 else f"{out_path}.{i}" for i in range(len(points) - 1)]
    procs = [subprocess.Popen([sys.executable, "-I", "-c", _WORKER, path, str(a), str(b), out],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for a, b, out in zip(points, points[1:], parts)]
    try:
        # The line guard reads the original while the workers decode.
        done = 0
        with open(path, "rb") as src:
            while chunk := src.read(CHUNK * 4):
                feed(chunk)
                done += len(chunk)
                if progress:
                    progress(0.5 * done / size)
        for proc, end in zip(procs, points[1:]):
            err = proc.communicate()[1].decode("ascii", "replace").strip()
            if proc.returncode == 3:
                raise DesensitizeError.of("bad_encoding", detail=f"GB18030, byte offset {err}")
            if proc.returncode != 0:
                raise DesensitizeError.of("io_error", detail=f"GB18030 decoder failed: {err[-200:]}")
    except BaseException:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for p in parts:
            if os.path.exists(p):
                os.unlink(p)
        raise
    return parts
