"""numba set-up and the hand-over of polars string columns to kernels.

The hot per-cell loops (identifier scan, HMAC) are numba kernels: machine
code generated at run time from manylinux wheels, so installing needs no
compiler. Kernels are cached on disk when the cache directory is writable
(``NUMBA_CACHE_DIR``, else ``__pycache__`` or the user cache); otherwise
they compile once per process. They run with the GIL released, so the
engine's transform threads execute them in parallel.

A String column reaches a kernel as one contiguous UTF-8 buffer plus
int64 offsets (:func:`str_buffers`); byte strings built by a kernel come
back as a String Series via :func:`strings_from_buffer`.
"""
from __future__ import annotations

import numpy as np
import polars as pl
from numba import njit as _njit


def njit(*args, **kw):
    """``numba.njit(cache=True, nogil=True)``, without the cache where numba
    finds no writable place for it (e.g. a read-only site-packages and no
    home directory): then the kernel is compiled in memory."""
    kw.setdefault("nogil", True)

    def wrap(fn):
        try:
            return _njit(cache=True, **kw)(fn)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return _njit(cache=False, **kw)(fn)
    if args and callable(args[0]):
        return wrap(args[0])
    return wrap


def str_buffers(s: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(data, offsets): cell ``i`` is ``data[offsets[i]:offsets[i+1]]``.
    Nulls are empty. Two C-level copies of the column's bytes."""
    n = s.len()
    offsets = np.zeros(n + 1, dtype=np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.uint8), offsets
    lens = s.str.len_bytes().fill_null(0).to_numpy()
    np.cumsum(lens, out=offsets[1:])
    if offsets[-1] == 0:
        return np.zeros(0, dtype=np.uint8), offsets
    joined = s.str.join("", ignore_nulls=True).cast(pl.Binary).item()
    return np.frombuffer(joined, dtype=np.uint8), offsets


def strings_from_buffer(data: np.ndarray, offsets: np.ndarray, name: str = "") -> pl.Series:
    """String Series of the byte ranges ``data[offsets[i]:offsets[i+1]]``
    (valid UTF-8 by construction of the caller)."""
    n = len(offsets) - 1
    if n <= 0:
        return pl.Series(name, [], dtype=pl.String)
    blob = pl.Series([data.tobytes()], dtype=pl.Binary)
    starts = pl.Series(offsets[:-1].astype(np.int64))
    lens = pl.Series(np.diff(offsets).astype(np.int64))
    return (pl.select(pl.lit(blob).bin.slice(starts, lens)).to_series()
            .cast(pl.String).rename(name))


@njit
def utf8_prefix_ok(b) -> bool:
    """Well-formed UTF-8 (Unicode table 3-7: no overlong forms, surrogates
    or code points above U+10FFFF); a sequence cut off by the end of ``b``
    is accepted if its bytes so far could start one, as Python's
    incremental decoder does."""
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            i += 1
            continue
        if 0xC2 <= c <= 0xDF:
            need, lo, hi = 1, 0x80, 0xBF
        elif c == 0xE0:
            need, lo, hi = 2, 0xA0, 0xBF
        elif 0xE1 <= c <= 0xEC or c == 0xEE or c == 0xEF:
            need, lo, hi = 2, 0x80, 0xBF
        elif c == 0xED:
            # Like CPython: a cut-off ED sequence is not yet a surrogate.
            need, lo, hi = 2, 0x80, 0x9F if i + 2 < n else 0xBF
        elif c == 0xF0:
            need, lo, hi = 3, 0x90, 0xBF
        elif 0xF1 <= c <= 0xF3:
            need, lo, hi = 3, 0x80, 0xBF
        elif c == 0xF4:
            need, lo, hi = 3, 0x80, 0x8F
        else:
            return False
        for k in range(1, need + 1):
            if i + k >= n:
                return True
            x = b[i + k]
            if k == 1:
                if x < lo or x > hi:
                    return False
            elif x < 0x80 or x > 0xBF:
                return False
        i += need + 1
    return True

