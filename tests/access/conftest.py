"""Fixtures of the access suite."""
from __future__ import annotations

import pytest

from conftest import empty_govopen_tables, ensure_plugin_tables

from . import world as world_mod

_BUILT: dict = {}


@pytest.fixture
def world(request, with_plugins, reset_db):
    """Module-scoped data under function-scoped plugins: the first test of
    a module cleans the database and builds the world; later tests of the
    module reuse it (they must not mutate it)."""
    key = request.module.__name__
    if key not in _BUILT:
        _BUILT.clear()
        reset_db()
        ensure_plugin_tables()
        empty_govopen_tables()
        _BUILT[key] = world_mod.build()
    return _BUILT[key]
