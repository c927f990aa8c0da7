"""Code-point tables that let a kernel see exactly the text
:func:`.detectors.find_hits` matches on.

``find_hits`` matches on ``text.normalize_with_map(text)``: the text as is,
unless it holds one of the characters of ``text._NEEDS_NORM``; then every
character is replaced by its own NFKC form and zero-width characters are
dropped. The tables are computed from ``unicodedata`` and ``text`` of the
running interpreter (about 0.1 s, once per process), so they cannot drift
from the reference:

* ``flags[cp]``: :data:`NEEDS_NORM` (its presence switches normalisation
  on), :data:`CHANGES` (normalisation replaces or drops it), :data:`SLOW`
  (the kernel leaves text containing it to the reference; see below).
* the per-character NFKC expansions, zero-width characters removed, as a
  sorted code-point array with offsets into one array of code points.

:data:`SLOW` marks the non-ASCII characters for which the reference's
ASCII reasoning does not hold: those that ``re.IGNORECASE`` lets match
``[A-Za-z]`` (the credit-code detector ignores case, so they count as
letters next to a match) and those whose ``str.lower()`` yields ASCII
(keyword windows are lower-cased).
"""
from __future__ import annotations

import re
import sys
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np

from .text import _NEEDS_NORM, ZERO_WIDTH

NEEDS_NORM = 1
CHANGES = 2
SLOW = 4
MAX_CP = sys.maxunicode + 1


@dataclass(frozen=True)
class Tables:
    flags: np.ndarray      # uint8[MAX_CP]
    exp_cp: np.ndarray     # int32, sorted code points with CHANGES
    exp_off: np.ndarray    # int32[len(exp_cp) + 1]
    exp_data: np.ndarray   # int32, concatenated expansions
    max_per_byte: int      # most matched-text characters per UTF-8 byte of a cell


_lock = threading.Lock()
_tables: Tables | None = None


def tables() -> Tables:
    global _tables
    with _lock:
        if _tables is None:
            _tables = _load_or_build()
        return _tables


def _cache_path() -> str:
    """A file next to the compiled kernels, named for everything the
    tables derive from, so a new Python, Unicode version or rule set never
    reads a stale one."""
    import hashlib
    import os
    key = hashlib.sha256(repr((sys.version_info[:2], unicodedata.unidata_version,
                               _NEEDS_NORM.pattern, sorted(ZERO_WIDTH), 2)).encode()).hexdigest()[:16]
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(os.path.dirname(__file__), "__pycache__")
    return os.path.join(base, f"normtable-{key}.npz")


def _load_or_build() -> Tables:
    """Building takes about 0.1 s; a cached copy loads in a few ms. The
    cache is optional: unwritable places are skipped."""
    import os
    path = _cache_path()
    try:
        with np.load(path) as z:
            return Tables(z["flags"], z["exp_cp"], z["exp_off"], z["exp_data"],
                          int(z["max_per_byte"]))
    except (OSError, KeyError, ValueError):
        pass
    tb = _build()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        np.savez(tmp, flags=tb.flags, exp_cp=tb.exp_cp, exp_off=tb.exp_off,
                 exp_data=tb.exp_data, max_per_byte=tb.max_per_byte)
        os.replace(tmp, path)
    except OSError:
        pass
    return tb


def _all_chars() -> str:
    """Every code point in order (index = code point); surrogates, which
    cannot occur in polars strings, are replaced by NUL."""
    cps = np.arange(MAX_CP, dtype=np.uint32)
    cps[0xD800:0xE000] = 0
    return cps.tobytes().decode("utf-32-le")


def _build() -> Tables:
    flags = np.zeros(MAX_CP, dtype=np.uint8)
    allc = _all_chars()
    for m in _NEEDS_NORM.finditer(allc):
        flags[m.start()] |= NEEDS_NORM
    for m in re.finditer("[A-Za-z]", allc, re.IGNORECASE):
        if m.start() > 0x7F:
            flags[m.start()] |= SLOW
    step = 4096
    for a in range(0x80, MAX_CP, step):
        block = allc[a:a + step]
        if len(block.lower().encode("ascii", "ignore")) != len(block.encode("ascii", "ignore")):
            for i, c in enumerate(block, a):
                if c > "\x7f" and any(x < "\x80" for x in c.lower()):
                    flags[i] |= SLOW
    exp_cp, exp_off, exp_data = [], [0], []
    per_byte = 1
    for cp in _changing(allc):
        c = allc[cp]
        n = "".join(x for x in unicodedata.normalize("NFKC", c) if x not in ZERO_WIDTH)
        flags[cp] |= CHANGES
        exp_cp.append(cp)
        exp_data.extend(map(ord, n))
        exp_off.append(len(exp_data))
        per_byte = max(per_byte, -(-len(n) // len(c.encode("utf-8"))))
    return Tables(flags, np.array(exp_cp, dtype=np.int32), np.array(exp_off, dtype=np.int32),
                  np.array(exp_data or [0], dtype=np.int32), per_byte)


def _changing(allc: str, block: int = 256) -> list[int]:
    """Code points whose own NFKC form differs, plus the zero-width ones.
    A block that is NFKC-normalised as a whole holds none of the first
    kind: a character that changes on its own has NFKC_Quick_Check=No (it
    has a compatibility decomposition, or a canonical one it does not
    recompose from), and such a character cannot occur in normalised text.
    So only blocks that fail are checked character by character."""
    out = []
    for a in range(0x80, MAX_CP, block):
        if unicodedata.is_normalized("NFKC", allc[a:a + block]):
            continue
        out.extend(cp for cp in range(a, min(a + block, MAX_CP))
                   if not unicodedata.is_normalized("NFKC", allc[cp]))
    zw = {ord(c) for c in ZERO_WIDTH}
    return sorted(set(out) | zw)
