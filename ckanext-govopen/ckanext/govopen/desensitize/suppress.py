"""Record suppression to reach k (GUIDE §6.4 "generalise or suppress until
the check passes").

While the derivative is written, :class:`SmallClassRows` keeps the output
row numbers of rows whose quasi-identifier combination (after the plan's
generalisation) has been seen fewer than k times *so far*. Class counts
only grow, so a row leaves that set for good once its class reaches k; at
the end the rows still in it are exactly the rows of classes below k.
Memory follows the number of such rows and of distinct classes, not the
file size. If there are any, :func:`drop_rows` copies the written file
without them, record by record (quote-aware, no re-parsing): a plain byte
copy, needed only when something is suppressed.
"""
from __future__ import annotations

import os

import numpy as np
import polars as pl

from .segments import iter_segments_at, record_starts

PRUNE_AT = 200_000  # pending rows before they are checked against the counts


class SmallClassRows:
    def __init__(self, columns: list[str], k: int):
        self.columns = list(columns)
        self.k = k
        self._parts: list[pl.DataFrame] = []
        self._pending = 0

    def add(self, qi_rows: pl.DataFrame | None, first_row: int, counts) -> None:
        """``qi_rows``: the quasi-identifier values of output rows
        ``first_row`` …; ``counts()`` returns the grouped counts so far."""
        if qi_rows is None or qi_rows.height == 0:
            return
        local = qi_rows.with_row_index("_row", offset=first_row)
        # A class with k rows in this segment alone is safe already.
        small = local.filter(pl.len().over(self.columns) < self.k)
        if small.height:
            self._parts.append(small)
            self._pending += small.height
            if self._pending > PRUNE_AT:
                self._prune(counts())

    def _prune(self, counts: pl.DataFrame) -> None:
        if not self._parts:
            return
        rows = pl.concat(self._parts, how="vertical_relaxed")
        big = counts.filter(pl.col("len") >= self.k).select(self.columns)
        rows = rows.join(big, on=self.columns, how="anti", nulls_equal=True)
        self._parts = [rows] if rows.height else []
        self._pending = rows.height

    def rows(self, counts: pl.DataFrame) -> np.ndarray:
        """Sorted output row numbers of the rows in classes below k."""
        self._prune(counts)
        if not self._parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(self._parts[0]["_row"].to_numpy().astype(np.int64))


def drop_rows(path: str, out_path: str, rows: np.ndarray, bom: bool = False) -> int:
    """Copy the CSV ``path`` (header first) to ``out_path`` without the data
    rows numbered ``rows`` (sorted, 0 = first data row). Returns the rows
    written."""
    drop = np.asarray(rows, dtype=np.int64)
    seen = written = 0
    with open(out_path, "wb") as out:
        first = True
        for data, header_len, _ in iter_segments_at(path):
            if first:
                if bom:
                    out.write(b"\xef\xbb\xbf")
                out.write(data[:header_len])
                first = False
            starts = record_starts(data, header_len)
            n = len(starts) - 1
            lo, hi = np.searchsorted(drop, [seen, seen + n])
            gone = set((drop[lo:hi] - seen).tolist())
            keep_from = None
            for i in range(n):
                if i in gone:
                    if keep_from is not None:
                        out.write(data[starts[keep_from]:starts[i]])
                        keep_from = None
                elif keep_from is None:
                    keep_from = i
            if keep_from is not None:
                out.write(data[starts[keep_from]:starts[n]])
            written += n - len(gone)
            seen += n
    return written


def replace_without(part: str, rows: np.ndarray, bom: bool) -> int:
    """Rewrite ``part`` in place without ``rows``; returns rows left."""
    tmp = part + ".k"
    try:
        n = drop_rows(part, tmp, rows, bom)
        os.replace(tmp, part)
        return n
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
