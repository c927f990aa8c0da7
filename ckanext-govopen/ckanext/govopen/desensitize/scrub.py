"""Free-text scrubbing and the verification count: identifiers inside
longer values.

Per column batch, :func:`.runscan.scan` decides every cell in one compiled
pass: no identifier possible, hits found (built-in types), or "take the
reference path". The reference path is :func:`~.detectors.find_hits` in
Python, for the few cells whose shape the kernel does not decide (see
:mod:`.runscan`) and for cells a plugin detector's prefilter selects; a
plugin detector without a prefilter sends every non-empty cell there.
Replacements are spliced into the original bytes in a second kernel.
Both paths give identical hits; tests compare them.
"""
from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import polars as pl

from . import runscan
from .canonical import canonical_series
from .detectors import Hit, find_hits, replace_hits
from .jit import str_buffers


class Scrubber:
    def __init__(self, registry, keyring=None, replacement: str = "tag",
                 context_types: frozenset[str] = frozenset(), only_direct: bool = False):
        self.dets = [d for d in registry.text_detectors if d.direct or not only_direct]
        self.by_name = {d.name: d for d in self.dets}
        self.keyring = keyring
        self.replacement = replacement
        self.context = context_types
        self.counts: Counter = Counter()
        self._lock = threading.Lock()  # batches may run on several threads
        self.cfg = runscan.config(self.dets, context_types)
        foreign = [d for d in self.dets if not (runscan.is_builtin(d) and (
            d.name in runscan.RUN_TYPES or d.name in runscan.GATED_ONLY))]
        # A foreign detector without its own prefilter could match anywhere.
        self.all_reference = any(not d.prefilter for d in foreign)
        self.foreign_prefilter = "|".join(f"(?:{d.prefilter})" for d in foreign) or None
        self._labels = None

    # --- shared -------------------------------------------------------------

    def _scan(self, s: pl.Series):
        """(data, offsets, kernel result with hits of kernel-decided cells
        only, indices of cells for the reference path)."""
        data, offs = str_buffers(s)
        res = runscan.scan(data, offs, self.cfg)
        slow = res.status == runscan.SLOW
        if self.all_reference:
            slow = np.diff(offs) > 0
        elif self.foreign_prefilter:
            slow = slow | s.str.contains(self.foreign_prefilter).fill_null(False).to_numpy()
        if slow.any() and len(res.cell):
            res = res.only(~slow[res.cell])
        return data, offs, res, np.flatnonzero(slow)

    def _type_counts(self, res) -> Counter:
        if not len(res.type):
            return Counter()
        n = np.bincount(res.type, minlength=len(runscan.RUN_TYPES))
        return Counter({t: int(c) for t, c in zip(runscan.RUN_TYPES, n) if c})

    # --- rewriting ----------------------------------------------------------

    def _render(self, hit: Hit) -> str:
        det = self.by_name[hit.type]
        if self.replacement == "pseudonymize" and self.keyring is not None:
            return self.keyring.token(det.name, det.token_prefix, det.canonical(hit.value))
        return f"〔{det.label_zh}〕"

    def scrub_text(self, text: str, counts: Counter | None = None) -> str:
        hits = find_hits(text, self.dets, self.context)
        with self._lock:
            (self.counts if counts is None else counts).update(h.type for h in hits)
        return replace_hits(text, hits, self._render)

    def _label_table(self):
        if self._labels is None:
            labels = [f"〔{self.by_name[t].label_zh}〕" if t in self.by_name else ""
                      for t in runscan.RUN_TYPES]
            self._labels = str_buffers(pl.Series(labels, dtype=pl.String))
        return self._labels

    def _renders(self, res) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(render index per hit, render table data, offsets)."""
        if self.replacement == "pseudonymize" and self.keyring is not None:
            hits = pl.DataFrame({"type": res.type, "value": res.values()})
            toks = []
            for (t,), part in hits.unique().group_by(["type"]):
                det = self.by_name[runscan.RUN_TYPES[t]]
                canon = canonical_series(det, part["value"])
                toks.append(part.with_columns(
                    tok=self.keyring.tokens_series(det.name, det.token_prefix, canon)))
            table = pl.concat(toks)
            tok = hits.join(table, on=["type", "value"], how="left", maintain_order="left")["tok"]
            data, off = str_buffers(tok)
            return np.arange(len(res.type)), data, off
        data, off = self._label_table()
        return res.type.astype(np.int64), data, off

    def apply(self, s: pl.Series, counts: Counter | None = None) -> pl.Series:
        """``s`` with every hit replaced; hits are counted in ``counts``
        (default: ``self.counts``; pass one per segment when several
        threads share this scrubber)."""
        return self.apply_tracked(s, counts)[0]

    def apply_tracked(self, s: pl.Series, counts: Counter | None = None
                      ) -> tuple[pl.Series, np.ndarray]:
        """:meth:`apply`, plus the sorted indices of the cells it changed.
        Every other cell was scanned and holds no identifier of these
        detectors, hence none of any subset of them."""
        data, offs, res, slow = self._scan(s)
        out = s.clone()  # scatter writes in place; the caller's column stays as read
        changed = [res.cells()]
        if len(res.cell):
            with self._lock:
                (self.counts if counts is None else counts).update(self._type_counts(res))
            r_index, r_data, r_off = self._renders(res)
            cells, new = runscan.splice(data, offs, res, r_index, r_data, r_off)
            out = out.scatter(cells, new)
        if len(slow):
            vals = s.gather(slow).to_list()
            new = [self.scrub_text(v, counts) for v in vals]
            out = out.scatter(slow, pl.Series(new, dtype=pl.String))
            changed.append(slow[np.array([a != b for a, b in zip(vals, new)], dtype=bool)])
        return out, (changed[0] if len(changed) == 1 else np.sort(np.concatenate(changed)))

    # --- verification -------------------------------------------------------

    def count(self, s: pl.Series, only: np.ndarray | None = None) -> tuple[Counter, list[int]]:
        """Hits per type and the first row offsets, without rewriting;
        ``only``: scan just these cells (sorted indices)."""
        if only is not None:
            found, rows = self.count(s.gather(only))
            return found, [int(only[r]) for r in rows]
        _, _, res, slow = self._scan(s)
        found = self._type_counts(res)
        rows = res.cells()[:5].tolist()
        if len(slow):
            for i, v in zip(slow.tolist(), s.gather(slow).to_list()):
                hits = find_hits(v, self.dets, self.context)
                if hits:
                    found.update(h.type for h in hits)
                    rows.append(i)
        return found, sorted(rows)[:5]
