"""Suite-wide fixtures.

CKAN's ``clean_db`` drops every table on its first call and re-creates only
core tables; govopen's plugins keep their own tables (search index, grants,
applications…), so ``clean_db`` is overridden to re-apply their migrations
and to empty the search index, which lives outside CKAN's metadata.
"""
from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

import ckan.lib.search as search
from ckan import model
from ckan.common import config

import ckanext.activity
import ckanext.govopen


def _migrations(package, plugin: str) -> str:
    return os.path.join(os.path.dirname(package.__file__), "migration",
                        plugin)


# Plugins whose tables must exist whether or not a test loads the plugin
# (core actions write activities; every search reads the index), with a
# column their newest migration adds, to skip work when already applied.
PLUGIN_MIGRATIONS = (
    (_migrations(ckanext.activity, "activity"), "activity",
     "permission_labels"),
    (_migrations(ckanext.govopen, "govopen_search"), "govopen_search_index",
     "tok"),
)


def _upgrade(directory: str) -> None:
    cfg = Config(os.path.join(directory, "alembic.ini"))
    cfg.set_main_option("script_location", directory)
    cfg.set_main_option("sqlalchemy.url", config["sqlalchemy.url"])
    command.upgrade(cfg, "head")


def ensure_plugin_tables() -> None:
    inspector = inspect(model.meta.engine)
    tables = set(inspector.get_table_names())
    for directory, table, column in PLUGIN_MIGRATIONS:
        if table not in tables or column not in {
                c["name"] for c in inspector.get_columns(table)}:
            _upgrade(directory)


@pytest.fixture
def clean_db(reset_db):
    reset_db()
    ensure_plugin_tables()
    search.clear_all()
