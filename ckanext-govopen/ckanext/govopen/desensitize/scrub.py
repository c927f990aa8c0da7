"""Free-text scrubbing: replace identifiers found inside longer values.

Three tiers per batch, cheapest first:

1. A Rust-regex prefilter drops cells that cannot hold any identifier.
2. Plain cells (see :mod:`.vecscan`) are scanned and validated for the
   built-in types entirely in polars.
3. Everything else (zero-width or compatibility characters, separators that
   may join several runs, plugin formats) goes through the Python reference
   :func:`~.detectors.find_hits`.

Both paths give identical hits; tests compare them on the labelled corpus.
"""
from __future__ import annotations

import threading
from collections import Counter

import polars as pl

from .detectors import Hit, find_hits, replace_hits
from .vecscan import ASCII_OF, FULLWIDTH, GATED_ONLY, RUN_RULES, VectorDetector, apply_hits, \
    is_builtin, route_expr


class Scrubber:
    def __init__(self, registry, keyring=None, replacement: str = "tag",
                 context_types: frozenset[str] = frozenset(), only_direct: bool = False):
        self.dets = [d for d in registry.text_detectors if d.direct or not only_direct]
        self.by_name = {d.name: d for d in self.dets}
        self.prefilter = registry.prefilter()
        self.keyring = keyring
        self.replacement = replacement
        self.context = context_types
        self.counts: Counter = Counter()
        self._lock = threading.Lock()  # batches may run on several threads
        self.vector = VectorDetector(self.dets, context_types)
        foreign = [d for d in self.dets
                   if not (is_builtin(d) and (d.name in RUN_RULES or d.name in GATED_ONLY))]
        # A foreign detector without its own prefilter could match anywhere,
        # so then every candidate cell takes the reference path.
        self.vector_ok = all(d.prefilter for d in foreign)
        self.foreign_prefilter = "|".join(f"(?:{d.prefilter})" for d in foreign) or None

    def _render(self, hit: Hit) -> str:
        det = self.by_name[hit.type]
        if self.replacement == "pseudonymize" and self.keyring is not None:
            return self.keyring.token(det.name, det.token_prefix, det.canonical(hit.value))
        return f"〔{det.label_zh}〕"

    def candidates(self, s: pl.Series) -> pl.Series:
        """Row indices worth a closer look."""
        if self.prefilter is None:
            mask = s.is_not_null() & (s.str.len_bytes() > 0)
        else:
            mask = s.str.contains(self.prefilter).fill_null(False)
        return mask.arg_true()

    def _split(self, s: pl.Series) -> tuple[pl.Series, pl.Series]:
        """(indices for the Python path, indices for the vector path)."""
        idx = self.candidates(s)
        if len(idx) == 0 or not self.vector_ok:
            return idx, idx.clear()
        vals = s.gather(idx)
        slow = route_expr(pl.col("v"))
        if self.foreign_prefilter:
            slow = slow | pl.col("v").str.contains(self.foreign_prefilter)
        mask = pl.DataFrame({"v": vals}).select(slow.fill_null(True)).to_series()
        return idx.filter(mask), idx.filter(~mask)

    def scrub_text(self, text: str) -> str:
        hits = find_hits(text, self.dets, self.context)
        with self._lock:
            for h in hits:
                self.counts[h.type] += 1
        return replace_hits(text, hits, self._render)

    def _vector_hits(self, vals: pl.Series) -> pl.DataFrame:
        return self.vector.find(vals.str.replace_many(FULLWIDTH, ASCII_OF))

    def _renders(self, hits: pl.DataFrame) -> pl.Series:
        if self.replacement == "pseudonymize" and self.keyring is not None:
            out = pl.Series("r", [None] * hits.height, dtype=pl.String)
            for (t,), part in hits.with_row_index("i").group_by(["type"]):
                det = self.by_name[t]
                uniq = part["value"].unique()
                toks = self.keyring.tokens_series(det.name, det.token_prefix,
                                                  [det.canonical(v) for v in uniq.to_list()])
                out = out.scatter(part["i"], part["value"].replace_strict(
                    uniq, toks, return_dtype=pl.String))
            return out
        labels = {d.name: f"〔{d.label_zh}〕" for d in self.dets}
        return hits["type"].replace_strict(labels, return_dtype=pl.String)

    def apply(self, s: pl.Series) -> pl.Series:
        slow, fast = self._split(s)
        out = s.clone()  # scatter writes in place; the caller's column stays as read
        if len(fast):
            vals = s.gather(fast)
            hits = self._vector_hits(vals)
            if hits.height:
                with self._lock:
                    self.counts.update(dict(hits["type"].value_counts().iter_rows()))
                new = apply_hits(vals, hits, self._renders(hits))
                changed = hits["row"].unique()
                out = out.scatter(fast.gather(changed), new.gather(changed))
        if len(slow):
            new = [self.scrub_text(v) for v in s.gather(slow).to_list()]
            out = out.scatter(slow, pl.Series(new, dtype=pl.String))
        return out

    def count(self, s: pl.Series) -> tuple[Counter, list[int]]:
        """Hits per type and the first row offsets, without rewriting."""
        slow, fast = self._split(s)
        found: Counter = Counter()
        rows: list[int] = []
        if len(fast):
            hits = self._vector_hits(s.gather(fast))
            if hits.height:
                found.update(dict(hits["type"].value_counts().iter_rows()))
                rows = fast.gather(hits["row"].unique().sort().head(5)).to_list()
        slow_rows: list[int] = []
        if len(slow):
            for i, v in zip(slow.to_list(), s.gather(slow).to_list()):
                hits = find_hits(v, self.dets, self.context)
                if hits:
                    found.update(h.type for h in hits)
                    if len(slow_rows) < 5:  # slow indices ascend
                        slow_rows.append(i)
        return found, sorted(rows + slow_rows)[:5]
