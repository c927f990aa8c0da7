"""Execute a Solr-style parameter dict against the index table."""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import text

from . import fields
from .freetext import compile_freetext
from .lucene import Compiler, QuerySyntaxError, column_for, compile_query
from .sort import order_by
from .sqlparams import Params

RANK_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"  # D, C, B, A
DEFAULT_SORT = "score desc, metadata_modified desc"
TABLE = "govopen_search_index"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _int(params: dict, key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise QuerySyntaxError(
            f"参数无效 / Invalid {key!r} parameter: {value!r}") from e


def _bool(value: Any, default: bool = True) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "on", "1", "yes")


def _field_list(fl: Any) -> list[str] | None:
    """None means every stored field (Solr's ``*``)."""
    names = [n for item in _as_list(fl) for n in
             str(item).replace(",", " ").split()]
    if not names or "*" in names:
        return None
    return names


def build_where(params: dict[str, Any], sql: Params) -> tuple[str, str]:
    """WHERE clause and rank expression for ``q`` plus every ``fq``."""
    q = str(params.get("q") or "").strip()
    compiler = Compiler(sql, params.get("df") or "text")
    if q in ("", "*:*", '""', "''"):
        q_where = "TRUE"
    elif params.get("defType") == "dismax":
        q_where = compile_freetext(q, compiler, params.get("mm"))
    else:
        q_where = compiler.compile_root(q)
    clauses = [q_where]
    for fq in _as_list(params.get("fq")) + _as_list(params.get("fq_list")):
        fq = str(fq).strip()
        if fq:
            where, _ = compile_query(fq, sql)
            clauses.append(where)
    rank = "0"
    if compiler.rank_terms:
        tsquery = " | ".join(f"({t})" for t in compiler.rank_terms)
        rank = (f"ts_rank({RANK_WEIGHTS}, i.tsv, "
                f"CAST({sql.add(tsquery)} AS tsquery))")
    return " AND ".join(f"({c})" for c in clauses), rank


def _doc(row: Any, wanted: list[str] | None, score: float) -> dict[str, Any]:
    stored: dict[str, list[str]] = row.stored
    doc: dict[str, Any] = {}
    keys: Iterable[str] = wanted if wanted is not None else \
        list(stored) + ["data_dict", "validated_data_dict", "index_id"]
    for key in keys:
        if key in ("data_dict", "validated_data_dict"):
            value = getattr(row, key)
            if value is not None:
                doc[key] = value
        elif key == "index_id":
            doc[key] = row.index_id
        elif key == "score":
            doc[key] = float(score)
        elif key in stored:
            values = stored[key]
            doc[key] = values if fields.is_multi_valued(key) else values[0]
    return doc


def _facets(conn, params: dict, where: str, sql: Params) -> dict[str, list]:
    if not _bool(params.get("facet"), True):
        return {}
    names = [str(f) for f in _as_list(params.get("facet.field"))]
    if not names:
        return {}
    limit = _int(params, "facet.limit", 50)
    mincount = _int(params, "facet.mincount", 1)
    parts = []
    for name in names:
        if not fields.valid_name(name):
            raise QuerySyntaxError(
                f"无效的分面字段 / Invalid facet field {name!r}")
        f = sql.add(name)
        lim = "" if limit < 0 else f" LIMIT {int(limit)}"
        parts.append(
            f"(SELECT {f} AS field, v AS value, count(*) AS n "
            f"FROM {TABLE} i CROSS JOIN LATERAL "
            f"jsonb_array_elements_text(i.{column_for(name)} -> {f}) AS v "
            f"WHERE {where} GROUP BY v HAVING count(*) >= {int(mincount)} "
            f"ORDER BY n DESC, v{lim})")
    out: dict[str, list] = {name: [] for name in names}
    for row in conn.execute(text(" UNION ALL ".join(parts)), sql):
        out[row.field].extend((row.value, row.n))
    return out


def run(conn, params: dict[str, Any]) -> tuple[int, list[dict], dict]:
    sql = Params()
    where, rank = build_where(params, sql)
    rows = _int(params, "rows", 10)
    start = _int(params, "start", 0)
    if rows < 0 or start < 0:
        raise QuerySyntaxError(
            "rows 和 start 不能为负数 / rows and start must not be negative")
    order = order_by(params.get("sort") or DEFAULT_SORT, rank, sql)
    count = conn.execute(text(f"SELECT count(*) FROM {TABLE} i WHERE {where}"),
                         sql).scalar()
    docs: list[dict] = []
    if rows and count > start:
        # Order and cut the page on narrow rows first, then read the wide
        # stored columns for that page only (deep pages stay cheap).
        page = conn.execute(text(
            f"SELECT i.index_id, {rank} AS score FROM {TABLE} i "
            f"WHERE {where} ORDER BY {order} "
            f"LIMIT {int(rows)} OFFSET {int(start)}"), sql).all()
        scores = {r.index_id: r.score for r in page}
        wanted = _field_list(params.get("fl"))
        blobs = [c for c in ("data_dict", "validated_data_dict")
                 if wanted is None or c in wanted]
        cols = ", ".join(["i.index_id", "i.stored"]
                         + [f"i.{c}" for c in blobs])
        fetched = {r.index_id: r for r in conn.execute(text(
            f"SELECT {cols} FROM {TABLE} i "
            f"WHERE i.index_id = ANY(:page_ids)"),
            {"page_ids": list(scores)})}
        docs = [_doc(fetched[i], wanted, scores[i]) for i in scores
                if i in fetched]
    return count, docs, _facets(conn, params, where, sql)


def delete_where(conn, query: str) -> int:
    sql = Params()
    where, _ = compile_query(query, sql)
    return conn.execute(text(f"DELETE FROM {TABLE} i WHERE {where}"),
                        sql).rowcount


def upsert(conn, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    conn.execute(text(f"""
        INSERT INTO {TABLE} (index_id, id, name, site_id, title_sort,
            metadata_created, metadata_modified, stored, filters, state,
            capacity, dataset_type, permission_labels, tsv,
            search_text, data_dict, validated_data_dict, indexed_at)
        VALUES (:index_id, :id, :name, :site_id, :title_sort,
            :metadata_created, :metadata_modified, CAST(:stored AS jsonb),
            CAST(:filters AS jsonb), :state, :capacity, :dataset_type,
            :permission_labels, CAST(:tsv AS tsvector), :search_text,
            :data_dict, :validated_data_dict, now())
        ON CONFLICT (index_id) DO UPDATE SET
            id = EXCLUDED.id, name = EXCLUDED.name,
            site_id = EXCLUDED.site_id, title_sort = EXCLUDED.title_sort,
            metadata_created = EXCLUDED.metadata_created,
            metadata_modified = EXCLUDED.metadata_modified,
            stored = EXCLUDED.stored, filters = EXCLUDED.filters,
            state = EXCLUDED.state, capacity = EXCLUDED.capacity,
            dataset_type = EXCLUDED.dataset_type,
            permission_labels = EXCLUDED.permission_labels,
            tsv = EXCLUDED.tsv,
            search_text = EXCLUDED.search_text,
            data_dict = EXCLUDED.data_dict,
            validated_data_dict = EXCLUDED.validated_data_dict,
            indexed_at = now()
    """), rows)
