"""Fixtures of the CKAN 脱敏 suite."""
from __future__ import annotations

import pytest

from . import world as world_mod


@pytest.fixture
def world(clean_db, with_plugins):
    from ckan.lib import jobs as ckan_jobs
    ckan_jobs.get_queue(world_mod.QUEUE).empty()
    return world_mod.build()
