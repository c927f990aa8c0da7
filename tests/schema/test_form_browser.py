"""The dataset form in headless Chromium: the 信息项 (data_items) repeating
panel submits exactly the rows the user filled in.

Root cause of the former phantom row: ``<html lang="zh-Hans-CN">`` made
CKAN's ``client.getLocaleData`` request ``/api/i18n/zh_Hans-CN`` (only the
first hyphen replaced), which answers 400, so ``ckan.module.initialize()``
never ran and scheming's repeating-subfields module never removed its hidden
``data_items-REPEATING-INDEX0-*`` template panel, which the browser then
submitted as a second, empty row.
"""
import pytest

from ckan.tests import factories, helpers

from browser import _browser, login
from site_plugins import SITE_PLUGINS
from test_schema_integration import make_org

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SITE_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

PASSWORD = "Rongxi-form-2024"


@pytest.fixture
def admin_and_org():
    admin = factories.Sysadmin(password=PASSWORD)
    org = make_org(name="rx-transport", title="榕溪市交通运输局")
    return admin, org


def _fill_dataset(page, name, code, org):
    page.fill("#field-title", "公交站点" + name)
    if page.locator(".slug-preview button").count():
        page.click(".slug-preview button")
    page.fill("#field-name", name)
    page.fill("#field-notes", "榕溪市公交站点名称、线路与坐标，由交通运输局按月更新。")
    page.select_option("#field-organizations", org["id"])
    page.fill("#field-catalog_code", code)
    page.select_option("#field-domain", "6")
    page.select_option("#field-open_type", "universal")
    page.select_option("#field-share_type", "unconditional")
    page.select_option("#field-update_frequency", "monthly")
    page.fill("#field-first_published", "2024-01-01")
    page.select_option("#field-contains_personal_info", "false")
    page.fill("#field-data_items-0-name_en", "stop_name")
    page.fill("#field-data_items-0-name_zh", "站点名称")
    page.select_option("#field-data_items-0-data_type", "string")
    page.select_option("#field-data_items-0-sensitivity", "none")


def _save(page):
    with page.expect_navigation():
        page.click("button[name=save]")
    errors = page.locator(".error-explanation")
    assert not errors.count(), errors.all_inner_texts()


def test_js_modules_run_and_blank_added_row_is_dropped(page, live_server,
                                                      admin_and_org):
    admin, org = admin_and_org
    bad = []
    page.on("response", lambda r: r.status >= 400 and bad.append(r.url))
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    login(page, live_server, admin["name"], PASSWORD)
    page.goto(live_server("/dataset/new"))
    page.wait_for_load_state("networkidle")
    # CKAN's JS initialised: the locale data loaded and scheming's module
    # took its template panel out of the form.
    assert not [u for u in bad if "/api/i18n/" in u], bad
    assert page.locator('div[name="repeating-template"]').count() == 0
    assert page.locator('[name^="data_items-REPEATING"]').count() == 0

    _fill_dataset(page, "bus-stops-js", "301001/990011", org)
    # "Add" a second row (enabled, unlike the template) and leave it blank.
    page.click('a[name="repeating-add"]')
    new_row = page.locator("#field-data_items-1-name_en")
    new_row.wait_for()
    assert new_row.is_enabled()
    _save(page)
    # No script errors; (factory users/orgs carry external image URLs,
    # which cannot load on the closed network: ignore those).
    assert not [c for c in console if "Failed to load resource" not in c], console
    assert not [u for u in failed if u.startswith(live_server())], failed

    pkg = helpers.call_action("package_show", id="bus-stops-js")
    assert [(i["name_en"], i["name_zh"]) for i in pkg["data_items"]] == [
        ("stop_name", "站点名称")]


def test_added_row_can_be_filled(page, live_server, admin_and_org):
    admin, org = admin_and_org
    login(page, live_server, admin["name"], PASSWORD)
    page.goto(live_server("/dataset/new"))
    _fill_dataset(page, "bus-stops-two", "301001/990012", org)
    page.click('a[name="repeating-add"]')
    page.fill("#field-data_items-1-name_en", "line_no")
    page.fill("#field-data_items-1-name_zh", "线路编号")
    page.select_option("#field-data_items-1-data_type", "string")
    page.select_option("#field-data_items-1-sensitivity", "none")
    _save(page)
    pkg = helpers.call_action("package_show", id="bus-stops-two")
    assert [i["name_en"] for i in pkg["data_items"]] == ["stop_name", "line_no"]


def test_without_javascript_template_row_is_not_submitted(live_server,
                                                          admin_and_org):
    """Even with no JS at all the template panel's controls are disabled, so
    the browser never submits them."""
    admin, org = admin_and_org
    with _browser() as browser:
        context = browser.new_context(locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            login(page, live_server, admin["name"], PASSWORD)
            page.goto(live_server("/dataset/new"))
            template = page.locator('[name^="data_items-REPEATING-INDEX0-"]')
            assert template.count() >= 6
            assert all(template.nth(i).is_disabled()
                       for i in range(template.count()))
            _fill_dataset(page, "bus-stops-nojs", "301001/990013", org)
            _save(page)
        finally:
            context.close()
    pkg = helpers.call_action("package_show", id="bus-stops-nojs")
    assert [i["name_en"] for i in pkg["data_items"]] == ["stop_name"]
