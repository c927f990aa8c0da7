"""The 脱敏 workflow through CKAN's actions and HTTP, with real jobs."""
import json

import pytest

from ckan import model
from ckan.tests import helpers
import ckan.plugins.toolkit as tk

from browser import login

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]


def _upload(w, pkg, rows, encoding="gbk", name="办件.csv", header=None):
    return W.act("resource_create", w["users"]["publisher"],
                 package_id=pkg["id"], name="办件明细", format="CSV",
                 upload=W.upload(W.csv_bytes(header or W.E2E_HEADER, rows,
                                             encoding), name))


def test_scan_confirm_run_publish(world, app):
    w = world
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], "service-cases",
                    "303001/000101")
    rows = W.people_rows(60, seed=1)
    res = _upload(w, pkg, rows)
    assert res["desensitize_role"] == "original"
    assert res["desensitized"] == "false"
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "pending" and st["scan"]["status"] == "queued"

    assert W.drain() == 1
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "scanned", st
    assert st["public"] is False
    assert st["profile"]["encoding"].upper() in ("GBK", "GB18030")
    types = {c["name"]: c["type"] for c in st["columns"]}
    assert types["姓名"] == "person_name"
    assert types["身份证号"] == "id18"
    assert types["手机号"] == "mobile"
    ops = {c["name"]: c["operator"] for c in st["columns"]}
    assert ops["身份证号"] == "pseudonymize" and ops["手机号"] == "suppress"
    by_name = {c["name"]: c for c in st["columns"]}
    assert by_name["身份证号"]["detected"]["id18"] == 60
    assert st["plan"]["status"] == "draft"
    # the original's source encoding is recorded on the resource
    shown = W.act("resource_show", u["publisher"], id=res["id"])
    assert shown["encoding"].upper() in ("GBK", "GB18030")

    # the publication gate: the dataset cannot be made public yet
    with pytest.raises(tk.ValidationError) as exc:
        W.act("package_patch", u["publisher"], id=pkg["id"], private=False)
    assert "脱敏" in json.dumps(exc.value.error_dict, ensure_ascii=False)

    # the DataStore refuses the original, whoever asks
    with pytest.raises(tk.ValidationError):
        W.act("datastore_create", u["sysadmin"], resource_id=res["id"],
              force=True, records=[{"a": "1"}])

    # others cannot see the report or change the rules
    for who in ("citizen", "other_dept"):
        with pytest.raises(tk.NotAuthorized):
            W.act("govopen_desensitize_status", u[who], resource_id=res["id"])
        with pytest.raises(tk.NotAuthorized):
            W.act("govopen_desensitize_rules_update", u[who],
                  resource_id=res["id"], confirm=True)
    # the authority may read the report
    W.act("govopen_desensitize_status", u["authority"], resource_id=res["id"])

    # the publisher confirms: the plan goes to the department reviewer and
    # nothing runs yet
    out = W.act("govopen_desensitize_rules_update", u["publisher"],
                resource_id=res["id"], confirm=True)
    assert out["plan"]["status"] == "submitted"
    assert out["plan"]["confirmed_by"] == u["publisher"]["id"]
    assert out["plan"]["revision"] == 2
    assert W.drain() == 0
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "submitted" and st["derivative_id"] is None
    # the department reviewer approves; that starts the run
    out = W.act("govopen_desensitize_plan_approve", u["dept_admin"],
                resource_id=res["id"], revision=2)
    assert out["plan"]["status"] == "approved"
    assert out["plan"]["reviewed_by"] == u["dept_admin"]["id"]
    assert out["job"]["status"] == "queued"
    assert W.drain() == 1
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "published", st
    assert st["run"]["status"] == "done" and st["run"]["progress"] == 1.0
    assert st["verification"]["ok"] is True
    assert st["k_anonymity"]["evaluated"] is True
    assert st["release"]["published"] is True and st["release"]["key_id"]
    assert st["release"]["rows_out"] == 60
    samples = {c["name"]: c["samples"] for c in st["columns"]}
    assert samples["身份证号"] and all(s.startswith("ID") or "_" in s
                                     for s in samples["身份证号"])
    deriv_id = st["derivative_id"]

    pkg_now = helpers.call_action("package_show", {"ignore_auth": True},
                                  id=pkg["id"])
    assert pkg_now["desensitization_plan"] == st["plan"]["plan_id"]
    deriv = next(r for r in pkg_now["resources"] if r["id"] == deriv_id)
    assert deriv["desensitized"] == "true"
    assert deriv["desensitize_role"] == "derivative"
    assert deriv["desensitize_release_id"] == st["release"]["id"]
    assert deriv["encoding"] == "UTF-8" and deriv["format"] == "CSV"
    assert deriv["datastore_active"] is True

    # now the dataset can be published
    W.act("package_patch", u["publisher"], id=pkg["id"], private=False)
    model.Session.remove()

    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_show", W.ctx(None), id=res["id"])
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        helpers.call_action("datastore_search", W.ctx(None), resource_id=res["id"])
    found = helpers.call_action("datastore_search", W.ctx(None),
                                resource_id=deriv_id, limit=1000)
    assert found["total"] == 60
    dump = json.dumps(found["records"], ensure_ascii=False)
    for row in rows:
        for value in row[:3]:
            assert value not in dump
    assert set(f["id"] for f in found["fields"]) >= {"身份证号", "性别"}
    assert "姓名" not in [f["id"] for f in found["fields"]]

    # HTTP: the derivative downloads, the original does not
    r = app.get(f"/dataset/{pkg['id']}/resource/{deriv_id}/download")
    assert r.status_code == 200
    body = r.data.decode("utf-8")
    for row in rows:
        assert row[1] not in body and row[2] not in body and row[0] not in body
    r = app.get(f"/dataset/{pkg['id']}/resource/{res['id']}/download")
    assert r.status_code in (403, 404)
    r = app.get(f"/datastore/dump/{res['id']}")
    assert r.status_code in (403, 404)
    # the stored original is untouched
    from ckanext.govopen.desensitize.jobs import upload_path
    with open(upload_path(res["id"]), "rb") as fh:
        assert fh.read() == W.csv_bytes(W.E2E_HEADER, rows, "gbk")


