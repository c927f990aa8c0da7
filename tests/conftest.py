"""Suite-wide fixtures.

CKAN's ``clean_db`` drops every table on its first call and re-creates only
core tables; govopen's plugins keep their own tables (search index, grants,
applications…), so ``clean_db`` is overridden to re-apply their migrations
and to empty the search index, which lives outside CKAN's metadata.
"""
from __future__ import annotations

import functools
import os

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from ckan import model
from ckan.common import config

import ckanext.activity
import ckanext.govopen

from browser import live_server, page  # noqa: F401  (shared fixtures)


GOVOPEN_MIGRATIONS = os.path.join(os.path.dirname(ckanext.govopen.__file__),
                                  "migration")


def _plugin_migration_dirs() -> list[str]:
    """CKAN's activity plugin (core actions write activities) and every
    govopen plugin with tables, whether or not a test loads the plugin."""
    dirs = [os.path.join(os.path.dirname(ckanext.activity.__file__),
                         "migration", "activity")]
    for name in sorted(os.listdir(GOVOPEN_MIGRATIONS)):
        path = os.path.join(GOVOPEN_MIGRATIONS, name)
        if os.path.isfile(os.path.join(path, "alembic.ini")):
            dirs.append(path)
    return dirs


def _alembic_config(directory: str) -> Config:
    cfg = Config(os.path.join(directory, "alembic.ini"))
    cfg.set_main_option("script_location", directory)
    cfg.set_main_option("sqlalchemy.url", config["sqlalchemy.url"])
    return cfg


@functools.lru_cache(maxsize=None)
def _head(directory: str) -> str:
    return ScriptDirectory.from_config(_alembic_config(directory)).get_current_head()


def ensure_plugin_tables() -> None:
    """Apply plugin migrations that are missing (after CKAN drops tables)."""
    with model.meta.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        for directory in _plugin_migration_dirs():
            version_table = os.path.basename(directory) + "_alembic_version"
            current = None
            if version_table in tables:
                current = conn.execute(text(
                    f"SELECT version_num FROM {version_table}")).scalar()
            if current != _head(directory):
                command.upgrade(_alembic_config(directory), "head")


def empty_govopen_tables() -> None:
    """Plugin tables are not on CKAN's metadata, so reset_db keeps their
    rows; a clean database means empty ones."""
    with model.meta.engine.begin() as conn:
        names = [t for t in inspect(conn).get_table_names()
                 if t.startswith("govopen_")
                 and not t.endswith("_alembic_version")]
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(
                f'"{n}"' for n in names) + " CASCADE"))


@pytest.fixture
def clean_db(reset_db):
    reset_db()
    ensure_plugin_tables()
    empty_govopen_tables()
