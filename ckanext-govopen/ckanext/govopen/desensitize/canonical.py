"""Canonical forms of identifiers before hashing (GUIDE §6.2).

15/18-digit, ``x``/``X``, ``+86`` and e-mail case variants of one
identifier must share a pseudonym, so values are normalised with the
detector's ``canonical`` function first. For the built-in canonical forms
and plain ASCII values (nearly all) this runs as polars expressions; other
values go through the Python function.
"""
from __future__ import annotations

from typing import Callable

import polars as pl

from .detectors import Detector, _digits, canonical_id, canonical_phone
from .text import normalize

_ID18_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_IDENTITY_CODE = Detector.__dataclass_fields__["canonical"].default.__code__


def id18_check_expr(n17: pl.Expr) -> pl.Expr:
    """Check character from the first 17 digits held as an Int64. Pass a
    column, not a cast expression: eager polars would re-evaluate the cast
    for each of the 17 digits."""
    s = pl.sum_horizontal((n17 // pl.lit(10 ** (16 - i), dtype=pl.Int64) % 10) * w
                          for i, w in enumerate(_ID18_W))
    return (s % 11).replace_strict(list(range(11)), list("10X98765432"), return_dtype=pl.String)


def id15_to_id18(s: pl.Series) -> pl.Series:
    """``identifiers.id15_to_id18`` for a Series of 15-digit strings."""
    f17 = s.to_frame("v").select(pl.concat_str([pl.col("v").str.head(6), pl.lit("19"),
                                                pl.col("v").str.slice(6)])).to_series()
    return (f17.to_frame("f").with_columns(_n17=pl.col("f").cast(pl.Int64, strict=False))
            .select(pl.concat_str([pl.col("f"), id18_check_expr(pl.col("_n17"))])).to_series())


def _canonical_expr(det: Detector | None) -> Callable[[pl.Expr], pl.Expr] | None:
    """The detector's ``canonical`` as an expression, valid for values made
    only of ASCII letters and digits (for those NFKC and strip are the
    identity); None if the canonical form is not a known built-in."""
    fn = det.canonical if det else None
    code = getattr(fn, "__code__", None)
    if fn is None or code is _IDENTITY_CODE:
        return lambda v: v
    if fn is str.upper:
        return lambda v: v.str.to_uppercase()
    if fn is str.lower:
        return lambda v: v.str.to_lowercase()
    if code is canonical_id.__code__:
        # 15-digit forms are upgraded afterwards, on that subset only: the
        # check digit is too costly to compute for all.
        return lambda v: v.str.to_uppercase()
    digits_only = lambda v: v.str.contains("^[0-9]+$")  # noqa: E731  letters are dropped by _digits
    if code is _digits.__code__:
        return lambda v: pl.when(digits_only(v)).then(v)
    if code is canonical_phone.__code__:
        n = lambda v: v.str.len_chars()  # noqa: E731
        return lambda v: (pl.when(~digits_only(v)).then(None)
                          .when((n(v) == 15) & v.str.starts_with("0086")).then(v.str.slice(4))
                          .when((n(v) == 13) & v.str.starts_with("86")).then(v.str.slice(2))
                          .otherwise(v))
    return None


def _canonical_python(vals: list[str], canon) -> list[str]:
    out = []
    for v in vals:
        n = normalize(v).strip()
        try:
            out.append(canon(n))
        except Exception:  # a malformed value in an ID column still gets a token
            out.append(n)
    return out


def canonical_series(det: Detector | None, values: pl.Series) -> pl.Series:
    """``det.canonical(normalize(v).strip())`` for each of ``values`` (no
    nulls; pass distinct values, this is per value)."""
    canon = det.canonical if det else (lambda x: x)
    expr = _canonical_expr(det)
    frame = pl.DataFrame({"v": values})
    if expr is not None:
        frame = frame.with_columns(c=pl.when(pl.col("v").str.contains("^[0-9A-Za-z]+$"))
                                   .then(expr(pl.col("v"))))
    else:
        frame = frame.with_columns(c=pl.lit(None, dtype=pl.String))
    if expr is not None and det is not None and \
            getattr(det.canonical, "__code__", None) is canonical_id.__code__:
        legacy = (frame["c"].str.contains("^[0-9]{15}$")).fill_null(False).arg_true()
        if len(legacy):
            frame = frame.with_columns(frame["c"].clone().scatter(
                legacy, id15_to_id18(frame["c"].gather(legacy))))
    slow = frame["c"].is_null().arg_true()
    if len(slow):
        fixed = _canonical_python(frame["v"].gather(slow).to_list(), canon)
        frame = frame.with_columns(frame["c"].scatter(slow, pl.Series(fixed, dtype=pl.String)))
    return frame["c"]
