"""Free-text scrubbing: replace identifiers found inside longer values.

A Rust-regex prefilter runs over the whole batch first; only cells that
could hold an identifier go through the Python scan with checksum
validation, so clean remarks cost no Python at all.
"""
from __future__ import annotations

from collections import Counter

import polars as pl

from .detectors import Hit, find_hits, replace_hits


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

    def _render(self, hit: Hit) -> str:
        det = self.by_name[hit.type]
        if self.replacement == "pseudonymize" and self.keyring is not None:
            return self.keyring.token(det.name, det.token_prefix, det.canonical(hit.value))
        return f"〔{det.label_zh}〕"

    def candidates(self, s: pl.Series) -> pl.Series:
        """Row indices worth a Python scan."""
        if self.prefilter is None:
            mask = s.is_not_null() & (s.str.len_bytes() > 0)
        else:
            mask = s.str.contains(self.prefilter).fill_null(False)
        return mask.arg_true()

    def scrub_text(self, text: str) -> str:
        hits = find_hits(text, self.dets, self.context)
        for h in hits:
            self.counts[h.type] += 1
        return replace_hits(text, hits, self._render)

    def apply(self, s: pl.Series) -> pl.Series:
        idx = self.candidates(s)
        if len(idx) == 0:
            return s
        vals = s.gather(idx).to_list()
        new = [self.scrub_text(v) for v in vals]
        return s.scatter(idx, pl.Series(new, dtype=pl.String))

    def count(self, s: pl.Series) -> tuple[Counter, list[int]]:
        """Hits per type and the first row offsets, without rewriting."""
        idx = self.candidates(s)
        found: Counter = Counter()
        rows: list[int] = []
        if len(idx) == 0:
            return found, rows
        for i, v in zip(idx.to_list(), s.gather(idx).to_list()):
            hits = find_hits(v, self.dets, self.context)
            if hits:
                found.update(h.type for h in hits)
                if len(rows) < 5:
                    rows.append(i)
        return found, rows
