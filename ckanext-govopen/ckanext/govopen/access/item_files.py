"""Grant data items on file downloads (GUIDE §5.3 "Grant scope").

A grantee whose grant lists data items gets, for an uploaded file, either
the file a delivery provider makes for the grant (``delivery.py``; the
desensitize plugin's per-grant extract holds only the approved items) or,
when no provider makes one, a copy of the CSV/TSV upload holding only the
granted columns (header names are the items' ``name_en``).
Formats that cannot be cut by column are refused: the DataStore API serves
those grantees column by column (``columns.py``).
"""
from __future__ import annotations

import codecs
import csv
import tempfile
from typing import IO, Optional

from ckan import model

DELIMITERS = {"CSV": ",", "TSV": "\t"}
CHUNK = 1 << 16


class ItemsRefused(Exception):
    """The upload cannot be limited to the grant's data items (bilingual
    message)."""


def _encoding(path: str) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes, else
    GB18030 (which covers GBK/GB2312, common in government exports)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _delimiter(res: model.Resource) -> Optional[str]:
    fmt = (res.format or "").strip().upper()
    if fmt in DELIMITERS:
        return DELIMITERS[fmt]
    name = (res.url or "").lower()
    if name.endswith(".csv"):
        return ","
    if name.endswith(".tsv"):
        return "\t"
    return None


def limited_copy(res: model.Resource, path: str,
                 items: frozenset) -> IO[bytes]:
    """A temporary UTF-8 CSV (rewound) holding only the columns named by
    ``items``; raises :class:`ItemsRefused` when that cannot be done."""
    delimiter = _delimiter(res)
    listed = "、".join(sorted(items))
    if delimiter is None:
        raise ItemsRefused(
            f"您的授权仅包含信息项 {listed}，该格式的文件无法按信息项提供，"
            f"请通过数据接口获取 / Your grant covers the data items "
            f"{', '.join(sorted(items))} only and this file format cannot "
            f"be limited to them; use the DataStore API")
    with open(path, encoding=_encoding(path), newline="") as src:
        reader = csv.reader(src, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        keep = [i for i, name in enumerate(header) if name in items]
        if not keep:
            raise ItemsRefused(
                f"文件中没有您授权的信息项（{listed}） / The file holds none "
                f"of your granted data items ({', '.join(sorted(items))})")
        out = tempfile.TemporaryFile()
        text = codecs.getwriter("utf-8")(out)
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
        writer.writerow([header[i] for i in keep])
        for row in reader:
            writer.writerow([row[i] if i < len(row) else "" for i in keep])
        text.flush()
    out.seek(0)
    return out
