"""The portal theme and translations: Chinese branding, home page, and CKAN
core strings that used to show in English on the zh_Hans_CN site."""
import re

import bs4
import pytest

from ckan.tests import factories, helpers

from site_plugins import SITE_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SITE_PLUGINS),
    pytest.mark.ckan_config("ckan.site_title", "榕溪市政务数据开放平台"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ORG = dict(provider_code="11330100MB0123456X", region_code="330100",
           org_level="city", org_type="admin_organ", contact_name="王五",
           contact_phone="0571-87000000", contact_email="data@hz.gov.cn")


def _uscc():
    import random
    from ckanext.govopen.identifiers import generate_uscc
    return generate_uscc(random.Random(7), region="330100", authority="1",
                         body_type="1")


def _dataset(org, editor, name, code, domain="6"):
    return helpers.call_action(
        "package_create", context={"user": editor["name"], "ignore_auth": False},
        name=name, title="公交站点" + name, owner_org=org["id"],
        notes="榕溪市公交站点名称、线路与坐标，由交通运输局按月更新。",
        catalog_code=code, domain=domain, open_type="universal",
        share_type="unconditional", update_frequency="monthly",
        first_published="2024-01-15", contains_personal_info="false",
        license_id="cc-by", record_count="10",
        data_items=[{"name_en": "stop_name", "name_zh": "站点名称",
                     "data_type": "string", "sensitivity": "none"}],
        resources=[{"name": "站点表", "url": "http://example.com/s.csv",
                    "format": "CSV"}])


@pytest.fixture
def catalogue():
    editor = factories.User()
    org = factories.Organization(
        users=[{"name": editor["name"], "capacity": "editor"}],
        name="rx-transport", title="榕溪市交通运输局", image_url="",
        **dict(ORG, provider_code=_uscc()))
    for i, dom in enumerate(["6", "6", "10"]):
        _dataset(org, editor, f"rx-data-{i}", f"301001/00010{i}", dom)
    return org


def _text(body):
    soup = bs4.BeautifulSoup(body, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" ")), soup


def test_search_page_counts_in_chinese(app, catalogue):
    text, _ = _text(app.get("/dataset/").body)
    assert "找到 3 个数据集" in text
    assert "datasets found" not in text and "dataset found" not in text
    assert "您也可以通过" in text and "registry" not in text
    text, _ = _text(app.get("/dataset/", query_string={"q": "公交"}).body)
    assert "找到 3 个与“公交”相关的数据集" in text
    text, _ = _text(app.get("/organization/rx-transport").body)
    assert "找到 3 个数据集" in text and "datasets found" not in text
    # English keeps English plurals (our catalog has no en plural rule)
    text, _ = _text(app.get("/en/dataset/").body)
    assert "3 datasets found" in text
    text, _ = _text(app.get("/en/").body)
    assert "3 datasets published" in text and "Browse by domain" in text


def test_header_footer_and_login_are_chinese_and_unbranded(app, catalogue):
    for url in ("/dataset/", "/user/login", "/organization/", "/dataset/rx-data-0"):
        text, soup = _text(app.get(url).body)
        brand = soup.select_one(".masthead .govopen-brand")
        assert brand is not None and "榕溪市政务数据开放平台" in brand.get_text(), url
        assert not soup.select('img[src*="ckan-logo"]'), url
        assert "Powered by" not in text and "CKAN Association" not in text, url
        assert "Skip to main content" not in text and "跳到主要内容" in text, url
    text, _ = _text(app.get("/user/login").body)
    assert "用户名或电子邮箱" in text and "Username or Email" not in text
    assert "登录" in text


def test_home_page(app, catalogue):
    text, soup = _text(app.get("/").body)
    assert "欢迎访问榕溪市政务数据开放平台" in text
    search = soup.select_one("form.govopen-hero__search")
    assert search["action"].rstrip("/").endswith("/dataset")
    assert search.select_one('input[name="q"]') is not None
    assert "已发布 3 个数据集" in text
    domains = [(a.select_one(".govopen-domain__label").get_text(strip=True),
                a.select_one(".govopen-domain__count").get_text(strip=True),
                a["href"]) for a in soup.select("a.govopen-domain")]
    assert domains[0] == ("交通运输", "2 个数据集", "/dataset/?domain=6")
    assert domains[1] == ("生态环境", "1 个数据集", "/dataset/?domain=10")
    hrefs = [a["href"] for a in soup.select(".govopen-openlist a")]
    assert hrefs == ["/open-list.csv", "/open-list.xlsx"]
    assert app.get("/open-list.csv").status_code == 200
    # no external assets anywhere on the page
    for tag in soup.select("script[src], link[href], img[src]"):
        url = tag.get("src") or tag.get("href")
        assert not re.match(r"^(https?:)?//", url), url


def test_home_page_screenshot(page, live_server, catalogue, tmp_path):
    page.goto(live_server("/"))
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
    assert page.locator(".govopen-brand__title").inner_text() == "榕溪市政务数据开放平台"
    # senior-friendly: body text at least 18px
    size = page.evaluate("getComputedStyle(document.body).fontSize")
    assert float(size.rstrip("px")) >= 18
    page.fill("#govopen-home-search", "公交")
    with page.expect_navigation():
        page.press("#govopen-home-search", "Enter")
    assert "找到 3 个与“公交”相关的数据集" in page.content()
    # screenshots for a human look (kept when GOVOPEN_SCREENSHOT_DIR is set)
    import os
    out = os.environ.get("GOVOPEN_SCREENSHOT_DIR") or str(tmp_path)
    for name, path in (("home", "/"), ("search", "/dataset/"),
                       ("dataset", "/dataset/rx-data-0")):
        page.goto(live_server(path))
        page.wait_for_load_state("networkidle")
        shot = os.path.join(out, name + ".png")
        page.screenshot(path=shot, full_page=True)
        assert os.path.getsize(shot) > 10000
