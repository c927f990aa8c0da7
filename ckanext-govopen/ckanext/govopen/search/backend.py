"""Install the PostgreSQL backend at CKAN's search seams.

CKAN 2.12 has no search-backend interface; every Solr client comes from
``make_connection()`` (imported by name into three modules) and the start-up
probe ``check_solr_schema_version()``. Rebinding those names is the whole
swap, and it is idempotent because plugins are loaded many times in tests.
"""
from __future__ import annotations

import os

import ckan.lib.search as search
import ckan.lib.search.common as common
import ckan.lib.search.index as index
import ckan.lib.search.query as query_module

from sqlalchemy import event

from ckan import model

from .connection import PostgresConnection, flush_pending

_ORIGINALS = {
    "make_connection": common.make_connection,
    "is_available": common.is_available,
    "check_solr_schema_version": search.check_solr_schema_version,
}
_fork_hook_installed = False


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    return PostgresConnection(decode_dates=decode_dates)


def _always_available() -> bool:
    return True


def _no_solr_schema(*_, **__) -> bool:
    return True


def install() -> None:
    for module in (common, index, query_module, search):
        module.make_connection = make_connection  # type: ignore[attr-defined]
    common.is_available = _always_available
    search.is_available = _always_available
    search.check_solr_schema_version = _no_solr_schema
    if not event.contains(model.Session, "after_commit", flush_pending):
        event.listen(model.Session, "after_commit", flush_pending)
    _install_fork_hook()


def uninstall() -> None:
    """Back to Solr (``ckanext.govopen.search.backend = solr``)."""
    for module in (common, index, query_module, search):
        module.make_connection = _ORIGINALS["make_connection"]
    common.is_available = _ORIGINALS["is_available"]
    search.is_available = _ORIGINALS["is_available"]
    search.check_solr_schema_version = _ORIGINALS["check_solr_schema_version"]
    if event.contains(model.Session, "after_commit", flush_pending):
        event.remove(model.Session, "after_commit", flush_pending)


def _dispose_pool_in_child() -> None:
    from ckan import model
    if model.meta.engine is not None:
        model.meta.engine.dispose(close=False)


def _install_fork_hook() -> None:
    # `ckan search-index rebuild-fast` forks while the parent holds pooled
    # connections; sharing their sockets makes children hang.
    global _fork_hook_installed
    if not _fork_hook_installed:
        os.register_at_fork(after_in_child=_dispose_pool_in_child)
        _fork_hook_installed = True
