"""Segment work for :func:`.engine.run`, on a pool of threads.

A :class:`SegmentWorker` turns one record-aligned segment (raw bytes from
:mod:`.segments`) into output CSV bytes plus everything the run report
needs: decode (GB18030) → parse → transform batch by batch → k-anonymity
counts → verification scan of every produced cell → CSV.

Segments are transformed on threads, not processes: parsing, operators,
CSV writing (polars) and the identifier and HMAC kernels (numba) all run
without the GIL, so threads use the cores while sharing one copy of the
registry, the keyring and the compiled kernels, with nothing pickled or
copied between processes and no interpreter start-up. Only GB18030
decoding (Python's codec, about 200 MB/s) and the reference scan of the
few cells the kernel does not decide hold the GIL. Operators, plugin
detectors and batch hooks may therefore run on several threads at once;
they must not keep per-call state.

Results are written strictly in input order, with a bounded number of
segments in flight, so the output is byte-identical for any thread count
and memory does not grow with the file.
"""
from __future__ import annotations

import io
import os
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterator

N_SAMPLES = 3
SAMPLE_SEARCH_ROWS = 2000
HEAD_ROWS = 10_000  # columns.SAMPLE_SIZE: rows the verification name check reads
MAX_WORKERS = 4  # more threads cost about 30 MB of peak RSS each
IN_FLIGHT_PER_WORKER = 2


@dataclass
class Config:
    plan: dict
    columns: list[str]
    keep_columns: list[str] | None = None
    batch_rows: int = 50_000
    separator: str = ","
    raw_encoding: str | None = None
    do_verify: bool = True


@dataclass
class SegmentResult:
    data: object = None                # memcsv.CsvChunks: CSV without header
    rows_in: int = 0
    rows_out: int = 0
    transformed: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)     # column -> first changed values
    text_hits: dict = field(default_factory=dict)   # scrubbed column -> Counter
    kanon: object = None               # grouped counts (DataFrame) or None
    qi_rows: object = None             # per output row: its quasi-identifier values (DataFrame)
    head: object = None                # first output rows (DataFrame), for the name check
    found: dict = field(default_factory=dict)       # verification: column -> Counter
    found_rows: dict = field(default_factory=dict)  # column -> first output rows (in segment)


