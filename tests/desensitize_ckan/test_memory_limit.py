"""A scan job over its memory limit stops with a bilingual problem and
leaves the original upload byte for byte as it was."""
import hashlib

import pytest

from ckanext.govopen.desensitize import jobs

from . import world as W

LIMIT = "ckanext.govopen.desensitize.memory_limit_mb"
# module marks would override the per-test limit, so the world's own
# (unlimited) setting is left out here
pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG if k != LIMIT]]


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# the test process (CKAN + pytest) alone is far above 20 MB
@pytest.mark.ckan_config(LIMIT, "20")
def test_scan_over_memory_limit_fails_cleanly(world):
    u = world["users"]
    res = W.personal_upload(world, "mem-limit", "303001/000177")
    path = jobs.upload_path(res["id"])
    before = _sha(path)
    assert W.drain() == 1
    st = W.act("govopen_desensitize_status", u["publisher"], resource_id=res["id"])
    assert st["state"] == "scan_failed" and st["scan"]["status"] == "failed"
    problem = next(p for p in st["messages"] if p["code"] == "memory_limit")
    assert "内存" in problem["zh"] and "memory limit" in problem["en"]
    assert st["public"] is False
    assert _sha(path) == before


@pytest.mark.ckan_config(LIMIT, "0")
def test_no_limit_scans(world):
    u = world["users"]
    res = W.personal_upload(world, "mem-nolimit", "303001/000178")
    assert W.drain() == 1
    st = W.act("govopen_desensitize_status", u["publisher"], resource_id=res["id"])
    assert st["state"] == "scanned", st
