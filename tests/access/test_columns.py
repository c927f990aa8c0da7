"""Grant data items enforced on DataStore columns, and the access log of
DataStore reads (datastore_info, dump, signed links).

The table has two columns, ``visit_id`` and ``dept_name`` (the dataset's
data items). The grantee's grant lists ``visit_id`` only: no value of
``dept_name`` (marker ``HIDDENDEPT``) and no query on it may pass."""
from __future__ import annotations

import json
import os
import uuid

import pytest

from ckan.lib import uploader
from ckan.tests import helpers

from ckanext.govopen.access import policy

from .mini import grant, h, mini
from .world import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]

HIDDEN = "HIDDENDEPT"
FIELDS = [{"id": "visit_id", "type": "text"},
          {"id": "dept_name", "type": "text"}]
RECORDS = [{"visit_id": "V001", "dept_name": f"{HIDDEN}-心内科"},
           {"visit_id": "V002", "dept_name": f"{HIDDEN}-儿科"}]
FORMATS = ("objects", "lists", "csv", "tsv")
UPLOAD = f"visit_id,dept_name\nV001,{HIDDEN}-心内科\nV002,{HIDDEN}-儿科\n"


def _write(rid, data: bytes):
    path = uploader.get_resource_uploader(
        {"id": rid, "url_type": "upload"}).get_path(rid)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def _world():
    # the DataStore database outlives clean_db: a fresh alias per test
    alias = f"visits_{uuid.uuid4().hex[:8]}"
    m = mini(fields=FIELDS, records=RECORDS, aliases=[alias])
    m["alias"] = alias
    _write(m["rid"], UPLOAD.encode("utf-8"))
    grant(m, data_items=["visit_id"], access_modes=["api", "download"])
    return m


def _search(app, m, who, **params):
    body = {"resource_id": m["rid"], **params}
    return app.post("/api/3/action/datastore_search", json=body,
                    headers=h(m, who))


def _field_ids(resp):
    return [f["id"] for f in resp.json["result"]["fields"]]


def test_grantee_gets_only_granted_columns(app):
    m = _world()
    wrong = []
    for rid in (m["rid"], m["alias"]):
        for fmt in FORMATS:
            for extra in ({}, {"distinct": True},
                          {"fields": "visit_id"}, {"fields": ["_id",
                                                              "visit_id"]},
                          {"filters": {"visit_id": "V001"}},
                          {"filters": {"$or": [{"visit_id": "V001"},
                                               {"_id": 2}]}},
                          {"q": {"visit_id": "V001"}},
                          {"q": json.dumps({"visit_id": "V001"})},
                          {"sort": "visit_id desc"},
                          {"sort": ["_id asc", '"visit_id" desc nulls last']}):
                resp = app.post("/api/3/action/datastore_search", json={
                    "resource_id": rid, "records_format": fmt, **extra},
                    headers=h(m, "grantee"))
                body = resp.get_data(as_text=True)
                what = f"{rid} {fmt} {extra}"
                if resp.status_code != 200:
                    wrong.append(f"{what}: {resp.status_code} {body[:200]}")
                    continue
                if HIDDEN in body or "dept_name" in body:
                    wrong.append(f"{what}: hidden column leaks")
                if "V001" not in body:
                    wrong.append(f"{what}: granted column missing")
                if not set(_field_ids(resp)) <= {"_id", "visit_id"}:
                    wrong.append(f"{what}: fields {_field_ids(resp)}")
    assert not wrong, "\n".join(wrong)
    objects = _search(app, m, "grantee").json["result"]
    assert _field_ids_of(objects) == ["_id", "visit_id"]
    assert objects["records"][0] == {"_id": 1, "visit_id": "V001"}
    assert objects["total"] == 2


def _field_ids_of(result):
    return [f["id"] for f in result["fields"]]


REFUSED = [
    {"filters": {"dept_name": "x"}},
    {"filters": json.dumps({"dept_name": "x"})},
    {"filters": {"$or": [{"visit_id": "V001"}, {"dept_name": "x"}]}},
    {"filters": [{"visit_id": "V001"}, {"$and": [{"dept_name": "x"}]}]},
    {"filters": {"dept_name": {"gt": "A"}}},
    {"q": "心内科"},
    {"q": f"{HIDDEN}"},
    {"q": {"dept_name": "心内科"}},
    {"q": json.dumps({"dept_name": "心内科"})},
    {"full_text": "心内科"},
    {"sort": "dept_name desc"},
    {"sort": "visit_id, dept_name"},
    {"sort": ['"dept_name" asc nulls first']},
    {"fields": "dept_name"},
    {"fields": "visit_id,dept_name"},
    {"fields": ["_id", "dept_name"], "distinct": True},
    {"fields": "_full_text"},
    {"q": {"visit_id": "V001"}, "sort": "rank dept_name"},
]


