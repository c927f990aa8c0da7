"""The access matrix: every actor × every object × every path.

Each test is one path; it loops over all actors and objects and collects
every wrong cell, so one run shows the whole matrix. Denied cells must also
not leak the file URL/name, the link URL or DataStore rows (the markers of
``world.secrets``)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from ckan import model
from ckan.tests import helpers

from .world import (ACTORS, FILE_NAME, LINK_URL, OBJECTS, PLUGINS, ROW_MARK,
                    STAFF, allowed, headers, pkg_of, secrets)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]

RESTRICTED = ("a_up", "a_link", "c_up")
TABLES = ("u_up", "a_up", "c_up")


def _body(resp) -> str:
    return resp.get_data(as_text=True) + " " + " ".join(
        f"{k}: {v}" for k, v in resp.headers.items())


def _leaks(body: str, obj: str) -> list[str]:
    return [s for s in secrets(obj) if s in body]


class Matrix:
    def __init__(self):
        self.wrong: list[str] = []

    def check(self, ok: bool, actor: str, obj: str, what: str) -> None:
        if not ok:
            self.wrong.append(f"{actor} × {obj}: {what}")

    def no_leak(self, body: str, actor: str, obj: str, what: str) -> None:
        leaked = _leaks(body, obj)
        if leaked:
            self.wrong.append(f"{actor} × {obj}: {what} leaks {leaked}")

    def done(self):
        assert not self.wrong, "\n".join(self.wrong)


def _cells():
    for actor in ACTORS:
        for obj in OBJECTS:
            yield actor, obj


def _get(app, url, world, actor, **kw):
    return app.get(url, headers=headers(world, actor), **kw)


def _api(app, world, actor, action, params=None, method="get"):
    if method == "post":
        return app.post(f"/api/3/action/{action}", json=params or {},
                        headers=headers(world, actor))
    return app.get(f"/api/3/action/{action}", query_string=params or {},
                   headers=headers(world, actor))


# ------------------------------------------------------------- downloads
def test_download_urls(app, world):
    m = Matrix()
    for actor, obj in _cells():
        rid = world["res"][obj]["id"]
        base = f"/dataset/{pkg_of(obj)}/resource/{rid}/download"
        for url in (base, f"{base}/{FILE_NAME[obj]}"):
            resp = _get(app, url, world, actor, follow_redirects=False)
            body = _body(resp)
            if not allowed(actor, obj):
                m.check(resp.status_code in (403, 404), actor, obj,
                        f"{url} gave {resp.status_code}")
                if url != base:  # the client sent the file name itself
                    body = body.replace(FILE_NAME[obj], "")
                m.no_leak(body, actor, obj, url)
            elif obj.endswith("_up"):
                m.check(resp.status_code == 200 and
                        f"FILEMARK-{obj.upper()}" in body, actor, obj,
                        f"{url} gave {resp.status_code}")
            elif obj == "u_link" or actor in STAFF:
                m.check(resp.status_code == 302 and
                        resp.headers["Location"] == LINK_URL[obj], actor, obj,
                        f"{url} gave {resp.status_code}")
            else:  # grantee of a link: proxied, URL never shown
                m.check(resp.status_code == 502, actor, obj,
                        f"{url} gave {resp.status_code}")
                m.no_leak(body, actor, obj, url)
    m.done()


def test_download_head(app, world):
    m = Matrix()
    client = app.test_client()
    for actor, obj in _cells():
        rid = world["res"][obj]["id"]
        url = f"/dataset/{pkg_of(obj)}/resource/{rid}/download"
        resp = client.head(url, headers=headers(world, actor),
                           follow_redirects=False)
        if allowed(actor, obj):
            m.check(resp.status_code in (200, 302, 502), actor, obj,
                    f"HEAD {resp.status_code}")
        else:
            m.check(resp.status_code in (403, 404), actor, obj,
                    f"HEAD {resp.status_code}")
            m.no_leak(_body(resp), actor, obj, "HEAD")
    m.done()


def test_download_with_mismatched_dataset(app, world):
    """The resource id must belong to the dataset in the URL: the universal
    dataset's name cannot unlock an authorized resource."""
    m = Matrix()
    for actor, obj in _cells():
        rid = world["res"][obj]["id"]
        other = "patient-records" if obj.startswith("u") else "clinic-list"
        resp = _get(app, f"/dataset/{other}/resource/{rid}/download", world,
                    actor, follow_redirects=False)
        m.check(resp.status_code == 404, actor, obj,
                f"mismatch gave {resp.status_code}")
        m.no_leak(_body(resp), actor, obj, "mismatch")
    m.done()


