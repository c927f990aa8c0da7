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
from .segments import SEGMENT_BYTES, iter_segments
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

    def lazy(self, data=None) -> pl.LazyFrame:
        """The whole file, or ``data`` (one segment's bytes) when given."""
        src = self.path if data is None else io.BytesIO(data)
        return pl.scan_csv(src, separator=self.separator, infer_schema=False,
                           empty_string_is_null=False, quote_char='"', raise_if_empty=True)

    def segments(self, size: int = SEGMENT_BYTES) -> Iterator[pl.LazyFrame]:
        """One LazyFrame per record-aligned segment (see :mod:`.segments`):
        run a streaming query per segment to keep memory flat."""
        for data in iter_segments(self.parts or self.path, size):
            yield self.lazy(data)

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
                max_line: int = encoding.DEFAULT_MAX_LINE) -> Source:
    if not os.path.isfile(path):
        raise DesensitizeError.of("io_error", detail=f"not a file: {path}")
    if os.path.getsize(path) == 0:
        raise DesensitizeError.of("empty_file")
    fmt = fmt or guess_format(path)
    if fmt in ("csv", "tsv"):
        st = encoding.prepare(path, workdir, max_line=max_line, progress=progress)
        src = Source(st.path, path, fmt, st.encoding, st.size, st.lines,
                     separator="\t" if fmt == "tsv" else ",",
                     temp_files=(st.parts or [st.path]) if st.temp else [], parts=st.parts)
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
