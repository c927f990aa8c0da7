"""Vectorised detection of the built-in identifier types (GUIDE §6.1).

:func:`detectors.find_hits` is the reference: Python regexes with
lookaround guards, checksum validators and longest-first overlap
resolution, one cell at a time. This module gives the *same* answers for
whole batches in polars' Rust kernels, for the cells where that can be
shown to be equivalent, and routes every other cell back to the reference:

* **Plain cells only.** A cell is plain if every character is ASCII, CJK,
  a few CJK punctuation marks whose NFKC form is themselves, or a
  full-width ASCII form / ideographic space (NFKC maps those one-to-one to
  ASCII, so translating them keeps character offsets, and the replacement
  can be applied to the original text). Zero-width characters, circled
  digits, compatibility ideographs and the like go to Python.
* **One alphanumeric run per match.** Every built-in pattern is guarded by
  "not preceded/followed by [0-9A-Za-z]", so a match that contains no
  separator is exactly one maximal alphanumeric run. Cells where a match
  *could* span runs (digit-space-digit, ``+86``, ``(010)``, ``转``/``分机``
  extensions, dots or ``@`` between characters, IPv6 colons, plate
  prefixes) go to Python. For the remaining cells the Python regex matches a
  run iff the run fullmatches the pattern's core, and candidates of
  different detectors overlap only when they are the same run, so
  "longest first, then detection order" reduces to "lowest order wins".
* Validators are expressions: MOD 11-2 over the digits of an Int64, birth
  dates via ``str.to_date``, Luhn over a UInt64, GB 32100 over character
  codes read from UInt64 words, keywords via ``contains_any`` on the
  24-character window. Each detector's validators see only the runs that
  match its pattern and that no lower-order detector has taken.

Only detectors identical to the built-ins take this path; plugin detectors
are served by the Python scan of the cells their prefilter selects.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl

from ckanext.govopen.identifiers import PROVINCE_PREFIXES, USCC_ALPHABET
from ckanext.govopen.identifiers.uscc import _BODY_TYPES, _USCC_WEIGHTS

from .detectors import (
    _DATE, _ID_SHAPE, _USCC_CH, KEYWORD_WINDOW, MOBILE_SEGMENTS, PLATE_PROVINCES, Detector,
    builtin_detectors,
)

MIN_RUN = 9  # shortest single-run built-in match (passport, permit)
RUN_TOKEN = r"[^0-9A-Za-z]*[0-9A-Za-z]+"

# Characters with NFKC(c) == c that no built-in pattern uses, plus the
# one-to-one full-width forms (translated below). tests/desensitize checks
# both claims code point by code point.
PLAIN_RANGES = (
    (0x00, 0x7F), (0xB7, 0xB7), (0xD7, 0xD7), (0x2013, 0x2014), (0x2018, 0x2019),
    (0x201C, 0x201D), (0x2022, 0x2022), (0x3000, 0x3011), (0x3014, 0x301F),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF01, 0xFF5E),
    (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x30000, 0x3134F),
)
_NOT_PLAIN = "[^" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in PLAIN_RANGES) + "]"
FULLWIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
ASCII_OF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]
# Shapes in which a built-in match could span several alphanumeric runs
# (separators, parentheses, extensions) or whose detector needs its own gate
# (e-mail "@", IPv4/IPv6, plates). Checked on the translated text.
_SPANNING = (r"[0-9][ \-][0-9]|[0-9]\)|[+(][0-9]|[0-9](?:转|分机)[0-9]"
             r"|[0-9A-Za-z]\.[0-9A-Za-z]|@|:[0-9A-Fa-f]*:"
             rf"|[{PLATE_PROVINCES}][A-Z]")


def route_expr(text: pl.Expr) -> pl.Expr:
    """True where a (prefiltered) cell needs the Python reference scan."""
    t = text.str.replace_many(FULLWIDTH, ASCII_OF)
    return text.str.contains(_NOT_PLAIN) | t.str.contains(_SPANNING)


# --- validators as expressions over a column of whole runs -----------------

_ID18_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MIN_BIRTH = datetime.date(1880, 1, 1)


def _weighted_digits(n: pl.Expr, width: int, weights) -> pl.Expr:
    """Sum of digit[i] * weights[i] for an integer holding ``width`` digits."""
    return pl.sum_horizontal(
        (n // pl.lit(10 ** (width - 1 - i), dtype=pl.Int64) % 10) * w
        for i, w in enumerate(weights))


def _birth_ok(yyyymmdd: pl.Expr) -> pl.Expr:
    d = yyyymmdd.str.to_date("%Y%m%d", strict=False)
    return d.is_not_null() & (d >= _MIN_BIRTH) & (d <= datetime.date.today())


def id18_check_expr(n17: pl.Expr) -> pl.Expr:
    """Check character from the first 17 digits held as an Int64. Pass a
    column, not a cast expression: eager polars would re-evaluate the cast
    for each of the 17 digits."""
    s = _weighted_digits(n17, 17, _ID18_W)
    return (s % 11).replace_strict(list(range(11)), list("10X98765432"), return_dtype=pl.String)


def _n17(v: pl.Expr) -> dict[str, pl.Expr]:
    return {"_n17": v.str.head(17).cast(pl.Int64, strict=False)}


def id18_valid(v: pl.Expr) -> pl.Expr:
    """is_valid_id18(v.upper()) for runs that fullmatch the ID pattern;
    needs the ``_n17`` column of :func:`_n17`."""
    return (v.str.head(2).is_in(list(PROVINCE_PREFIXES)) & _birth_ok(v.str.slice(6, 8))
            & (v.str.slice(17, 1).str.to_uppercase() == id18_check_expr(pl.col("_n17"))))


def id15_to_id18(s: pl.Series) -> pl.Series:
    """id15_to_id18 for a Series of 15-digit strings."""
    f17 = s.to_frame("v").select(pl.concat_str([pl.col("v").str.head(6), pl.lit("19"),
                                                pl.col("v").str.slice(6)])).to_series()
    return (f17.to_frame("f").with_columns(_n17=pl.col("f").cast(pl.Int64, strict=False))
            .select(pl.concat_str([pl.col("f"), id18_check_expr(pl.col("_n17"))])).to_series())


def id15_valid(v: pl.Expr) -> pl.Expr:
    return v.str.head(2).is_in(list(PROVINCE_PREFIXES)) & _birth_ok(
        pl.concat_str([pl.lit("19"), v.str.slice(6, 6)]))


def luhn_valid(v: pl.Expr) -> pl.Expr:
    """Luhn over the ``_u64`` column (the run as UInt64: 19 digits fit)."""
    n = pl.col("_u64")
    total = []
    for j in range(19):
        d = (n // pl.lit(10 ** j, dtype=pl.UInt64) % 10).cast(pl.Int32)
        total.append(pl.when(d > 4).then(d * 2 - 9).otherwise(d * 2) if j % 2 else d)
    return pl.sum_horizontal(total) % 10 == 0


_USCC_PAIRS = [a + b for a, bs in _BODY_TYPES.items() for b in bs]


def _code_stages(v: pl.Expr, n: int) -> list[dict[str, pl.Expr]]:
    """Columns ``_c0`` … holding the byte values of the first ``n`` (<= 24)
    ASCII characters, via big-endian UInt64 words (``_w0`` …): integer
    arithmetic instead of one string slice per position. Two stages, so each
    word is computed once and not once per character that uses it."""
    padded = pl.concat_str([v, pl.lit(" " * 7)]).cast(pl.Binary)  # reinterpret wants 8 whole bytes
    words = {f"_w{w}": padded.bin.slice(8 * w, 8).bin.reinterpret(dtype=pl.UInt64, endianness="big")
             for w in range((n + 7) // 8)}
    codes = {f"_c{i}": (pl.col(f"_w{i // 8}") // pl.lit(256 ** (7 - i % 8), dtype=pl.UInt64)
                        % 256).cast(pl.Int32) for i in range(n)}
    return [words, codes]


def _uscc_value(c: pl.Expr) -> pl.Expr:
    """Index in USCC_ALPHABET of an ASCII code (digits, then A-Y without
    I, O, S, V, Z)."""
    letter = c - 55 - (c > 73).cast(pl.Int32) - (c > 79).cast(pl.Int32) \
        - (c > 83).cast(pl.Int32) - (c > 86).cast(pl.Int32)
    return pl.when(c < 58).then(c - 48).otherwise(letter)


def uscc_valid(u: pl.Expr) -> pl.Expr:
    """is_valid_uscc for upper-cased runs that fullmatch the USCC pattern;
    needs the columns of ``_code_stages(u, 17)``."""
    s = pl.sum_horizontal(_uscc_value(pl.col(f"_c{i}")) * w for i, w in enumerate(_USCC_WEIGHTS))
    check = ((31 - s % 31) % 31).replace_strict(
        list(range(31)), list(USCC_ALPHABET), return_dtype=pl.String)
    return u.str.head(2).is_in(_USCC_PAIRS) & (u.str.slice(17, 1) == check)


@dataclass(frozen=True)
class RunRule:
    """A built-in detector restated for single runs: ``core`` must fullmatch
    the run; ``valid`` and ``needs_kw`` mirror ``validate``/``needs_keyword``."""
    core: str
    valid: object = None      # fn(run expr) -> bool expr
    needs_kw: object = None   # fn(run expr) -> bool expr; None = never
    stages: object = None     # fn(run expr) -> [{name: expr}], helper columns for ``valid``


def _always(v: pl.Expr) -> pl.Expr:
    return pl.lit(True)


def _run_rules() -> dict[str, RunRule]:
    def uscc(v):
        u = v.str.to_uppercase()
        return uscc_valid(u) & ~(u.str.contains(f"^{_ID18_CORE}$") & id18_valid(u))
    return {
        "uscc": RunRule(rf"(?i)[{_USCC_CH}]{{2}}[0-9]{{6}}[{_USCC_CH}]{{10}}", uscc,
                        lambda v: v.str.to_uppercase().str.contains(f"^(?:{_ID_SHAPE.pattern})$"),
                        lambda v: [_n17(v)] + _code_stages(v.str.to_uppercase(), 17)),
        "id18": RunRule(_ID18_CORE, id18_valid, None, lambda v: [_n17(v)]),
        "bank_card": RunRule(r"[1-9][0-9]{15,18}", luhn_valid,
                             lambda v: ~v.str.starts_with("62"),
                             lambda v: [{"_u64": v.cast(pl.UInt64, strict=False)}]),
        "mobile": RunRule(r"(?:0086)?1[3-9][0-9]{9}",
                          lambda v: v.str.tail(11).str.head(3).is_in(sorted(MOBILE_SEGMENTS))),
        "landline": RunRule(r"0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}(?:ext[0-9]{1,5})?"),
        "id15": RunRule(rf"[1-9][0-9]{{5}}[0-9]{{2}}{_DATE}[0-9]{{3}}", id15_valid, _always),
        "passport": RunRule(r"[EGDSP][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}", None, _always),
        "hk_macau_permit": RunRule(r"C[0-9A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?", None,
                                   _always),
    }


_ID18_CORE = rf"[1-9][0-9]{{5}}(?:18|19|20)[0-9]{{2}}{_DATE}[0-9]{{3}}[0-9Xx]"
RUN_RULES = _run_rules()
# Built-ins that never match a single plain run; the router sends every cell
# that passes their gates to Python, so they need no run rule.
GATED_ONLY = frozenset({"email", "ipv4", "ipv6", "plate"})


def _fingerprint(d: Detector):
    code = lambda f: getattr(f, "__code__", f)  # noqa: E731
    return (d.name, d.pattern, d.order, d.flags, tuple(d.keywords), code(d.validate),
            code(d.needs_keyword), code(d.canonical))


_BUILTIN = {d.name: _fingerprint(d) for d in builtin_detectors()}


def is_builtin(d: Detector) -> bool:
    return _BUILTIN.get(d.name) == _fingerprint(d)


class VectorDetector:
    """Finds hits of the built-in detectors among ``dets`` in plain cells.

    ``find(texts)`` takes the *translated* text of plain, non-spanning cells
    and returns a frame (row, start, end, type, value) of accepted hits, at
    most one per run, with character offsets valid for the original text."""

    def __init__(self, dets: list[Detector], context_types: frozenset[str]):
        self.dets = [d for d in dets if d.name in RUN_RULES and is_builtin(d)]
        self.context = context_types
        # Expressions are built once: constructing the validator trees in
        # Python costs more than evaluating them on a batch.
        run = pl.col("run")
        lo = (pl.col("start").cast(pl.Int64) - KEYWORD_WINDOW).clip(lower_bound=0)
        window = pl.col("w").str.slice(lo, pl.col("start") - lo).str.to_lowercase()
        self.plans = []
        for d in self.dets:
            rule = RUN_RULES[d.name]
            ok = pl.lit(True) if rule.valid is None else rule.valid(run)
            needs_window = rule.needs_kw is not None and d.name not in context_types
            if needs_window:
                ok = ok & (~rule.needs_kw(run) | (
                    window.str.contains_any(list(d.keywords)) if d.keywords else pl.lit(False)))
            stages = rule.stages(run) if rule.stages else []
            self.plans.append((d.name, run.str.contains(f"^(?:{rule.core})$"),
                               ok.fill_null(False), needs_window, stages))

    def find(self, texts: pl.Series) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"row": pl.UInt32, "start": pl.UInt32, "end": pl.UInt32,
                                     "type": pl.String, "value": pl.String})
        if not self.dets or texts.len() == 0:
            return empty
        # Tokens "non-run prefix + run" tile each cell from its start, so a
        # run ends at the running total of token lengths within its cell.
        toks = (pl.DataFrame({"t": texts}).with_row_index("row")
                .select("row", tok=pl.col("t").str.extract_all(RUN_TOKEN))
                .explode("tok").drop_nulls("tok"))
        n = pl.col("tok").str.len_chars().cast(pl.Int64)
        total = n.cum_sum()
        new_row = pl.col("row") != pl.col("row").shift(1)
        base = pl.when(new_row.fill_null(True)).then(total - n).otherwise(None).forward_fill()
        runs = (toks.with_columns(end=(total - base).cast(pl.UInt32),
                                  run=pl.col("tok").str.extract(r"([0-9A-Za-z]+)$", 1))
                .filter(pl.col("run").str.len_chars() >= MIN_RUN)
                .select("row", "run", "end"))
        if runs.height == 0:
            return empty
        runs = runs.with_columns(start=pl.col("end") - pl.col("run").str.len_chars())
        # Detection order: a run taken by a lower order is not offered to
        # later detectors, and validators only see runs matching their core.
        runs = runs.with_row_index("i")
        owner = pl.Series("type", [None] * runs.height, dtype=pl.String)
        free = runs
        for name, core, ok, needs_window, stages in self.plans:
            cand = free.filter(core)
            if cand.height == 0:
                continue
            if needs_window:  # the keyword window only for runs that need it
                cand = cand.with_columns(texts.gather(cand["row"]).alias("w"))
            for stage in stages:
                cand = cand.with_columns(**stage)
            won = cand.filter(ok)["i"]
            if len(won):
                owner = owner.scatter(won, name)
                free = free.filter(~pl.col("i").is_in(won.implode()))
        hits = runs.with_columns(owner).filter(pl.col("type").is_not_null())
        return hits.select("row", "start", "end", "type", value=pl.col("run"))


def apply_hits(orig: pl.Series, hits: pl.DataFrame, render: pl.Series) -> pl.Series:
    """Replace ``hits`` (row, start, end; ``render`` aligned with them) in
    ``orig``, right to left within each row so earlier offsets stay valid."""
    if hits.height == 0:
        return orig
    h = (hits.select("row", "start", "end").with_columns(r=render)
         .sort(["row", "start"], descending=[False, True])
         .with_columns(k=pl.col("row").cum_count().over("row") - 1))
    out = orig.clone()  # scatter writes in place
    for k in range(int(h["k"].max()) + 1):
        step = h.filter(pl.col("k") == k)
        rows = step["row"]
        cur = out.gather(rows)
        new = pl.DataFrame({"c": cur, "s": step["start"], "e": step["end"], "r": step["r"]}).select(
            pl.concat_str([pl.col("c").str.slice(0, pl.col("s")), pl.col("r"),
                           pl.col("c").str.slice(pl.col("e"))])).to_series()
        out = out.scatter(rows, new)
    return out