def test_every_download_endpoint_is_guarded(app):
    views = app.flask_app.view_functions
    endpoints = [e for e in views if e.endswith("resource.download")]
    assert "dataset_resource.download" in endpoints
    assert all(getattr(views[e], "govopen_guarded", False) for e in endpoints)


# ------------------------------------------------------- show and search
def _expected_url(world, actor, obj) -> str | None:
    if not allowed(actor, obj):
        return None
    if obj.endswith("_up"):
        return FILE_NAME[obj]
    if obj == "a_link" and actor not in STAFF:
        return f"/resource/{world['res'][obj]['id']}/download"
    return LINK_URL[obj]


@pytest.mark.parametrize("use_cache", [True, False])
def test_package_show(app, world, use_cache):
    """Cache hit (served from the index's validated_data_dict) and miss."""
    m = Matrix()
    for actor, obj in _cells():
        name = pkg_of(obj)
        if use_cache:
            resp = _api(app, world, actor, "package_show", {"id": name})
            pkg = resp.json["result"]
            body = resp.get_data(as_text=True)
        else:
            ctx = {"user": world["users"][actor]["name"]
                   if actor != "anonymous" else "", "use_cache": False, "ignore_auth": False}
            pkg = helpers.call_action("package_show", ctx, id=name)
            body = json.dumps(pkg, ensure_ascii=False)
        res = next(r for r in pkg["resources"]
                   if r["id"] == world["res"][obj]["id"])
        want = _expected_url(world, actor, obj)
        if want is None:
            m.check(res["url"] == "", actor, obj, f"url {res['url']!r}")
            m.no_leak(body, actor, obj, "package_show")
        else:
            m.check(want in res["url"], actor, obj,
                    f"url {res['url']!r} lacks {want!r}")
            if obj == "a_link" and actor not in STAFF:
                m.no_leak(body, actor, obj, "package_show (grantee)")
    m.done()


def test_package_show_cache_is_hit(world):
    """The cache path really serves the index copy (which has no URLs)."""
    from ckan.lib.search import show
    doc = show(world["pkgs"]["a"]["id"])
    stored = json.loads(doc["validated_data_dict"])
    assert all(r["url"] == "" for r in stored["resources"])


def test_resource_show(app, world):
    m = Matrix()
    for actor, obj in _cells():
        resp = _api(app, world, actor, "resource_show",
                    {"id": world["res"][obj]["id"]})
        if allowed(actor, obj):
            url = resp.json["result"]["url"] if resp.status_code == 200 else ""
            m.check(_expected_url(world, actor, obj) in url, actor, obj,
                    f"resource_show {resp.status_code} {url!r}")
        else:
            m.check(resp.status_code == 403, actor, obj,
                    f"resource_show {resp.status_code}")
            m.no_leak(resp.get_data(as_text=True), actor, obj,
                      "resource_show")
    m.done()


SEARCHES = [
    {"q": "*:*"},
    {"q": "*:*", "fl": "id,name,res_url,urls,url,download_url,data_dict,"
                       "validated_data_dict,res_extras_url,res_name"},
    {"q": "*:*", "facet.field": json.dumps(["res_url", "urls", "res_name"]),
     "facet.limit": "-1"},
    {"q": "ALINKMARK"}, {"q": "secret-alink.example.invalid"},
    {"q": "res_url:*ALINKMARK*"}, {"q": "urls:*secret*"},
    {"q": "secret-aup-file.csv"}, {"q": "secret-cup-file.csv"},
    {"fq": 'res_url:"http://secret-alink.example.invalid/api/ALINKMARK"'},
    {"fq": "urls:*ALINKMARK*"}, {"fq": "res_url:*secret-aup*"},
    {"q": "*:*", "include_private": "true"},
]


