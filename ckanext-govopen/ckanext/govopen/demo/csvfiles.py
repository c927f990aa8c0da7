"""Write synthetic tables as CSV (UTF-8, UTF-8 with BOM, or GBK) and JSON.

Encodings are recorded in the resource's ``encoding`` field with the labels
used by the desensitization module: ``UTF-8``, ``UTF-8-BOM``, ``GBK``.
GBK files are written strictly (``errors="strict"``) so an unencodable
character fails loudly instead of becoming ``?``.
"""
from __future__ import annotations

import csv
import io
import json
import os
from typing import Any, Sequence

ENCODINGS = {"UTF-8": "utf-8", "UTF-8-BOM": "utf-8-sig", "GBK": "gbk"}


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]],
              encoding: str = "UTF-8") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(ENCODINGS[encoding], errors="strict")


def _json_value(value: Any) -> Any:
    if value == "true":
        return True
    if value == "false":
        return False
    return value


def json_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    records = [{h: _json_value(v) for h, v in zip(header, r)} for r in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


def write(directory: str, filename: str, data: bytes) -> str:
    path = os.path.join(directory, filename)
    with open(path, "wb") as f:
        f.write(data)
    return path
