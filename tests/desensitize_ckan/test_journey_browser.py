"""The publisher's journey in headless Chromium (GUIDE §6.5): upload a GBK
CSV with names, IDs and phones to a 普遍开放 dataset; publication is blocked
with the detection report shown; the publisher confirms the proposed rules;
nothing is published until a department reviewer approves them; then the
public gets only masked values, and the original by no path at all."""
import json
import re

import pytest

from ckan import model

from browser import login

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]


def _make_public(page, live_server, name):
    page.goto(live_server(f"/dataset/edit/{name}"))
    page.select_option("#field-private", "False")
    with page.expect_navigation():
        page.click("form#dataset-edit button.btn-primary[name=save]")


def test_publisher_journey(world, page, live_server, tmp_path):
    u = world["users"]
    pkg = W.dataset(world["orgs"]["provider"], u["sysadmin"], "cases-ui",
                    "303001/000401")
    rows = W.people_rows(60, seed=21)
    raw = [v for row in rows for v in row[:3]]
    path = tmp_path / "办件明细.csv"
    path.write_bytes(W.csv_bytes(W.E2E_HEADER, rows, "gbk"))
    model.Session.remove()

    # upload through the resource form
    login(page, live_server, u["publisher"]["name"], W.PASSWORD)
    page.goto(live_server(f"/dataset/{pkg['name']}/resource/new"))
    page.set_input_files("#field-resource-upload", str(path))
    page.fill("#field-name", "办件明细")
    page.fill("#field-format", "CSV")
    with page.expect_navigation():
        page.click("button[name=save][value=go-dataset-complete]")
    model.Session.remove()
    res_id = model.Session.query(model.Resource.id).filter_by(
        package_id=pkg["id"], state="active").one()[0]
    res_url = live_server(f"/dataset/{pkg['name']}/resource/{res_id}")

    # the scan is queued; the resource page says so and polls for progress
    page.goto(res_url)
    assert page.get_attribute("#govopen-desensitize", "data-state") == "pending"
    assert page.locator("#govopen-desensitize-progress").count() == 1
    assert W.drain() == 1
    page.wait_for_function(
        "document.querySelector('#govopen-desensitize') && "
        "document.querySelector('#govopen-desensitize').dataset.state "
        "=== 'scanned'", timeout=15000)
    panel = page.locator("#govopen-desensitize")
    assert panel.get_attribute("data-public") == "false"
    assert "未向公众开放" in panel.inner_text()

    # the detection report
    page.click("#govopen-desensitize-report-link")
    page.wait_for_selector("#govopen-desensitize-report")
    assert page.inner_text("#govopen-desensitize-encoding").upper() in (
        "GBK", "GB18030")
    col = lambda name: page.locator(f"tr[data-column='{name}']")  # noqa
    assert col("姓名").get_attribute("data-type") == "person_name"
    assert col("身份证号").get_attribute("data-type") == "id18"
    assert col("手机号").get_attribute("data-type") == "mobile"
    assert col("身份证号").get_attribute("data-operator") == "pseudonymize"
    assert "60/60" in col("身份证号").locator(".govopen-detected").inner_text()
    report_url = page.url

    # publication is blocked
    _make_public(page, live_server, pkg["name"])
    assert "尚未完成脱敏发布" in page.content()
    model.Session.remove()
    assert model.Package.get(pkg["id"]).private is True

    # confirm the proposed rules: they go to the department reviewer, and
    # nothing runs or is published before the approval
    page.goto(report_url)
    assert page.is_checked("#field-suppress-below-k")
    assert page.input_value("#field-max-suppression") == "5"
    page.fill("#field-max-suppression", "10")
    with page.expect_navigation():
        page.click("#btn-desensitize-confirm")
    report = "#govopen-desensitize-report"
    st = W.act("govopen_desensitize_status", u["publisher"], resource_id=res_id)
    assert st["plan"]["plan"]["max_suppression"] == 0.1
    assert st["plan"]["plan"]["suppress_below_k"] is True
    assert page.get_attribute(report, "data-state") == "submitted"
    assert page.get_attribute(report, "data-plan-status") == "submitted"
    assert "待部门审核" in page.inner_text("#govopen-desensitize-plan-status")
    assert page.locator("#btn-desensitize-approve").count() == 0
    assert page.locator("#govopen-desensitize-progress").count() == 0
    assert W.drain() == 0
    _make_public(page, live_server, pkg["name"])
    assert "尚未完成脱敏发布" in page.content()

    # the department reviewer (an admin of the provider department) finds
    # the plan in the queue and approves it; the run is queued
    page.context.clear_cookies()
    login(page, live_server, u["dept_admin"]["name"], W.PASSWORD)
    page.goto(live_server("/govopen/desensitize/review"))
    queued = page.locator(f"#govopen-desensitize-queue tr[data-resource-id="
                          f"'{res_id}']")
    assert queued.get_attribute("data-may-review") == "true"
    with page.expect_navigation():
        queued.locator("a.btn").click()
    assert page.url.endswith(f"/resource/{res_id}/desensitize")
    with page.expect_navigation():
        page.click("#btn-desensitize-approve")
    assert page.get_attribute(report, "data-state") == "approved"
    assert page.get_attribute(report, "data-plan-status") == "approved"
    assert page.locator("#govopen-desensitize-progress").count() == 1
    assert W.drain() == 1
    page.wait_for_function(
        "document.querySelector('#govopen-desensitize-report') && "
        "document.querySelector('#govopen-desensitize-report').dataset.state"
        " === 'published'", timeout=15000)
    assert "通过" in page.inner_text("#govopen-desensitize-k")
    assert "未发现残留直接标识符" in page.inner_text(
        "#govopen-desensitize-verification")
    samples = col("身份证号").locator(".govopen-samples").inner_text()
    assert "ID_" in samples or re.search(r"[A-Z]+_[A-Z2-7]{16}", samples)
    for v in raw:
        assert v not in page.content()
    history = page.inner_text("#govopen-desensitize-history")
    for step in ("提交审核", "审核批准", "发布脱敏数据"):
        assert step in history
    from ckanext.govopen.desensitize import model as dz
    release = dz.published_release(res_id)
    assert release["id"] in history and release["key_id"] in history

    # staff still get the original
    resp = page.request.get(live_server(
        f"/dataset/{pkg['id']}/resource/{res_id}/download"))
    assert resp.status == 200 and rows[0][1].encode("gbk") in resp.body()

    # now the dataset can go public
    _make_public(page, live_server, pkg["name"])
    model.Session.remove()
    assert model.Package.get(pkg["id"]).private is False
    assert model.Package.get(pkg["id"]).state == "active"
    deriv_id = dz.get_resource(res_id)["derivative_id"]

    # ---- anonymous: only masked values, the original by no path
    page.context.clear_cookies()
    get = lambda p: page.request.get(live_server(p))  # noqa

    def no_raw(text):
        for v in raw:
            assert v not in text, v

    page.goto(live_server(f"/dataset/{pkg['name']}"))
    assert page.locator(f"a[href*='{deriv_id}']").count() >= 1
    resp = page.goto(live_server(
        f"/dataset/{pkg['name']}/resource/{deriv_id}"))
    assert resp.status == 200
    assert "已脱敏" in page.inner_text("#govopen-desensitize")
    d = get(f"/dataset/{pkg['id']}/resource/{deriv_id}/download")
    assert d.status == 200
    body = d.body().decode("utf-8")
    assert body.splitlines()[0].startswith("身份证号") or "身份证号" in \
        body.splitlines()[0]
    no_raw(body)
    ds = get(f"/api/3/action/datastore_search?resource_id={deriv_id}"
             "&limit=1000").json()
    assert ds["result"]["total"] == 60
    no_raw(json.dumps(ds, ensure_ascii=False))
    dump = get(f"/datastore/dump/{deriv_id}")
    assert dump.status == 200
    no_raw(dump.body().decode("utf-8-sig"))

    # the original: download URL, resource page, resource_show, DataStore,
    # dump, package_show, package_search (fl and q), resource_search
    for p in (f"/dataset/{pkg['id']}/resource/{res_id}/download",
              f"/dataset/{pkg['id']}/resource/{res_id}/download/"
              f"{path.name}",
              f"/datastore/dump/{res_id}",
              f"/dataset/{pkg['id']}/resource/{res_id}/desensitize",
              f"/dataset/{pkg['id']}/resource/{res_id}/desensitize/status"):
        r = get(p)
        assert r.status in (403, 404), (p, r.status)
        no_raw(r.body().decode("utf-8", "replace"))
    # the resource page may list the original's metadata, never its data
    r = get(f"/dataset/{pkg['name']}/resource/{res_id}")
    no_raw(r.body().decode("utf-8"))
    assert "govopen-desensitize" not in r.body().decode("utf-8")
    r = get(f"/api/3/action/resource_show?id={res_id}")
    assert r.status == 403
    r = get(f"/api/3/action/datastore_search?resource_id={res_id}")
    assert r.status in (403, 404)
    shown = get(f"/api/3/action/package_show?id={pkg['id']}").json()
    orig = next(x for x in shown["result"]["resources"] if x["id"] == res_id)
    assert orig["url"] == ""
    no_raw(json.dumps(shown, ensure_ascii=False))
    outputs = [
        get(f"/api/3/action/package_search?q=id:{pkg['id']}&fl=*").text(),
        get(f"/api/3/action/package_search?q={rows[0][1]}").text(),
        get(f"/api/3/action/package_search?q=name:{pkg['name']}"
            "&fl=data_dict,validated_data_dict,res_url,urls").text(),
        get(f"/api/3/action/resource_search?query=name:办件").text(),
    ]
    assert get(f"/api/3/action/package_search?q={rows[0][1]}").json()[
        "result"]["count"] == 0
    for text in outputs:
        no_raw(text)
        # every URL the public is shown for the original leads nowhere
        for url in set(re.findall(r"https?://[^\"\\\s]+", text)):
            if res_id in url:
                r = page.request.get(url)
                assert r.status in (403, 404), url
                no_raw(r.body().decode("utf-8", "replace"))