def test_package_search_parameters(app, world):
    m = Matrix()
    for actor in ACTORS:
        for params in SEARCHES:
            resp = _api(app, world, actor, "package_search", params)
            body = resp.get_data(as_text=True)
            for obj in RESTRICTED:
                if not allowed(actor, obj):
                    m.no_leak(body, actor, obj, f"package_search {params}")
            if resp.status_code == 200 and (
                    "q" in params and "MARK" in params["q"]
                    or "fq" in params):
                ids = [r["id"] for r in resp.json["result"]["results"]]
                for key in ("a", "c"):
                    m.check(world["pkgs"][key]["id"] not in ids, actor, key,
                            f"search oracle {params}")
    m.done()


def test_resource_search(app, world):
    m = Matrix()
    for actor in ACTORS:
        for query in ("url:ALINKMARK", "url:secret-aup", "url:secret-cup",
                      "name:门诊", "name:病历", "format:CSV"):
            resp = _api(app, world, actor, "resource_search",
                        {"query": query})
            body = resp.get_data(as_text=True)
            for obj in RESTRICTED:
                if not allowed(actor, obj):
                    m.no_leak(body, actor, obj, f"resource_search {query}")
                    if query.startswith("url:") and resp.status_code == 200:
                        ids = [r["id"] for r in resp.json["result"]["results"]]
                        m.check(world["res"][obj]["id"] not in ids, actor, obj,
                                f"resource_search oracle {query}")
    m.done()


def test_lists_with_datasets(app, world):
    m = Matrix()
    for actor in ACTORS:
        calls = [("current_package_list_with_resources", {}),
                 ("organization_show", {"id": "rx-health",
                                        "include_datasets": "true"}),
                 ("group_show", {"id": "health-topic",
                                 "include_datasets": "true"}),
                 ("group_package_show", {"id": "health-topic"}),
                 ("package_list", {}), ("organization_list",
                                        {"all_fields": "true"})]
        for action, params in calls:
            resp = _api(app, world, actor, action, params)
            m.check(resp.status_code == 200, actor, "-", f"{action} failed")
            if action.startswith("group_"):
                # the group really lists the public datasets to everyone
                m.check("clinic-visits" in resp.get_data(as_text=True), actor,
                        "-", f"{action} lists no dataset")
            for obj in RESTRICTED:
                if not allowed(actor, obj):
                    m.no_leak(resp.get_data(as_text=True), actor, obj, action)
    m.done()


def test_search_index_holds_no_restricted_url(world):
    rows = model.Session.execute(text(
        "SELECT stored::text || filters::text || coalesce(data_dict,'') || "
        "coalesce(validated_data_dict,'') || search_text "
        "FROM govopen_search_index")).scalars().all()
    blob = " ".join(rows)
    assert rows
    for obj in RESTRICTED:
        assert not _leaks(blob, obj), obj
    # universal data is public and stays searchable
    assert LINK_URL["u_link"] in blob


def test_access_check_action(app, world):
    m = Matrix()
    for actor, obj in _cells():
        resp = _api(app, world, actor, "govopen_access_check",
                    {"resource_id": world["res"][obj]["id"]})
        result = resp.json["result"]
        m.check(result["allowed"] == allowed(actor, obj), actor, obj,
                f"access_check {result}")
        m.check(" / " in result["reason"], actor, obj, "reason not bilingual")
        if actor == "grantee_active" and obj.startswith("a_"):
            m.check(result["grant_id"] == world["grants"]["active"]["id"],
                    actor, obj, "grant id")
    m.done()


# -------------------------------------------------------------- DataStore
@pytest.mark.parametrize("fmt", ["objects", "lists", "csv", "tsv"])
def test_datastore_search(app, world, fmt):
    m = Matrix()
    for actor in ACTORS:
        for obj in TABLES:
            ids = [world["res"][obj]["id"]]
            if fmt == "objects":
                ids.append(world["aliases"][obj])
            for rid in ids:
                resp = _api(app, world, actor, "datastore_search",
                            {"resource_id": rid, "records_format": fmt})
                body = resp.get_data(as_text=True)
                if allowed(actor, obj):
                    m.check(ROW_MARK[obj] in body, actor, obj,
                            f"datastore_search {rid} {resp.status_code}")
                else:
                    m.check(resp.status_code == 403, actor, obj,
                            f"datastore_search {rid} {resp.status_code}")
                    m.no_leak(body, actor, obj, "datastore_search")
    m.done()


