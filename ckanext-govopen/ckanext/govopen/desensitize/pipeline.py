"""Three-stage pipeline: read → transform → write, each on its own thread.

Parsing a segment (``LazyFrame.collect``) and writing CSV run in polars'
Rust code without the GIL, so they overlap with the transform stage, which
holds the GIL for its Python parts (HMAC loops, the reference scan). This
measured cheaper than running the transform as a ``map_batches`` UDF inside
polars' streaming engine, where several engine threads contend for the GIL.
Queues hold at most ``depth`` items, so memory stays bounded.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
U = TypeVar("U")
_END = object()


class _Stage(threading.Thread):
    def __init__(self, fn: Callable[[], None]):
        super().__init__(daemon=True)
        self.fn = fn
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.fn()
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc


def _put(q: queue.Queue, item, stop: threading.Event, peer: threading.Thread | None = None) -> bool:
    """Blocking put that gives up when the pipeline stops or the consuming
    thread (``peer``) has died."""
    while not stop.is_set() and (peer is None or peer.is_alive()):
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def run(source: Iterable[T], transform: Callable[[T], Iterator[U]],
        sink: Callable[[U], None], depth: int = 1) -> None:
    """Feed ``source`` items through ``transform`` (which may yield several
    outputs per input) into ``sink``. ``transform`` runs on the calling
    thread; errors from any stage are re-raised here."""
    stop = threading.Event()
    inq: queue.Queue = queue.Queue(depth)
    outq: queue.Queue = queue.Queue(depth)

    def read():
        try:
            for item in source:
                if not _put(inq, item, stop):
                    return
        finally:
            _put(inq, _END, stop)

    def write():
        while True:
            item = outq.get()
            if item is _END:
                return
            sink(item)

    reader, writer = _Stage(read), _Stage(write)
    reader.start()
    writer.start()
    try:
        while True:
            item = inq.get()
            if item is _END:
                break
            for out in transform(item):
                if not _put(outq, out, stop, writer):
                    raise writer.error or RuntimeError("CSV writer stopped")
        if reader.error is not None:
            raise reader.error
        _put(outq, _END, stop, writer)
        writer.join()
        if writer.error is not None:
            raise writer.error
    finally:
        stop.set()  # unblocks a reader waiting on a full queue
        reader.join()