def test_bad_file_gives_bilingual_report_and_keeps_original(world, page,
                                                             live_server):
    w = world
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], "bad-file",
                    "303001/000102")
    data = b"\xff\xfe\x00garbage\x00\x81\x30" * 50
    res = W.act("resource_create", u["publisher"], package_id=pkg["id"],
                name="坏文件", format="CSV", upload=W.upload(data, "bad.csv"))
    W.drain()
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "scan_failed"
    assert st["public"] is False
    prob = st["messages"][0]
    assert prob["zh"] and prob["en"] and prob["zh"] != prob["en"]
    # the original is untouched
    from ckanext.govopen.desensitize.jobs import upload_path
    with open(upload_path(res["id"]), "rb") as fh:
        assert fh.read() == data
    # the report page shows the problem in both languages, no 500
    model.Session.remove()
    login(page, live_server, u["publisher"]["name"], W.PASSWORD)
    resp = page.goto(live_server(
        f"/dataset/{pkg['id']}/resource/{res['id']}/desensitize"))
    assert resp.status == 200
    text = page.inner_text("#govopen-desensitize-problems")
    assert prob["zh"] in text and prob["en"] in text
    resp = page.goto(live_server(f"/dataset/{pkg['id']}/resource/{res['id']}"))
    assert resp.status == 200
    assert page.get_attribute("#govopen-desensitize", "data-state") == \
        "scan_failed"
    with pytest.raises(tk.ValidationError):
        W.act("govopen_desensitize_run", u["publisher"], resource_id=res["id"])


def test_editors_cannot_flip_the_role(world):
    w = world
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], "flip-role",
                    "303001/000103", contains_personal_info="false",
                    private=False, resources=[{
                        "name": "接口", "format": "JSON", "access_mode": "api",
                        "api_method": "GET",
                        "url": "http://api.example.invalid/cases"}])
    res = _upload(w, pkg, W.people_rows(20, seed=3))
    W.drain()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_show", W.ctx(None), id=res["id"])
    W.act("resource_patch", u["publisher"], id=res["id"],
          desensitize_role="derivative", desensitized="true")
    model.Session.remove()
    shown = W.act("resource_show", u["publisher"], id=res["id"])
    assert shown["desensitize_role"] == "original"
    assert shown["desensitized"] == "false"
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_show", W.ctx(None), id=res["id"])
    # a file without personal data is cleared by its scan and published
    clean = W.act("resource_create", u["publisher"], package_id=pkg["id"],
                  name="统计", format="CSV", upload=W.upload(
                      "事项,件数\n居住证办理,12\n社保转移,7\n".encode("utf-8"),
                      "stats.csv"))
    with pytest.raises(tk.NotAuthorized):  # not before its scan
        helpers.call_action("resource_show", W.ctx(None), id=clean["id"])
    W.drain()
    model.Session.remove()
    helpers.call_action("resource_show", W.ctx(None), id=clean["id"])
    found = helpers.call_action("datastore_search", W.ctx(None),
                                resource_id=clean["id"])
    assert found["total"] == 2


def test_run_without_master_key_fails_clearly(world, ckan_config, monkeypatch):
    w = world
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], "no-key",
                    "303001/000104")
    res = _upload(w, pkg, W.people_rows(10, seed=4))
    W.drain()
    monkeypatch.setitem(ckan_config, "ckanext.govopen.desensitize.master_key",
                        "")
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], confirm=True)
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"])
    assert "master_key" in exc.value.error_dict
    # approving without a run is possible; the run then says what is missing
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"], run=False)
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_run", u["publisher"], resource_id=res["id"])
    assert "master_key" in exc.value.error_dict