def test_datastore_info_dump_and_sql(app, world):
    m = Matrix()
    for actor in ACTORS:
        for obj in TABLES:
            rid = world["res"][obj]["id"]
            info = _api(app, world, actor, "datastore_info", {"id": rid})
            m.check((info.status_code == 200) == allowed(actor, obj), actor,
                    obj, f"datastore_info {info.status_code}")
            for fmt in ("csv", "json") if actor in (
                    "anonymous", "grantee_active", "sysadmin") else ("csv",):
                resp = _get(app, f"/datastore/dump/{rid}?format={fmt}", world,
                            actor)
                body = resp.get_data(as_text=True)
                if allowed(actor, obj):
                    m.check(ROW_MARK[obj] in body, actor, obj,
                            f"dump {fmt} {resp.status_code}")
                else:
                    m.check(resp.status_code in (403, 404), actor, obj,
                            f"dump {fmt} {resp.status_code}")
                    m.no_leak(body, actor, obj, f"dump {fmt}")
            sql = _api(app, world, actor, "datastore_search_sql",
                       {"sql": f'SELECT * FROM "{rid}"'})
            m.check(sql.status_code in (400, 403, 404), actor, obj,
                    f"datastore_search_sql {sql.status_code}")
            m.no_leak(sql.get_data(as_text=True), actor, obj, "sql")
        meta = _api(app, world, actor, "datastore_search",
                    {"resource_id": "_table_metadata", "limit": 1000})
        for obj in TABLES:
            m.no_leak(meta.get_data(as_text=True), actor, obj,
                      "_table_metadata")
    m.done()


# ------------------------------------------------ views, ajax and proxy
def test_resource_views_datatables_and_proxy(app, world):
    m = Matrix()
    for actor, obj in _cells():
        rid = world["res"][obj]["id"]
        pkg = pkg_of(obj)
        ok = allowed(actor, obj)
        lst = _api(app, world, actor, "resource_view_list", {"id": rid})
        m.check(lst.status_code == 200 and (bool(lst.json["result"]) == ok
                                            or obj not in world["views"]),
                actor, obj, f"resource_view_list {lst.status_code}")
        if not ok:
            m.no_leak(lst.get_data(as_text=True), actor, obj, "view list")
        if obj in world["views"]:
            view_id = world["views"][obj]["id"]
            show = _api(app, world, actor, "resource_view_show",
                        {"id": view_id})
            m.check((show.status_code == 200) == ok, actor, obj,
                    f"resource_view_show {show.status_code}")
            ajax = app.post(f"/datatables/ajax/{view_id}", data={
                "draw": "1", "start": "0", "length": "10",
                "search[value]": "", "order[0][column]": "0",
                "order[0][dir]": "asc", "columns[0][data]": "id",
                "columns[0][searchable]": "true",
                "columns[1][data]": "name",
                "columns[1][searchable]": "true"},
                headers=headers(world, actor))
            abody = ajax.get_data(as_text=True)
            if ok:
                m.check(ROW_MARK[obj] in abody, actor, obj,
                        f"datatables {ajax.status_code}")
            else:
                m.check(ajax.status_code in (403, 404), actor, obj,
                        f"datatables {ajax.status_code}")
                m.no_leak(abody, actor, obj, "datatables")
            page = _get(app, f"/dataset/{pkg}/resource/{rid}/view/{view_id}",
                        world, actor)
            if not ok:
                m.check(page.status_code in (403, 404), actor, obj,
                        f"view page {page.status_code}")
                m.no_leak(_body(page), actor, obj, "view page")
        # the resource page shows metadata only (URL stripped, no views)
        page = _get(app, f"/dataset/{pkg}/resource/{rid}", world, actor)
        m.check(page.status_code == 200, actor, obj,
                f"resource page {page.status_code}")
        if not ok:
            m.no_leak(_body(page), actor, obj, "resource page")
        if ok:  # allowed: core's proxy would fetch the (unreachable) URL
            continue
        proxy = _get(app, f"/dataset/{pkg}/resource/{rid}/proxy", world,
                     actor, follow_redirects=False)
        if not ok:
            m.check(proxy.status_code in (403, 404), actor, obj,
                    f"proxy {proxy.status_code}")
            m.no_leak(_body(proxy), actor, obj, "resource proxy")
    m.done()