def test_queries_on_other_columns_are_refused(app):
    m = _world()
    wrong = []
    for rid in (m["rid"], m["alias"]):
        for params in REFUSED:
            for fmt in ("objects", "csv"):
                resp = app.post("/api/3/action/datastore_search", json={
                    "resource_id": rid, "records_format": fmt, **params},
                    headers=h(m, "grantee"))
                body = resp.get_data(as_text=True)
                what = f"{rid} {fmt} {params}"
                if resp.status_code != 409:
                    wrong.append(f"{what}: {resp.status_code}")
                    continue
                error = resp.json["error"]
                messages = " ".join(str(v) for k, v in error.items()
                                    if k != "__type")
                if error.get("__type") != "Validation Error" or \
                        "授权" not in messages or "grant" not in messages:
                    wrong.append(f"{what}: not a bilingual refusal {error}")
                if HIDDEN in body or "V001" in body:
                    wrong.append(f"{what}: refusal leaks data")
    assert not wrong, "\n".join(wrong)


def test_info_and_dump_show_granted_columns_only(app):
    m = _world()
    info = app.post("/api/3/action/datastore_info", json={"id": m["alias"]},
                    headers=h(m, "grantee"))
    assert info.status_code == 200
    assert [f["id"] for f in info.json["result"]["fields"]] == ["visit_id"]
    assert info.json["result"]["meta"]["count"] == 2
    for fmt in ("csv", "tsv", "json", "xml"):
        for rid in (m["rid"], m["alias"]):
            resp = app.get(f"/datastore/dump/{rid}?format={fmt}",
                           headers=h(m, "grantee"))
            body = resp.get_data(as_text=True)
            assert resp.status_code == 200, (fmt, rid, body[:300])
            assert "V001" in body and "V002" in body, (fmt, body)
            assert HIDDEN not in body and "dept_name" not in body, (fmt, body)
    for query in ("filters=" + json.dumps({"dept_name": "x"}),
                  "q=心内科", "q=" + json.dumps({"dept_name": "x"}),
                  "sort=dept_name", "fields=visit_id,dept_name"):
        resp = app.get(f"/datastore/dump/{m['rid']}?{query}",
                       headers=h(m, "grantee"))
        body = resp.get_data(as_text=True)
        assert resp.status_code == 400, (query, resp.status_code)
        assert "授权" in body and "grant" in body, query
        assert HIDDEN not in body and "V001" not in body, query
    ok = app.get(f"/datastore/dump/{m['rid']}?filters="
                 + json.dumps({"visit_id": "V002"}), headers=h(m, "grantee"))
    assert ok.status_code == 200
    assert "V002" in ok.get_data(as_text=True)
    assert "V001" not in ok.get_data(as_text=True)
    sql = app.get("/api/3/action/datastore_search_sql",
                  query_string={"sql": f'SELECT dept_name FROM "{m["rid"]}"'},
                  headers=h(m, "grantee"))
    assert sql.status_code in (400, 403)
    assert HIDDEN not in sql.get_data(as_text=True)


def test_datatables_view_shows_granted_columns_only(app):
    m = _world()
    view = helpers.call_action("resource_view_create",
                               {"user": m["sys"]["name"]},
                               resource_id=m["rid"],
                               view_type="datatables_view", title="表格")
    form = {"draw": "1", "start": "0", "length": "10",
            "search[value]": "", "order[0][column]": "0",
            "order[0][dir]": "asc", "columns[0][data]": "visit_id",
            "columns[0][searchable]": "true"}
    resp = app.post(f"/datatables/ajax/{view['id']}", data=form,
                    headers=h(m, "grantee"))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "V001" in body
    assert HIDDEN not in body and "dept_name" not in body
    # the search box is a full-text query over every column: refused, no 500
    resp = app.post(f"/datatables/ajax/{view['id']}",
                    data=dict(form, **{"search[value]": "心内科"}),
                    headers=h(m, "grantee"))
    assert resp.status_code == 400
    assert HIDDEN not in resp.get_data(as_text=True)


