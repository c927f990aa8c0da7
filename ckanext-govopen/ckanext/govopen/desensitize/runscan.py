"""Compiled scan of whole columns for the built-in identifier types.

:func:`.detectors.find_hits` is the reference (Python regexes, one cell at
a time). :func:`scan` gives the same answers for a whole column in one
numba kernel, and sends every cell for which that equivalence is not shown
to the reference instead (status :data:`SLOW`). Per cell the kernel

1. rebuilds the exact text the reference matches on, with the tables of
   :mod:`.normtable` (per-character NFKC, zero-width characters dropped,
   only when the cell holds a character that switches this on), keeping
   for every character the byte range of the original character it comes
   from;
2. applies a *necessary* condition for any built-in match (seven ASCII
   digits; four digits and a dot for IPv4; ``@``; two colons; a plate
   prefix). A cell failing it cannot hold a hit: status :data:`NONE`;
3. sends the cell to the reference (:data:`SLOW`) if it holds a character
   of ``normtable.SLOW`` or a shape in which a match could span several
   alphanumeric runs (see :func:`_spanning`);
4. otherwise every built-in pattern is guarded by "not preceded/followed
   by [0-9A-Za-z]", so a match is exactly one maximal alphanumeric run, and
   matches of different detectors overlap only when they are the same run:
   "longest first, then detection order" becomes "the first detector in
   detection order whose pattern fullmatches the run and whose validator
   (and keyword rule) accepts it". Runs shorter than 9 characters match no
   built-in pattern.

The rules per detector are in :mod:`.runrules`. Tests compare kernel and reference on labelled and random texts, including
random Unicode.
"""
from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

import numpy as np
import polars as pl

from .jit import njit, strings_from_buffer
from .normtable import CHANGES, NEEDS_NORM, SLOW as SLOW_CHAR, tables
from .runrules import (  # noqa: F401  (GATED_ONLY, RUN_TYPES, config, is_builtin: API)
    _ACTIVE, _PLATE, _PLATE_SET, GATED_ONLY, MAX_VALUE, MIN_RUN, RUN_TYPES, accept, config,
    is_builtin, is_plate, isalnum, isdigit, ishex,
)

NONE, HITS, SLOW = 0, 1, 2
# Flags added to the normtable flags for the cheap first pass over a cell:
# its NFKC form holds a digit; holds '@', ':' or a plate province; the
# character is a plate province.
DIGITISH, SPECIAL, PLATE_CH = 32, 64, 128


# --- the kernel --------------------------------------------------------------

@njit(inline="always")
def _decode(data, pos):
    b0 = data[pos]
    if b0 < 0x80:
        return np.int32(b0), 1
    if b0 < 0xE0:
        return np.int32(((b0 & 0x1F) << 6) | (data[pos + 1] & 0x3F)), 2
    if b0 < 0xF0:
        return np.int32(((b0 & 0x0F) << 12) | ((data[pos + 1] & 0x3F) << 6)
                        | (data[pos + 2] & 0x3F)), 3
    return np.int32(((b0 & 0x07) << 18) | ((data[pos + 1] & 0x3F) << 12)
                    | ((data[pos + 2] & 0x3F) << 6) | (data[pos + 3] & 0x3F)), 4


@njit(inline="always")
def _ipv4_at(t, i, hi):
    """``[0-9].[0-9]{1,3}.[0-9]`` starting at i."""
    if not (i + 4 < hi and 48 <= t[i] <= 57 and t[i + 1] == 46):
        return False
    j = i + 2
    while j < hi and j < i + 5 and 48 <= t[j] <= 57:
        j += 1
    return i + 2 < j and j + 1 < hi and t[j] == 46 and 48 <= t[j + 1] <= 57


