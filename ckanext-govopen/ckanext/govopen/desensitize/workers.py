"""Segment work for :func:`.engine.run`: in-process or in worker processes.

A :class:`SegmentWorker` turns one record-aligned segment (raw bytes from
:mod:`.segments`) into output CSV bytes plus everything the run report
needs: decode (GB18030) → parse → transform batch by batch → k-anonymity
counts → verification scan of every produced cell → CSV. The same code runs
in the calling process (small files, plugin registries, batch hooks) and in
worker *processes* (the transform holds the GIL for its Python parts, e.g.
one HMAC per distinct identifier, so threads would not scale). Output is
therefore byte-identical whichever path runs; tests compare the two.

Workers are spawned (not forked: polars' thread pool must not be forked),
rebuild the default registry themselves and get the release's *derived*
pseudonym key, never the master key. The caller keeps a bounded number of
segments in flight and writes results strictly in input order.
"""
from __future__ import annotations

import io
import os
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable, Iterator

N_SAMPLES = 3
# Files smaller than this run in-process: starting workers costs ~1 s.
PARALLEL_MIN_BYTES = 24 << 20
MAX_WORKERS = 4
IN_FLIGHT_PER_WORKER = 2
# The calling process transforms segments itself until a worker is ready.
LOCAL_WHILE_BOOTING = True


@dataclass
class Config:
    """Everything a worker needs, picklable (no registry, no master key)."""
    plan: dict
    columns: list[str]
    keyring: tuple | None = None       # Keyring.worker_state()
    keep_columns: list[str] | None = None
    batch_rows: int = 50_000
    separator: str = ","
    raw_encoding: str | None = None
    do_verify: bool = True


@dataclass
class SegmentResult:
    data: bytes = b""                  # CSV without header
    rows_in: int = 0
    rows_out: int = 0
    transformed: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)     # column -> first changed values
    text_hits: dict = field(default_factory=dict)   # scrubbed column -> Counter
    kanon: object = None               # grouped counts (DataFrame) or None
    found: dict = field(default_factory=dict)       # verification: column -> Counter
    found_rows: dict = field(default_factory=dict)  # column -> first output rows (in segment)


class SegmentWorker:
    def __init__(self, cfg: Config, registry=None, keyring=None, batch_hook=None):
        import polars as pl

        from .columns import header_matches
        from .kanon import KAnonCounter
        from .operators import OpContext
        from .plan import Plan
        from .pseudonym import Keyring
        from .registry import default_registry
        from .scrub import Scrubber
        self.pl = pl
        self.cfg = cfg
        self.reg = reg = registry or default_registry()
        if keyring is None and cfg.keyring is not None:
            keyring = Keyring.from_worker_state(cfg.keyring)
        self.keyring = keyring
        self.plan = plan = Plan.from_dict(cfg.plan)
        self.hook = batch_hook
        self.KAnon = KAnonCounter
        self.scrubbers = {}
        for c in plan.scrub:
            ctx_types = frozenset(d.name for d in reg.text_detectors
                                  if header_matches(c, d.header_hints))
            self.scrubbers[c] = Scrubber(reg, keyring, plan.free_text_replacement, ctx_types)
        self.contexts = {}
        for c, rule in plan.columns.items():
            det = reg.detector(rule.type)
            self.contexts[c] = OpContext(c, rule.type, det, keyring,
                                         seed=int.from_bytes(keyring.key_for("noise:" + c)[:8], "big")
                                         if keyring else 0)
        # The output schema comes from transforming an empty frame, so plugin
        # operators that drop columns are honoured; header-only files use it too.
        empty = pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in cfg.columns})
        self.probe = self.transform(empty, 0, Counter(), {})
        self.out_columns = self.probe.columns
        self.verifiers = {}
        if cfg.do_verify:
            for c in self.out_columns:
                self.verifiers[c] = Scrubber(reg, only_direct=True, context_types=frozenset(
                    d.name for d in reg.text_detectors if header_matches(c, d.header_hints)))

    def header(self) -> bytes:
        buf = io.BytesIO()
        self.probe.write_csv(buf, include_header=True)
        return buf.getvalue()

    def transform(self, df, offset, transformed: Counter, samples: dict):
        pl = self.pl
        plan, reg = self.plan, self.reg
        keep = self.cfg.keep_columns
        cols = []
        for c in df.columns:
            if keep is not None and c not in keep:
                continue
            s = df[c]
            rule = plan.columns.get(c)
            touched = False
            if rule is not None and rule.operator != "keep":
                transformed[c] += int((s.str.len_bytes() > 0).sum())
                s = reg.operators[rule.operator](s, rule.params, self.contexts[c])
                if s is None:
                    continue
                touched = True
            if c in self.scrubbers:
                s = self.scrubbers[c].apply(s)
                touched = True
            have = samples.setdefault(c, []) if touched else None
            if touched and len(have) < N_SAMPLES:
                # Show changed cells when there are any: they prove the rule works.
                changed = s.filter((s != df[c]).fill_null(False))
                pool = changed if changed.len() else s.filter(s.str.len_bytes() > 0)
                have.extend(pool.head(N_SAMPLES - len(have)).to_list())
            cols.append(s.alias(c))
        out = pl.DataFrame(cols) if cols else pl.DataFrame()
        if self.hook is not None:
            out = self.hook(out, offset)
        return out

    def process(self, data: bytes, header_len: int = 0, offset: int = 0,
                row_offset: int = 0) -> SegmentResult:
        """One segment → :class:`SegmentResult`. Raises DesensitizeError."""
        pl = self.pl
        from .sources import decode_segment, translate_polars_error
        data = decode_segment(self.cfg.raw_encoding, data, header_len, offset)
        res = SegmentResult()
        kanon = self.KAnon(self.plan.quasi_identifiers)
        buf = io.BytesIO()
        try:
            df = pl.read_csv(io.BytesIO(data), separator=self.cfg.separator, infer_schema=False,
                             empty_string_is_null=False, quote_char='"', raise_if_empty=True)
            del data
            for off in range(0, df.height, self.cfg.batch_rows):
                batch = df.slice(off, self.cfg.batch_rows)
                out = self.transform(batch, row_offset + off, res.transformed, res.samples)
                kanon.update(out)
                if self.verifiers:
                    self._verify(out, res)
                res.rows_in += batch.height
                res.rows_out += out.height
                out.write_csv(buf, include_header=False)
        except pl.exceptions.PolarsError as exc:
            raise translate_polars_error(exc) from None
        res.data = buf.getvalue()
        kanon._compact()
        res.kanon = kanon._parts[0] if kanon._parts else None
        res.samples = {c: v for c, v in res.samples.items() if v}
        return res

    def _verify(self, out, res: SegmentResult) -> None:
        """The verification re-scan of GUIDE §6.5 step 4 on the produced
        cells, before they are written: the same detectors and per-cell scan
        as :func:`.verify.verify` on the output file."""
        for c in out.columns:
            hits, at = self.verifiers[c].count(out[c])
            if hits:
                res.found.setdefault(c, Counter()).update(hits)
                rows = res.found_rows.setdefault(c, [])
                rows.extend(res.rows_out + i for i in at)

    def finish(self, res: SegmentResult) -> None:
        for c, s in self.scrubbers.items():
            res.text_hits[c] = Counter(s.counts)
            s.counts.clear()


