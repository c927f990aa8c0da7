"""GB18030 → UTF-8 in a numba kernel, without the GIL.

Python's ``gb18030`` codec runs at about 250 MB/s and holds the GIL, so on
threads it serialised the transform of GB18030 files. The kernel follows
the structure of CPython's decoder (``_codecs_cn.c``): ASCII bytes; two
bytes looked up in a table; four bytes ``81-FE 30-39 81-FE 30-39`` read as
a linear index, into a table below U+10000 and linearly above. The tables
are filled by asking Python's own codec for every two-byte sequence and
every four-byte sequence below U+10000 (about 0.1 s, then cached next to
the compiled kernels), so the mapping cannot differ from it. Anything the
kernel finds invalid is decoded again by Python, which raises the error
with its offset exactly as before. Tests compare the two on every mapped
sequence and on random input.
"""
from __future__ import annotations

import os
import sys
import threading

import numpy as np

from .jit import njit

BMP_4BYTE = 39420  # four-byte codes below U+10000


def _build() -> tuple[np.ndarray, np.ndarray]:
    two = np.full(126 * 256, -1, dtype=np.int32)
    for lead in range(0x81, 0xFF):
        for trail in range(256):
            if 0x30 <= trail <= 0x39:
                continue
            try:
                s = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                two[(lead - 0x81) * 256 + trail] = ord(s)
    four = np.full(BMP_4BYTE, -1, dtype=np.int32)
    for i in range(BMP_4BYTE):
        b1, r = divmod(i, 12600)
        b2, r = divmod(r, 1260)
        b3, b4 = divmod(r, 10)
        try:
            s = bytes((0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4)).decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(s) == 1:
            four[i] = ord(s)
    return two, four


_lock = threading.Lock()
_tables: list = []


def tables() -> tuple[np.ndarray, np.ndarray]:
    with _lock:
        if not _tables:
            _tables.append(_load_or_build())
        return _tables[0]


def _load_or_build():
    import hashlib
    import unicodedata
    key = hashlib.sha256(repr((sys.version_info[:3], unicodedata.unidata_version, 1))
                         .encode()).hexdigest()[:16]
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(os.path.dirname(__file__),
                                                            "__pycache__")
    path = os.path.join(base, f"gbdecode-{key}.npz")
    try:
        with np.load(path) as z:
            return z["two"], z["four"]
    except (OSError, KeyError, ValueError):
        pass
    two, four = _build()
    try:
        os.makedirs(base, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        np.savez(tmp, two=two, four=four)
        os.replace(tmp, path)
    except OSError:
        pass
    return two, four


@njit(inline="always")
def _put(out, o, cp):
    if cp < 0x80:
        out[o] = cp
        return o + 1
    if cp < 0x800:
        out[o] = 0xC0 | (cp >> 6)
        out[o + 1] = 0x80 | (cp & 0x3F)
        return o + 2
    if cp < 0x10000:
        out[o] = 0xE0 | (cp >> 12)
        out[o + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[o + 2] = 0x80 | (cp & 0x3F)
        return o + 3
    out[o] = 0xF0 | (cp >> 18)
    out[o + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[o + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[o + 3] = 0x80 | (cp & 0x3F)
    return o + 4


@njit
def _decode(data, two, four, out):
    """UTF-8 of ``data`` into ``out``; returns (bytes written, -1) or
    (0, offset of the first byte Python's decoder would reject)."""
    n = len(data)
    i = 0
    o = 0
    while i < n:
        c = data[i]
        if c < 0x80:
            out[o] = c
            o += 1
            i += 1
            continue
        if i + 1 >= n:
            return 0, i
        c2 = data[i + 1]
        if 0x30 <= c2 <= 0x39:
            if i + 3 >= n:
                return 0, i
            c3, c4 = data[i + 2], data[i + 3]
            if c < 0x81 or c > 0xFE or c3 < 0x81 or c3 > 0xFE or c4 < 0x30 or c4 > 0x39:
                return 0, i
            lseq = ((c - 0x81) * 10 + (c2 - 0x30)) * 1260 + (c3 - 0x81) * 10 + (c4 - 0x30)
            if c < 0x85:
                if lseq >= BMP_4BYTE or four[lseq] < 0:
                    return 0, i
                cp = four[lseq]
            elif c >= 0x90:
                cp = 0x10000 + ((c - 0x90) * 10 + (c2 - 0x30)) * 1260 + (c3 - 0x81) * 10 \
                    + (c4 - 0x30)
                if cp > 0x10FFFF:
                    return 0, i
            else:
                return 0, i
            o = _put(out, o, cp)
            i += 4
            continue
        if c < 0x81 or c > 0xFE:
            return 0, i
        cp = two[(c - 0x81) * 256 + c2]
        if cp < 0:
            return 0, i
        o = _put(out, o, cp)
        i += 2
    return o, -1


def decode(data) -> memoryview | None:
    """UTF-8 of GB18030 ``data`` (bytes-like), or None where Python's codec
    would raise (the caller decodes with it then, for the exact error)."""
    two, four = tables()
    src = np.frombuffer(data, dtype=np.uint8)
    # A two-byte character becomes at most three bytes, a four-byte one at
    # most four: never more than 1.5 times the input.
    out = np.empty(len(src) * 3 // 2 + 4, dtype=np.uint8)
    n, bad = _decode(src, two, four, out)
    if bad >= 0:
        return None
    return memoryview(out[:n])
