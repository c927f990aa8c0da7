"""Input formats → a stream of all-string polars DataFrames.

Everything becomes a UTF-8 CSV first (the original, or a temp copy written
incrementally), then polars' streaming engine reads it in batches with
every column as text: IDs stored as numbers would otherwise lose leading
zeros or digits. Originals are only ever opened for reading.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

import polars as pl

from . import encoding
from . import segments as segments_mod
from .segments import SEGMENT_BYTES, iter_segment_pieces, iter_segments_at
from .problems import DesensitizeError, Problem, problem

MAX_JSON_ARRAY = 256 << 20
FORMATS = ("csv", "tsv", "xlsx", "xls", "json", "ndjson")


def guess_format(path: str) -> str:
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in ("csv", "txt"):
        return "csv"
    if ext in ("jsonl", "ndjson"):
        return "ndjson"
    if ext in FORMATS:
        return ext
    raise DesensitizeError.of("unsupported_format", detail=ext or path)


@dataclass
class Source:
    path: str              # UTF-8 CSV that polars reads
    original: str
    format: str
    encoding: str
    size: int
    est_rows: int
    separator: str = ","
    temp_files: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # UTF-8 text split over files
    problems: list[Problem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    # Set by ``open_source(lazy=True)`` for GB18030: ``path`` is the original
    # and every segment is decoded on its own (see :meth:`decode`).
    raw_encoding: str | None = None
    # Lazy sources run the line guard while segments are read.
    max_line: int | None = None

    def lazy(self, data=None) -> pl.LazyFrame:
        """The whole file, or ``data`` (one segment's UTF-8 bytes) when given."""
        if data is None and self.raw_encoding:
            data = self.decode(*next(iter_segments_at(self.path, 1 << 20)))
        src = self.path if data is None else io.BytesIO(data)
        return pl.scan_csv(src, separator=self.separator, infer_schema=False,
                           empty_string_is_null=False, quote_char='"', raise_if_empty=True)

    def decode(self, data: bytes, header_len: int = 0, offset: int = 0) -> bytes:
        """UTF-8 bytes of one segment; decoding errors name the byte offset
        in the original file."""
        return decode_segment(self.raw_encoding, data, header_len, offset)

    def spans(self, size: int | None = None) -> Iterator[tuple[bytes, int, int]]:
        """Raw record-aligned segments ``(data, header_len, offset)``."""
        feed = encoding.line_guard(self.max_line) if self.max_line else None
        return iter_segments_at(self.parts or self.path, size or segments_mod.SEGMENT_BYTES, feed)

    def pieces(self, size: int | None = None) -> Iterator[tuple[list, int, int]]:
        """Like :meth:`spans`, each segment as unjoined pieces."""
        feed = encoding.line_guard(self.max_line) if self.max_line else None
        return iter_segment_pieces(self.parts or self.path, size or segments_mod.SEGMENT_BYTES,
                                   feed)

    def segments(self, size: int | None = None) -> Iterator[pl.LazyFrame]:
        """One LazyFrame per record-aligned segment (see :mod:`.segments`):
        run a streaming query per segment to keep memory flat."""
        for data, hl, off in self.spans(size):
            yield self.lazy(self.decode(data, hl, off))

    def batches(self, batch_rows: int = 100_000) -> Iterator[pl.DataFrame]:
        try:
            for lf in self.segments():
                df = lf.collect()
                for off in range(0, max(df.height, 1), batch_rows):
                    yield df.slice(off, batch_rows)
        except pl.exceptions.PolarsError as exc:
            raise translate_polars_error(exc) from None

    def sample(self, n: int) -> pl.DataFrame:
        try:
            parts, have = [], 0
            for lf in self.segments(size=min(SEGMENT_BYTES, 8 << 20)):
                parts.append(lf.head(n - have).collect())
                have += parts[-1].height
                if have >= n:
                    break
            return pl.concat(parts)
        except pl.exceptions.PolarsError as exc:
            raise translate_polars_error(exc) from None

    def cleanup(self) -> None:
        for p in self.temp_files:
            try:
                os.unlink(p)
            except OSError:
                pass


def decode_segment(raw_encoding: str | None, data, header_len: int = 0,
                   offset: int = 0):
    """UTF-8 bytes-like of one segment (``data``: bytes-like)."""
    if not raw_encoding:
        return data
    if raw_encoding == encoding.GB18030:
        from .gbdecode import decode
        utf8 = decode(data)  # compiled, without the GIL
        if utf8 is not None:
            return utf8
    try:
        return bytes(data).decode(raw_encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start if exc.start < header_len else offset + exc.start - header_len
        raise DesensitizeError.of("bad_encoding", detail=f"GB18030, byte offset {at}") from None


def translate_polars_error(exc: Exception) -> DesensitizeError:
    msg = str(exc).splitlines()[0][:300]
    low = msg.lower()
    if "utf-8" in low or "utf8" in low:
        return DesensitizeError.of("bad_encoding", detail=msg)
    if "more fields" in low or "ragged" in low:
        return DesensitizeError.of("ragged_rows", detail=msg)
    if "empty" in low:
        return DesensitizeError.of("empty_file")
    return DesensitizeError.of("malformed_csv", detail=msg)


def open_source(path: str, workdir: str, fmt: str | None = None, *,
                progress: Callable[[float], None] | None = None,
                max_line: int = encoding.DEFAULT_MAX_LINE, lazy: bool = False) -> Source:
    """``lazy``: CSV/TSV originals are not read in full up front; GB18030 is
    decoded segment by segment and the line guard runs as segments are read
    (see :func:`.encoding.prepare`)."""
    if not os.path.isfile(path):
        raise DesensitizeError.of("io_error", detail=f"not a file: {path}")
    if os.path.getsize(path) == 0:
        raise DesensitizeError.of("empty_file")
    fmt = fmt or guess_format(path)
    if fmt in ("csv", "tsv"):
        st = encoding.prepare(path, workdir, max_line=max_line, progress=progress, lazy=lazy)
        src = Source(st.path, path, fmt, st.encoding, st.size, st.lines,
                     separator="\t" if fmt == "tsv" else ",",
                     temp_files=(st.parts or [st.path]) if st.temp else [], parts=st.parts,
                     raw_encoding=st.encoding if lazy and st.encoding == encoding.GB18030 else None,
                     max_line=max_line if lazy else None)
    else:
        out = os.path.join(workdir, "source.converted.csv")
        conv = {"xlsx": _xlsx_to_csv, "xls": _xls_to_csv, "json": _json_to_csv,
                "ndjson": _ndjson_to_csv}[fmt]
        rows = conv(path, out)
        src = Source(out, path, fmt, "utf-8" if fmt in ("json", "ndjson") else fmt,
                     os.path.getsize(path), rows, temp_files=[out])
    try:
        cols = src.lazy().collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        src.cleanup()
        raise translate_polars_error(exc) from None
    if not cols or all(not c.strip() for c in cols):
        src.cleanup()
        raise DesensitizeError.of("no_header")
    dups = sorted({c.split("_duplicated_")[0] for c in cols if "_duplicated_" in c})
    if dups:
        src.problems.append(problem("duplicate_header", severity="warning", detail=", ".join(dups)))
    src.columns = cols
    return src


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    return str(v)


def _write_rows(out: str, rows) -> int:
    n = -1
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for n, row in enumerate(rows):
            w.writerow([_cell(v) for v in row])
    if n < 0:
        raise DesensitizeError.of("empty_file")
    return n


def _xlsx_to_csv(path: str, out: str) -> int:
    try:
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DesensitizeError.of("bad_spreadsheet", detail=type(exc).__name__) from None
    try:
        return _write_rows(out, wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def _xls_to_csv(path: str, out: str) -> int:
    try:
        import xlrd
        wb = xlrd.open_workbook(path, on_demand=True)
        sh = wb.sheet_by_index(0)
    except Exception as exc:
        raise DesensitizeError.of("bad_spreadsheet", detail=type(exc).__name__) from None

    def rows():
        for r in range(sh.nrows):
            row = []
            for c in sh.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(c.value, wb.datemode))
                else:
                    row.append(c.value if c.value != "" else None)
            yield row
    try:
        return _write_rows(out, rows())
    finally:
        wb.release_resources()


def _records_to_csv(records, out: str) -> int:
    """Columns come from the first record; a later record with new keys is
    rejected rather than silently losing data (one pass, flat memory)."""
    header: list[str] | None = None
    n = 0
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for rec in records:
            if not isinstance(rec, dict):
                raise DesensitizeError.of("bad_json", detail="record is not an object")
            if header is None:
                header = list(rec.keys())
                w.writerow(header)
            extra = set(rec) - set(header)
            if extra:
                raise DesensitizeError.of("bad_json", detail=f"unexpected keys {sorted(extra)[:5]}")
            w.writerow([_cell(rec.get(k)) if not isinstance(rec.get(k), (dict, list))
                        else json.dumps(rec.get(k), ensure_ascii=False) for k in header])
            n += 1
    if header is None:
        raise DesensitizeError.of("empty_file")
    return n


def _json_to_csv(path: str, out: str) -> int:
    if os.path.getsize(path) > MAX_JSON_ARRAY:
        raise DesensitizeError.of("bad_json", detail="JSON arrays over 256 MB: use NDJSON")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (UnicodeDecodeError, ValueError) as exc:
        raise DesensitizeError.of("bad_json", detail=str(exc)[:200]) from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]  # DataStore-style {"fields": ..., "records": [...]}
    if not isinstance(data, list):
        raise DesensitizeError.of("bad_json", detail="top level is not an array")
    return _records_to_csv(data, out)


def _ndjson_to_csv(path: str, out: str) -> int:
    def records():
        with open(path, encoding="utf-8-sig") as fh:
            for i, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError:
                        raise DesensitizeError.of("bad_json", detail=f"line {i}") from None
    try:
        return _records_to_csv(records(), out)
    except UnicodeDecodeError as exc:
        raise DesensitizeError.of("bad_json", detail=str(exc)[:200]) from None