# --- worker processes ------------------------------------------------------
# Plain ``python -c`` children speaking length-prefixed pickles over their
# stdin/stdout, rather than multiprocessing: its spawn method re-imports the
# parent's ``__main__`` (a CKAN or RQ entry point, a script without a main
# guard), and fork would copy polars' thread pool mid-flight.

_BOOT = (
    "import pickle, struct, sys\n"
    "n = struct.unpack('<Q', sys.stdin.buffer.read(8))[0]\n"
    "sys.path[:] = pickle.loads(sys.stdin.buffer.read(n))\n"
    "from ckanext.govopen.desensitize.workers import _serve\n"
    "_serve()\n"
)
POLARS_THREADS = "1"  # per worker: the workers already fill the cores


def _send(fh, obj) -> None:
    import pickle
    import struct
    data = pickle.dumps(obj, protocol=5)
    fh.write(struct.pack("<Q", len(data)))
    fh.write(data)
    fh.flush()


def _recv(fh):
    import pickle
    import struct
    head = fh.read(8)
    if len(head) < 8:
        return None
    n = struct.unpack("<Q", head)[0]
    data = fh.read(n)
    if len(data) < n:
        return None
    return pickle.loads(data)


def _serve() -> None:
    """Worker main loop: ("init", cfg), then ("seg", data, header_len,
    offset) messages answered in order; EOF or ("stop",) ends it."""
    import traceback

    from .problems import DesensitizeError
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    msg = _recv(inp)
    if msg is None:
        return
    try:
        worker = SegmentWorker(msg[1])
    except BaseException:
        _send(out, ("crash", traceback.format_exc(limit=5)))
        return
    _send(out, ("ready", None))
    while True:
        msg = _recv(inp)
        if msg is None or msg[0] != "seg":
            return
        try:
            res = worker.process(msg[1], msg[2], msg[3])
            worker.finish(res)
            reply = ("ok", res)
        except DesensitizeError as exc:  # its pickled form would lose the Problem
            reply = ("error", exc.problem)
        except Exception:
            reply = ("crash", traceback.format_exc(limit=5))
        del msg
        _send(out, reply)


def python_ok() -> bool:
    # Under uwsgi and the like sys.executable is not a Python interpreter.
    exe = sys.executable or ""
    return os.path.basename(exe).startswith("python") and os.access(exe, os.X_OK)


def worker_count(requested: int | None, size: int) -> int:
    if requested is not None:
        return max(1, int(requested))
    if size < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


