"""Schema follow-ups through CKAN's actions and pages: blank 信息项 rows,
the authority's edit rights, the freshness badge on the dataset page."""
import pytest

import ckan.logic as logic
from ckan.tests import factories, helpers

from test_schema_integration import (AUTH_USCC, create, dataset_dict,
                                     errors_of, make_org)

PLUGINS = ("activity govopen_search govopen scheming_datasets "
           "scheming_organizations govopen_schema")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ITEM = {"name_en": "plate_no", "name_zh": "车牌号", "data_type": "string",
        "sensitivity": "quasi_identifier"}


@pytest.fixture
def dept():
    editor = factories.User()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}],
                   name="hz-transport", title="杭州市交通运输局")
    return {"org": org, "editor": editor}


# ------------------------------------------------------------ blank rows

def test_entirely_blank_rows_are_dropped(dept):
    blank = {"name_en": "", "name_zh": " ", "data_type": "", "length": "",
             "description": "", "sensitivity": ""}
    pkg = create(dept["editor"], dataset_dict(
        dept["org"], data_items=[dict(blank), ITEM, dict(blank)]))
    assert [i["name_en"] for i in pkg["data_items"]] == ["plate_no"]
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert [i["name_zh"] for i in shown["data_items"]] == ["车牌号"]


def test_partly_filled_row_still_needs_its_required_subfields(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(
            dept["org"], data_items=[ITEM, {"name_zh": "车辆类型"}]))
    row = errors_of(exc)["data_items"][1]
    assert set(row) == {"name_en", "data_type", "sensitivity"}


def test_form_post_with_template_and_blank_rows(app, dept):
    """What a browser without the fix sent: the filled row, a blank row and
    the REPEATING-INDEX0 template panel."""
    sysadmin = factories.SysadminWithToken()
    form = {
        "title": "表单提交测试", "name": "form-post", "owner_org": dept["org"]["id"],
        "notes": "用于验证表单提交时空白信息项与模板行被忽略的测试数据集。",
        "catalog_code": "301001/000099", "domain": "6", "open_type": "universal",
        "share_type": "unconditional", "update_frequency": "monthly",
        "first_published": "2024-01-15", "contains_personal_info": "false",
        "license_id": "cc-by", "private": "True", "save": "",
        "data_items-0-name_en": "stop_name", "data_items-0-name_zh": "站点名称",
        "data_items-0-data_type": "string", "data_items-0-sensitivity": "none",
    }
    for sub in ("name_en", "name_zh", "data_type", "length", "description",
                "sensitivity"):
        form[f"data_items-1-{sub}"] = ""
        form[f"data_items-REPEATING-INDEX0-{sub}"] = ""
    resp = app.post("/dataset/new", data=form,
                    headers={"Authorization": sysadmin["token"]},
                    follow_redirects=False)
    assert resp.status_code == 302, resp.body
    pkg = helpers.call_action("package_show", id="form-post")
    assert [i["name_en"] for i in pkg["data_items"]] == ["stop_name"]


def test_form_template_panel_is_disabled(app, dept):
    sysadmin = factories.SysadminWithToken()
    body = app.get("/dataset/new",
                   headers={"Authorization": sysadmin["token"]}).body
    import bs4
    soup = bs4.BeautifulSoup(body, "html.parser")
    template = soup.select('[name^="data_items-REPEATING-INDEX0-"]')
    assert len(template) == 6
    assert all(el.has_attr("disabled") for el in template)
    real = soup.select('[name^="data_items-0-"]')
    assert real and not any(el.has_attr("disabled") for el in real)
    # no pre-selected data type / sensitivity: both are deliberate choices
    assert soup.select_one("#field-data_items-0-sensitivity option[selected]") is None


# ------------------------------------------------------------ authority

def _patch(user, **data):
    return helpers.call_action("package_patch",
                               context={"user": user["name"], "ignore_auth": False},
                               **data)


