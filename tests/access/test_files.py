"""CKAN 2.12's file API under the access policy.

Files are created through the file actions over HTTP (the provider's
editor uploads with ``file_create`` and attaches the file to a dataset or a
resource with ``file_ownership_transfer``), in a private file-system
storage and in a public one, then read through every file route and
action. Core cascades dataset-owned files to ``package_show``, which is
public for 授权开放 metadata: without the chained ``permission_read_file``
anyone could download them."""
from __future__ import annotations

import io
import tempfile

import jwt
import pytest

from ckan.common import config
from ckan.tests import helpers

from . import world as W
from .mini import grant, h, mini
from .world import PLUGINS

_ROOT = tempfile.mkdtemp(prefix="govopen-acc-files-")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckan.files.storage.govfiles.type", "ckan:fs"),
    pytest.mark.ckan_config("ckan.files.storage.govfiles.path",
                            f"{_ROOT}/private"),
    pytest.mark.ckan_config("ckan.files.storage.govfiles.initialize", True),
    pytest.mark.ckan_config("ckan.files.storage.govpublic.type", "ckan:fs"),
    pytest.mark.ckan_config("ckan.files.storage.govpublic.path",
                            f"{_ROOT}/public"),
    pytest.mark.ckan_config("ckan.files.storage.govpublic.initialize", True),
    pytest.mark.ckan_config("ckan.files.storage.govpublic.public", True),
    # any logged-in user may upload, as a portal letting departments attach
    # files would configure it
    pytest.mark.ckan_config("ckan.files.authenticated_uploads.allow", True),
    pytest.mark.ckan_config("ckan.files.authenticated_uploads.storages",
                            ["govfiles", "govpublic"]),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTORS = ("anonymous", "citizen", "grantee", "other_editor", "editor",
          "authority", "sysadmin")
STAFF = {"editor", "authority", "sysadmin"}


def _headers(m, actor):
    if actor == "anonymous":
        return {}
    if actor == "sysadmin":
        return {"Authorization": m["sys"]["token"]}
    return h(m, actor)


def _attach(app, m, key, owner_type, owner_id, storage="govfiles"):
    """Upload as the provider's editor and attach to ``owner``."""
    body = f"id,name\n1,FILEMARK-{key.upper()}\n".encode()
    created = app.post("/api/3/action/file_create", data={
        "storage": storage,
        "upload": (io.BytesIO(body), f"secret-{key}.csv")},
        headers=h(m, "editor"), content_type="multipart/form-data")
    assert created.status_code == 200, created.get_data(as_text=True)
    item = created.json["result"]
    moved = app.post("/api/3/action/file_ownership_transfer", json={
        "id": item["id"], "owner_type": owner_type, "owner_id": owner_id},
        headers=h(m, "editor"))
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.json["result"]["owner_type"] == owner_type
    return dict(item, key=key)


def _files_world(app):
    m = mini()
    universal = W._dataset(m["provider"], "clinic-list", "医疗机构名录",
                           "302001/000101", "universal", [
                               {"name": "名录", "format": "CSV",
                                "url_type": "upload", "url": "u.csv"}])
    closed = W._dataset(m["provider"], "patient-records", "病历档案",
                        "302001/000103", "closed", [
                            {"name": "病历", "format": "CSV",
                             "url_type": "upload", "url": "c.csv"}],
                        non_open_basis="《数据安全法》第二十一条")
    grant(m)                               # the grantee: whole dataset
    a_pkg, a_res = m["pkg"]["id"], m["rid"]
    files = {
        "u_pkg": _attach(app, m, "upkg", "package", universal["id"]),
        "u_res": _attach(app, m, "ures", "resource",
                         universal["resources"][0]["id"]),
        "a_pkg": _attach(app, m, "apkg", "package", a_pkg),
        "a_res": _attach(app, m, "ares", "resource", a_res),
        "c_pkg": _attach(app, m, "cpkg", "package", closed["id"]),
        "c_res": _attach(app, m, "cres", "resource",
                         closed["resources"][0]["id"]),
        "a_pub": _attach(app, m, "apub", "package", a_pkg, "govpublic"),
        "u_pub": _attach(app, m, "upub", "package", universal["id"],
                         "govpublic"),
    }
    return m, files


def _allowed(actor, key):
    return key.startswith("u_") or actor in STAFF


def _leaks(body, item):
    marks = [f"FILEMARK-{item['key'].upper()}", item["location"],
             f"secret-{item['key']}"]
    return [s for s in marks if s in body]