def test_staff_and_unlimited_grants_see_every_column(app):
    m = _world()
    grant(m, user="citizen", access_modes=["api"])     # no data items
    for who in ("editor", "authority", "citizen"):
        resp = _search(app, m, who, filters={"dept_name": f"{HIDDEN}-儿科"},
                       sort="dept_name", q={"dept_name": "儿科"})
        assert resp.status_code == 200, who
        assert _field_ids(resp) == ["_id", "visit_id", "dept_name",
                                    "rank dept_name"], who
        assert f"{HIDDEN}-儿科" in resp.get_data(as_text=True), who
        info = app.post("/api/3/action/datastore_info", json={"id": m["rid"]},
                        headers=h(m, who))
        assert [f["id"] for f in info.json["result"]["fields"]] == [
            "visit_id", "dept_name"], who
    sysadmin = app.post("/api/3/action/datastore_search",
                        json={"resource_id": m["rid"]},
                        headers={"Authorization": m["sys"]["token"]})
    assert HIDDEN in sysadmin.get_data(as_text=True)


def test_item_scope_is_the_union_of_active_grants(app):
    m = _world()
    user = m["users"]["grantee"]["name"]
    assert policy.decide(user, m["rid"], "api").data_items == {"visit_id"}
    assert helpers.call_action("govopen_access_check", {
        "user": user, "ignore_auth": False}, resource_id=m["rid"],
        mode="api")["data_items"] == ["visit_id"]
    second = grant(m, data_items=["dept_name"], access_modes=["api"])
    assert policy.decide(user, m["rid"], "api").data_items == {
        "visit_id", "dept_name"}
    assert "dept_name" in _field_ids(_search(app, m, "grantee"))
    helpers.call_action("govopen_grant_revoke", {"ignore_auth": True,
                                                 "user": m["sys"]["name"]},
                        id=second["id"], reason="范围收回 / scope withdrawn")
    assert _field_ids(_search(app, m, "grantee")) == ["_id", "visit_id"]
    grant(m, access_modes=["api"])                   # all items
    assert policy.decide(user, m["rid"], "api").data_items is None
    assert "dept_name" in _field_ids(_search(app, m, "grantee"))


# ------------------------------------------------------------ access log
def _log(m):
    return helpers.call_action("govopen_access_log_list", {
        "user": m["sys"]["name"], "ignore_auth": False})["results"]


def test_datastore_info_dump_and_signed_links_are_logged(app):
    m = _world()
    grantee = m["users"]["grantee"]
    assert app.post("/api/3/action/datastore_info", json={"id": m["alias"]},
                    headers=h(m, "grantee")).status_code == 200
    entries = _log(m)
    assert [(e["channel"], e["method"], e["resource_id"], e["user_id"])
            for e in entries] == [("datastore", "api", m["rid"],
                                   grantee["id"])]
    assert entries[0]["bytes"] is None and entries[0]["grant_id"]
    # a dump pages through datastore_search: one entry per request
    dump = app.get(f"/datastore/dump/{m['rid']}?format=csv",
                   headers=h(m, "grantee"))
    # read the streamed body: its later pages run inside the request
    assert dump.status_code == 200 and "V002" in dump.get_data(as_text=True)
    link = helpers.call_action("govopen_download_link_create", {
        "user": grantee["name"], "ignore_auth": False}, resource_id=m["rid"])
    path = "/" + link["url"].split("://", 1)[1].split("/", 1)[1]
    signed = app.get(path).get_data(as_text=True)
    assert "V001" in signed and HIDDEN not in signed
    # staff reads of restricted data are logged too
    assert app.post("/api/3/action/datastore_info", json={"id": m["rid"]},
                    headers=h(m, "editor")).status_code == 200
    # denied reads are not logged (nothing was accessed)
    assert app.post("/api/3/action/datastore_info", json={"id": m["rid"]},
                    headers=h(m, "other_editor")).status_code == 403
    assert app.get(f"/datastore/dump/{m['rid']}").status_code == 404
    entries = _log(m)
    assert [(e["channel"], e["method"], e["user_name"]) for e in entries] == [
        ("datastore", "api", m["users"]["editor"]["name"]),
        ("download", "signed_link", grantee["name"]),
        ("datastore", "dump", grantee["name"]),
        ("datastore", "api", grantee["name"])]
    dump_entry = entries[2]
    assert dump_entry["bytes"] and dump_entry["bytes"] > 0


