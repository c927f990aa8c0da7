"""Vectorised operators (GUIDE §6.2) over polars Series.

An operator is ``fn(series, params, ctx) -> Series | None``; ``None`` means
"drop the column". They work on whole batches in polars' Rust kernels; only
pseudonymisation calls into Python, once per distinct value in a batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

from .detectors import Detector, canonical_id
from .vecscan import id15_to_id18
from .pseudonym import Keyring
from .text import normalize

Operator = Callable[[pl.Series, dict, "OpContext"], "pl.Series | None"]


@dataclass
class OpContext:
    column: str
    type_name: str | None
    detector: Detector | None
    keyring: Keyring | None
    seed: int = 0


def _expr(s: pl.Series, expr: pl.Expr) -> pl.Series:
    return s.to_frame("v").select(expr.alias(s.name)).to_series()


def keep(s, params, ctx):
    return s


def suppress(s, params, ctx):
    if params.get("mode", "drop") == "drop":
        return None
    return pl.Series(s.name, [params.get("value", "")] * len(s), dtype=pl.String)


def replace(s, params, ctx):
    value = params.get("value", "")
    return _expr(s, pl.when(pl.col("v").is_null()).then(None).otherwise(pl.lit(value)))


def _mask_regex(s, p, q, ch):
    v = pl.col("v")
    n = v.str.len_chars()
    mid = (n - p - q).clip(lower_bound=0)
    masked = pl.concat_str([v.str.slice(0, p),
                            v.str.slice(p, mid).str.replace_all(".", ch, literal=False),
                            pl.when(n > p + q).then(v.str.tail(q)).otherwise(pl.lit(""))])
    short = v.str.replace_all(".", ch, literal=False)
    return _expr(s, pl.when(n > p + q).then(masked).otherwise(short))


def mask(s, params, ctx):
    """Display mask only (GUIDE §6.3); the plan linter flags it on direct IDs.

    Each masked character becomes ``char``; a regex ``.`` does not match a
    line break, so cells holding one keep it (they take the regex form, the
    rest is built by padding, without a regex)."""
    p, q = int(params.get("keep_prefix", 0)), int(params.get("keep_suffix", 0))
    ch = params.get("char", "*")
    if len(ch) != 1 or ch in "$\\":
        return _mask_regex(s, p, q, ch)
    v = pl.col("v")
    n = v.str.len_chars().cast(pl.Int64)
    stars = lambda k: pl.lit("").str.pad_start(k.clip(lower_bound=0), ch)  # noqa: E731
    out = _expr(s, pl.when(n > p + q)
                .then(pl.concat_str([v.str.slice(0, p), stars(n - p - q), v.str.tail(q)]))
                .otherwise(stars(n)))
    nl = s.str.contains("\n", literal=True).fill_null(False).arg_true()
    if len(nl):
        out = out.scatter(nl, _mask_regex(s.gather(nl), p, q, ch))
    return out


def truncate(s, params, ctx):
    n = int(params.get("length", 4))
    if params.get("side", "left") == "right":
        return _expr(s, pl.col("v").str.tail(n))
    return _expr(s, pl.col("v").str.slice(0, n))


_PROV = r"(?:[^省市]{2,7}?(?:省|自治区|特别行政区))?"
_CITY = r"(?:[^市盟区县]{1,8}?(?:市|自治州|盟|地区))?"
_COUNTY = r"[^区县旗市路街镇乡村号\d]{1,8}?(?:区|县|旗|市)"


def _address_levels(level: str) -> list[pl.Expr]:
    v = pl.col("v").str.strip_chars()
    county = v.str.extract(f"^({_PROV}{_CITY}{_COUNTY})", 1)
    city = v.str.extract(f"^({_PROV}[^市盟区县]{{1,8}}?(?:市|自治州|盟|地区))", 1)
    prov = v.str.extract(r"^([^省市]{2,7}?(?:省|自治区|特别行政区|市))", 1)
    return {"county": [county, city, prov], "city": [city, prov], "province": [prov]}[level]


def _by_unique(s: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``fn`` (a per-value function) on the distinct values of ``s`` only,
    mapped back with a join, when values repeat (addresses, dates)."""
    u = s.unique()
    if len(u) * 4 > len(s):
        return fn(s)
    frame = pl.DataFrame({"v": u, "t": fn(u.rename(s.name))})
    return (s.rename("v").to_frame().join(frame, on="v", how="left", maintain_order="left")
            ["t"].rename(s.name))


def _gen_address(s: pl.Series, level: str) -> pl.Series:
    return _by_unique(s, lambda u: _gen_address_all(u, level))


def _gen_address_all(s: pl.Series, level: str) -> pl.Series:
    """First level of the chain that parses; each fallback regex runs only
    on the cells the previous one could not parse (few), not on all."""
    chain = _address_levels(level)
    out = s.to_frame("v").select(chain[0]).to_series()
    for expr in chain[1:]:
        miss = (out.is_null() & s.is_not_null()).arg_true()
        if len(miss) == 0:
            break
        out = out.clone().scatter(miss, s.gather(miss).to_frame("v").select(expr).to_series())
    # Unparseable addresses become empty rather than leaking a street.
    return _expr(out, pl.when(pl.col("v").is_null() & s.is_not_null()).then(pl.lit(""))
                 .otherwise(pl.col("v"))).alias(s.name)


