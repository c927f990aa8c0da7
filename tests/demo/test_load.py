"""Integration: the loader against a real CKAN with the govopen schema."""
import datetime
import os
import stat

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.govopen.demo import catalogue, departments, load

PLUGINS = ("activity govopen_search govopen scheming_datasets "
           "scheming_organizations govopen_schema")
AS_OF = datetime.date(2025, 7, 1)

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def _state():
    """Everything a re-run must not change."""
    pkgs = {p.name: (p.metadata_modified, p.state, p.private,
                     sorted((r.id, r.name, r.url) for r in p.resources))
            for p in model.Session.query(model.Package)}
    users = {u.name: (u.password, u.sysadmin, u.email)
             for u in model.Session.query(model.User)}
    orgs = {g.name: g.extras for g in model.Session.query(model.Group)}
    members = sorted((m.group_id, m.table_id, m.capacity, m.state)
                     for m in model.Session.query(model.Member))
    return pkgs, users, orgs, members


def _search(q, user=None):
    ctx = {"ignore_auth": False, "user": user or ""}
    result = tk.get_action("package_search")(ctx, {"q": q, "rows": 100})
    return {p["name"] for p in result["results"]}


def test_quick_load_is_idempotent_valid_and_searchable(tmp_path):
    creds = tmp_path / "var" / "demo-credentials.txt"
    first = load.load_demo(credentials_file=str(creds), quick=True, as_of=AS_OF,
                           echo=lambda s: None)
    assert sorted(first.datasets) == sorted(catalogue.QUICK)
    assert sorted(first.activated) == sorted(catalogue.QUICK)
    assert len(first.organizations) == len(departments.ORGS)
    assert len(first.users) == len(departments.USERS)

    # credentials: one line per user, 0600, printed back
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    text = creds.read_text(encoding="utf-8")
    assert all(f" {u['name']} " in text for u in departments.USERS)
    assert first.credentials == text
    assert model.User.get(departments.SYSADMIN).sysadmin

    before = _state()
    second = load.load_demo(credentials_file=str(creds), quick=True, as_of=AS_OF,
                            echo=lambda s: None)
    assert not second.created_anything
    assert second.credentials == text
    assert creds.read_text(encoding="utf-8") == text
    assert _state() == before

    # metadata went through the scheming schema
    site = {"ignore_auth": True}
    bus = tk.get_action("package_show")(site, {"id": "rx-bus-routes"})
    assert bus["open_type"] == "universal" and bus["domain"] == "6"
    assert bus["catalog_code"] == catalogue.CATALOG_CODES["rx-bus-routes"]
    assert bus["provider_code"] == departments.ORG_BY_NAME["rx-jtysj"]["provider_code"]
    assert bus["data_items"][0]["name_en"] == "route_no"
    assert bus["record_count"] == str(catalogue.QUICK_ROWS)
    assert {r["format"] for r in bus["resources"]} == {"CSV", "JSON"}
    assert all(r["url_type"] == "upload" for r in bus["resources"])
    assert all(r["machine_readable"] == "true" for r in bus["resources"])

    od = tk.get_action("package_show")(site, {"id": "rx-bus-passenger-od"})
    assert od["open_type"] == "authorized" and od["eligible_applicants"]

    org = tk.get_action("organization_show")(site, {"id": "rx-dsjj"})
    assert org["is_authority"] == "true" and org["provider_code"].startswith("11350100")

    # GBK original: recorded and stored as GBK bytes
    raw = tk.get_action("package_show")(site, {"id": "rx-ride-hailing-drivers"})
    assert raw["private"] is True and raw["contains_personal_info"] == "true"
    res = raw["resources"][0]
    assert res["encoding"] == "GBK"
    path = uploader.get_resource_uploader(dict(res)).get_path(res["id"])
    with open(path, "rb") as f:
        head = f.read().decode("gbk")
    assert head.startswith("姓名,性别,身份证号,手机号")

    # search: anonymous users find public demo data, never the private originals
    assert {"rx-bus-routes", "rx-bus-passenger-od"} <= _search("公交")
    assert "rx-aqi-hourly" in _search("空气")
    anon = _search("")
    assert "rx-ride-hailing-drivers" not in anon
    assert "rx-enterprise-survey-microdata" not in anon
    # department members see their private originals
    assert "rx-ride-hailing-drivers" in tk.get_action("package_search")(
        {"user": "rx-jtysj-editor"}, {"q": "驾驶员", "include_private": True})["results"][0]["name"]

    # an interrupted run leaves a draft; the next run completes and activates it
    entry = catalogue.BY_NAME["rx-bus-stops"]
    draft = catalogue.package_dict(entry, AS_OF, 0)
    draft["state"] = "draft"
    tk.get_action("package_create")(dict(site, user=departments.SYSADMIN), draft)
    third = load.load_demo(credentials_file=str(creds), datasets=["rx-bus-stops"],
                           quick=True, as_of=AS_OF, echo=lambda s: None)
    assert third.datasets == [] and third.activated == ["rx-bus-stops"]
    assert third.resources == ["rx-bus-stops/公交站点信息"]
    stops = tk.get_action("package_show")(site, {"id": "rx-bus-stops"})
    assert stops["state"] == "active" and stops["resources"][0]["encoding"] == "GBK"
    assert stops["record_count"] == str(catalogue.QUICK_ROWS)
