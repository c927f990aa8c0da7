"""Turn CKAN's flattened index document into a row of the index table."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Any

from dateutil.parser import isoparse

from . import fields, segment
from .scrub import scrub_document

MAX_POSITIONS_PER_LEXEME = 8  # enough for ranking; keeps vectors small
MAX_LEXEME_BYTES = 2000       # PostgreSQL's limit is 2046
MAX_FILTER_VALUE = 256        # longer values are matched from ``stored``


def _strings(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (dict,)):
        return [json.dumps(value, ensure_ascii=False, sort_keys=True)]
    return [str(value)]


def _timestamp(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        stamp = isoparse(str(value))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


class _Vector:
    """Accumulates lexemes with positions and weights; renders a literal."""

    def __init__(self) -> None:
        self.entries: dict[str, list[str]] = defaultdict(list)
        self.position = 0

    def add(self, tokens: list[str], weight: str) -> None:
        for token in tokens:
            self.position = min(self.position + 1, 16383)
            if len(token.encode()) > MAX_LEXEME_BYTES:
                continue
            slots = self.entries[token]
            if len(slots) < MAX_POSITIONS_PER_LEXEME:
                slots.append(f"{self.position}{weight}")

    def literal(self) -> str:
        return " ".join(
            "'" + lex.replace("\\", "\\\\").replace("'", "''") + "':"
            + ",".join(slots) for lex, slots in self.entries.items())


def _first(values: dict[str, list[str]], key: str) -> str | None:
    items = values.get(key)
    return items[0] if items else None


def index_id(package_id: str, site_id: str) -> str:
    return hashlib.md5(f"{package_id}{site_id}".encode()).hexdigest()


def _solr_date(field: str, value: Any) -> Any:
    """Store dates as Solr returns them: UTC, ``Z``, at most milliseconds."""
    if not (isinstance(value, str) and fields.kind(field) == fields.DATE):
        return value
    stamp = _timestamp(value)
    if stamp is None:
        return value
    stamp = stamp.astimezone(dt.timezone.utc)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if stamp.microsecond:
        text += f".{stamp.microsecond // 1000:03d}"
    return text + "Z"


def filter_values(values: dict[str, list[str]]) -> dict[str, list[str]]:
    """The exact-match (string) fields small enough to filter and facet on."""
    return {k: v for k, v in values.items()
            if fields.kind(k) == fields.STRING
            and all(len(x) <= MAX_FILTER_VALUE for x in v)}


def build_row(doc: dict[str, Any]) -> dict[str, Any]:
    doc = {k: _solr_date(k, v) for k, v in scrub_document(doc).items()}
    values = {k: _strings(v) for k, v in doc.items()
              if k not in fields.BLOB_FIELDS}
    values = {k: v for k, v in values.items() if v}
    whole = _Vector()
    texts: list[str] = []
    for field, items in values.items():
        if not fields.is_searchable_text(field):
            continue
        if field == "name":
            items = [" ".join(i.replace("-", " ").replace("_", " ")
                              for i in items)]
        tokens = [t for item in items for t in segment.index_tokens(item)]
        whole.add(tokens, fields.weight(field))
        texts.extend(segment.normalize(i) for i in items)
    title = doc.get("title_string") or doc.get("title") or ""
    return {
        "index_id": doc.get("index_id") or index_id(doc["id"],
                                                    doc.get("site_id", "")),
        "id": doc["id"],
        "name": doc.get("name"),
        "site_id": doc.get("site_id") or "",
        "title_sort": title.strip().lower() if isinstance(title, str) else "",
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "stored": json.dumps(values, ensure_ascii=False),
        "filters": json.dumps(filter_values(values), ensure_ascii=False),
        "state": _first(values, "state"),
        "capacity": _first(values, "capacity"),
        "dataset_type": _first(values, "dataset_type"),
        "permission_labels": values.get("permission_labels", []),
        "tsv": whole.literal(),
        "search_text": "\n".join(texts),
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
    }
