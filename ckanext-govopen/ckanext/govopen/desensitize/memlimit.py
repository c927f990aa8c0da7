"""Memory limit of a scan or run (GUIDE §6 "background jobs with a memory
limit").

A :class:`MemoryGuard` samples the resident memory of this process and its
child processes (the GB18030 decoders of a non-lazy source) on a
background thread, and :meth:`MemoryGuard.check`, called between segments
and batches, turns an overrun into a bilingual ``memory_limit`` problem.
The engine then removes its partial output; the original is only ever read.
Sampling, not ``RLIMIT_AS``: polars and numba reserve far more address
space than they use, so an address-space limit would fail healthy runs.

The limit comes from the caller (``memory_limit_mb``), else from the
environment variable :data:`ENV`; none means unlimited.
"""
from __future__ import annotations

import os
import threading

from .problems import DesensitizeError

ENV = "GOVOPEN_DESENSITIZE_MEMORY_MB"
INTERVAL = 0.02
_PAGE = os.sysconf("SC_PAGE_SIZE")


def resolve(limit_mb: int | float | None) -> float | None:
    """The effective limit in MB: the argument, else :data:`ENV`; None or
    a value <= 0 means no limit."""
    if limit_mb is None:
        raw = os.environ.get(ENV, "").strip()
        if not raw:
            return None
        try:
            limit_mb = float(raw)
        except ValueError:
            raise DesensitizeError.of("bad_config", detail=f"{ENV}={raw[:40]}") from None
    return float(limit_mb) if limit_mb and float(limit_mb) > 0 else None


def _rss(pid: int | str) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int | str) -> list[str]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out.extend(fh.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def tree_rss_mb(pid: int | None = None) -> float:
    """Resident memory of ``pid`` (default: this process) and all its
    descendants, in MB."""
    todo, total, seen = [str(pid or os.getpid())], 0, set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss(p)
        todo.extend(_children(p))
    return total / 2**20


class MemoryGuard:
    """``with MemoryGuard(limit) as guard: ... guard.check() ...``"""

    def __init__(self, limit_mb: float | None):
        self.limit = limit_mb
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "MemoryGuard":
        if self.limit is not None:
            self.peak = tree_rss_mb()
            self._thread = threading.Thread(target=self._loop, name="desensitize-memory",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)

    def _loop(self) -> None:
        while not self._stop.wait(INTERVAL):
            self.peak = max(self.peak, tree_rss_mb())
            if self.peak > self.limit:
                return  # the next check() reports it

    def check(self) -> None:
        """Raise ``memory_limit`` if the limit was exceeded at any sample
        since the guard started, or is exceeded now."""
        if self.limit is None:
            return
        self.peak = max(self.peak, tree_rss_mb())
        if self.peak > self.limit:
            raise DesensitizeError.of("memory_limit", limit=round(self.limit),
                                      used=round(self.peak))