def _can_update(user, pkg):
    try:
        helpers.call_auth("package_update", {"user": user["name"]}, id=pkg["id"])
        return True
    except logic.NotAuthorized:
        return False


CLOSE = dict(open_type="closed", non_open_basis="《个人信息保护法》第十三条",
             reclassification_reason="核查发现含个人轨迹信息")


@pytest.mark.ckan_config("ckanext.govopen.authority_org", "hz-bigdata")
def test_authority_admin_reclassifies_without_membership(dept):
    boss, clerk = factories.User(), factories.User()
    make_org(users=[{"name": boss["name"], "capacity": "admin"},
                    {"name": clerk["name"], "capacity": "editor"}],
             name="hz-bigdata", title="杭州市数据资源管理局", provider_code=AUTH_USCC)
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    # not a member of the department
    assert boss["name"] not in [
        u[0] for u in helpers.call_action("member_list", id=dept["org"]["id"],
                                          object_type="user")]
    assert _can_update(boss, pkg)
    updated = _patch(boss, id=pkg["id"], **CLOSE)
    assert updated["open_type"] == "closed"
    assert updated["owner_org"] == dept["org"]["id"]
    # an editor (not admin) of the authority organisation is no authority
    assert not _can_update(clerk, pkg)
    with pytest.raises(logic.NotAuthorized):
        _patch(clerk, id=pkg["id"], share_type="conditional",
               share_condition="x", reclassification_reason="y")


def test_is_authority_org_admin_updates_any_department(dept):
    boss = factories.User()
    make_org(users=[{"name": boss["name"], "capacity": "admin"}],
             name="bigdata-bureau", is_authority=True, provider_code=AUTH_USCC)
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    updated = _patch(boss, id=pkg["id"], share_type="conditional",
                     share_condition="仅限公安部门", reclassification_reason="主管部门审定")
    assert updated["share_type"] == "conditional"


def test_department_editor_and_other_orgs_cannot(dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    # the department's own editor edits, but cannot reclassify
    assert _can_update(dept["editor"], pkg)
    with pytest.raises(logic.ValidationError) as exc:
        _patch(dept["editor"], id=pkg["id"], **CLOSE)
    assert "Only the data authority" in errors_of(exc)["open_type"][0]
    # the admin of another, non-authority department cannot touch it
    other = factories.User()
    make_org(users=[{"name": other["name"], "capacity": "admin"}],
             name="hz-health", title="杭州市卫生健康委员会", provider_code=AUTH_USCC)
    assert not _can_update(other, pkg)
    with pytest.raises(logic.NotAuthorized):
        _patch(other, id=pkg["id"], **CLOSE)
    anon_ok = True
    try:
        helpers.call_auth("package_update", {"user": ""}, id=pkg["id"])
    except logic.NotAuthorized:
        anon_ok = False
    assert not anon_ok


# ------------------------------------------------------------ freshness badge

def test_dataset_page_renders_without_catalog_plugin(app, dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/" + pkg["name"]).body
    assert "机动车登记信息" in body and "如何引用" in body
    assert "govopen-freshness" not in body


@pytest.mark.ckan_config("ckanext.govopen.authority_org", "hz-bigdata")
def test_authority_edit_form_keeps_the_department(app, dept):
    boss = factories.UserWithToken()
    make_org(users=[{"name": boss["name"], "capacity": "admin"}],
             name="hz-bigdata", title="杭州市数据资源管理局", provider_code=AUTH_USCC)
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/edit/" + pkg["name"],
                   headers={"Authorization": boss["token"]}).body
    import bs4
    select = bs4.BeautifulSoup(body, "html.parser").select_one("#field-organizations")
    selected = select.select("option[selected]")
    # the department stays selected (not the authority's own organisation)
    assert [o["value"] for o in selected] == [dept["org"]["id"]]
    assert "杭州市数据资源管理局" in select.get_text()
