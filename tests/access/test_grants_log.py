"""Grants, revocation, signed links, the link proxy, the access log and
list_closed: tests that change data, each on a clean database."""
from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ckan import model
import ckan.logic as logic
from ckan.tests import helpers

from ckanext.govopen.access import policy, signing

from .mini import dl as _dl, grant as _grant, h as _h, mini as _mini
from .world import AUTH_EXTRA, FILE_BODY, PLUGINS
from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_revocation_denies_the_very_next_request(app):
    m = _mini()
    grant = _grant(m)
    assert app.get(_dl(m), headers=_h(m, "grantee")).status_code == 200
    ds = app.get("/api/3/action/datastore_search",
                 query_string={"resource_id": m["rid"]},
                 headers=_h(m, "grantee"))
    assert "ROWMARK-AUP" in ds.get_data(as_text=True)
    helpers.call_action("govopen_grant_revoke",
                        {"user": m["users"]["editor"]["name"],
                         "ignore_auth": False},
                        id=grant["id"], reason="安全事件 / incident")
    resp = app.get(_dl(m), headers=_h(m, "grantee"))
    assert resp.status_code == 403
    assert "FILEMARK" not in resp.get_data(as_text=True)
    ds = app.get("/api/3/action/datastore_search",
                 query_string={"resource_id": m["rid"]},
                 headers=_h(m, "grantee"))
    assert ds.status_code == 403 and "ROWMARK" not in ds.get_data(as_text=True)
    shown = helpers.call_action("govopen_grant_show",
                                {"user": m["users"]["grantee"]["name"],
                                 "ignore_auth": False}, id=grant["id"])
    assert shown["revoked_by"] == m["users"]["editor"]["id"]
    assert shown["active"] is False and "incident" in shown["revoke_reason"]


def test_expiry_and_scope(app):
    m = _mini()
    now = dt.datetime.utcnow()
    _grant(m, valid_from=(now - dt.timedelta(days=3)).isoformat(),
           valid_until=(now - dt.timedelta(seconds=1)).isoformat())
    assert app.get(_dl(m), headers=_h(m, "grantee")).status_code == 403
    # a grant limited to the API mode does not allow downloads
    _grant(m, user="citizen", access_modes=["api"])
    assert app.get(_dl(m), headers=_h(m, "citizen")).status_code == 403
    ds = app.get("/api/3/action/datastore_search",
                 query_string={"resource_id": m["rid"]},
                 headers=_h(m, "citizen"))
    assert "ROWMARK-AUP" in ds.get_data(as_text=True)
    # date-only valid_until is inclusive of that day
    g = _grant(m, user="other_editor", valid_from="2024-01-01",
               valid_until=(now + dt.timedelta(days=1)).date().isoformat())
    assert g["valid_until"].endswith("T00:00:00")
    assert app.get(_dl(m), headers=_h(m, "other_editor")).status_code == 200


def test_grant_actions_auth_and_validation():
    m = _mini()
    for who in ("citizen", "other_editor", "grantee"):
        with pytest.raises(logic.NotAuthorized):
            helpers.call_action(
                "govopen_grant_create",
                {"user": m["users"][who]["name"], "ignore_auth": False},
                user_id=m["users"][who]["id"], package_id=m["pkg"]["id"],
                valid_from="2024-01-01", valid_until="2099-01-01")
    with pytest.raises(logic.ValidationError):
        _grant(m, resource_ids=["not-a-resource"])
    with pytest.raises(logic.ValidationError):
        _grant(m, data_items=["no_such_item"])
    with pytest.raises(logic.ValidationError):
        _grant(m, valid_from="2025-01-02", valid_until="2025-01-01T00:00:00")
    g = _grant(m, data_items=["visit_id"], resource_ids=[m["rid"]],
               source_application_id="app-42", access_modes=["download"])
    assert g["id"] and g["active"] and g["data_items"] == ["visit_id"]
    # contract used by the applications module
    listed = helpers.call_action("govopen_grant_list", {"ignore_auth": True},
                                 source_application_id="app-42",
                                 active_only=True)
    assert [x["id"] for x in listed] == [g["id"]]
    own = helpers.call_action("govopen_grant_list",
                              {"user": m["users"]["grantee"]["name"],
                               "ignore_auth": False})
    assert [x["id"] for x in own] == [g["id"]]
    assert helpers.call_action("govopen_grant_list", {
        "user": m["users"]["citizen"]["name"], "ignore_auth": False}) == []
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("govopen_grant_show", {
            "user": m["users"]["citizen"]["name"], "ignore_auth": False},
            id=g["id"])
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("govopen_grant_revoke", {
            "user": m["users"]["other_editor"]["name"], "ignore_auth": False},
            id=g["id"], reason="x")
    assert tuple(policy.decide(m["users"]["grantee"]["name"], m["rid"])) == (
        True, policy.REASONS["grant"][0] + " / " + policy.REASONS["grant"][1],
        g["id"])


