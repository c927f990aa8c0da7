"""CSV segments handed to and from polars through in-memory files.

polars writing CSV into a Python file object (``io.BytesIO``) calls back
into Python for every chunk, so a third of that work holds the GIL and
stalls the other transform threads; reading from ``bytes`` needs the
segment joined into one object first, a copy under the GIL. Through a
path, polars reads and writes entirely in Rust. On Linux the path is an
anonymous in-memory file (``memfd``, via ``/proc/self/fd``): nothing
touches the disk, the pieces of an input segment go in with ``os.write``
(no GIL while copying), and output is appended to the derivative with
``sendfile``, a kernel copy. Elsewhere bytes are used as before.
"""
from __future__ import annotations

import io
import os

_MEMFD = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")


class CsvChunks:
    """Output of one segment: CSV without header, in batch order."""

    def __init__(self):
        self._parts: list = []  # fds (memfd) or bytes

    def add(self, df) -> None:
        if df.height == 0:
            return
        if _MEMFD:
            fd = os.memfd_create("govopen-desensitize", os.MFD_CLOEXEC)
            try:
                df.write_csv(f"/proc/self/fd/{fd}", include_header=False)
            except BaseException:
                os.close(fd)
                raise
            self._parts.append(fd)
        else:
            buf = io.BytesIO()
            df.write_csv(buf, include_header=False)
            self._parts.append(buf.getvalue())

    def write_to(self, fh) -> int:
        """Append everything to the open binary file ``fh``; returns bytes
        written. Closes the in-memory files."""
        total = 0
        out = fh.fileno()
        for part in self._parts:
            if isinstance(part, bytes):
                fh.write(part)
                total += len(part)
                continue
            fh.flush()  # sendfile writes at the OS file position
            size = os.fstat(part).st_size
            offset = 0
            while offset < size:
                sent = os.sendfile(out, part, offset, size - offset)
                if sent == 0:
                    raise OSError("sendfile wrote nothing")
                offset += sent
            total += size
        self.close()
        return total

    def getvalue(self) -> bytes:
        out = []
        for part in self._parts:
            if isinstance(part, bytes):
                out.append(part)
            else:
                out.append(os.pread(part, os.fstat(part).st_size, 0))
        return b"".join(out)

    def close(self) -> None:
        for part in self._parts:
            if not isinstance(part, bytes):
                os.close(part)
        self._parts = []

    def __del__(self):  # a failed run drops results without writing them
        try:
            self.close()
        except Exception:
            pass


def read_csv_pieces(pieces: list, **kw):
    """``pl.read_csv`` of the concatenation of ``pieces`` (bytes-like)."""
    import polars as pl
    if not _MEMFD:
        return pl.read_csv(io.BytesIO(b"".join(pieces)), **kw)
    fd = os.memfd_create("govopen-desensitize-in", os.MFD_CLOEXEC)
    try:
        for piece in pieces:
            view = memoryview(piece)
            while len(view):
                view = view[os.write(fd, view):]
        return pl.read_csv(f"/proc/self/fd/{fd}", **kw)
    finally:
        os.close(fd)
