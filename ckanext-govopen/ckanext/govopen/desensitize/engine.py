"""Streaming desensitization: scan a file → plan; run a plan → derivative.

The source is cut into record-aligned segments (:mod:`.segments`) that are
decoded, parsed, transformed batch by batch with vectorised operators,
verified and serialised in worker processes (:mod:`.workers`; in this
process for small files), and written in order. Memory depends on
the segment and batch size, not the file size. The output is written next to the
target as ``*.part`` and renamed at the end: a failed run leaves no
half-written derivative and never touches the original.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from typing import Callable

import polars as pl

from .columns import SAMPLE_SIZE, classify
from .kanon import KAnonCounter
from .plan import Plan, propose
from .problems import DesensitizeError
from .pseudonym import Keyring
from .registry import Registry, default_registry
from . import pipeline, workers
from . import workers as _workers
from .sources import open_source
from .verify import finish as verify_finish, verify  # noqa: F401  (API)

BATCH_ROWS = 50_000
N_SAMPLES = workers.N_SAMPLES
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
        src = open_source(path, tmp, fmt, lazy=True)
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


def run(path: str, plan: Plan | dict, out_path: str, *, key: bytes | None = None,
        scope: tuple[str, ...] = (), registry: Registry | None = None,
        progress: Callable[[float], None] | None = None, batch_rows: int = BATCH_ROWS,
        fmt: str | None = None, bom: bool = False, do_verify: bool = True,
        keep_columns: list[str] | None = None, keyring: Keyring | None = None,
        batch_hook: BatchHook | None = None, workdir: str | None = None,
        workers: int | None = None) -> dict:
    """Apply ``plan`` to ``path`` and write a UTF-8 CSV to ``out_path``.

    ``key`` is the master key (bytes) and ``scope`` e.g. (dataset_id,
    release_id); together they fix the pseudonyms of this release.
    ``keep_columns`` restricts the output (per-grant extracts).
    ``workers``: worker processes for the transform (default: one per core,
    up to 4, for files of 24 MB and more; 1 = in this process). Output is
    the same either way.
    Returns the run report; ``report["ok"]`` is False on bad input or when
    the verification re-scan finds a direct identifier or k fails."""
    reg = registry or default_registry()
    n_workers = _workers.worker_count(workers, os.path.getsize(path) if os.path.isfile(path) else 0)
    pool, pool_ok = None, False
    plan = plan if isinstance(plan, Plan) else Plan.from_dict(plan)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="govopen-run-", dir=workdir)
    part = out_path + ".part"
    try:
        # Workers boot while the source is opened. They rebuild the default
        # registry and cannot run a caller's hook: those runs stay here.
        if n_workers > 1 and batch_hook is None and _workers.python_ok() and _is_default(reg):
            pool = _workers.Pool(n_workers)
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
                             keep_columns, batch_hook, do_verify, pool)
            pool_ok = True
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
            # Every produced cell was scanned before it was written (see
            # :mod:`.workers`); this adds the name check on the first rows.
            scanned = report.pop("verification")
            v = verify_finish(out_path, scanned["found"], scanned["rows"], report["rows_out"],
                              registry=reg)
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
        if pool is not None:
            pool.close(kill=not pool_ok)
        shutil.rmtree(tmp, ignore_errors=True)


def _stream(src, plan: Plan, part: str, reg: Registry, keyring, progress, batch_rows, bom,
            keep_columns, batch_hook, do_verify, pool) -> dict:
    cfg = workers.Config(plan=plan.to_dict(), columns=list(src.columns), keep_columns=keep_columns,
                         batch_rows=batch_rows, separator=src.separator,
                         raw_encoding=src.raw_encoding, do_verify=do_verify,
                         keyring=keyring.worker_state() if keyring else None)
    # Built here as well: it gives the header, and it is the worker of the
    # in-process path.
    local = workers.SegmentWorker(cfg, registry=reg, keyring=keyring, batch_hook=batch_hook)
    out_cols = local.out_columns
    kanon = KAnonCounter(plan.quasi_identifiers)
    transformed: Counter = Counter()
    samples: dict[str, list] = {}
    hits: dict[str, Counter] = {c: Counter() for c in plan.scrub}
    found: dict[str, Counter] = {}
    found_rows: dict[str, list] = {}
    state = {"rows_in": 0, "rows_out": 0, "bytes": 0, "done": 0.0}
    total = max(src.size, 1)

    def merge(res: workers.SegmentResult, nbytes: int) -> None:
        transformed.update(res.transformed)
        for c, v in res.samples.items():
            have = samples.setdefault(c, [])
            have.extend(v[:N_SAMPLES - len(have)])
        for c, cnt in res.text_hits.items():
            hits[c].update(cnt)
        kanon.add(res.kanon)
        for c, cnt in res.found.items():
            found.setdefault(c, Counter()).update(cnt)
            found_rows.setdefault(c, []).extend(state["rows_out"] + i for i in res.found_rows[c])
        state["rows_in"] += res.rows_in
        state["rows_out"] += res.rows_out
        state["bytes"] += nbytes
        if progress:
            state["done"] = max(state["done"], min(0.99, 0.95 * state["bytes"] / total))
            progress(state["done"])

    with open(part, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        fh.write(local.header())
        spans = src.spans()
        if pool is not None:
            def on_result(res, nbytes):
                fh.write(res.data)
                merge(res, nbytes)
            pool.run(cfg, spans, on_result, local)
        else:
            def work(span):
                data, header_len, offset = span
                res = local.process(data, header_len, offset, state["rows_in"])
                local.finish(res)
                merge(res, len(data) - header_len)
                yield res.data
            # Reading and writing overlap with the transform on threads.
            pipeline.run(spans, work, fh.write)
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
              "k_anonymity": kanon.result(plan.k),
              "problems": [p.to_dict() for p in src.problems]}
    if do_verify:
        report["verification"] = {"found": found, "rows": found_rows}
    return report


def _fingerprint(d) -> tuple:
    code = lambda f: getattr(f, "__code__", f)  # noqa: E731
    return (d.name, d.label_zh, d.pattern, d.order, d.flags, tuple(d.keywords),
            tuple(d.header_hints), d.direct, d.token_prefix, d.gate, d.prefilter,
            d.default_operator, repr(d.default_params), code(d.validate), code(d.canonical),
            code(d.needs_keyword), code(d.value_check))


_DEFAULT = None


def _is_default(reg: Registry) -> bool:
    """True if ``reg`` behaves exactly like ``default_registry()``, which is
    what worker processes rebuild (plugin functions are not shipped)."""
    global _DEFAULT
    if _DEFAULT is None:
        d = default_registry()
        _DEFAULT = (dict(d.operators), sorted(_fingerprint(x) for x in d.detectors))
    ops, dets = _DEFAULT
    return (reg.operators.keys() == ops.keys() and all(reg.operators[k] is ops[k] for k in ops)
            and sorted(_fingerprint(x) for x in reg.detectors) == dets)