@njit
def _separated_match_possible(digits, gapped, prefixed, max_group, max_run34):
    """For one chain of digits (gaps of at most two of ``[ -()]``): could a
    bank card, mobile or landline with separators, or after ``+``/``(``,
    lie in it? All have ten digits or more; a landline's subscriber number
    is one group of seven or eight; a mobile split 3-4-4 or a card 4-4-4-4
    has three groups of three or four in a row; any other split of them
    has a group of seven or more, or follows ``+`` (``+86138 1234 5678``)."""
    if digits < 10 or not (gapped or prefixed):
        return False
    return prefixed or max_group >= 7 or max_run34 >= 3


@njit
def _spanning(t, lo, hi):
    """Could a built-in match in t[lo:hi] be more than one alphanumeric run
    (or come from a detector that never matches a single run)? Matches
    that contain a non-alphanumeric character are:

    * e-mail (``@``), IPv4 (``[0-9].[0-9]{1,3}.[0-9]``), plates (a province
      followed by a letter);
    * IPv6: a valid address has ``::`` or at least six colons between hex
      digits (what ``ipaddress`` accepts), so times like 10:30:00 are not;
    * bank cards, mobiles and landlines with separators, after ``+`` or in
      parentheses (see :func:`_separated_match_possible`), with
      ``转``/``分机`` extensions between digits, or ``ext.`` (a dot between
      alphanumerics in a cell with ten digits in a row).

    Anything else (dates, times, number ranges, decimals) stays with the
    kernel."""
    run_colons = 0
    long_run = False     # ten digits in one chain
    dot_between = False  # [0-9A-Za-z].[0-9A-Za-z]
    digits = 0           # current chain: digits, gaps since the last digit
    gap = 0
    gapped = prefixed = False
    group = max_group = run34 = max_run34 = 0
    prev = -1
    for i in range(lo, hi + 1):
        c = t[i] if i < hi else -1
        nxt = t[i + 1] if i + 1 < hi else -1
        if 48 <= c <= 57:
            if digits == 0:
                prefixed = prev == 40 or prev == 43
                gapped = False
                group = max_group = run34 = max_run34 = 0
            elif gap > 0:
                gapped = True
            digits += 1
            group += 1
            gap = 0
            if (nxt == 0x8F6C and i + 2 < hi and isdigit(t[i + 2])) or \
                    (nxt == 0x5206 and i + 3 < hi and t[i + 2] == 0x673A and isdigit(t[i + 3])):
                return True
        else:
            if group:  # a group of digits ends here
                max_group = max(max_group, group)
                run34 = run34 + 1 if group == 3 or group == 4 else 0
                max_run34 = max(max_run34, run34)
                group = 0
            if digits and gap < 2 and (c == 32 or c == 45 or c == 40 or c == 41):
                gap += 1
            elif digits:  # the chain ends here
                if digits >= 10:
                    long_run = True
                if _separated_match_possible(digits, gapped, prefixed, max_group, max_run34):
                    return True
                digits = gap = 0
        if i == hi:
            break
        if c == 64:
            return True
        if c == 58:
            run_colons += 1
            if run_colons >= 6 or nxt == 58:
                return True
        elif not ishex(c):
            run_colons = 0
        if 65 <= nxt <= 90 and is_plate(c):
            return True
        if nxt == 46 and _ipv4_at(t, i, hi):
            return True
        if isalnum(c) and nxt == 46 and i + 2 < hi and isalnum(t[i + 2]):
            dot_between = True
        prev = c
    return dot_between and long_run


