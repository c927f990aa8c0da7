"""The portal as a citizen and an operator meet it, in headless Chromium:
Chinese pages, Chinese search on /dataset, a sysadmin creating a dataset."""
import re

import pytest

from ckanext.govopen.demo import load
from browser import login
from site_plugins import SITE_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SITE_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def demo(tmp_path, live_server):
    creds = tmp_path / "creds.txt"
    load.load_demo(credentials_file=str(creds), quick=True, echo=lambda *_: None)
    users = {}
    for line in creds.read_text(encoding="utf-8").splitlines():
        bits = line.split()
        if line.startswith(" ") and len(bits) >= 3:
            users[bits[1]] = bits[2]
    return users


def test_pages_render_in_chinese(page, live_server, demo):
    page.goto(live_server("/"))
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "数据集" in page.content()
    page.goto(live_server("/dataset/"))
    assert "数据集" in page.title() or "数据集" in page.content()
    first = page.locator(".dataset-heading a").first
    first.click()
    page.wait_for_load_state()
    assert "如何引用" in page.content()


@pytest.mark.parametrize("word", ["公交", "空气"])
def test_search_chinese_word_on_dataset_page(page, live_server, demo, word):
    page.goto(live_server("/dataset/"))
    page.fill("#field-giant-search", word)
    page.press("#field-giant-search", "Enter")
    page.wait_for_load_state()
    titles = page.locator(".dataset-heading a").all_inner_texts()
    assert titles, f"no results for {word}"
    assert all(word in t or "公共交通" in t or "巴士" in t
               for t in titles) or any(word in t for t in titles)
    counted = page.locator(".search-form h1, .search-form h2").first.inner_text()
    assert re.search(r"\d", counted)


def test_sysadmin_creates_dataset_in_ui(page, live_server, demo):
    login(page, live_server, "rx-sysadmin", demo["rx-sysadmin"])
    page.goto(live_server("/dataset/new"))
    page.fill("#field-title", "浏览器测试公交站点数据")
    # The URL name is generated from the title (slug preview); edit it.
    page.click(".slug-preview button")
    page.fill("#field-name", "browser-bus-stops")
    page.fill("#field-notes", "浏览器端到端测试创建的公交站点数据集，包含站点名称与坐标。")
    page.select_option("#field-organizations", index=1)
    page.fill("#field-catalog_code", "301001/990001")
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
    page.click("button[name=save]")
    page.wait_for_load_state()
    # Stage 2: add a data resource, then finish.
    assert not page.locator(".error-explanation").count(), \
        page.locator(".error-explanation").all_inner_texts()
    page.click("#resource-link-button")
    page.fill("#field-resource-url", "https://example.invalid/stops.csv")
    page.fill("#field-name", "站点表")
    page.click("button[name=save][value=go-metadata]")
    page.wait_for_load_state()
    assert not page.locator(".error-explanation").count(), \
        page.locator(".error-explanation").all_inner_texts()
    page.goto(live_server("/dataset/browser-bus-stops"))
    assert "浏览器测试公交站点数据" in page.content()
    # The catalogue page: open-class badge, data-item table, citation box.
    assert page.locator(".govopen-open-type").inner_text().strip() == "普遍开放"
    assert page.locator("table", has_text="站点名称").count() >= 1
    assert page.locator("text=stop_name").count() >= 1
    citation = page.locator("text=如何引用").first
    assert citation.is_visible()
    assert "获取日期" in page.content() or "访问日期" in page.content()


def test_department_and_authorized_pages_show_application_statistics(
        page, live_server, demo):
    page.goto(live_server("/organization/rx-jtysj"))
    assert "授权申请统计" in page.content()
    page.goto(live_server("/dataset/?q=open_type:authorized"))
    link = page.locator(".dataset-heading a").first
    link.click()
    page.wait_for_load_state()
    assert "授权开放" in page.content() and "授权申请统计" in page.content()