def generalize(s, params, ctx):
    kind = params.get("kind", "date")
    v = pl.col("v")
    if kind == "address":
        return _gen_address(s, params.get("level", "county"))
    if kind == "date":
        v = v.str.normalize("NFKC")
        g = v.str.extract_groups(r"^\s*(?P<y>\d{4})\s*[-/年.]?\s*(?P<m>\d{1,2})?")
        y, m = g.struct.field("y"), g.struct.field("m")
        if params.get("level", "year") == "month":
            return _expr(s, pl.when(m.is_null()).then(y)
                         .otherwise(pl.concat_str([y, pl.lit("-"), m.str.zfill(2)])))
        return _expr(s, y)
    if kind in ("age", "number"):
        w = float(params.get("width", 10))
        x = v.str.strip_chars().cast(pl.Float64, strict=False)
        lo = (x / w).floor() * w
        fmt = lambda e: e.cast(pl.Int64).cast(pl.String) if float(w).is_integer() else e.cast(pl.String)
        band = pl.concat_str([fmt(lo), pl.lit("-"), fmt(lo + w - (1 if kind == "age" else 0))])
        top = params.get("top")
        if top is not None:
            band = pl.when(x >= float(top)).then(pl.lit(f"{top}+")).otherwise(band)
        return _expr(s, pl.when(x.is_null()).then(None).otherwise(band))
    raise ValueError(f"unknown generalize kind {kind!r}")


def noise(s, params, ctx):
    """Keyed, value-deterministic uniform noise: equal inputs get equal noise,
    so averaging repeated values does not cancel it."""
    scale = float(params.get("scale", 1.0))
    digits = int(params.get("round", 2))
    x = pl.col("v").str.strip_chars().cast(pl.Float64, strict=False)
    u = (pl.col("v").hash(seed=ctx.seed) % 2_000_001).cast(pl.Float64) / 1_000_000 - 1.0
    noisy = (x + u * scale).round(digits)
    out = noisy.cast(pl.Int64).cast(pl.String) if digits == 0 else noisy.cast(pl.String)
    return _expr(s, pl.when(x.is_null()).then(pl.col("v")).otherwise(out))


def _canonical_expr(det: Detector | None) -> Callable[[pl.Expr], pl.Expr] | None:
    """The detector's ``canonical`` as an expression, valid for values made
    only of ASCII letters and digits (for those NFKC and strip are the
    identity); None if the canonical form is not a known built-in."""
    from .detectors import _digits, canonical_id, canonical_phone
    fn = det.canonical if det else None
    code = getattr(fn, "__code__", None)
    if fn is None or code is _IDENTITY_CODE:
        return lambda v: v
    if fn is str.upper:
        return lambda v: v.str.to_uppercase()
    if fn is str.lower:
        return lambda v: v.str.to_lowercase()
    if code is canonical_id.__code__:
        # 15-digit forms are upgraded afterwards, on that subset only
        # (see pseudonymize): the check digit is too costly to compute for all.
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


_IDENTITY_CODE = Detector.__dataclass_fields__["canonical"].default.__code__
_CANON_ID_CODE = canonical_id.__code__


def _canonical_python(vals: list[str], canon) -> list[str]:
    out = []
    for v in vals:
        n = normalize(v).strip()
        try:
            out.append(canon(n))
        except Exception:  # a malformed value in an ID column still gets a token
            out.append(n)
    return out


def pseudonymize(s, params, ctx):
    if ctx.keyring is None:
        from .problems import DesensitizeError
        raise DesensitizeError.of("missing_key")
    det = ctx.detector
    canon = det.canonical if det else (lambda x: x)
    prefix = params.get("prefix") or (det.token_prefix if det else "X")
    type_name = ctx.type_name or ctx.column
    uniq = s.drop_nulls().unique()
    # Normalise before hashing so 15/18-digit, x/X, +86 and e-mail case
    # variants of one identifier share a token. Plain ASCII values (nearly
    # all) are canonicalised as an expression; the rest in Python.
    expr = _canonical_expr(det)
    frame = pl.DataFrame({"v": uniq})
    if expr is not None:
        frame = frame.with_columns(c=pl.when(pl.col("v").str.contains("^[0-9A-Za-z]+$"))
                                   .then(expr(pl.col("v"))))
    else:
        frame = frame.with_columns(c=pl.lit(None, dtype=pl.String))
    if expr is not None and det is not None and getattr(det.canonical, "__code__", None) is _CANON_ID_CODE:
        legacy = (frame["c"].str.contains("^[0-9]{15}$")).fill_null(False).arg_true()
        if len(legacy):
            frame = frame.with_columns(frame["c"].clone().scatter(
                legacy, id15_to_id18(frame["c"].gather(legacy))))
    slow = frame["c"].is_null().arg_true()
    if len(slow):
        fixed = _canonical_python(frame["v"].gather(slow).to_list(), canon)
        frame = frame.with_columns(frame["c"].scatter(slow, pl.Series(fixed, dtype=pl.String)))
    # One HMAC per distinct raw value; case variants of one ID cost a second
    # HMAC, which is cheaper than a hash join over canonical forms.
    toks = ctx.keyring.tokens_series(type_name, prefix, frame["c"])
    # Blank cells stay blank rather than sharing the token of "".
    frame = frame.select("v", t=pl.when(pl.col("v").str.contains(r"^[\s\x1c-\x1f]*$"))
                         .then(pl.lit("")).otherwise(toks))
    # A left join maps rows to tokens faster than replace_strict.
    return (s.rename("v").to_frame().join(frame, on="v", how="left", maintain_order="left")
            ["t"].rename(s.name))


BUILTIN_OPERATORS: dict[str, Operator] = {
    "keep": keep, "suppress": suppress, "replace": replace, "mask": mask,
    "truncate": truncate, "generalize": generalize, "noise": noise,
    "pseudonymize": pseudonymize,
}

# Operators that leave a direct identifier recoverable; GUIDE §6.3.
WEAK_FOR_DIRECT = frozenset({"keep", "mask", "truncate"})
