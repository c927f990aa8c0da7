"""A pysolr-compatible connection that stores and queries in PostgreSQL.

CKAN builds Solr documents and Solr parameter dicts in
``ckan.lib.search.index``/``query`` and hands them to ``make_connection()``.
Answering at that seam keeps all of CKAN's flattening, permission labels and
parameter validation, so the backend only has to reproduce Solr's semantics.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from ckan import model
from ckan.lib.search.common import (
    SearchError, SearchQueryError, solr_datetime_decoder,
)
from sqlalchemy.exc import DBAPIError

from . import query
from .document import build_row
from .lucene import QuerySyntaxError

log = logging.getLogger(__name__)

# Documents added with commit=False (``ckan search-index rebuild`` without
# --commit-each) are written in batches; commit(), any search, any delete and
# any commit of CKAN's session flush them first, so a process always reads
# its own writes and a rebuild (which ends with a session commit, also in
# rebuild-fast's child processes) leaves nothing behind.
BATCH_SIZE = 250
_pending: list[dict[str, Any]] = []
_pending_lock = threading.Lock()


def flush_pending(*_: Any) -> None:
    with _pending_lock:
        rows = list({r["index_id"]: r for r in _pending}.values())
        _pending.clear()
    if rows:
        # Own transaction, like Solr: survives callers that index after
        # their commit (group_purge, tag_delete).
        with model.meta.engine.begin() as conn:
            query.upsert(conn, rows)


def _forget_parent_batch() -> None:
    _pending.clear()


os.register_at_fork(after_in_child=_forget_parent_batch)


class Results:
    """The parts of ``pysolr.Results`` CKAN reads."""

    def __init__(self, hits: int, docs: list[dict], facet_fields: dict):
        self.hits = hits
        self.docs = docs
        self.facets = {"facet_fields": facet_fields}
        self.highlighting: dict = {}
        self.stats: dict = {}
        self.grouped: dict = {}
        self.debug: dict = {}

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


class PostgresConnection:
    url = "postgresql (govopen_search)"

    def __init__(self, decode_dates: bool = True) -> None:
        # Like pysolr with CKAN's decoder: ISO strings become datetimes
        # unless the caller asks for raw values.
        self.decode_dates = decode_dates

    @staticmethod
    def _engine():
        engine = model.meta.engine
        if engine is None:
            raise SearchError("Database engine is not initialised")
        return engine

    def add(self, docs: list[dict[str, Any]], commit: bool = True,
            **_: Any) -> None:
        rows = [build_row(d) for d in docs]
        with _pending_lock:
            _pending.extend(rows)
            if not commit and len(_pending) < BATCH_SIZE:
                return
        self._flush()

    def _flush(self) -> None:
        self._engine()
        flush_pending()

    def delete(self, id: Any = None, q: str | None = None,
               commit: bool = True, **_: Any) -> None:
        self._flush()
        with self._engine().begin() as conn:
            if q is not None:
                query.delete_where(conn, q)
            elif id is not None:
                ids = id if isinstance(id, (list, tuple)) else [id]
                for one in ids:
                    query.delete_where(conn, f'id:"{one}"')

    def commit(self, *_: Any, **__: Any) -> None:
        self._flush()

    def optimize(self, *_: Any, **__: Any) -> None:
        pass

    def search(self, q: str | None = None, search_handler: Any = None,
               **params: Any) -> Results:
        params["q"] = q
        self._flush()
        try:
            with self._engine().connect() as conn:
                count, docs, facets = query.run(conn, params)
        except QuerySyntaxError as e:
            raise SearchQueryError(str(e)) from e
        except DBAPIError as e:
            # A value PostgreSQL rejects (e.g. an over-long tsquery) is the
            # caller's error, not a server fault.
            log.warning("Search query failed: %s", e.orig)
            raise SearchQueryError(
                "Search query could not be executed / 无法执行该搜索") from e
        if self.decode_dates:
            docs = [solr_datetime_decoder(d) if isinstance(d, dict) else d
                    for d in docs]
        return Results(count, docs, facets)