@njit
def _may_match(t, lo, hi):
    """Necessary for any built-in match in t[lo:hi] (``detectors.PREFILTER``
    on the matched text): seven digits each followed by at most two of
    ``[ -]`` (every digit-based format: the longest separator any allows is
    one, and each has a run of seven digits or 3+4 with one separator),
    ``[0-9].[0-9]{1,3}.[0-9]`` (IPv4), ``@``, ``:[0-9A-Fa-f]*:`` (IPv6) or
    a plate prefix."""
    chain = 0
    gap = 0
    last_colon = -1
    for i in range(lo, hi):
        c = t[i]
        if 48 <= c <= 57:
            chain = chain + 1 if gap <= 2 else 1
            gap = 0
            if chain >= 7:
                return True
            if i + 1 < hi and t[i + 1] == 46 and _ipv4_at(t, i, hi):
                return True
        elif c == 32 or c == 45:
            gap += 1
        else:
            chain = 0
            gap = 0
        if c == 58:
            if last_colon >= 0:
                return True
            last_colon = i
        elif last_colon >= 0 and not ishex(c):
            last_colon = -1
        if c == 64:
            return True
        if i + 1 < hi and 65 <= t[i + 1] <= 90 and is_plate(c):
            return True
    return False


@njit
def _decide(t, lo, hi, tb, mapped, cell, nh, flags, cfg, today, hits, hval):
    """Status of one cell whose matched text t[lo:hi] passed
    :func:`_may_match` (original byte range of char j: tb[j] if ``mapped``,
    else j:j+1); hits are appended at ``nh``. Returns (status, hits)."""
    if mapped:
        for j in range(lo, hi):
            if t[j] >= 0x80 and flags[t[j]] & SLOW_CHAR:
                return SLOW, nh
    if _spanning(t, lo, hi):
        return SLOW, nh
    st = NONE
    j = lo
    while j < hi:
        if not isalnum(t[j]):
            j += 1
            continue
        s = j
        while j < hi and isalnum(t[j]):
            j += 1
        n = j - s
        if n < MIN_RUN or n > MAX_VALUE:
            continue
        for det in range(len(RUN_TYPES)):
            if cfg[_ACTIVE + det] and accept(det, t, lo, s, j, today, cfg):
                hits[nh, 0] = cell
                hits[nh, 1] = tb[s, 0] if mapped else s
                hits[nh, 2] = tb[j - 1, 1] if mapped else j
                hits[nh, 3] = det
                hits[nh, 4] = n
                for q in range(n):
                    hval[nh, q] = t[s + q]
                nh += 1
                st = HITS
                break
    return st, nh


@njit
def _scan(data, offs, first, flags, exp_index, exp_off, exp_data, cfg, today, status, hits,
          hval, t, tb):
    """Scan cells from ``first``; returns (next cell, hits written). Stops
    early when the hit arrays could overflow with the next cell."""
    n = len(offs) - 1
    cap = len(hits)
    nh = 0
    for i in range(first, n):
        a, b = offs[i], offs[i + 1]
        status[i] = NONE
        if a == b:
            continue
        # Pass 1: does the reference normalise this cell, and could its
        # matched text pass _may_match at all? That needs four digits, '@',
        # two colons or a plate prefix; a character whose NFKC form holds a
        # digit counts as four (it could be "(20)" or more), one whose form
        # holds '@', ':' or a province, or a province followed by a letter
        # or by a character normalisation changes, sends the cell on.
        needs = False
        changes = False
        ascii_only = True
        digits = 0
        colons = 0
        dots = 0
        special = False
        chain = gap = longest = 0  # as in _may_match, for ASCII text
        pos = a
        while pos < b:
            c = data[pos]
            if c < 0x80:
                if 48 <= c <= 57:
                    digits += 1
                    chain = chain + 1 if gap <= 2 else 1
                    gap = 0
                    if chain > longest:
                        longest = chain
                else:
                    if c == 32 or c == 45:
                        gap += 1
                    else:
                        chain = gap = 0
                        if c == 58:
                            colons += 1
                        elif c == 46:
                            dots += 1
                        elif c == 64:
                            special = True
                pos += 1
                continue
            ascii_only = False
            chain = gap = 0
            cp, ln = _decode(data, pos)
            f = flags[cp]
            if f & NEEDS_NORM:
                needs = True
            if f & CHANGES:
                changes = True
            if f & DIGITISH:
                digits += 4
            if f & SPECIAL:
                special = True
            pos += ln
            if f & PLATE_CH and pos < b:
                nx = data[pos]
                if 65 <= nx <= 90:
                    special = True
                elif nx >= 0x80 and flags[_decode(data, pos)[0]] & CHANGES:
                    special = True
        if not (special or digits >= 4 or colons >= 2):
            continue
        if ascii_only:  # the matched text is the bytes themselves
            # Pass 1 computed what _may_match needs on ASCII text (a chain
            # of seven digits, '@', two colons, two dots for IPv4).
            if not (longest >= 7 or special or colons >= 2 or (dots >= 2 and digits >= 3)):
                continue
            if nh + (b - a) // MIN_RUN + 1 > cap:
                return i, nh
            st, nh = _decide(data, a, b, tb, False, i, nh, flags, cfg, today, hits, hval)
        else:
            # The text it matches on, with original byte ranges.
            m = 0
            pos = a
            expand = needs and changes
            while pos < b:
                cp, ln = _decode(data, pos)
                if expand and flags[cp] & CHANGES:
                    k = exp_index[cp]
                    for j in range(exp_off[k], exp_off[k + 1]):
                        t[m] = exp_data[j]
                        tb[m, 0] = pos
                        tb[m, 1] = pos + ln
                        m += 1
                else:
                    t[m] = cp
                    tb[m, 0] = pos
                    tb[m, 1] = pos + ln
                    m += 1
                pos += ln
            if not _may_match(t, 0, m):
                continue
            if nh + m // MIN_RUN + 1 > cap:
                return i, nh
            st, nh = _decide(t, 0, m, tb, True, i, nh, flags, cfg, today, hits, hval)
        status[i] = st
    return n, nh