def test_access_log_records_and_is_append_only(app):
    m = _mini()
    grant = _grant(m)
    h = _h(m, "grantee")
    # session (UI) via API-token header counts as "api"; all are logged
    assert app.get(_dl(m), headers=h).status_code == 200
    app.get("/api/3/action/datastore_search",
            query_string={"resource_id": m["rid"]}, headers=h)
    app.get(f"/datastore/dump/{m['rid']}", headers=h)
    link = helpers.call_action("govopen_download_link_create",
                               {"user": m["users"]["grantee"]["name"],
                                "ignore_auth": False}, resource_id=m["rid"])
    path = link["url"].split("://", 1)[1].split("/", 1)[1]
    resp = app.get("/" + path)            # no credentials: the link is enough
    assert resp.status_code == 200 and "FILEMARK-A_UP" in resp.get_data(
        as_text=True)
    # a universal access is not logged; a denied one is not either
    app.get(_dl(m), headers=_h(m, "citizen"))
    rows = helpers.call_action("govopen_access_log_list", {
        "user": m["users"]["editor"]["name"], "ignore_auth": False})
    entries = rows["results"]
    assert rows["count"] == 4
    assert {(e["channel"], e["method"]) for e in entries} == {
        ("download", "api"), ("datastore", "api"), ("datastore", "dump"),
        ("download", "signed_link")}
    assert all(e["grant_id"] == grant["id"] for e in entries)
    assert all(e["user_id"] == m["users"]["grantee"]["id"] for e in entries)
    assert all(e["client_ip"] for e in entries)
    dl = next(e for e in entries if e["method"] == "signed_link")
    assert dl["bytes"] == len(FILE_BODY["a_up"].encode())
    # scope: the authority sees all, another department nothing
    assert helpers.call_action("govopen_access_log_list", {
        "user": m["users"]["authority"]["name"],
        "ignore_auth": False})["count"] == 4
    assert helpers.call_action("govopen_access_log_list", {
        "user": m["users"]["other_editor"]["name"],
        "ignore_auth": False})["count"] == 0
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("govopen_access_log_list", {
            "user": m["users"]["other_editor"]["name"], "ignore_auth": False},
            owner_org="rx-health")
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("govopen_access_log_list", {
            "user": m["users"]["citizen"]["name"], "ignore_auth": False})
    # CSV export and pages
    csv = app.get("/organization/rx-health/access-log.csv",
                  headers=_h(m, "editor"))
    assert csv.status_code == 200 and grant["id"] in csv.get_data(
        as_text=True)
    assert "访问时间" in csv.get_data(as_text=True)
    page = app.get("/dashboard/access-log", headers=_h(m, "authority"))
    assert page.status_code == 200 and "数据访问记录" in page.get_data(
        as_text=True)
    assert app.get("/dashboard/access-log",
                   headers=_h(m, "citizen")).status_code == 403
    # append-only in the database
    for sql in ("UPDATE govopen_access_log SET bytes = 0",
                "DELETE FROM govopen_access_log"):
        with model.meta.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(sql))
    # and no action edits or deletes entries
    from ckan.logic import _actions  # populated by get_action
    logic.get_action("package_show")
    names = [n for n in _actions if "access_log" in n]
    assert names == ["govopen_access_log_list"]
    with pytest.raises(logic.ValidationError):
        helpers.call_action("govopen_access_log_list", {"ignore_auth": True},
                            limit="-1")
    assert helpers.call_action("govopen_access_log_list", {
        "user": m["sys"]["name"], "ignore_auth": False})["count"] == 4


