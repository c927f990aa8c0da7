"""Solr ``sort`` parameter → ORDER BY, with a whitelist of expressions."""
from __future__ import annotations

from . import fields
from .lucene import QuerySyntaxError
from .sqlparams import Params

# Popularity counters are not tracked in the index (CKAN's tracking plugin
# is off); sorting by them falls back to the next key, as in Solr with
# missing values.
_UNTRACKED = frozenset({"views_recent", "view_recent", "views_total",
                        "resources_accessed_recent",
                        "resources_accessed_total"})
_COLUMNS = {
    "metadata_modified": "i.metadata_modified",
    "metadata_created": "i.metadata_created",
    "title_string": "i.title_sort",
    "name": "i.name",
    "id": "i.id",
    "index_id": "i.index_id",
}


def order_by(sort: str | None, rank_expr: str, params: Params) -> str:
    clauses = []
    for part in (sort or "").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        if len(bits) != 2 or bits[1].lower() not in ("asc", "desc"):
            raise QuerySyntaxError('排序参数无效 / Invalid "sort" parameter')
        field, direction = bits[0], bits[1].upper()
        if field in _UNTRACKED:
            continue
        if field == "score":
            if rank_expr == "0":
                continue  # no text query: every score is equal
            expr = rank_expr
        elif field in _COLUMNS:
            expr = _COLUMNS[field]
        elif fields.valid_name(field):
            first = f"(i.stored -> {params.add(field)} ->> 0)"
            expr = {fields.DATE: f"govopen_search_ts{first}",
                    fields.NUMBER: f"govopen_search_num{first}"}.get(
                        fields.kind(field), first)
        else:
            raise QuerySyntaxError('排序参数无效 / Invalid "sort" parameter')
        # Columns that are never NULL keep the plain order so their b-tree
        # indexes serve ORDER BY … LIMIT; derived values put NULLs last.
        nulls = "" if field in _COLUMNS else " NULLS LAST"
        clauses.append(f"{expr} {direction}{nulls}")
    clauses.append("i.index_id ASC")  # stable paging
    return ", ".join(clauses)
