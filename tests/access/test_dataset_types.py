"""A second scheming dataset type obeys the policy exactly like ``dataset``.

``dataservice`` (tests/access/dataservice_schema.yaml) is registered next to
the site schema. One 授权开放 dataset of each type, each with an upload and
a grant for the grantee; every actor asks both through the type's own
routes (``/<type>/<id>/resource/<rid>/download``, GET and HEAD, the type's
dataset page) and the API (package_show, resource_show, package_search)."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from ckan.tests import helpers

from .mini import grant, h, mini
from .world import AUTH_EXTRA, ITEMS, PLUGINS, write_upload

SCHEMA = "file://" + os.path.join(os.path.dirname(__file__),
                                  "dataservice_schema.yaml")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas",
                            f"ckanext.govopen.schema:dataset.yaml {SCHEMA}"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTORS = ("anonymous", "citizen", "grantee", "other_editor", "editor",
          "authority", "sysadmin")
ALLOWED = {"grantee", "editor", "authority", "sysadmin"}


def _headers(m, actor):
    if actor == "anonymous":
        return {}
    if actor == "sysadmin":
        return {"Authorization": m["sys"]["token"]}
    return h(m, actor)


def _types_world():
    m = mini()
    grant(m)
    svc = helpers.call_action(
        "package_create", {"user": m["sys"]["name"]}, type="dataservice",
        name="svc-visits", title="门诊量查询服务", owner_org=m["provider"]["id"],
        notes="按日提供门诊量查询的数据服务。", open_type="authorized",
        open_condition=AUTH_EXTRA["open_condition"],
        contains_personal_info="false", data_items=ITEMS,
        resources=[{"name": "服务数据", "format": "CSV", "url_type": "upload",
                    "url": "svc-secret-file.csv"}])
    assert svc["type"] == "dataservice"
    rid = svc["resources"][0]["id"]
    write_upload(rid, "id,name\n1,FILEMARK-SVC\n")
    now = dt.datetime.utcnow()
    helpers.call_action("govopen_grant_create", {"ignore_auth": True,
                                                 "user": m["sys"]["name"]},
                        user_id=m["users"]["grantee"]["id"],
                        package_id=svc["id"],
                        valid_from=(now - dt.timedelta(hours=1)).isoformat(),
                        valid_until=(now + dt.timedelta(days=5)).isoformat())
    m["cases"] = {
        "dataset": {"type": "dataset", "name": "clinic-visits",
                    "id": m["pkg"]["id"], "rid": m["rid"],
                    "file": "visits-secret.csv", "mark": "FILEMARK-A_UP"},
        "dataservice": {"type": "dataservice", "name": "svc-visits",
                        "id": svc["id"], "rid": rid,
                        "file": "svc-secret-file.csv", "mark": "FILEMARK-SVC"},
    }
    return m


def _leaks(body, case):
    return [s for s in (case["file"], case["mark"]) if s in body]


def test_second_type_is_registered_and_guarded(app):
    _types_world()
    views = app.flask_app.view_functions
    assert "dataservice_resource.download" in views
    assert getattr(views["dataservice_resource.download"],
                   "govopen_guarded", False)


@pytest.mark.parametrize("kind", ["dataset", "dataservice"])
def test_every_path_treats_the_type_alike(app, kind):
    m = _types_world()
    case = m["cases"][kind]
    client = app.test_client()
    wrong = []
    for actor in ACTORS:
        hd = _headers(m, actor)
        ok = actor in ALLOWED
        base = f"/{case['type']}/{case['name']}/resource/{case['rid']}" \
               "/download"
        for url in (base, f"{base}/{case['file']}"):
            resp = app.get(url, headers=hd, follow_redirects=False)
            body = resp.get_data(as_text=True) + str(resp.headers)
            if ok:
                if resp.status_code != 200 or case["mark"] not in body:
                    wrong.append(f"{actor}: GET {url} {resp.status_code}")
            else:
                body = body.replace(case["file"], "") if url != base else body
                if resp.status_code not in (403, 404) or _leaks(body, case):
                    wrong.append(f"{actor}: GET {url} {resp.status_code}")
        head = client.head(base, headers=hd, follow_redirects=False)
        if (head.status_code == 200) != ok or (
                not ok and head.status_code not in (403, 404)):
            wrong.append(f"{actor}: HEAD {head.status_code}")
        # another dataset's id cannot unlock the resource
        other = app.get(f"/{case['type']}/clinic-list-none/resource/"
                        f"{case['rid']}/download", headers=hd)
        if other.status_code != 404:
            wrong.append(f"{actor}: mismatched id {other.status_code}")

        shown = app.get("/api/3/action/package_show",
                        query_string={"id": case["name"]}, headers=hd)
        res = shown.json["result"]["resources"][0]
        if ok != (case["file"] in res["url"]) or (
                not ok and _leaks(shown.get_data(as_text=True), case)):
            wrong.append(f"{actor}: package_show url {res['url']!r}")
        if shown.json["result"]["type"] != case["type"]:
            wrong.append(f"{actor}: package_show type")

        rs = app.get("/api/3/action/resource_show",
                     query_string={"id": case["rid"]}, headers=hd)
        if ok != (rs.status_code == 200) or (
                not ok and _leaks(rs.get_data(as_text=True), case)):
            wrong.append(f"{actor}: resource_show {rs.status_code}")

        for params in ({"q": "name:" + case["name"]},
                       {"fq": f"dataset_type:{case['type']}", "fl":
                        "id,name,res_url,urls,data_dict,validated_data_dict"},
                       {"q": case["file"]},
                       {"fq": f'res_url:*{case["file"]}*'}):
            found = app.get("/api/3/action/package_search",
                            query_string=params, headers=hd)
            body = found.get_data(as_text=True)
            if not ok and _leaks(body, case):
                wrong.append(f"{actor}: package_search {params}")
            if ("q" in params and "file" in params["q"]) or "fq" in params \
                    and "res_url" in params["fq"]:
                ids = [r["id"] if isinstance(r, dict) else r
                       for r in found.json["result"]["results"]]
                if case["id"] in ids:
                    wrong.append(f"{actor}: search oracle {params}")
            elif "name:" in params.get("q", "") and \
                    found.json["result"]["count"] != 1:
                wrong.append(f"{actor}: not listed {params}")

        page = app.get(f"/{case['type']}/{case['name']}", headers=hd)
        body = page.get_data(as_text=True)
        if page.status_code != 200:
            wrong.append(f"{actor}: dataset page {page.status_code}")
        elif ok and case["file"] not in body:
            wrong.append(f"{actor}: dataset page lacks the download link")
        elif not ok and _leaks(body, case):
            wrong.append(f"{actor}: dataset page leaks {_leaks(body, case)}")
        rpage = app.get(f"/{case['type']}/{case['name']}/resource/"
                        f"{case['rid']}", headers=hd)
        if rpage.status_code != 200 or (
                not ok and _leaks(rpage.get_data(as_text=True), case)):
            wrong.append(f"{actor}: resource page {rpage.status_code}")
    assert not wrong, "\n".join(wrong)