@dataclass
class ScanResult:
    status: np.ndarray    # uint8 per cell: NONE, HITS or SLOW
    cell: np.ndarray      # per hit: cell index (ascending), byte range, type index
    start: np.ndarray
    end: np.ndarray
    type: np.ndarray
    _val: np.ndarray      # per hit: the run as matched (normalised ASCII), padded
    _vlen: np.ndarray

    def cells(self) -> np.ndarray:
        """The distinct cells with hits (``cell`` is ascending)."""
        c = self.cell
        return c if len(c) < 2 else c[np.concatenate(([True], c[1:] != c[:-1]))]

    def only(self, keep: np.ndarray) -> "ScanResult":
        """The hits where ``keep`` (a mask over hits) is true."""
        return ScanResult(self.status, self.cell[keep], self.start[keep], self.end[keep],
                          self.type[keep], self._val[keep], self._vlen[keep])

    def values(self) -> pl.Series:
        """The matched runs as a String Series aligned with the hits."""
        n = len(self._vlen)
        off = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(self._vlen, out=off[1:])
        buf = np.empty(int(off[-1]), dtype=np.uint8)
        _compact(self._val, self._vlen, off, buf)
        return strings_from_buffer(buf, off, "value")


@njit
def _compact(val, vlen, off, out):
    for i in range(len(vlen)):
        for q in range(vlen[i]):
            out[off[i] + q] = val[i, q]


_ktables = None
_klock = threading.Lock()


def _kernel_tables():
    """``normtable`` flags plus :data:`DIGITISH`, :data:`SPECIAL` and
    :data:`PLATE_CH`, and the position of each changing code point in the
    expansion table."""
    global _ktables
    with _klock:
        if _ktables is None:
            _ktables = _build_kernel_tables()
        return _ktables


def _build_kernel_tables():
    tb = tables()
    flags = tb.flags.copy()
    index = np.full(len(flags), -1, dtype=np.int32)
    index[tb.exp_cp] = np.arange(len(tb.exp_cp), dtype=np.int32)
    flags[_PLATE] |= PLATE_CH
    for k, cp in enumerate(tb.exp_cp):
        exp = tb.exp_data[tb.exp_off[k]:tb.exp_off[k + 1]].tolist()
        if any(48 <= x <= 57 for x in exp):
            flags[cp] |= DIGITISH
        if any(x == 58 or x == 64 or x in _PLATE_SET for x in exp):
            flags[cp] |= SPECIAL
    return flags, index


