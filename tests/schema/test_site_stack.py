"""The schema under the site's plugin order (dcat before scheming, govopen
first), including the dataset forms."""
import pytest

from ckan.tests import factories, helpers

from test_schema_integration import create, dataset_dict, make_org

PLUGINS = ("activity govopen_search govopen dcat structured_data "
           "scheming_datasets scheming_organizations govopen_schema")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def dept():
    editor = factories.UserWithToken()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}],
                   name="hz-transport", title="杭州市交通运输局")
    return {"org": org, "editor": editor}


def test_create_search_and_page_with_dcat(app, dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    found = helpers.call_action("package_search", q="车牌号")
    assert [r["id"] for r in found["results"]] == [pkg["id"]]
    body = app.get("/dataset/" + pkg["name"]).body
    assert "如何引用" in body and "车牌号" in body


def test_forms_render_fields(app, dept):
    headers = {"Authorization": dept["editor"]["token"]}
    body = app.get("/dataset/new", headers=headers).body
    for field in ("open_type", "share_type", "domain", "catalog_code",
                  "eligible_applicants", "data_items-0-name_zh", "region_code"):
        assert 'name="%s"' % field in body, field
    assert "开放属性" in body and "普遍开放" in body
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/%s/resource/new" % pkg["name"], headers=headers).body
    assert "access_mode" in body and "获取方式" in body
    body = app.get("/dataset/edit/" + pkg["name"], headers=headers).body
    assert "reclassification_reason" in body


def test_form_shows_bilingual_field_errors(app, dept):
    from test_schema_integration import DEPT_USCC, _bad_check_char
    headers = {"Authorization": dept["editor"]["token"]}
    form = {"name": "form-ds", "title": "表单数据集",
            "notes": "用于检查表单错误提示的数据集摘要，至少二十个字符。",
            "owner_org": dept["org"]["id"], "catalog_code": "301001/000009",
            "domain": "6", "open_type": "closed", "share_type": "unconditional",
            "update_frequency": "monthly", "first_published": "2024-01-01",
            "contains_personal_info": "false", "license_id": "cc-by",
            "provider_code": _bad_check_char(DEPT_USCC), "region_code": "339999",
            "save": "continue", "_ckan_phase": "dataset_new_1"}
    resp = app.post("/dataset/new", data=form, headers=headers)
    body = resp.body
    assert "统一社会信用代码校验位错误 / Invalid check character" in body
    assert "未知的行政区划代码" in body
    assert "不予开放依据" in body
