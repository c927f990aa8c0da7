"""Streaming desensitization: scan a file → plan; run a plan → derivative.

The source is cut into record-aligned segments (:mod:`.segments`) that are
decoded, parsed, transformed batch by batch with vectorised operators and
compiled kernels, verified and serialised on a pool of threads
(:mod:`.workers`), and written in order. Memory depends on the segment
and batch size, not the file size, and is watched against a limit
(:mod:`.memlimit`). Rows of quasi-identifier classes smaller than k are
suppressed (:mod:`.suppress`). The output is written next to the target as
``*.part`` and renamed at the end: a failed run leaves no half-written
derivative and never touches the original.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from typing import Callable

import numpy as np
import polars as pl

from .columns import SAMPLE_SIZE, classify
from .kanon import KAnonCounter
from .memlimit import MemoryGuard, resolve as resolve_memory_limit
from .plan import DEFAULT_MAX_SUPPRESSION, Plan, propose
from .problems import DesensitizeError, problem
from .pseudonym import Keyring
from .registry import Registry, default_registry
from . import suppress, workers
from .sources import open_source
from .verify import finish as verify_finish, name_leftovers, verify  # noqa: F401  (API)

BATCH_ROWS = 50_000
N_SAMPLES = workers.N_SAMPLES
BatchHook = Callable[[pl.DataFrame, int], pl.DataFrame]


def _failure(exc: DesensitizeError, **extra) -> dict:
    return {"ok": False, "problems": [exc.problem.to_dict()], **extra}


def _data_item_map(data_items) -> dict:
    return {d.get("name_en"): d for d in (data_items or []) if d.get("name_en")}


def scan(path: str, *, registry: Registry | None = None, data_items: list[dict] | None = None,
         fmt: str | None = None, k: int = 5, workdir: str | None = None,
         memory_limit_mb: float | None = None,
         max_suppression: float = DEFAULT_MAX_SUPPRESSION) -> dict:
    """Profile ``path`` and propose a plan. Returns ``{"ok", "plan",
    "profile", "problems"}``; never raises for bad input.
    ``memory_limit_mb``: see :func:`run`; ``max_suppression``: the share
    of rows the proposed plan may suppress to reach ``k``."""
    reg = registry or default_registry()
    tmp = tempfile.mkdtemp(prefix="govopen-scan-", dir=workdir)
    try:
        guard = MemoryGuard(resolve_memory_limit(memory_limit_mb))
        with guard:
            return _scan(path, reg, data_items, fmt, k, tmp, guard, max_suppression)
    except DesensitizeError as exc:
        return _failure(exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _scan(path, reg, data_items, fmt, k, tmp, guard, max_suppression) -> dict:
    guard.check()
    src = open_source(path, tmp, fmt, lazy=True)
    try:
        sample = src.sample(SAMPLE_SIZE)
        guard.check()
        items = _data_item_map(data_items)
        profiles = [classify(c, sample[c].to_list(), reg.detectors, items.get(c))
                    for c in src.columns]
        problems = [p.to_dict() for p in src.problems]
        for prof in profiles:
            if "numeric_ids" in prof.warnings:
                problems.append(problem("numeric_ids", severity="warning",
                                        column=prof.name).to_dict())
        source = {"file": os.path.basename(path), "format": src.format,
                  "encoding": src.encoding, "columns": src.columns}
        plan = propose(profiles, reg, k=k, source=source, max_suppression=max_suppression)
        guard.check()
        return {"ok": True, "plan": plan.to_dict(), "problems": problems,
                "profile": {"encoding": src.encoding, "format": src.format,
                            "sample_rows": sample.height, "bytes": src.size,
                            "columns": [p.to_dict() for p in profiles]}}
    finally:
        src.cleanup()


def run(path: str, plan: Plan | dict, out_path: str, *, key: bytes | None = None,
        scope: tuple[str, ...] = (), registry: Registry | None = None,
        progress: Callable[[float], None] | None = None, batch_rows: int = BATCH_ROWS,
        fmt: str | None = None, bom: bool = False, do_verify: bool = True,
        keep_columns: list[str] | None = None, keyring: Keyring | None = None,
        batch_hook: BatchHook | None = None, workdir: str | None = None,
        workers: int | None = None, memory_limit_mb: float | None = None) -> dict:
    """Apply ``plan`` to ``path`` and write a UTF-8 CSV to ``out_path``.

    ``key`` is the master key (bytes) and ``scope`` e.g. (dataset_id,
    release_id); together they fix the pseudonyms of this release.
    ``keep_columns`` restricts the output (per-grant extracts).
    ``workers``: transform threads (default: cores + 1, up to 4; 1 = in
    this thread). Output is the same either way.
    ``memory_limit_mb``: abort with a ``memory_limit`` problem when this
    process (with its children) uses more; default: the environment
    variable ``GOVOPEN_DESENSITIZE_MEMORY_MB``, else no limit.
    Rows whose quasi-identifier class stays below the plan's k are dropped
    (``plan.suppress_below_k``) unless that would drop more than
    ``plan.max_suppression`` of the rows: then the run fails with a
    ``suppression_limit`` problem and writes nothing.
    Returns the run report; ``report["ok"]`` is False on bad input, and
    ``report["publishable"]`` is False when the verification re-scan finds
    a direct identifier or k fails."""
    reg = registry or default_registry()
    started = time.monotonic()
    tmp = part = None
    try:
        plan = plan if isinstance(plan, Plan) else Plan.from_dict(plan)
        limit = resolve_memory_limit(memory_limit_mb)
        tmp = tempfile.mkdtemp(prefix="govopen-run-", dir=workdir)
        part = out_path + ".part"
        with MemoryGuard(limit) as guard:
            report = _run(path, plan, out_path, part, tmp, reg, key, scope, keyring, progress,
                          batch_rows, fmt, bom, do_verify, keep_columns, batch_hook,
                          workers, guard)
            guard.check()
        os.replace(part, out_path)
        report["memory"] = {"limit_mb": limit, "peak_mb": round(guard.peak, 1) if limit else None}
        report["seconds_total"] = round(time.monotonic() - started, 3)
        if progress:
            progress(1.0)
        return report
    except DesensitizeError as exc:
        return _failure(exc, rows_in=0, rows_out=0)
    except OSError as exc:
        return _failure(DesensitizeError.of("io_error", detail=str(exc)[:200]))
    finally:
        if part and os.path.exists(part):
            os.unlink(part)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(path, plan, out_path, part, tmp, reg, key, scope, keyring, progress, batch_rows, fmt,
         bom, do_verify, keep_columns, batch_hook, n_workers, guard) -> dict:
    started = time.monotonic()
    if os.path.exists(out_path) and os.path.samefile(path, out_path) or \
            os.path.realpath(path) == os.path.realpath(out_path):
        raise DesensitizeError.of("same_path")
    if keyring is None and key is not None:
        keyring = Keyring(key, scope)
    if keyring is None and (any(r.operator == "pseudonymize" for r in plan.columns.values())
                            or plan.free_text_replacement == "pseudonymize" and plan.scrub):
        raise DesensitizeError.of("missing_key")
    src = open_source(path, tmp, fmt, progress=(lambda f: progress(0.1 * f)) if progress else None,
                      lazy=True)
    try:
        errors = [p for p in plan.lint(reg, src.columns) if p.severity == "error"]
        if errors:
            raise DesensitizeError(errors[0])
        report = _stream(src, plan, part, reg, keyring, progress, batch_rows, bom,
                         keep_columns, batch_hook, do_verify, workers.worker_count(n_workers),
                         guard)
    finally:
        src.cleanup()
    report["seconds_transform"] = round(time.monotonic() - started, 3)
    report["ok"] = True
    k_rep = report["k_anonymity"]
    k_ok = not k_rep.get("evaluated") or k_rep.get("passed", True)
    if not k_ok:
        report["problems"].append(problem("k_below_threshold", severity="warning",
                                          k_min=k_rep["min_class_size"], k=plan.k).to_dict())
    if do_verify:
        # Every produced cell was scanned before it was written (see
        # :mod:`.workers`); this adds the name check on the first rows.
        scanned = report.pop("verification")
        v = verify_finish(part, scanned["found"], scanned["rows"], report["rows_out"],
                          registry=reg, names=scanned["names"])
        report["verification"] = v
        report["problems"].extend(v["problems"])
    # The publication gate (GUIDE §6.5 step 4): no direct identifier
    # left and k met. ``ok`` only says the run itself succeeded.
    report["publishable"] = bool(do_verify and report["verification"]["ok"] and k_ok)
    return report


def _stream(src, plan: Plan, part: str, reg: Registry, keyring, progress, batch_rows, bom,
            keep_columns, batch_hook, do_verify, n_workers, guard) -> dict:
    cfg = workers.Config(plan=plan.to_dict(), columns=list(src.columns), keep_columns=keep_columns,
                         batch_rows=batch_rows, separator=src.separator,
                         raw_encoding=src.raw_encoding, do_verify=do_verify)
    worker = workers.SegmentWorker(cfg, registry=reg, keyring=keyring, batch_hook=batch_hook,
                                   check=guard.check)
    out_cols = worker.out_columns
    kanon = KAnonCounter(plan.quasi_identifiers)
    small = (suppress.SmallClassRows(worker.qi_columns, plan.k)
             if plan.suppress_below_k and worker.qi_columns and plan.k > 1 else None)
    transformed: Counter = Counter()
    samples: dict[str, list] = {}
    hits: dict[str, Counter] = {c: Counter() for c in plan.scrub}
    found: dict[str, Counter] = {}
    found_rows: dict[str, list] = {}
    state = {"rows_in": 0, "rows_out": 0, "bytes": 0, "done": 0.0}
    total = max(src.size, 1)
    # The name check of the verification runs on the first output rows as
    # soon as they exist, while the threads go on with later segments.
    heads: list = []
    names: dict = {}

    def name_check(res) -> None:
        have = sum(h.height for h in heads)
        if "result" in names or res.head is None:
            return
        heads.append(res.head.head(SAMPLE_SIZE - have))
        if have + heads[-1].height >= SAMPLE_SIZE:
            names["result"] = name_leftovers(pl.concat(heads), reg)

    with open(part, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        fh.write(worker.header())

        def on_result(res: workers.SegmentResult, nbytes: int) -> None:
            guard.check()
            res.data.write_to(fh)
            transformed.update(res.transformed)
            for c, v in res.samples.items():
                have = samples.setdefault(c, [])
                have.extend(v[:N_SAMPLES - len(have)])
            for c, cnt in res.text_hits.items():
                hits[c].update(cnt)
            kanon.add(res.kanon)
            if small is not None:
                small.add(res.qi_rows, state["rows_out"], kanon.counts)
            for c, cnt in res.found.items():
                found.setdefault(c, Counter()).update(cnt)
                found_rows.setdefault(c, []).extend(state["rows_out"] + i for i in res.found_rows[c])
            if do_verify:
                name_check(res)
            state["rows_in"] += res.rows_in
            state["rows_out"] += res.rows_out
            state["bytes"] += nbytes
            if progress:
                state["done"] = max(state["done"], min(0.95, 0.9 * state["bytes"] / total))
                progress(state["done"])

        workers.run_ordered(src.pieces(), n_workers, worker.process, on_result,
                            count_rows=batch_hook is not None)
    k_report = kanon.result(plan.k)
    if small is not None:
        k_report = _suppress(part, small, kanon, k_report, plan, state, bom, found_rows)
    if do_verify and "result" not in names and heads:
        names["result"] = name_leftovers(pl.concat(heads), reg)  # fewer rows than a sample
    if state.get("first_suppressed", SAMPLE_SIZE) < SAMPLE_SIZE:
        names.pop("result", None)  # suppression changed the first rows: read the file
    columns = {}
    for c in src.columns:
        rule = plan.columns.get(c)
        entry = {"in_output": c in out_cols}
        if rule:
            entry.update(type=rule.type, operator=rule.operator, params=rule.params,
                         confidence=rule.confidence, direct=rule.direct,
                         transformed=transformed[c])
        if c in plan.scrub:
            entry["scrubbed"] = True
            entry["text_hits"] = dict(hits[c])
        if samples.get(c) and entry["in_output"]:
            entry["samples"] = samples[c]
        columns[c] = entry
    report = {"rows_in": state["rows_in"], "rows_out": state["rows_out"],
              "encoding": src.encoding, "format": src.format, "bytes_in": src.size,
              "plan_revision": plan.revision, "plan_id": plan.plan_id,
              "key_id": keyring.key_id if keyring else None,
              "columns": columns, "output_columns": out_cols,
              "k_anonymity": k_report,
              "problems": [p.to_dict() for p in src.problems]}
    if do_verify:
        report["verification"] = {"found": found, "rows": found_rows,
                                  "names": names.get("result")}
    return report


def _suppress(part, small, kanon, k_report, plan, state, bom, found_rows) -> dict:
    """Drop the rows of classes below k from ``part`` (or fail when that is
    more than the plan allows); the k report after suppression."""
    counts = kanon.counts()
    rows = small.rows(counts)
    k_report["suppressed_rows"] = int(len(rows))
    k_report["max_suppression"] = plan.max_suppression
    if not len(rows):
        return k_report
    n = max(state["rows_out"], 1)
    if len(rows) > plan.max_suppression * n:
        raise DesensitizeError.of(
            "suppression_limit", rows=len(rows), total=state["rows_out"], k=plan.k,
            share=f"{100 * len(rows) / n:.1f}%", limit=f"{100 * plan.max_suppression:g}%")
    state["first_suppressed"] = int(rows[0])
    state["rows_out"] = suppress.replace_without(part, rows, bom)
    # Row numbers of leftovers refer to the written file. (Their counts
    # still include suppressed rows: the gate errs on the safe side.)
    gone = set(rows.tolist())
    for c, at in found_rows.items():
        found_rows[c] = [r - int(np.searchsorted(rows, r)) for r in at if r not in gone]
    after = kanon.result(plan.k, exclude_below=True)
    after.update(suppressed_rows=int(len(rows)), max_suppression=plan.max_suppression,
                 before={key: k_report[key] for key in ("classes", "min_class_size",
                                                         "classes_below_k", "records_below_k")})
    return after


def warm_up() -> None:
    """Load the compiled kernels and lookup tables now (about 0.3 s in a
    fresh process, paid by the first run otherwise). A job worker that
    forks one process per job can call this once before forking."""
    from . import gbdecode, hmacjit, jit, normtable, runscan, segments
    normtable.tables()
    gbdecode.decode("身份证".encode("gb18030"))
    data, offs = jit.str_buffers(pl.Series(["身份证11010519491231002X 13812345678"]))
    reg = default_registry()
    res = runscan.scan(data, offs, runscan.config(reg.text_detectors, frozenset()))
    labels = jit.str_buffers(pl.Series(["X"] * len(runscan.RUN_TYPES)))
    runscan.splice(data, offs, res, res.type.astype(np.int64), *labels)
    res.values()
    hmacjit.b32_tokens(hmacjit.hmac_many(hmacjit.hmac_states(b"\0" * 32), data, offs), b"X_", 16)
    segments.record_starts(b"a\nb\n")
