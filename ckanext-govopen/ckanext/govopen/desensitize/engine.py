"""Streaming desensitization: scan a file → plan; run a plan → derivative.

The source is cut into record-aligned segments (:mod:`.segments`) that are
parsed, transformed batch by batch with vectorised operators, and written
as CSV on three overlapping threads (:mod:`.pipeline`). Memory depends on
the segment and batch size, not the file size. The output is written next to the
target as ``*.part`` and renamed at the end: a failed run leaves no
half-written derivative and never touches the original.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from typing import Callable

import polars as pl

from .columns import SAMPLE_SIZE, classify, header_matches
from .kanon import KAnonCounter
from .operators import OpContext
from .plan import Plan, propose
from .problems import DesensitizeError
from .pseudonym import Keyring
from .registry import Registry, default_registry
from . import pipeline
from .scrub import Scrubber
from .sources import open_source, translate_polars_error
from .verify import verify

BATCH_ROWS = 50_000
N_SAMPLES = 3
BatchHook = Callable[[pl.DataFrame, int], pl.DataFrame]


def _failure(exc: DesensitizeError, **extra) -> dict:
    return {"ok": False, "problems": [exc.problem.to_dict()], **extra}


def _data_item_map(data_items) -> dict:
    return {d.get("name_en"): d for d in (data_items or []) if d.get("name_en")}


def scan(path: str, *, registry: Registry | None = None, data_items: list[dict] | None = None,
         fmt: str | None = None, k: int = 5, workdir: str | None = None) -> dict:
    """Profile ``path`` and propose a plan. Returns ``{"ok", "plan",
    "profile", "problems"}``; never raises for bad input."""
    reg = registry or default_registry()
    tmp = tempfile.mkdtemp(prefix="govopen-scan-", dir=workdir)
    try:
        src = open_source(path, tmp, fmt)
        try:
            sample = src.sample(SAMPLE_SIZE)
            items = _data_item_map(data_items)
            profiles = [classify(c, sample[c].to_list(), reg.detectors, items.get(c))
                        for c in src.columns]
            problems = [p.to_dict() for p in src.problems]
            for prof in profiles:
                if "numeric_ids" in prof.warnings:
                    from .problems import problem
                    problems.append(problem("numeric_ids", severity="warning",
                                            column=prof.name).to_dict())
            source = {"file": os.path.basename(path), "format": src.format,
                      "encoding": src.encoding, "columns": src.columns}
            plan = propose(profiles, reg, k=k, source=source)
            return {"ok": True, "plan": plan.to_dict(), "problems": problems,
                    "profile": {"encoding": src.encoding, "format": src.format,
                                "sample_rows": sample.height, "bytes": src.size,
                                "columns": [p.to_dict() for p in profiles]}}
        finally:
            src.cleanup()
    except DesensitizeError as exc:
        return _failure(exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _ColumnStats:
    def __init__(self):
        self.transformed = 0
        self.samples: list[str] = []
        self.hits: Counter = Counter()


def run(path: str, plan: Plan | dict, out_path: str, *, key: bytes | None = None,
        scope: tuple[str, ...] = (), registry: Registry | None = None,
        progress: Callable[[float], None] | None = None, batch_rows: int = BATCH_ROWS,
        fmt: str | None = None, bom: bool = False, do_verify: bool = True,
        keep_columns: list[str] | None = None, keyring: Keyring | None = None,
        batch_hook: BatchHook | None = None, workdir: str | None = None) -> dict:
    """Apply ``plan`` to ``path`` and write a UTF-8 CSV to ``out_path``.

    ``key`` is the master key (bytes) and ``scope`` e.g. (dataset_id,
    release_id); together they fix the pseudonyms of this release.
    ``keep_columns`` restricts the output (per-grant extracts).
    Returns the run report; ``report["ok"]`` is False on bad input or when
    the verification re-scan finds a direct identifier or k fails."""
    reg = registry or default_registry()
    plan = plan if isinstance(plan, Plan) else Plan.from_dict(plan)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="govopen-run-", dir=workdir)
    part = out_path + ".part"
    try:
        if os.path.exists(out_path) and os.path.samefile(path, out_path) or \
                os.path.realpath(path) == os.path.realpath(out_path):
            raise DesensitizeError.of("same_path")
        if keyring is None and key is not None:
            keyring = Keyring(key, scope)
        if keyring is None and (any(r.operator == "pseudonymize" for r in plan.columns.values())
                                or plan.free_text_replacement == "pseudonymize" and plan.scrub):
            raise DesensitizeError.of("missing_key")
        src = open_source(path, tmp, fmt, progress=(lambda f: progress(0.1 * f)) if progress else None)
        try:
            errors = [p for p in plan.lint(reg, src.columns) if p.severity == "error"]
            if errors:
                raise DesensitizeError(errors[0])
            report = _stream(src, plan, part, reg, keyring, progress, batch_rows, bom,
                             keep_columns, batch_hook)
        finally:
            src.cleanup()
        os.replace(part, out_path)
        report["seconds_transform"] = round(time.monotonic() - started, 3)
        report["ok"] = True
        k_rep = report["k_anonymity"]
        k_ok = not k_rep.get("evaluated") or k_rep.get("passed", True)
        if not k_ok:
            from .problems import problem
            report["problems"].append(problem("k_below_threshold", severity="warning",
                                              k_min=k_rep["min_class_size"], k=plan.k).to_dict())
        if do_verify:
            v = verify(out_path, registry=reg, batch_rows=batch_rows)
            report["verification"] = v
            report["problems"].extend(v["problems"])
        # The publication gate (GUIDE §6.5 step 4): no direct identifier
        # left and k met. ``ok`` only says the run itself succeeded.
        report["publishable"] = bool(do_verify and report["verification"]["ok"] and k_ok)
        report["seconds_total"] = round(time.monotonic() - started, 3)
        if progress:
            progress(1.0)
        return report
    except DesensitizeError as exc:
        if os.path.exists(part):
            os.unlink(part)
        return _failure(exc, rows_in=0, rows_out=0)
    except OSError as exc:
        if os.path.exists(part):
            os.unlink(part)
        return _failure(DesensitizeError.of("io_error", detail=str(exc)[:200]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _stream(src, plan: Plan, part: str, reg: Registry, keyring, progress, batch_rows, bom,
            keep_columns, batch_hook) -> dict:
    stats = {c: _ColumnStats() for c in src.columns}
    scrubbers = {}
    for c in plan.scrub:
        ctx_types = frozenset(d.name for d in reg.text_detectors if header_matches(c, d.header_hints))
        scrubbers[c] = Scrubber(reg, keyring, plan.free_text_replacement, ctx_types)
    contexts = {}
    for c, rule in plan.columns.items():
        det = reg.detector(rule.type)
        contexts[c] = OpContext(c, rule.type, det, keyring,
                                seed=int.from_bytes(keyring.key_for("noise:" + c)[:8], "big")
                                if keyring else 0)
    kanon = KAnonCounter(plan.quasi_identifiers)
    # Transforms run on one thread, but operators and scrubbers may be
    # shared with callers that use threads; keep their stats consistent.
    lock = threading.Lock()
    state = {"rows_in": 0, "rows_out": 0, "done": 0.1}

    def transform(df: pl.DataFrame, offset: int | None) -> pl.DataFrame:
        out = _transform(df, plan, reg, contexts, scrubbers, stats, keep_columns, lock)
        if batch_hook is not None:
            out = batch_hook(out, offset)
        return out

    # The output schema comes from transforming an empty frame, so plugin
    # operators that drop columns are honoured; header-only files use it too.
    empty = pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in src.columns})
    probe = transform(empty, 0)
    schema = probe.schema

    def batches(df: pl.DataFrame):
        for off in range(0, df.height, batch_rows):
            batch = df.slice(off, batch_rows)
            out = transform(batch, state["rows_in"])
            kanon.update(out)
            state["rows_in"] += batch.height
            state["rows_out"] += out.height
            if progress and src.est_rows:
                state["done"] = max(state["done"],
                                    min(0.99, 0.1 + 0.9 * state["rows_in"] / src.est_rows))
                progress(state["done"])
            yield out

    with open(part, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        header = [True]

        def write(out: pl.DataFrame) -> None:
            out.write_csv(fh, include_header=header[0])
            header[0] = False
        try:
            pipeline.run((lf.collect() for lf in src.segments()), batches, write)
        except pl.exceptions.PolarsError as exc:
            raise translate_polars_error(exc) from None
        if header[0]:
            probe.write_csv(fh, include_header=True)
    out_cols = probe.columns
    for c, s in scrubbers.items():
        stats[c].hits.update(s.counts)
    columns = {}
    for c in src.columns:
        rule = plan.columns.get(c)
        st = stats[c]
        entry = {"in_output": c in out_cols}
        if rule:
            entry.update(type=rule.type, operator=rule.operator, params=rule.params,
                         confidence=rule.confidence, direct=rule.direct,
                         transformed=st.transformed)
        if c in plan.scrub:
            entry["scrubbed"] = True
            entry["text_hits"] = dict(st.hits)
        if st.samples and entry["in_output"]:
            entry["samples"] = st.samples
        columns[c] = entry
    return {"rows_in": state["rows_in"], "rows_out": state["rows_out"], "encoding": src.encoding,
            "format": src.format, "bytes_in": src.size, "plan_revision": plan.revision,
            "plan_id": plan.plan_id, "key_id": keyring.key_id if keyring else None,
            "columns": columns, "output_columns": out_cols,
            "k_anonymity": kanon.result(plan.k),
            "problems": [p.to_dict() for p in src.problems]}


def _transform(df: pl.DataFrame, plan: Plan, reg: Registry, contexts, scrubbers, stats,
               keep_columns, lock=None) -> pl.DataFrame:
    lock = lock or contextlib.nullcontext()
    cols = []
    for c in df.columns:
        if keep_columns is not None and c not in keep_columns:
            continue
        s = df[c]
        rule = plan.columns.get(c)
        touched = False
        if rule is not None and rule.operator != "keep":
            n = int((s.str.len_bytes() > 0).sum())
            with lock:
                stats[c].transformed += n
            s = reg.operators[rule.operator](s, rule.params, contexts[c])
            if s is None:
                continue
            touched = True
        if c in scrubbers:
            s = scrubbers[c].apply(s)
            touched = True
        if touched and len(stats[c].samples) < N_SAMPLES:
            # Show changed cells when there are any: they prove the rule works.
            changed = s.filter((s != df[c]).fill_null(False))
            pool = changed if changed.len() else s.filter(s.str.len_bytes() > 0)
            more = pool.head(N_SAMPLES).to_list()
            with lock:
                stats[c].samples.extend(more[:N_SAMPLES - len(stats[c].samples)])
        cols.append(s.alias(c))
    return pl.DataFrame(cols) if cols else pl.DataFrame()
