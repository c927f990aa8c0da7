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
