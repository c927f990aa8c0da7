"""An IDesensitizer plugin (govopen_desensitize_example) extends scans and
runs made through CKAN: its detector, operator and rule provider."""
import csv
import io
import random

import pytest

from ckan import model
from ckan.tests import helpers
import ckan.plugins.toolkit as tk

from ckanext.govopen.desensitize import synthetic as S
from ckanext.govopen.desensitize.example_plugin import medical_no_check

from . import world as W

HEADER = ["医保号", "住址", "备注", "办理事项"]


def medical_no(rng):
    body = "YB" + rng.choice(S.REGIONS) + f"{rng.randrange(10**9):09d}"
    return body + medical_no_check(body)


def make_rows(n=40, seed=12):
    rng = random.Random(seed)
    return [[medical_no(rng), S.address(rng), rng.choice(S.REMARKS),
             rng.choice(("居住证办理", "社保转移"))] for _ in range(n)]


def _scan(w, name, code):
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], name, code)
    data = make_rows()
    res = W.act("resource_create", u["publisher"], package_id=pkg["id"],
                name="医保办件", format="CSV",
                upload=W.upload(W.csv_bytes(HEADER, data, "gb18030"),
                                "yb.csv"))
    W.drain()
    return pkg, res, data


@pytest.mark.ckan_config("ckan.plugins", W.EXAMPLE_PLUGINS)
@pytest.mark.ckan_config(*W.CONFIG[0])
@pytest.mark.ckan_config(*W.CONFIG[1])
def test_example_plugin_detector_operator_and_rules(world):
    u = world["users"]
    pkg, res, data = _scan(world, "medical", "303001/000301")
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    cols = {c["name"]: c for c in st["columns"]}
    # the plugin's detector classified the column, with its default operator
    assert cols["医保号"]["type"] == "medical_no"
    assert cols["医保号"]["operator"] == "pseudonymize"
    # its rule provider generalises addresses to city level
    assert cols["住址"]["operator"] == "generalize"
    assert cols["住址"]["params"]["level"] == "city"
    # its operator can be chosen in the rules
    W.confirm_and_approve(res["id"], u["publisher"], u["dept_admin"],
                          rules={"办理事项": {"operator": "tag"}})
    W.drain()
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "published", st["run"]
    model.Session.remove()
    found = W.act("datastore_search", u["publisher"],
                  resource_id=st["derivative_id"], limit=100)
    recs = found["records"]
    assert len(recs) == 40
    assert all(r["办理事项"] == "〔已脱敏〕" for r in recs)
    assert all(r["医保号"].startswith("MED_") for r in recs)
    text = repr(recs)
    for row in data:
        assert row[0] not in text
    # city-level addresses only (no street numbers left)
    assert all("号" not in r["住址"] and "路" not in r["住址"] for r in recs)


@pytest.mark.ckan_config("ckan.plugins", W.PLUGINS)
@pytest.mark.ckan_config(*W.CONFIG[0])
@pytest.mark.ckan_config(*W.CONFIG[1])
def test_without_the_plugin_its_operator_is_unknown(world):
    u = world["users"]
    pkg, res, data = _scan(world, "medical2", "303001/000302")
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    cols = {c["name"]: c for c in st["columns"]}
    assert cols["医保号"]["type"] != "medical_no"
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_rules_update", u["publisher"],
              resource_id=res["id"], rules={"办理事项": {"operator": "tag"}},
              confirm=True)
    assert "tag" in str(exc.value.error_dict)