class SegmentWorker:
    """Thread-safe: :meth:`process` may run on several threads at once."""

    def __init__(self, cfg: Config, registry=None, keyring=None, batch_hook=None,
                 check: Callable[[], None] | None = None):
        import polars as pl

        from .columns import header_matches
        from .kanon import KAnonCounter
        from .operators import OpContext
        from .plan import Plan
        from .registry import default_registry
        from .scrub import Scrubber
        self.pl = pl
        self.cfg = cfg
        self.reg = reg = registry or default_registry()
        self.keyring = keyring
        self.plan = plan = Plan.from_dict(cfg.plan)
        self.hook = batch_hook
        self.check = check or (lambda: None)
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
        self.probe = self.transform(empty, 0, Counter(), {}, {})
        self.out_columns = self.probe.columns
        self.qi_columns = [c for c in plan.quasi_identifiers if c in self.out_columns]
        self.verifiers = {}
        if cfg.do_verify:
            for c in self.out_columns:
                self.verifiers[c] = Scrubber(reg, only_direct=True, context_types=frozenset(
                    d.name for d in reg.text_detectors if header_matches(c, d.header_hints)))

    def header(self) -> bytes:
        buf = io.BytesIO()
        self.probe.write_csv(buf, include_header=True)
        return buf.getvalue()

    def transform(self, df, offset, transformed: Counter, samples: dict, text_hits: dict,
                  proven: dict | None = None):
        """The plan applied to one batch. ``proven`` (if given) receives,
        per scrubbed column, the cells the scrubber changed: its scan of
        the others already is their verification scan (with a superset of
        the verifier's detectors and the same header context), so only the
        changed ones are scanned again. Not with a batch hook, which may
        rewrite cells afterwards."""
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
                s, changed = self.scrubbers[c].apply_tracked(
                    s, counts=text_hits.setdefault(c, Counter()))
                if proven is not None and self.hook is None:
                    proven[c] = changed
                touched = True
            have = samples.setdefault(c, []) if touched else None
            if touched and len(have) < N_SAMPLES:
                # Show changed cells when there are any: they prove the rule
                # works. The first rows of a batch are enough to find some.
                head, orig = s.head(SAMPLE_SEARCH_ROWS), df[c].head(SAMPLE_SEARCH_ROWS)
                changed = head.filter((head != orig).fill_null(False))
                pool = changed if changed.len() else head.filter(head.str.len_bytes() > 0)
                have.extend(pool.head(N_SAMPLES - len(have)).to_list())
            cols.append(s.alias(c))
        out = pl.DataFrame(cols) if cols else pl.DataFrame()
        if self.hook is not None:
            out = self.hook(out, offset)
        return out

    def process(self, data, header_len: int = 0, offset: int = 0,
                row_offset: int = 0) -> SegmentResult:
        """One segment (bytes, or a list of bytes-like pieces) →
        :class:`SegmentResult`. Raises DesensitizeError."""
        import numpy as np
        pl = self.pl
        from .memcsv import CsvChunks, read_csv_pieces
        from .sources import decode_segment, translate_polars_error
        self.check()
        pieces = data if isinstance(data, list) else [data]
        if self.cfg.raw_encoding:
            whole = pieces[0] if len(pieces) == 1 else np.concatenate(
                [np.frombuffer(p, dtype=np.uint8) for p in pieces])
            pieces = [decode_segment(self.cfg.raw_encoding, whole, header_len, offset)]
        res = SegmentResult(data=CsvChunks())
        kanon = self.KAnon(self.plan.quasi_identifiers)
        qi_parts = []
        try:
            df = read_csv_pieces(pieces, separator=self.cfg.separator, infer_schema=False,
                                 empty_string_is_null=False, quote_char='"',
                                 raise_if_empty=True)
            del data, pieces
            for off in range(0, df.height, self.cfg.batch_rows):
                self.check()
                batch = df.slice(off, self.cfg.batch_rows)
                proven: dict = {}
                out = self.transform(batch, row_offset + off, res.transformed, res.samples,
                                     res.text_hits, proven)
                kanon.update(out)
                if self.qi_columns:
                    qi_parts.append(out.select(self.qi_columns))
                if self.verifiers:
                    self._verify(out, res, proven)
                res.rows_in += batch.height
                res.rows_out += out.height
                if res.head is None:
                    res.head = out.head(HEAD_ROWS)
                res.data.add(out)
        except pl.exceptions.PolarsError as exc:
            res.data.close()
            raise translate_polars_error(exc) from None
        except BaseException:
            res.data.close()
            raise
        kanon._compact()
        res.kanon = kanon._parts[0] if kanon._parts else None
        if qi_parts:
            res.qi_rows = pl.concat(qi_parts)
        res.samples = {c: v for c, v in res.samples.items() if v}
        return res

    def _verify(self, out, res: SegmentResult, proven: dict) -> None:
        """The verification re-scan of GUIDE §6.5 step 4 on the produced
        cells, before they are written: the same detectors and per-cell scan
        as :func:`.verify.verify` on the output file (for scrubbed columns,
        on the cells the scrubber changed; see :meth:`transform`)."""
        for c in out.columns:
            hits, at = self.verifiers[c].count(out[c], only=proven.get(c))
            if hits:
                res.found.setdefault(c, Counter()).update(hits)
                rows = res.found_rows.setdefault(c, [])
                rows.extend(res.rows_out + i for i in at)


def worker_count(requested: int | None) -> int:
    """Default: one thread more than cores (the extra one runs while
    another waits for the GIL; measured 137 vs 120 MB/s on 2 cores)."""
    if requested is not None:
        return max(1, int(requested))
    return max(1, min((os.cpu_count() or 1) + 1, MAX_WORKERS))


def run_ordered(spans: Iterator[tuple[list | bytes, int, int]], n: int,
                process: Callable[[bytes, int, int, int], SegmentResult],
                on_result: Callable[[SegmentResult, int], None], count_rows: bool = False) -> None:
    """``process(data, header_len, offset, first_row)`` every span on ``n``
    threads; ``on_result(result, bytes_in)`` runs in the calling thread, in
    input order. At most ``n * IN_FLIGHT_PER_WORKER`` segments are in
    flight. ``first_row`` (the number of the segment's first data row) is
    only counted when ``count_rows`` (batch hooks get row offsets), else 0.
    The first error stops the run and is raised here."""
    from .segments import record_starts
    rows = 0

    def first_row(data, header_len):
        nonlocal rows
        at = rows
        if count_rows:
            whole = b"".join(data) if isinstance(data, list) else data
            rows += len(record_starts(whole, header_len)) - 1
        return at

    def size(data, header_len):
        return (sum(len(p) for p in data) if isinstance(data, list) else len(data)) - header_len
    if n <= 1:
        for data, header_len, offset in spans:
            on_result(process(data, header_len, offset, first_row(data, header_len)),
                      size(data, header_len))
        return
    pending: deque = deque()
    limit = n * IN_FLIGHT_PER_WORKER
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="desensitize") as pool:
        try:
            for data, header_len, offset in spans:
                if len(pending) >= limit:
                    fut, nbytes = pending.popleft()
                    on_result(fut.result(), nbytes)
                pending.append((pool.submit(process, data, header_len, offset,
                                            first_row(data, header_len)),
                                size(data, header_len)))
                del data
            while pending:
                fut, nbytes = pending.popleft()
                on_result(fut.result(), nbytes)
        except BaseException:
            for fut, _ in pending:
                fut.cancel()
            raise