class _Proc:
    """One worker process with a sender and a receiver thread, so the
    caller never blocks on a pipe while a worker waits for it."""

    def __init__(self):
        import pickle
        import queue
        import struct
        import subprocess
        import tempfile
        import threading
        self.err = tempfile.TemporaryFile()
        env = dict(os.environ, POLARS_MAX_THREADS=POLARS_THREADS)
        self.proc = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err, env=env)
        path = pickle.dumps(list(sys.path))
        self.proc.stdin.write(struct.pack("<Q", len(path)) + path)
        self.inq: queue.Queue = queue.Queue()
        self.outq: queue.Queue = queue.Queue()
        self.ready = threading.Event()
        self.outstanding = 0
        self.sender = threading.Thread(target=self._send_loop, daemon=True)
        self.receiver = threading.Thread(target=self._recv_loop, daemon=True)
        self.sender.start()
        self.receiver.start()

    def _send_loop(self) -> None:
        try:
            while True:
                msg = self.inq.get()
                if msg is None:
                    break
                _send(self.proc.stdin, msg)
                del msg
            self.proc.stdin.close()
        except (OSError, ValueError):  # the worker died; the receiver reports it
            pass

    def _recv_loop(self) -> None:
        try:
            while True:
                msg = _recv(self.proc.stdout)
                if msg is not None and msg[0] == "ready":
                    self.ready.set()
                    continue
                self.outq.put(msg if msg is not None else ("crash", None))
                if msg is None:
                    return
        except Exception as exc:  # pragma: no cover - unpickling failure
            self.outq.put(("crash", repr(exc)))

    def result(self):
        status, res = self.outq.get()
        self.outstanding -= 1
        if status == "crash":
            self.proc.wait()
            self.err.seek(0)
            detail = res or self.err.read().decode("utf-8", "replace")
            from .problems import DesensitizeError
            # Only the exception's type: its message could quote a cell.
            last = (detail.strip().splitlines() or ["exited"])[-1].split(":")[0]
            raise DesensitizeError.of("io_error", detail=f"worker process failed ({last[:80]})")
        return status, res

    def close(self, kill: bool = False) -> None:
        if kill and self.proc.poll() is None:
            self.proc.kill()
        self.inq.put(None)
        try:
            self.proc.wait(timeout=None if not kill else 10)
        finally:
            self.sender.join(timeout=1)
            self.receiver.join(timeout=1)
            self.proc.stdout.close()
            self.err.close()


class Pool:
    """``n`` worker processes. They boot (interpreter, imports) as soon as
    the pool exists, while the caller still opens the source; :meth:`run`
    hands them their configuration and the segments."""

    def __init__(self, n: int):
        self.procs = [_Proc() for _ in range(n)]

    def run(self, cfg: Config, spans: Iterator[tuple[bytes, int, int]],
            on_result: Callable[[SegmentResult, int], None],
            local: SegmentWorker | None = None) -> None:
        """Process ``spans``; ``on_result(result, bytes_in)`` is called in
        this thread, in input order, as segments complete. Until the first
        worker is ready, ``local`` (if given) processes segments here, so
        worker start-up costs no wall time. Each worker answers in order, so
        results are collected oldest first; at most
        ``n * IN_FLIGHT_PER_WORKER`` segments are in flight."""
        from .problems import DesensitizeError
        for p in self.procs:
            p.inq.put(("init", cfg))
        self.segments_local = self.segments_remote = 0
        pending: deque = deque()  # (worker or None, result or None, bytes_in)
        limit = len(self.procs) * IN_FLIGHT_PER_WORKER

        def drain_one():
            proc, res, size = pending.popleft()
            if proc is not None:
                status, res = proc.result()
                if status == "error":
                    raise DesensitizeError(res)
            on_result(res, size)

        for data, header_len, offset in spans:
            size = len(data) - header_len
            ready = [p for p in self.procs if p.ready.is_set()]
            if not ready and local is not None and LOCAL_WHILE_BOOTING:
                res = local.process(data, header_len, offset)
                local.finish(res)
                pending.append((None, res, size))
                self.segments_local += 1
                while pending and pending[0][0] is None:
                    drain_one()
                continue
            if len(pending) >= limit:
                drain_one()
            proc = min(ready or self.procs, key=lambda p: p.outstanding)
            proc.outstanding += 1
            proc.inq.put(("seg", data, header_len, offset))
            pending.append((proc, None, size))
            self.segments_remote += 1
            del data
        while pending:
            drain_one()

    def close(self, kill: bool = False) -> None:
        for p in self.procs:
            p.close(kill=kill)


def run_parallel(cfg: Config, spans: Iterator[tuple[bytes, int, int]], n: int,
                 on_result: Callable[[SegmentResult, int], None]) -> None:
    """Process ``spans`` in ``n`` worker processes (see :meth:`Pool.run`)."""
    pool = Pool(n)
    ok = False
    try:
        pool.run(cfg, spans, on_result)
        ok = True
    finally:
        pool.close(kill=not ok)