def test_file_routes_and_actions_obey_the_policy(app):
    m, files = _files_world(app)
    wrong = []
    for actor in ACTORS:
        hd = _headers(m, actor)
        for key, item in files.items():
            ok = _allowed(actor, key)
            what = f"{actor} × {key}"
            dl = app.get(f"/file/download/{item['id']}", headers=hd)
            body = dl.get_data(as_text=True) + str(dl.headers)
            if ok:
                if dl.status_code != 200 or \
                        f"FILEMARK-{item['key'].upper()}" not in body:
                    wrong.append(f"{what}: download {dl.status_code}")
            else:
                if dl.status_code != 404 or _leaks(body, item):
                    wrong.append(f"{what}: download {dl.status_code} "
                                 f"{_leaks(body, item)}")
            shown = app.get("/api/3/action/file_show",
                            query_string={"id": item["id"]}, headers=hd)
            body = shown.get_data(as_text=True)
            if ok:
                if shown.status_code != 200 or \
                        shown.json["result"]["location"] != item["location"]:
                    wrong.append(f"{what}: file_show {shown.status_code}")
            elif shown.status_code != 403 or _leaks(body, item):
                wrong.append(f"{what}: file_show {shown.status_code} "
                             f"{_leaks(body, item)}")
            if item["storage"] == "govpublic":
                pub = app.get(f"/file/public-download/govpublic/"
                              f"{item['location']}", headers=hd)
                body = pub.get_data(as_text=True)
                if ok != (pub.status_code == 200) or (
                        not ok and f"FILEMARK-{item['key'].upper()}" in body):
                    wrong.append(f"{what}: public download {pub.status_code}")
    assert not wrong, "\n".join(wrong)


def test_file_lists_and_trusted_downloads(app):
    m, files = _files_world(app)
    pkg_id = m["pkg"]["id"]
    for actor in ACTORS:
        resp = app.get("/api/3/action/file_owner_scan", query_string={
            "owner_type": "package", "owner_id": pkg_id},
            headers=_headers(m, actor))
        body = resp.get_data(as_text=True)
        if actor in ("editor", "sysadmin"):     # package_update
            assert resp.status_code == 200, actor
            assert files["a_pkg"]["location"] in body, actor
        else:
            assert resp.status_code == 403, actor
            assert not _leaks(body, files["a_pkg"]), actor
    # trusted downloads need a JWT signed with the site's secret: a token
    # made with any other key, or for another audience, gives nothing
    item = files["a_pkg"]
    for token in (jwt.encode({"sub": item["id"], "aud": "trusted_download"},
                             "not-the-site-secret", algorithm="HS256"),
                  jwt.encode({"sub": item["id"]}, "x", algorithm="HS256"),
                  "garbage"):
        resp = app.get(f"/file/trusted-download/{token}")
        assert resp.status_code == 404
        assert not _leaks(resp.get_data(as_text=True), item)
    assert config.get("ckan.files.storage.govfiles.public") in (None, False)


def test_file_downloads_of_restricted_data_are_logged(app):
    m, files = _files_world(app)
    for key in ("a_pkg", "a_res", "c_pkg", "u_pkg"):
        resp = app.get(f"/file/download/{files[key]['id']}",
                       headers=h(m, "editor"))
        assert resp.status_code == 200
        if key != "u_pkg":
            assert "no-store" in resp.headers.get("Cache-Control", "")
    app.get(f"/file/download/{files['a_pkg']['id']}", headers=h(m, "citizen"))
    pub = files["a_pub"]
    assert app.get(f"/file/public-download/govpublic/{pub['location']}",
                   headers=h(m, "authority")).status_code == 200
    entries = helpers.call_action("govopen_access_log_list", {
        "user": m["sys"]["name"], "ignore_auth": False})["results"]
    got = sorted((e["file_id"], e["resource_id"], e["method"], e["user_name"],
                  e["open_type"]) for e in entries)
    editor, authority = (m["users"]["editor"]["name"],
                         m["users"]["authority"]["name"])
    assert got == sorted([
        (files["a_pkg"]["id"], None, "file", editor, "authorized"),
        (files["a_res"]["id"], m["rid"], "file", editor, "authorized"),
        (files["c_pkg"]["id"], None, "file", editor, "closed"),
        (pub["id"], None, "file_public", authority, "authorized")])
    assert all(e["channel"] == "download" and e["bytes"] for e in entries)
    csv = app.get("/organization/rx-health/access-log.csv",
                  headers=h(m, "editor")).get_data(as_text=True)
    assert files["c_pkg"]["id"] in csv and "文件ID file_id" in csv
    page = app.get("/organization/rx-health/access-log",
                   headers=h(m, "editor")).get_data(as_text=True)
    assert files["c_pkg"]["id"] in page


def test_public_storage_location_spellings(app):
    """The storage normalises ``./`` and ``../``: other spellings of a
    restricted file's location must not slip past the lookup."""
    m, files = _files_world(app)
    item = files["a_pub"]
    loc = item["location"]
    for spelling in (loc, f"./{loc}", f"sub/../{loc}", f".//{loc}",
                     f"%2E/{loc}"):
        resp = app.get(f"/file/public-download/govpublic/{spelling}",
                       headers=h(m, "citizen"))
        body = resp.get_data(as_text=True)
        assert resp.status_code in (403, 404), (spelling, resp.status_code)
        assert "FILEMARK-APUB" not in body, spelling
    ok = app.get(f"/file/public-download/govpublic/./{loc}",
                 headers=h(m, "editor"))
    assert ok.status_code == 200
    assert "FILEMARK-APUB" in ok.get_data(as_text=True)
