"""The built-in identifier patterns restated for one alphanumeric run.

:mod:`.runscan` reduces the reference scan to "which detector, in
detection order, accepts this maximal run of [0-9A-Za-z]". For each
built-in detector that can match inside one run, :func:`accept` checks
the run against the pattern's core (the regex of
:func:`.detectors.builtin_detectors` without its guards), the validator of
:mod:`ckanext.govopen.identifiers` (MOD 11-2, GB 32100, Luhn, real birth
dates, mobile segments) and the keyword rule (24 characters before the
run, lower-cased, unless the column header already names the type).
Only detectors identical to the built-ins (:func:`is_builtin`) are
decided this way.
"""
from __future__ import annotations

import numpy as np

from ckanext.govopen.identifiers import PROVINCE_PREFIXES, USCC_ALPHABET
from ckanext.govopen.identifiers.uscc import _BODY_TYPES, _USCC_WEIGHTS

from .detectors import KEYWORD_WINDOW, MOBILE_SEGMENTS, PLATE_PROVINCES, Detector
from .jit import njit

# Detectors decided per run, in detection order; the index is a hit's type.
RUN_TYPES = ("uscc", "id18", "bank_card", "mobile", "landline", "id15", "passport",
             "hk_macau_permit")
# Built-ins that never match inside one run: the cells where they could
# match go to the reference (see runscan._spanning).
GATED_ONLY = frozenset({"email", "ipv4", "ipv6", "plate"})
MAX_VALUE = 24   # longest run any of RUN_TYPES accepts is 20 characters
MIN_RUN = 9      # shortest (passport, permit)


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


# --- per-run checks (numba) -------------------------------------------------

@njit(inline="always")
def isdigit(c):
    return 48 <= c <= 57


@njit(inline="always")
def isalnum(c):
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


@njit(inline="always")
def ishex(c):
    return 48 <= c <= 57 or 65 <= c <= 70 or 97 <= c <= 102


@njit(inline="always")
def _upper(c):
    return c - 32 if 97 <= c <= 122 else c


@njit(inline="always")
def is_plate(c):
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
        if not isdigit(t[i]):
            return False
    return True


@njit(inline="always")
def _mmdd(t, i):
    """The regex ``(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])`` at ``i``."""
    m0, m1, d0, d1 = t[i], t[i + 1], t[i + 2], t[i + 3]
    if not (isdigit(m0) and isdigit(m1) and isdigit(d0) and isdigit(d1)):
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
    return isdigit(last) or last == 88 or last == 120


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
            if not isdigit(c):
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
        if not isdigit(t[s + 2]):
            return False
        r = s + 3
    elif 51 <= c1 <= 57:
        if not (isdigit(t[s + 2]) and isdigit(t[s + 3])):
            return False
        r = s + 4
    else:
        return False
    if r >= e or not (50 <= t[r] <= 57):
        return False
    j = r + 1
    while j < e and isdigit(t[j]):
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
    lo = start - KEYWORD_WINDOW
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


@njit
def accept(det, t, lo, s, e, today, cfg):
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
        if not (((c0 == 69 or c0 == 71 or c0 == 68 or c0 == 83 or c0 == 80) and isdigit(c1))
                or (c0 == 69 and 65 <= c1 <= 90 and c1 != 73 and c1 != 79)):
            return False
        needs_kw = True
    elif det == 7:  # permit: C[0-9A-HJ-NP-Z][0-9]{7} | [HM][0-9]{8}(?:[0-9]{2})?
        c0 = t[s]
        if c0 == 67:
            c1 = t[s + 1]
            if n != 9 or not (isdigit(c1) or (65 <= c1 <= 90 and c1 != 73 and c1 != 79)):
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
