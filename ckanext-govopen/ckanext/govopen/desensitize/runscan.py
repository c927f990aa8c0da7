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

The rules per detector (:func:`_accept`) restate the patterns of
:func:`.detectors.builtin_detectors` for one run, the validators of
:mod:`ckanext.govopen.identifiers`, and the 24-character keyword window.
Tests compare kernel and reference on labelled and random texts, including
random Unicode.
"""
from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

import numpy as np
import polars as pl

from ckanext.govopen.identifiers import PROVINCE_PREFIXES, USCC_ALPHABET
from ckanext.govopen.identifiers.uscc import _BODY_TYPES, _USCC_WEIGHTS

from .detectors import KEYWORD_WINDOW, MOBILE_SEGMENTS, PLATE_PROVINCES, Detector
from .jit import njit, strings_from_buffer
from .normtable import CHANGES, NEEDS_NORM, SLOW as SLOW_CHAR, tables

NONE, HITS, SLOW = 0, 1, 2
# Detectors the kernel decides, in detection order. Their index is the
# ``type`` of a hit.
RUN_TYPES = ("uscc", "id18", "bank_card", "mobile", "landline", "id15", "passport",
             "hk_macau_permit")
# Built-ins that never match inside one run: the cells where they could
# match are routed to the reference by the spanning shapes.
GATED_ONLY = frozenset({"email", "ipv4", "ipv6", "plate"})
MAX_VALUE = 24   # longest run any of RUN_TYPES accepts is 20 characters
MIN_RUN = 9
# Flags added to the normtable flags for the cheap first pass over a cell:
# its NFKC form holds a digit; holds '@', ':' or a plate province; the
# character is a plate province.
DIGITISH, SPECIAL, PLATE_CH = 32, 64, 128


# Config layout (one int32 array, so kernel calls stay cheap): per detector
# in RUN_TYPES ``active`` and ``context`` flags, the keyword index range,
# then keyword offsets and keyword code points.
_ACTIVE, _CONTEXT, _KWDET = 0, 8, 16
_KWOFF_AT = 25          # cfg[25] = position of keyword offsets; cfg[26] = of keyword data
_HEADER = 27


def config(dets: list[Detector], context_types: frozenset[str]) -> np.ndarray:
    """Kernel configuration for ``dets`` (only the built-in run types among
    them are decided by the kernel; see :func:`is_builtin`)."""
    by = {d.name: d for d in dets if d.name in RUN_TYPES and is_builtin(d)}
    data, off, det = [], [0], [0]
    for t in RUN_TYPES:
        for k in (by[t].keywords if t in by else ()):
            data.extend(ord(c) for c in k)  # as given: the reference does not lower them
            off.append(len(data))
        det.append(len(off) - 1)
    head = ([1 if t in by else 0 for t in RUN_TYPES]
            + [1 if t in context_types else 0 for t in RUN_TYPES] + det)
    cfg = head + [_HEADER, _HEADER + len(off)] + off + data
    return np.array(cfg, dtype=np.int32)


def _static_tables():
    prov = np.zeros(100, dtype=np.uint8)
    for p in PROVINCE_PREFIXES:
        prov[int(p)] = 1
    mob = np.zeros(1000, dtype=np.uint8)
    for p in MOBILE_SEGMENTS:
        mob[int(p)] = 1
    uval = np.full(128, 255, dtype=np.uint8)  # USCC alphabet value by ASCII (upper case)
    for i, c in enumerate(USCC_ALPHABET):
        uval[ord(c)] = i
    body = np.zeros(128 * 128, dtype=np.uint8)
    for a, bs in _BODY_TYPES.items():
        for b in bs:
            body[ord(a) * 128 + ord(b)] = 1
    plate = np.array(sorted(ord(c) for c in PLATE_PROVINCES), dtype=np.int32)
    return prov, mob, uval, body, np.array(_USCC_WEIGHTS, dtype=np.int64), plate


# Module-level arrays are compile-time constants for numba.
_PROV, _MOB, _UVAL, _BODY, _UW, _PLATE = _static_tables()
_PLATE_SET = frozenset(_PLATE.tolist())
_ID18_W = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_ID18_CHECK = np.array([ord(c) for c in "10X98765432"], dtype=np.int32)
KEYWORD_WINDOW_ = KEYWORD_WINDOW


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
def _isdigit(c):
    return 48 <= c <= 57


@njit(inline="always")
def _isalnum(c):
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


@njit(inline="always")
def _ishex(c):
    return 48 <= c <= 57 or 65 <= c <= 70 or 97 <= c <= 102


@njit(inline="always")
def _upper(c):
    return c - 32 if 97 <= c <= 122 else c


@njit(inline="always")
def _is_plate(c):
    if c < 0x4E00:
        return False
    lo, hi = 0, len(_PLATE)
    while lo < hi:
        mid = (lo + hi) // 2
        if _PLATE[mid] < c:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(_PLATE) and _PLATE[lo] == c


@njit(inline="always")
def _num(t, s, n):
    v = 0
    for i in range(s, s + n):
        v = v * 10 + (t[i] - 48)
    return v


@njit
def _date_ok(y, m, d, today):
    """A real calendar date between 1880-01-01 and ``today`` (yyyymmdd)."""
    if m < 1 or m > 12 or d < 1:
        return False
    mdays = 31
    if m == 2:
        mdays = 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    elif m == 4 or m == 6 or m == 9 or m == 11:
        mdays = 30
    if d > mdays or y < 1 or y > 9999:
        return False
    v = y * 10000 + m * 100 + d
    return 18800101 <= v <= today


@njit(inline="always")
def _digits_all(t, s, e):
    for i in range(s, e):
        if not _isdigit(t[i]):
            return False
    return True


@njit(inline="always")
def _mmdd(t, i):
    """The regex ``(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])`` at ``i``."""
    m0, m1, d0, d1 = t[i], t[i + 1], t[i + 2], t[i + 3]
    if not (_isdigit(m0) and _isdigit(m1) and _isdigit(d0) and _isdigit(d1)):
        return False
    if not ((m0 == 48 and m1 != 48) or (m0 == 49 and m1 <= 50)):
        return False
    return (d0 == 48 and d1 != 48) or d0 == 49 or d0 == 50 or (d0 == 51 and d1 <= 49)


@njit
def _id18_core(t, s):
    """``[1-9][0-9]{5}(?:18|19|20)[0-9]{2}DATE[0-9]{3}[0-9Xx]`` on 18 chars
    (also the ID shape ``[0-9X]`` of the upper-cased run that makes a
    credit code need a keyword)."""
    if not (49 <= t[s] <= 57 and _digits_all(t, s + 1, s + 17)):
        return False
    c6, c7 = t[s + 6], t[s + 7]
    if not ((c6 == 49 and (c7 == 56 or c7 == 57)) or (c6 == 50 and c7 == 48)):
        return False
    if not _mmdd(t, s + 10):
        return False
    last = t[s + 17]
    return _isdigit(last) or last == 88 or last == 120


@njit
def _id18_valid(t, s, today):
    """is_valid_id18(run.upper()) for an 18-character run."""
    if not _digits_all(t, s, s + 17):
        return False
    if _PROV[_num(t, s, 2)] == 0:
        return False
    if not _date_ok(_num(t, s + 6, 4), _num(t, s + 10, 2), _num(t, s + 12, 2), today):
        return False
    total = 0
    for i in range(17):
        total += (t[s + i] - 48) * _ID18_W[i]
    return _upper(t[s + 17]) == _ID18_CHECK[total % 11]


@njit
def _uscc_core(t, s):
    """``[CH]{2}[0-9]{6}[CH]{10}``, case-insensitive, on 18 chars."""
    for i in range(18):
        c = _upper(t[s + i])
        if 2 <= i < 8:
            if not _isdigit(c):
                return False
        elif c >= 128 or _UVAL[c] == 255:
            return False
    return True


@njit
def _uscc_valid(t, s, today):
    """_uscc_ok(run): GB 32100 on the upper-cased run, and not a valid ID."""
    a, b = _upper(t[s]), _upper(t[s + 1])
    if _BODY[a * 128 + b] == 0:
        return False
    total = 0
    for i in range(17):
        total += _UVAL[_upper(t[s + i])] * _UW[i]
    if _UVAL[_upper(t[s + 17])] != (31 - total % 31) % 31:
        return False
    return not _id18_valid(t, s, today)


@njit
def _luhn(t, s, e):
    total = 0
    k = 0
    for i in range(e - 1, s - 1, -1):
        d = t[i] - 48
        if k % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        k += 1
    return total % 10 == 0


@njit
def _landline_core(t, s, e):
    """``0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}(?:ext[0-9]{1,5})?``.
    The second character picks the one area-code alternative that can
    apply; "ext" starts with a letter, so the digit count before it is
    fixed."""
    if e - s < 10 or t[s] != 48:
        return False
    c1 = t[s + 1]
    if c1 == 49:
        if t[s + 2] != 48:
            return False
        r = s + 3
    elif c1 == 50:
        if not _isdigit(t[s + 2]):
            return False
        r = s + 3
    elif 51 <= c1 <= 57:
        if not (_isdigit(t[s + 2]) and _isdigit(t[s + 3])):
            return False
        r = s + 4
    else:
        return False
    if r >= e or not (50 <= t[r] <= 57):
        return False
    j = r + 1
    while j < e and _isdigit(t[j]):
        j += 1
    k = j - r - 1
    if j == e:
        return 6 <= k <= 7
    if k < 6 or k > 7 or e - j < 4 or not (t[j] == 101 and t[j + 1] == 120 and t[j + 2] == 116):
        return False
    return 1 <= e - j - 3 <= 5 and _digits_all(t, j + 3, e)


@njit
def _keyword_before(t, lo_cell, start, det, cfg):
    """Any keyword of ``det`` in the (lower-cased) 24 characters before
    ``start``, as ``detectors._keyword_before``."""
    lo = start - KEYWORD_WINDOW_
    if lo < lo_cell:
        lo = lo_cell
    kw_off, kw_data = cfg[_KWOFF_AT], cfg[_KWOFF_AT + 1]
    for k in range(cfg[_KWDET + det], cfg[_KWDET + det + 1]):
        ks, ke = kw_data + cfg[kw_off + k], kw_data + cfg[kw_off + k + 1]
        klen = ke - ks
        for p in range(lo, start - klen + 1):
            ok = True
            for q in range(klen):
                c = t[p + q]
                if 65 <= c <= 90:
                    c += 32
                if c != cfg[ks + q]:
                    ok = False
                    break
            if ok:
                return True
    return False


@njit(inline="always")
def _accept(det, t, lo, s, e, today, cfg):
    """Does detector ``det`` (index in RUN_TYPES) report the run t[s:e]?
    (Pattern core fullmatch, validator, keyword rule.)"""
    n = e - s
    needs_kw = False
    if det == 0:  # uscc
        if n != 18 or not _uscc_core(t, s) or not _uscc_valid(t, s, today):
            return False
        needs_kw = _id18_core(t, s)
    elif det == 1:  # id18
        if n != 18 or not _id18_core(t, s) or not _id18_valid(t, s, today):
            return False
    elif det == 2:  # bank card
        if n < 16 or n > 19 or not (49 <= t[s] <= 57) or not _digits_all(t, s, e):
            return False
        if not _luhn(t, s, e):
            return False
        needs_kw = not (t[s] == 54 and t[s + 1] == 50)
    elif det == 3:  # mobile
        if n == 15:
            if not (t[s] == 48 and t[s + 1] == 48 and t[s + 2] == 56 and t[s + 3] == 54):
                return False
            b = s + 4
        elif n == 11:
            b = s
        else:
            return False
        if t[b] != 49 or not (51 <= t[b + 1] <= 57) or not _digits_all(t, b, e):
            return False
        if _MOB[_num(t, b, 3)] == 0:
            return False
    elif det == 4:  # landline
        if not _landline_core(t, s, e):
            return False
    elif det == 5:  # id15
        if n != 15 or not (49 <= t[s] <= 57) or not _digits_all(t, s, e) or not _mmdd(t, s + 8):
            return False
        if _PROV[_num(t, s, 2)] == 0:
            return False
        if not _date_ok(1900 + _num(t, s + 6, 2), _num(t, s + 8, 2), _num(t, s + 10, 2), today):
            return False
        needs_kw = True
    elif det == 6:  # passport: [EGDSP][0-9]{8} | E[A-HJ-NP-Z][0-9]{7}
        if n != 9 or not _digits_all(t, s + 2, e):
            return False
        c0, c1 = t[s], t[s + 1]
        if not (((c0 == 69 or c0 == 71 or c0 == 68 or c0 == 83 or c0 == 80) and _isdigit(c1))
                or (c0 == 69 and 65 <= c1 <= 90 and c1 != 73 and c1 != 79)):
            return False
        needs_kw = True
    elif det == 7:  # permit: C[0-9A-HJ-NP-Z][0-9]{7} | [HM][0-9]{8}(?:[0-9]{2})?
        c0 = t[s]
        if c0 == 67:
            c1 = t[s + 1]
            if n != 9 or not (_isdigit(c1) or (65 <= c1 <= 90 and c1 != 73 and c1 != 79)):
                return False
            if not _digits_all(t, s + 2, e):
                return False
        elif c0 == 72 or c0 == 77:
            if (n != 9 and n != 11) or not _digits_all(t, s + 1, e):
                return False
        else:
            return False
        needs_kw = True
    if not needs_kw or cfg[_CONTEXT + det]:
        return True
    return _keyword_before(t, lo, s, det, cfg)


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
            if (nxt == 0x8F6C and i + 2 < hi and _isdigit(t[i + 2])) or \
                    (nxt == 0x5206 and i + 3 < hi and t[i + 2] == 0x673A and _isdigit(t[i + 3])):
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
        elif not _ishex(c):
            run_colons = 0
        if 65 <= nxt <= 90 and _is_plate(c):
            return True
        if nxt == 46 and _ipv4_at(t, i, hi):
            return True
        if _isalnum(c) and nxt == 46 and i + 2 < hi and _isalnum(t[i + 2]):
            dot_between = True
        prev = c
    return dot_between and long_run


@njit(inline="always")
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
        elif last_colon >= 0 and not _ishex(c):
            last_colon = -1
        if c == 64:
            return True
        if i + 1 < hi and 65 <= t[i + 1] <= 90 and _is_plate(c):
            return True
    return False


@njit(inline="always")
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
        if not _isalnum(t[j]):
            j += 1
            continue
        s = j
        while j < hi and _isalnum(t[j]):
            j += 1
        n = j - s
        if n < MIN_RUN or n > MAX_VALUE:
            continue
        for det in range(len(RUN_TYPES)):
            if cfg[_ACTIVE + det] and _accept(det, t, lo, s, j, today, cfg):
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


def _fingerprint(d: Detector):
    code = lambda f: getattr(f, "__code__", f)  # noqa: E731
    return (d.name, d.pattern, d.order, d.flags, tuple(d.keywords), code(d.validate),
            code(d.needs_keyword), code(d.canonical))


def _builtin_fingerprints():
    from .detectors import builtin_detectors
    return {d.name: _fingerprint(d) for d in builtin_detectors()}


_BUILTIN = _builtin_fingerprints()


def is_builtin(d: Detector) -> bool:
    """True if ``d`` is one of the built-in detectors, unchanged: only then
    may the kernel stand in for it."""
    return _BUILTIN.get(d.name) == _fingerprint(d)