def test_signed_links():
    m = _mini()
    _grant(m)
    ctx = {"user": m["users"]["citizen"]["name"], "ignore_auth": False}
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("govopen_download_link_create", ctx,
                            resource_id=m["rid"])
    token, _ = signing.sign(m["users"]["grantee"]["id"], m["rid"])
    assert signing.verify(token) == (m["users"]["grantee"]["id"], m["rid"])
    with pytest.raises(signing.BadToken):
        signing.verify(token[:-2] + ("A" if token[-1] != "A" else "B") + "x")
    old, _ = signing.sign(m["users"]["grantee"]["id"], m["rid"],
                          expires_in=-5)
    with pytest.raises(signing.BadToken):
        signing.verify(old)


def test_signed_link_expired_tampered_or_revoked(app):
    m = _mini()
    grant = _grant(m)
    uid = m["users"]["grantee"]["id"]
    good, _ = signing.sign(uid, m["rid"])
    assert app.get(f"/govopen/download/{good}").status_code == 200
    old, _ = signing.sign(uid, m["rid"], expires_in=-5)
    assert app.get(f"/govopen/download/{old}").status_code == 403
    other, _ = signing.sign(m["users"]["citizen"]["id"], m["rid"])
    forged = good.split(".")[0][:-1] + "x." + good.split(".")[1]
    assert app.get(f"/govopen/download/{forged}").status_code == 403
    assert app.get(f"/govopen/download/{other}").status_code == 403
    helpers.call_action("govopen_grant_revoke", {"ignore_auth": True,
                                                 "user": m["sys"]["name"]},
                        id=grant["id"], reason="revoked")
    resp = app.get(f"/govopen/download/{good}")
    assert resp.status_code == 403 and "FILEMARK" not in resp.get_data(
        as_text=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = b"id,value\n1,PROXIED-BODY\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Upstream-Url", "http://127.0.0.1/secret")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def test_link_resource_is_proxied_for_grantees(app):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/LINKSECRET"
        m = _mini(url=url)
        _grant(m)
        link_id = m["pkg"]["resources"][1]["id"]
        shown = app.get("/api/3/action/package_show?id=clinic-visits",
                        headers=_h(m, "grantee")).get_data(as_text=True)
        assert "LINKSECRET" not in shown and f"{link_id}/download" in shown
        resp = app.get(f"/dataset/clinic-visits/resource/{link_id}/download",
                       headers=_h(m, "grantee"), follow_redirects=False)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "PROXIED-BODY" in body
        assert "LINKSECRET" not in body + str(resp.headers)
        assert "X-Upstream-Url" not in resp.headers
        staff = app.get("/api/3/action/package_show?id=clinic-visits",
                        headers=_h(m, "editor")).get_data(as_text=True)
        assert "LINKSECRET" in staff
        log = helpers.call_action("govopen_access_log_list",
                                  {"ignore_auth": True, "user": ""})
        assert log["results"][0]["resource_id"] == link_id
    finally:
        server.shutdown()


