"""Vectorised operators (GUIDE §6.2) over polars Series.

An operator is ``fn(series, params, ctx) -> Series | None``; ``None`` means
"drop the column". They work on whole batches in polars' Rust kernels; only
pseudonymisation hashes each distinct value of a batch (in a numba kernel,
see :mod:`.pseudonym`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

from .canonical import canonical_series
from .detectors import Detector
from .pseudonym import Keyring

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


MASK_LITERAL_LENGTHS = 8


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
    lengths = n_distinct = None
    if s.len():
        lengths = s.str.len_chars().unique().drop_nulls().to_list()
        n_distinct = len(lengths)
    if n_distinct is not None and n_distinct <= MASK_LITERAL_LENGTHS:
        # Identifier columns have few distinct lengths: literal runs of the
        # mask character per length are much cheaper than padding per cell.
        out_e = None
        for k in sorted(lengths):
            val = (pl.concat_str([v.str.slice(0, p), pl.lit(ch * (k - p - q)), v.str.tail(q)])
                   if k > p + q else pl.lit(ch * k))
            out_e = (pl.when(n == k) if out_e is None else out_e.when(n == k)).then(val)
        out = _expr(s, out_e.otherwise(None) if out_e is not None else v)
    else:
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


def pseudonymize(s, params, ctx):
    if ctx.keyring is None:
        from .problems import DesensitizeError
        raise DesensitizeError.of("missing_key")
    det = ctx.detector
    prefix = params.get("prefix") or (det.token_prefix if det else "X")
    type_name = ctx.type_name or ctx.column
    uniq = s.drop_nulls().unique()
    frame = pl.DataFrame({"v": uniq, "c": canonical_series(det, uniq)})
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
