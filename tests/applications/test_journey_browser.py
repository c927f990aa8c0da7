"""The whole journey in headless Chromium, one actor after another."""
import datetime

import pytest
from sqlalchemy import text

from ckan import model

from browser import login

from . import world as world_mod
from .world import PASSWORD, PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def logout(page, live_server):
    page.context.clear_cookies()


def submit_form(page, form_id):
    with page.expect_navigation():
        page.click(f"#{form_id} button[type=submit]")


def test_journey_in_the_browser(page, live_server, tmp_path):
    w = world_mod.build()
    u, pkg = w["users"], w["pkgs"]["a"]
    model.Session.remove()
    proof = tmp_path / "营业执照.pdf"
    proof.write_bytes(b"%PDF licence")
    commitment = tmp_path / "承诺书.pdf"
    commitment.write_bytes(b"%PDF signed")

    # applicant: profile
    login(page, live_server, u["applicant"]["name"], PASSWORD)
    page.goto(live_server("/applications/profile"))
    page.select_option("#field-applicant-type", "enterprise")
    page.fill("#field-org_name", "榕溪数智科技有限公司")
    page.fill("#field-uscc", world_mod.ENTERPRISE_USCC)
    page.fill("#field-legal_rep", "陈立")
    page.fill("#field-contact_name", "王经办")
    page.fill("#field-contact_phone", "13800138000")
    page.fill("#field-contact_email", "wang@example.com")
    page.set_input_files("#field-proof", str(proof))
    with page.expect_navigation():
        page.click("#btn-save-profile")
    assert page.get_attribute("#profile-status", "data-status") == "pending"
    logout(page, live_server)

    # operator verifies
    login(page, live_server, u["operator"]["name"], PASSWORD)
    page.goto(live_server("/applications/profiles"))
    row = page.locator(f"tr[data-user='{u['applicant']['name']}']")
    with page.expect_navigation():
        row.locator(".verify-form button").click()
    logout(page, live_server)

    # applicant applies
    login(page, live_server, u["applicant"]["name"], PASSWORD)
    page.goto(live_server(f"/dataset/{pkg['name']}/apply"))
    assert "申请使用" in page.content()
    page.check(f"input[name=resource_ids][value='{pkg['resources'][0]['id']}']")
    page.check("input[name=data_items][value='visit_id']")
    page.check("input[name=data_items][value='visit_count']")
    page.select_option("#field-purpose", "commercial")
    page.fill("#field-scenario_name", "门诊资源调度")
    page.fill("#field-scenario_description", "根据门诊量优化医疗资源配置。")
    page.fill("#field-system_name", "智慧医疗调度平台")
    page.fill("#field-security_measures", "加密存储、访问控制、日志审计")
    page.fill("#field-storage_location", "榕溪市政务云")
    end = datetime.date.today() + datetime.timedelta(days=90)
    page.fill("#field-period-end", end.isoformat())
    page.set_input_files("#field-commitment", str(commitment))
    page.check("#field-accept-agreement")
    page.check("#field-accept-reports")
    page.check("#field-accept-citation")
    with page.expect_navigation():
        page.click("#btn-submit")
    assert page.get_attribute("#app-state", "data-state") == "submitted", page.content()
    app_url = page.url
    page.goto(live_server("/dashboard/applications"))
    assert "已提交" in page.inner_text("#my-applications")
    logout(page, live_server)

    # operator: formal check from the queue
    login(page, live_server, u["operator"]["name"], PASSWORD)
    page.goto(live_server("/applications/review"))
    with page.expect_navigation():
        page.click("#review-queue a")
    submit_form(page, "form-pass")
    assert page.get_attribute("#app-state", "data-state") == "substantive_review"
    logout(page, live_server)

    # department approves
    login(page, live_server, u["reviewer"]["name"], PASSWORD)
    page.goto(app_url)
    # a rejection without a reason is refused
    submit_form(page, "form-reject")
    assert "理由" in page.content()
    assert page.get_attribute("#app-state", "data-state") == "substantive_review"
    submit_form(page, "form-approve")
    assert page.get_attribute("#app-state", "data-state") == "approved"
    logout(page, live_server)

    # applicant accepts the agreement, downloads, reports
    login(page, live_server, u["applicant"]["name"], PASSWORD)
    page.goto(app_url)
    page.check("#field-agree")
    submit_form(page, "form-agree")
    assert page.get_attribute("#app-state", "data-state") == "active"
    res = pkg["resources"][0]
    resp = page.request.get(live_server(
        f"/dataset/{pkg['id']}/resource/{res['id']}/download"))
    assert resp.status == 200 and "V001" in resp.text()
    page.fill("#field-usage", "用于门诊排班优化")
    page.fill("#field-outputs", "调度模型 v1")
    page.check("#field-no-transfer")
    submit_form(page, "form-report")
    assert "用于门诊排班优化" in page.inner_text("#reports")
    timeline = page.inner_text("#history")
    for word in ("提交申请", "形式审查通过", "审核同意", "签署开放利用协议", "提交利用情况报告"):
        assert word in timeline

    # expiry: period moved into the past, the job closes access
    app_id = app_url.rstrip("/").rsplit("/", 1)[1]
    model.Session.execute(text(
        "UPDATE govopen_application SET valid_until = now() - interval '1 minute'"
        " WHERE id = :id"), {"id": app_id})
    model.Session.commit()
    from ckanext.govopen.applications import jobs
    assert jobs.expire_due() == [app_id]
    resp = page.request.get(live_server(
        f"/dataset/{pkg['id']}/resource/{res['id']}/download"))
    assert resp.status == 403
    page.goto(app_url)
    assert page.get_attribute("#app-state", "data-state") == "expired"