# ----------------------------------------------------- pages, RDF, etc.
def test_dataset_pages(app, world):
    m = Matrix()
    pages = {}
    for actor, obj in _cells():
        pkg = pkg_of(obj)
        if (actor, pkg) not in pages:
            pages[actor, pkg] = _get(app, f"/dataset/{pkg}", world, actor)
        page = pages[actor, pkg]
        body = page.get_data(as_text=True)
        m.check(page.status_code == 200, actor, obj, f"page {page.status_code}")
        if not allowed(actor, obj):
            m.no_leak(body, actor, obj, "dataset page")
            if obj.startswith("a_"):
                m.check("申请使用" in body and f"/dataset/{pkg}/apply" in body,
                        actor, obj, "no 申请使用 call to action")
                m.check("门诊量明细" in body and "就诊编号" in body
                        and "签订开放利用协议" in body, actor, obj,
                        "metadata, data items or conditions missing")
        if actor == "grantee_active" and obj.startswith("a_"):
            m.check("您的授权有效期" in body, actor, obj, "grant validity")
    m.done()


def test_dcat_jsonld_croissant(app, world):
    """RDF (RDF/XML, Turtle, JSON-LD), the catalogue endpoints, croissant
    and the schema.org JSON-LD embedded in the dataset page
    (structured_data)."""
    m = Matrix()
    cache = {}
    for actor, obj in _cells():
        pkg = pkg_of(obj)
        urls = [f"/dataset/{pkg}.rdf", f"/dataset/{pkg}.ttl",
                f"/dataset/{pkg}.jsonld", f"/dataset/{pkg}/croissant.jsonld",
                f"/dataset/{pkg}", "/catalog.ttl", "/catalog.jsonld"]
        for url in urls:
            key = (actor if actor in STAFF or actor == "grantee_active"
                   else "public", url)
            if key not in cache:
                cache[key] = _get(app, url, world, actor)
            resp = cache[key]
            m.check(resp.status_code == 200, actor, obj,
                    f"{url} {resp.status_code}")
            if not allowed(actor, obj):
                m.no_leak(resp.get_data(as_text=True), actor, obj, url)
    m.done()


def test_dcat_download_url_stripped_for_restricted(app, world):
    body = app.get("/dataset/clinic-visits.ttl").get_data(as_text=True)
    assert "downloadURL" not in body
    assert "/dataset/clinic-visits/apply" in body or "accessURL" in body


# --------------------------------------------------------------- activity
def test_activity_paths(app, world):
    """Activity lists, activity_show / data_show / diff and the history and
    changes pages (activity is stored with ignore_auth, so it is shaped on
    the way out)."""
    m = Matrix()
    per_pkg, per_actor = {}, {}
    for actor in ACTORS:
        bodies = []
        for action in ("recently_changed_packages_activity_list",
                       "dashboard_activity_list"):
            bodies.append(_api(app, world, actor, action, {})
                          .get_data(as_text=True))
        bodies.append(_api(app, world, actor, "organization_activity_list",
                           {"id": "rx-health"}).get_data(as_text=True))
        bodies.append(_api(app, world, actor, "user_activity_list",
                           {"id": world["users"]["sysadmin"]["id"]})
                      .get_data(as_text=True))
        per_actor[actor] = " ".join(bodies)
        for pkg in ("clinic-list", "clinic-visits", "patient-records"):
            lst = _api(app, world, actor, "package_activity_list",
                       {"id": pkg})
            bodies = [lst.get_data(as_text=True)]
            acts = lst.json["result"] if lst.status_code == 200 else []
            for act in acts[:1]:
                for action in ("activity_show", "activity_data_show",
                               "activity_diff"):
                    bodies.append(_api(app, world, actor, action, {
                        "id": act["id"], "object_type": "package"})
                        .get_data(as_text=True))
                for url in (f"/dataset/{pkg}/history/{act['id']}",
                            f"/dataset/changes/{act['id']}"):
                    bodies.append(_get(app, url, world, actor)
                                  .get_data(as_text=True))
            bodies.append(_get(app, f"/dataset/activity/{pkg}", world,
                               actor).get_data(as_text=True))
            per_pkg[actor, pkg] = (" ".join(bodies), acts)
    for actor, obj in _cells():
        body, acts = per_pkg[actor, pkg_of(obj)]
        if not allowed(actor, obj):
            m.no_leak(body + per_actor[actor], actor, obj, "activity")
        if actor == "sysadmin":
            m.check(len(acts) > 0, actor, obj, "no activities")
    m.done()