def test_closed_data_reads_are_logged(app):
    from . import world as W
    m = mini()
    closed = W._dataset(m["provider"], "patient-records", "病历档案",
                        "302001/000103", "closed",
                        [{"name": "病历", "format": "CSV",
                          "url_type": "upload", "url": "c.csv"}],
                        non_open_basis="《数据安全法》第二十一条")
    rid = closed["resources"][0]["id"]
    helpers.call_action("datastore_create", {"user": m["sys"]["name"]},
                        resource_id=rid, force=True,
                        records=[{"id": 1, "name": "ROWMARK-CUP"}])
    for who in ("editor", "authority"):
        assert app.post("/api/3/action/datastore_info", json={"id": rid},
                        headers=h(m, who)).status_code == 200
        dump = app.get(f"/datastore/dump/{rid}", headers=h(m, who))
        assert "ROWMARK-CUP" in dump.get_data(as_text=True)
    for who in ("citizen", "grantee", "other_editor"):
        assert app.post("/api/3/action/datastore_info", json={"id": rid},
                        headers=h(m, who)).status_code == 403
    entries = [e for e in _log(m) if e["resource_id"] == rid]
    assert sorted((e["user_name"], e["method"], e["open_type"])
                  for e in entries) == sorted(
        (m["users"][who]["name"], method, "closed")
        for who in ("editor", "authority") for method in ("api", "dump"))


# ------------------------------------------------- file downloads by item
def test_downloads_hold_granted_columns_only(app):
    m = _world()
    _write(m["rid"], UPLOAD.encode("gb18030"))     # a GBK export
    url = f"/dataset/clinic-visits/resource/{m['rid']}/download"
    resp = app.get(url, headers=h(m, "grantee"))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert body.splitlines() == ["visit_id", "V001", "V002"]
    assert resp.headers["Content-Length"] == str(len(body.encode()))
    link = helpers.call_action("govopen_download_link_create", {
        "user": m["users"]["grantee"]["name"], "ignore_auth": False},
        resource_id=m["rid"])
    signed = app.get("/" + link["url"].split("://", 1)[1].split("/", 1)[1])
    assert signed.get_data(as_text=True).splitlines() == [
        "visit_id", "V001", "V002"]
    # the log counts the bytes actually sent
    entries = _log(m)
    assert [e["bytes"] for e in entries] == [len(body.encode())] * 2
    # staff and grants without data items get the file as uploaded
    _write(m["rid"], UPLOAD.encode("utf-8"))
    grant(m, user="citizen", access_modes=["download"])
    for who in ("editor", "citizen"):
        full = app.get(url, headers=h(m, who)).get_data(as_text=True)
        assert full == UPLOAD, who
    # a file that cannot be cut by column is refused, not sent whole
    helpers.call_action("resource_patch", {"user": m["sys"]["name"]},
                        id=m["rid"], format="XLSX", url="visits.xlsx")
    _write(m["rid"], b"PK\x03\x04" + HIDDEN.encode())
    refused = app.get(url, headers=h(m, "grantee"))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "授权" in text and "grant" in text and HIDDEN not in text


def test_chinese_headers_map_to_granted_items(app):
    """Raw exports head columns with the items' name_zh (就诊编号), not
    name_en: the grant's items cover those columns too, and only those."""
    alias = f"visits_{uuid.uuid4().hex[:8]}"
    m = mini(fields=[{"id": "就诊编号", "type": "text"},
                     {"id": "科室名称", "type": "text"}],
             records=[{"就诊编号": "V001", "科室名称": f"{HIDDEN}-心内科"}],
             aliases=[alias])
    _write(m["rid"], f"就诊编号,科室名称\nV001,{HIDDEN}-心内科\n".encode("gb18030"))
    grant(m, data_items=["visit_id"], access_modes=["api", "download"])
    resp = _search(app, m, "grantee")
    assert resp.status_code == 200
    assert _field_ids(resp) == ["_id", "就诊编号"]
    assert HIDDEN not in json.dumps(resp.json, ensure_ascii=False)
    refused = _search(app, m, "grantee", filters={"科室名称": "x"})
    assert refused.status_code == 409
    url = f"/dataset/clinic-visits/resource/{m['rid']}/download"
    body = app.get(url, headers=h(m, "grantee")).get_data(as_text=True)
    assert body.splitlines() == ["就诊编号", "V001"]