def _today() -> int:
    d = datetime.date.today()
    return d.year * 10000 + d.month * 100 + d.day


def scan(data: np.ndarray, offsets: np.ndarray, cfg: np.ndarray) -> ScanResult:
    """Scan the cells of a column given as UTF-8 ``data`` and ``offsets``
    (see :func:`.jit.str_buffers`) with the detectors of ``cfg``
    (:func:`config`)."""
    tb = tables()
    flags, index = _kernel_tables()
    n = len(offsets) - 1
    status = np.zeros(n, dtype=np.uint8)
    longest = int(np.diff(offsets).max()) if n else 0
    # Characters of the matched text per byte of the cell: at most the
    # longest expansion per byte of its character (ASCII: one).
    t = np.empty(longest * max(1, tb.max_per_byte) + 8, dtype=np.int32)
    tbr = np.empty((len(t), 2), dtype=np.int64)
    cap = max(1024, n // 8) + len(t) // MIN_RUN + 2
    parts = []
    first = 0
    today = _today()
    while first < n:
        hits = np.empty((cap, 5), dtype=np.int64)
        hval = np.empty((cap, MAX_VALUE), dtype=np.uint8)
        first, nh = _scan(data, offsets, first, flags, index, tb.exp_off, tb.exp_data, cfg,
                          today, status, hits, hval, t, tbr)
        parts.append((hits[:nh], hval[:nh]))
    if not parts:
        hits, hval = np.zeros((0, 5), np.int64), np.zeros((0, MAX_VALUE), np.uint8)
    elif len(parts) == 1:
        hits, hval = parts[0]
    else:
        hits = np.concatenate([p[0] for p in parts])
        hval = np.concatenate([p[1] for p in parts])
    col = lambda k: np.ascontiguousarray(hits[:, k])  # noqa: E731
    return ScanResult(status, col(0), col(1), col(2), hits[:, 3].astype(np.int8), hval, col(4))


@njit
def _splice(data, offs, cells, h_cell, h_bs, h_be, r_index, r_data, r_off, out, out_off):
    hi = 0
    o = 0
    nh = len(h_cell)
    for k in range(len(cells)):
        c = cells[k]
        while hi < nh and h_cell[hi] < c:
            hi += 1
        pos, end = offs[c], offs[c + 1]
        out_off[k] = o
        while hi < nh and h_cell[hi] == c:
            for p in range(pos, h_bs[hi]):
                out[o] = data[p]
                o += 1
            r = r_index[hi]
            for p in range(r_off[r], r_off[r + 1]):
                out[o] = r_data[p]
                o += 1
            pos = h_be[hi]
            hi += 1
        for p in range(pos, end):
            out[o] = data[p]
            o += 1
    out_off[len(cells)] = o


def splice(data: np.ndarray, offsets: np.ndarray, res: ScanResult, r_index: np.ndarray,
           r_data: np.ndarray, r_off: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """(cells with hits, their new text): every hit's byte range replaced by
    render ``r_index[hit]`` of the table (``r_data``, ``r_off``)."""
    cells = res.cells()
    size = int((offsets[cells + 1] - offsets[cells]).sum() - (res.end - res.start).sum()
               + (r_off[r_index + 1] - r_off[r_index]).sum())
    out = np.empty(size, dtype=np.uint8)
    out_off = np.empty(len(cells) + 1, dtype=np.int64)
    _splice(data, offsets, cells, res.cell, res.start, res.end, r_index.astype(np.int64),
            r_data, r_off.astype(np.int64), out, out_off)
    return cells, strings_from_buffer(out, out_off)


