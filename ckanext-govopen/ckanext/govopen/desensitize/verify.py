"""Verification re-scan of a derivative (GUIDE §6.5 step 4).

Every cell of every column is scanned for direct identifiers with the same
detectors as the engine (compiled where :mod:`.runscan` applies,
segment by segment), and each column is re-classified for person
names. The publication gate blocks on ``ok == False``. Offsets of offending
rows are reported, never their values.
"""
from __future__ import annotations

from collections import Counter

import polars as pl

from .columns import (
    HEADER_SHARE, SAMPLE_SIZE, STRICT_SHARE, classify, header_matches, looks_like_name, name_counts,
)
from . import pipeline
from .problems import DesensitizeError, problem
from .scrub import Scrubber
from .sources import open_source, translate_polars_error


def verify(path: str, *, registry=None, batch_rows: int = 50_000,
           workdir: str | None = None) -> dict:
    import shutil
    import tempfile

    from .registry import default_registry
    reg = registry or default_registry()
    tmp = tempfile.mkdtemp(prefix="govopen-verify-", dir=workdir)
    try:
        src = open_source(path, tmp)
    except DesensitizeError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return {"ok": False, "problems": [exc.problem.to_dict()], "leftovers": []}
    try:
        scrubbers = {c: Scrubber(reg, only_direct=True, context_types=frozenset(
            d.name for d in reg.text_detectors if header_matches(c, d.header_hints)))
            for c in src.columns}
        found = {c: Counter() for c in src.columns}
        rows = {c: [] for c in src.columns}
        state = {"offset": 0}

        def scan(df: pl.DataFrame):
            for c in src.columns:
                hits, at = scrubbers[c].count(df[c])
                if hits:
                    found[c].update(hits)
                    rows[c].extend(state["offset"] + i for i in at)
            state["offset"] += df.height
            return iter(())

        try:
            # Parsing the next segment overlaps with scanning this one.
            pipeline.run((lf.collect() for lf in src.segments()), scan, lambda _: None)
        except pl.exceptions.PolarsError as exc:
            raise translate_polars_error(exc) from None
        return _result(src, reg, found, rows, state["offset"])
    except DesensitizeError as exc:
        return {"ok": False, "problems": [exc.problem.to_dict()], "leftovers": []}
    finally:
        src.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def name_leftovers(sample: pl.DataFrame, reg) -> list[dict]:
    """Columns that still look like person names on the first rows of a
    derivative (column re-classification with the name detectors)."""
    name_dets = [d for d in reg.detectors if d.pattern is None and d.direct]
    out = []
    if not sample.height or not name_dets:
        return out
    vector = len(name_dets) == 1 and name_dets[0].value_check is looks_like_name
    for c in sample.columns:
        if vector:  # classify's rule for the one name detector, in polars
            det = name_dets[0]
            ok, total = name_counts(sample[c].head(SAMPLE_SIZE))
            share = ok / total if total else 0.0
            need = HEADER_SHARE if header_matches(c, det.header_hints) else STRICT_SHARE
            found = (det.name, round(share, 4)) if total and share >= need else None
        else:
            prof = classify(c, sample[c].to_list(), name_dets)
            found = (prof.type, prof.confidence) if prof.type else None
        if found:
            out.append({"column": c, "type": found[0], "count": None,
                        "share_in_sample": found[1], "rows": []})
    return out


def _result(src, reg, found: dict, rows: dict, n_rows: int, names: list | None = None) -> dict:
    """Leftovers from per-column hit counts and row offsets, plus the person
    name re-classification of each column on the first rows of ``src``
    (or ``names``, when that was done already)."""
    if names is None:
        names = name_leftovers(src.sample(SAMPLE_SIZE), reg)
    by_column = {}
    for n in names:
        by_column.setdefault(n["column"], []).append(n)
    leftovers = []
    for c in src.columns:
        for t, n in sorted((found.get(c) or {}).items(), key=lambda kv: (-kv[1], kv[0])):
            leftovers.append({"column": c, "type": t, "count": n, "rows": sorted(rows.get(c, []))[:5]})
        leftovers.extend(by_column.get(c, []))
    problems = [problem("leftover_identifier", column=l["column"], type=l["type"],
                        count=l["count"] if l["count"] is not None else "?").to_dict()
                for l in leftovers]
    return {"ok": not leftovers, "rows": n_rows, "leftovers": leftovers, "problems": problems}


def finish(path: str, found: dict, rows: dict, n_rows: int, *, registry=None,
           names: list | None = None) -> dict:
    """The report of :func:`verify` for a derivative whose every cell was
    already scanned while it was produced (``found``/``rows`` as collected
    by :mod:`.workers`); only the name re-classification reads ``path``,
    unless its result is passed as ``names`` (:func:`name_leftovers` of the
    derivative's first rows)."""
    import shutil
    import tempfile

    from .registry import default_registry
    reg = registry or default_registry()
    tmp = tempfile.mkdtemp(prefix="govopen-verify-")
    try:
        # A derivative is CSV whatever its name (the engine passes its *.part).
        src = open_source(path, tmp, "csv", lazy=True)
        try:
            return _result(src, reg, found, rows, n_rows, names)
        finally:
            src.cleanup()
    except DesensitizeError as exc:
        return {"ok": False, "problems": [exc.problem.to_dict()], "leftovers": []}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