def test_history_before_reclassification(app):
    """A dataset published as universal with a link, then reclassified to
    authorized: the old activity still holds the URL; nobody without
    access sees it in activity data, diffs or history pages."""
    m = _mini()
    editor = m["users"]["editor"]
    pkg = W._dataset(m["provider"], "bus-gps", "公交定位", "306001/000009",
                     "universal", [{"name": "定位接口", "format": "JSON",
                                    "access_mode": "api", "api_method": "GET",
                                    "url": "http://gps.example.invalid/OLDMARK"}],
                     _user=editor["name"])
    helpers.call_action("package_patch", {"user": m["sys"]["name"]},
                        id=pkg["id"], open_type="authorized",
                        reclassification_reason="含车辆实时位置 / live positions",
                        **AUTH_EXTRA)
    acts = [a for a in helpers.call_action(
        "package_activity_list", {"user": m["sys"]["name"]}, id=pkg["id"])
        if a["activity_type"] in ("new package", "changed package")]
    assert len(acts) >= 2
    raw = helpers.call_action("activity_data_show", {"user": m["sys"]["name"]},
                              id=acts[-1]["id"], object_type="package")
    assert "OLDMARK" in str(raw)        # the stored history has it
    citizen = m["users"]["citizen"]
    statuses = []
    for act in acts:
        for action, extra in (("activity_show", {}),
                              ("activity_data_show", {"object_type": "package"}),
                              ("activity_diff", {"object_type": "package"})):
            r = app.get(f"/api/3/action/{action}",
                        query_string=dict(id=act["id"], **extra),
                        headers=_h(m, "citizen"))
            statuses.append((action, r.status_code))
            assert "OLDMARK" not in r.get_data(as_text=True), action
        for url in (f"/dataset/bus-gps/history/{act['id']}",
                    f"/dataset/changes/{act['id']}"):
            assert "OLDMARK" not in app.get(
                url, headers=_h(m, "citizen")).get_data(as_text=True)
    r = app.get("/api/3/action/package_activity_list?id=bus-gps",
                headers=_h(m, "citizen"))
    assert r.status_code == 200 and "OLDMARK" not in r.get_data(as_text=True)
    assert citizen
    return statuses


@pytest.mark.ckan_config("ckan.auth.public_activity_stream_detail", "true")
def test_history_before_reclassification_public_detail(app):
    """With activity detail public, the citizen gets the activity data
    (200) and it is shaped, not refused."""
    statuses = test_history_before_reclassification(app)
    assert ("activity_data_show", 200) in statuses
    assert ("activity_diff", 200) in statuses


@pytest.mark.ckan_config("ckanext.govopen.list_closed", "false")
def test_closed_hidden_when_not_listed(app):
    m = _mini()
    closed = W._dataset(m["provider"], "patient-records", "病历档案",
                        "302001/000103", "closed",
                        [{"name": "病历", "format": "CSV", "url_type": "upload",
                          "url": "c.csv"}],
                        non_open_basis="《数据安全法》第二十一条")
    for who, visible in (("citizen", False), ("other_editor", False),
                         ("editor", True), ("authority", True)):
        found = app.get("/api/3/action/package_search?q=病历档案",
                        headers=_h(m, who)).json["result"]
        assert (closed["id"] in [r["id"] for r in found["results"]]) == \
            visible, who
        show = app.get("/api/3/action/package_show?id=patient-records",
                       headers=_h(m, who))
        assert (show.status_code == 200) == visible, who
    anon = app.get("/api/3/action/package_search?q=病历档案").json["result"]
    assert anon["count"] == 0
    assert app.get("/dataset/patient-records").status_code in (403, 404)


def test_closed_listed_by_default(app):
    m = _mini()
    W._dataset(m["provider"], "patient-records", "病历档案", "302001/000103",
               "closed", [{"name": "病历", "format": "CSV",
                           "url_type": "upload", "url": "c.csv"}],
               non_open_basis="《数据安全法》第二十一条")
    found = app.get("/api/3/action/package_search?q=病历档案").json["result"]
    assert found["count"] == 1
    assert found["results"][0]["resources"][0]["url"] == ""


def test_public_derivative_hook():
    assert policy.is_public_derivative({"desensitize_role": "derivative"})
    assert policy.is_public_derivative({})
    assert not policy.is_public_derivative({"desensitize_role": "original"})


def test_grantee_page_and_apply_link(app):
    m = _mini()
    body = app.get("/dataset/clinic-visits",
                   headers=_h(m, "citizen")).get_data(as_text=True)
    assert "申请使用" in body and "/dataset/clinic-visits/apply" in body
    assert "visits-secret.csv" not in body
    _grant(m)
    body = app.get("/dataset/clinic-visits",
                   headers=_h(m, "grantee")).get_data(as_text=True)
    assert "您的授权有效期" in body and "visits-secret.csv" in body
