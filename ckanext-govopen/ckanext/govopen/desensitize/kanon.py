"""k-anonymity over declared quasi-identifiers (GUIDE §6.4).

Equivalence-class counts are accumulated batch by batch and compacted, so
memory grows with the number of distinct quasi-identifier combinations,
not with the number of rows.
"""
from __future__ import annotations

import threading

import polars as pl

COMPACT_AT = 500_000


class KAnonCounter:
    def __init__(self, columns: list[str]):
        self.columns = list(columns)
        self._parts: list[pl.DataFrame] = []
        self._pending = 0
        self._lock = threading.Lock()  # morsels arrive from several threads

    def update(self, df: pl.DataFrame) -> None:
        cols = [c for c in self.columns if c in df.columns]
        if not cols or df.height == 0:
            return
        part = df.select(cols).group_by(cols).len()
        with self._lock:
            self._parts.append(part)
            self._pending += part.height
            if self._pending > COMPACT_AT:
                self._compact()

    def add(self, part: pl.DataFrame | None) -> None:
        """Merge counts already grouped elsewhere (a worker's segment)."""
        if part is None or part.height == 0:
            return
        with self._lock:
            self._parts.append(part)
            self._pending += part.height
            if self._pending > COMPACT_AT:
                self._compact()

    def _compact(self) -> None:
        if len(self._parts) > 1:
            allp = pl.concat(self._parts, how="vertical_relaxed")
            cols = [c for c in allp.columns if c != "len"]
            self._parts = [allp.group_by(cols).agg(pl.col("len").sum())]
        self._pending = self._parts[0].height if self._parts else 0

    def counts(self) -> pl.DataFrame:
        """The equivalence classes so far: quasi-identifier columns + ``len``."""
        with self._lock:
            self._compact()
            if self._parts:
                return self._parts[0]
        return pl.DataFrame(schema={**{c: pl.String for c in self.columns}, "len": pl.UInt32})

    def result(self, k: int, exclude_below: bool = False) -> dict:
        """The k report; ``exclude_below``: as it is after the rows of the
        classes below k were suppressed."""
        if not self.columns:
            return {"quasi_identifiers": [], "k": k, "evaluated": False}
        self._compact()
        t = self._parts[0] if self._parts else None
        if t is not None and exclude_below:
            t = t.filter(pl.col("len") >= k)
        if t is None or t.height == 0:
            return {"quasi_identifiers": self.columns, "k": k, "evaluated": True,
                    "classes": 0, "min_class_size": None, "classes_below_k": 0,
                    "records_below_k": 0, "passed": True}
        small = t.filter(pl.col("len") < k)
        return {
            "quasi_identifiers": [c for c in t.columns if c != "len"], "k": k, "evaluated": True,
            "classes": t.height, "min_class_size": int(t["len"].min()),
            "classes_below_k": small.height, "records_below_k": int(small["len"].sum() or 0),
            "passed": small.height == 0,
        }
