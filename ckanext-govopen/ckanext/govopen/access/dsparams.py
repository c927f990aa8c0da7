"""Reading ``datastore_search`` parameters the way core does, for the
guards that refuse queries on some columns (grant data items in
``access/columns.py``, masked columns in ``desensitize/datastore_guard.py``).
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

SORT_CLAUSE = re.compile(r"^(.+?)( +(asc|desc))?( nulls +(first|last) *)?$",
                         re.I)


def json_or_raw(value: Any) -> Any:
    """A JSON string parsed (the API accepts ``filters``/``q`` as JSON
    text); anything else as given."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def query(value: Any) -> Any:
    """``q`` as core reads it: a JSON object is a per-column search, any
    other non-empty value searches the whole row."""
    parsed = json_or_raw(value)
    if isinstance(parsed, dict):
        return parsed
    return "" if value is None else str(value).strip()


def filter_fields(filters: Any) -> Iterator[str]:
    """Column names in a ``filters`` value (dict or list of dicts,
    ``$and``/``$or`` nested, ``$$name`` escaping a name that starts with
    ``$``), as ``ckanext.datastore.filters`` reads them."""
    if isinstance(filters, list):
        for item in filters:
            yield from filter_fields(item)
    elif isinstance(filters, dict):
        for key, value in filters.items():
            key = str(key)
            if key.startswith("$") and not key.startswith("$$"):
                yield from filter_fields(value)
            else:
                yield key[1:] if key.startswith("$$") else key


def names(value: Any) -> list[str]:
    """A list, or a comma-separated string, of names/clauses."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    elif not isinstance(value, (list, tuple)):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def sort_field(clause: str) -> str:
    match = SORT_CLAUSE.match(clause)
    field = match.group(1) if match else clause
    if len(field) > 1 and field[0] == field[-1] == '"':
        field = field[1:-1]
    return field


def sort_fields(value: Any) -> list[str]:
    return [sort_field(clause) for clause in names(value)]
