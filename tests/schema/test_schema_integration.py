"""Integration tests of the catalogue schema through CKAN's actions."""
import datetime
import random

import pytest

import ckan.logic as logic
from ckan.tests import factories
from ckan.tests import helpers

from ckanext.govopen.identifiers import generate_uscc

PLUGINS = ("activity govopen_search scheming_datasets scheming_organizations "
           "govopen_schema")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

RNG = random.Random(20241)
DEPT_USCC = generate_uscc(RNG, region="330100", authority="1", body_type="1")
AUTH_USCC = generate_uscc(RNG, region="330100", authority="1", body_type="1")
OTHER_USCC = generate_uscc(RNG, region="330100", authority="1", body_type="2")


def _bad_check_char(code):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:-1] + alphabet[(alphabet.index(code[-1]) + 1) % 31]


def org_fields(**kw):
    base = dict(provider_code=DEPT_USCC, region_code="330100", org_level="city",
                org_type="admin_organ", contact_name="王五",
                contact_phone="0571-87000000", contact_email="data@hz.gov.cn")
    base.update(kw)
    return base


def make_org(users=(), **kw):
    return factories.Organization(users=list(users), **org_fields(**kw))


def dataset_dict(org, **kw):
    data = dict(
        name="vehicle-registrations",
        title="机动车登记信息",
        notes="杭州市机动车登记的车牌号、车辆类型和登记日期，按月更新。",
        owner_org=org["id"],
        catalog_code="301001/000001",
        domain="6",
        open_type="universal",
        share_type="unconditional",
        update_frequency="monthly",
        first_published="2024-01-15",
        contains_personal_info="false",
        license_id="cc-by",
        record_count="1200",
        data_items=[
            {"name_en": "plate_no", "name_zh": "车牌号", "data_type": "string",
             "length": "8", "sensitivity": "quasi_identifier"},
            {"name_en": "vehicle_type", "name_zh": "车辆类型",
             "data_type": "string", "sensitivity": "none"},
        ],
        resources=[{"name": "登记数据", "url": "http://example.com/v.csv",
                    "format": "CSV"}],
    )
    data.update(kw)
    return data


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def dept():
    editor = factories.User()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}],
                   name="hz-transport", title="杭州市交通运输局")
    return {"org": org, "editor": editor}


def create(user, data):
    return helpers.call_action("package_create",
                               context={"user": user["name"], "ignore_auth": False},
                               **data)


def errors_of(exc):
    return exc.value.error_dict


def test_schema_show_lists_fields():
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    names = [f["field_name"] for f in schema["dataset_fields"]]
    for field in ("open_type", "share_type", "domain", "update_frequency",
                  "region_code", "provider_code", "catalog_code", "data_items",
                  "eligible_applicants", "non_open_basis", "contact_phone",
                  "reclassification_reason"):
        assert field in names
    res_names = [f["field_name"] for f in schema["resource_fields"]]
    for field in ("access_mode", "machine_readable", "encoding", "api_method"):
        assert field in res_names
    org_schema = helpers.call_action("scheming_organization_schema_show",
                                     type="organization")
    assert "provider_code" in [f["field_name"] for f in org_schema["fields"]]


def test_valid_dataset_with_defaults_from_org(dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    assert pkg["provider_code"] == DEPT_USCC          # from the organisation
    assert pkg["region_code"] == "330100"
    assert pkg["contact_phone"] == "0571-87000000"
    assert pkg["catalog_class"] == "department"      # from catalog_code
    assert pkg["data_items"][0]["name_zh"] == "车牌号"
    res = pkg["resources"][0]
    assert res["machine_readable"] == "true" and res["access_mode"] == "download"
    assert res["encoding"] == "UTF-8"
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["open_type"] == "universal" and shown["domain"] == "6"


def test_bad_uscc_fails_bilingual(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(
            dept["org"], provider_code=_bad_check_char(DEPT_USCC)))
    msg = errors_of(exc)["provider_code"][0]
    assert "统一社会信用代码校验位错误" in msg
    assert "Invalid check character in unified social credit code" in msg


def test_unknown_region_fails_bilingual(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], region_code="339999"))
    msg = errors_of(exc)["region_code"][0]
    assert "未知的行政区划代码" in msg and "Unknown administrative division code" in msg


def test_region_must_be_within_org_area(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], region_code="320100"))
    assert "subdivision" in errors_of(exc)["region_code"][0]
    pkg = create(dept["editor"], dataset_dict(dept["org"], region_code="330106"))
    assert pkg["region_code"] == "330106"


def test_closed_without_basis_fails_bilingual(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], open_type="closed"))
    msg = errors_of(exc)["non_open_basis"][0]
    assert "不予开放依据" in msg and "legal basis" in msg
    pkg = create(dept["editor"], dataset_dict(
        dept["org"], open_type="closed", non_open_basis="《数据安全法》第二十一条"))
    assert pkg["open_type"] == "closed"


def test_authorized_requirements(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], open_type="authorized",
                                            private=True, resources=[]))
    assert {"open_condition", "eligible_applicants", "usage_requirements",
            "security_requirements"} <= set(errors_of(exc))
    pkg = create(dept["editor"], dataset_dict(
        dept["org"], open_type="authorized", private=True, resources=[],
        open_condition="签订开放利用协议", eligible_applicants=["research_institution"],
        usage_requirements="仅用于科研", security_requirements="等保三级系统"))
    assert pkg["eligible_applicants"] == ["research_institution"]


def test_catalog_code_pattern_and_uniqueness(dept):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], catalog_code="9-1"))
    assert "信息资源代码" in errors_of(exc)["catalog_code"][0]
    create(dept["editor"], dataset_dict(dept["org"]))
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], name="copy"))
    assert "unique" in errors_of(exc)["catalog_code"][0]


@pytest.mark.ckan_config("ckanext.govopen.catalog_code_pattern", r"^DB33-\d+$")
def test_catalog_code_pattern_configurable(dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"], catalog_code="DB33-7"))
    assert pkg["catalog_code"] == "DB33-7"


def test_phone_email_dates(dept):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(
            dept["org"], contact_phone="12", contact_email="x@", first_published=future,
            temporal_start="2024-05-01", temporal_end="2024-01-01"))
    errs = errors_of(exc)
    assert {"contact_phone", "contact_email", "first_published"} <= set(errs)
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(
            dept["org"], temporal_start="2024-05-01", temporal_end="2024-01-01"))
    assert "temporal_end" in errors_of(exc)


def test_public_needs_machine_readable_resource(dept):
    pdf = [{"name": "报告", "url": "http://example.com/r.pdf", "format": "PDF"}]
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], resources=pdf))
    assert "machine-readable" in errors_of(exc)["private"][0]
    # allowed while private (being prepared)
    pkg = create(dept["editor"], dataset_dict(dept["org"], resources=pdf, private=True))
    assert pkg["resources"][0]["machine_readable"] == "false"
    # publishing later without a machine-readable resource is refused
    with pytest.raises(logic.ValidationError):
        helpers.call_action("package_patch", context={"user": dept["editor"]["name"],
                                                      "ignore_auth": False},
                            id=pkg["id"], private=False)
    helpers.call_action("resource_create", context={"user": dept["editor"]["name"],
                                                    "ignore_auth": False},
                        package_id=pkg["id"], name="JSON", url="http://example.com/r.json",
                        format="JSON")
    pkg = helpers.call_action("package_patch", context={"user": dept["editor"]["name"],
                                                        "ignore_auth": False},
                              id=pkg["id"], private=False)
    assert pkg["private"] is False


def test_personal_info_needs_plan_before_publishing(dept, sysadmin):
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(dept["org"], contains_personal_info=True))
    assert "desensitization_plan" in errors_of(exc)
    # the plan id is written by the review workflow: typing one is refused
    with pytest.raises(logic.ValidationError) as exc:
        create(dept["editor"], dataset_dict(
            dept["org"], contains_personal_info=True, desensitization_plan="plan-2024-01"))
    assert "审核流程" in str(errors_of(exc)["desensitization_plan"])
    pkg = create(sysadmin, dataset_dict(
        dept["org"], contains_personal_info=True, desensitization_plan="plan-2024-01"))
    assert pkg["contains_personal_info"] == "true"
    # an editor's later update (a form omits the field) keeps the stored plan
    data = dict(pkg, notes="更新说明：补充了各字段的解释、统计口径和数据来源说明。")
    data.pop("desensitization_plan")
    out = helpers.call_action("package_update",
                              context={"user": dept["editor"]["name"], "ignore_auth": False},
                              **data)
    assert out["desensitization_plan"] == "plan-2024-01"
    with pytest.raises(logic.ValidationError):
        _patch(dept["editor"], id=pkg["id"], desensitization_plan="plan-forged")


def _patch(user, **kw):
    return helpers.call_action("package_patch",
                               context={"user": user["name"], "ignore_auth": False},
                               **kw)


def test_reclassification_refused_for_department_editor(dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    with pytest.raises(logic.ValidationError) as exc:
        _patch(dept["editor"], id=pkg["id"], open_type="closed",
               non_open_basis="《数据安全法》第二十一条",
               reclassification_reason="涉及个人隐私")
    msg = errors_of(exc)["open_type"][0]
    assert "只有数据主管部门" in msg and "Only the data authority" in msg
    with pytest.raises(logic.ValidationError) as exc:
        _patch(dept["editor"], id=pkg["id"], share_type="none",
               share_condition="《保守国家秘密法》", reclassification_reason="x")
    assert "Only the data authority" in errors_of(exc)["share_type"][0]
    # loosening needs no authority
    assert _patch(dept["editor"], id=pkg["id"], share_type="unconditional")


def test_reclassification_by_sysadmin_needs_reason_and_shows_in_activity(dept, sysadmin):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    with pytest.raises(logic.ValidationError) as exc:
        _patch(sysadmin, id=pkg["id"], open_type="authorized", private=True,
               open_condition="协议", eligible_applicants=["enterprise"],
               usage_requirements="用途限定", security_requirements="加密存储")
    assert "reclassification_reason" in errors_of(exc)
    updated = _patch(sysadmin, id=pkg["id"], open_type="authorized", private=True,
                     open_condition="协议", eligible_applicants=["enterprise"],
                     usage_requirements="用途限定", security_requirements="加密存储",
                     reclassification_reason="主管部门审定：含车辆轨迹，改为授权开放")
    assert updated["open_type"] == "authorized"
    activities = helpers.call_action("package_activity_list",
                                     context={"user": sysadmin["name"]}, id=pkg["id"])
    latest = activities[0]
    assert latest["activity_type"] == "changed package"
    detail = helpers.call_action("activity_show", context={"user": sysadmin["name"]},
                                 id=latest["id"],
                                 include_data=True)
    assert detail["data"]["package"]["open_type"] == "authorized"
    assert detail["data"]["package"]["reclassification_reason"].startswith("主管部门审定")


@pytest.mark.ckan_config("ckanext.govopen.authority_org", "hz-bigdata")
def test_reclassification_by_authority_org_admin(dept):
    authority_admin = factories.User()
    make_org(users=[{"name": authority_admin["name"], "capacity": "admin"}],
             name="hz-bigdata", title="杭州市数据资源管理局", provider_code=AUTH_USCC)
    # the authority admin also edits the department's catalogue
    helpers.call_action("organization_member_create", id=dept["org"]["id"],
                        username=authority_admin["name"], role="editor")
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    updated = _patch(authority_admin, id=pkg["id"], open_type="closed",
                     non_open_basis="《个人信息保护法》第十三条",
                     reclassification_reason="核查发现含个人轨迹信息")
    assert updated["open_type"] == "closed"


def test_reclassification_by_is_authority_org_admin(dept):
    boss = factories.User()
    make_org(users=[{"name": boss["name"], "capacity": "admin"}],
             name="bigdata-bureau", is_authority=True, provider_code=OTHER_USCC)
    helpers.call_action("organization_member_create", id=dept["org"]["id"],
                        username=boss["name"], role="editor")
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    updated = _patch(boss, id=pkg["id"], share_type="conditional",
                     share_condition="仅限公安部门", reclassification_reason="主管部门审定")
    assert updated["share_type"] == "conditional"


def test_organization_validation():
    with pytest.raises(logic.ValidationError) as exc:
        make_org(provider_code=_bad_check_char(DEPT_USCC), region_code="999999")
    errs = errors_of(exc)
    assert "Invalid check character" in errs["provider_code"][0]
    assert "未知的行政区划代码" in errs["region_code"][0]
    org = make_org(is_authority="true")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["provider_code"] == DEPT_USCC and shown["is_authority"] == "true"


def test_data_item_name_search_and_index_fields(dept):
    create(dept["editor"], dataset_dict(dept["org"]))
    create(dept["editor"], dataset_dict(
        dept["org"], name="air-quality", title="空气质量监测", catalog_code="301001/000002",
        domain="10", notes="全市空气质量监测站点的小时监测数据，包括PM2.5等指标。",
        data_items=[{"name_en": "station", "name_zh": "监测站点",
                     "data_type": "string", "sensitivity": "none"}]))
    result = helpers.call_action("package_search", q="车牌号")
    assert [r["name"] for r in result["results"]] == ["vehicle-registrations"]
    result = helpers.call_action("package_search", q="plate_no")
    assert result["count"] == 1
    facets = helpers.call_action(
        "package_search", rows=0,
        **{"facet.field": '["domain", "open_type", "update_frequency", "region_code"]'})
    assert facets["facets"]["domain"] == {"6": 1, "10": 1}
    assert facets["facets"]["open_type"] == {"universal": 2}
    assert facets["facets"]["region_code"] == {"330100": 2}
    found = helpers.call_action("package_search", fq='open_type:"universal" domain:"10"')
    assert [r["name"] for r in found["results"]] == ["air-quality"]


def test_dataset_page_blocks_and_citation(app, dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/" + pkg["name"]).body
    for text in ("基本信息", "开放属性", "共享属性", "数据项", "联系方式", "如何引用",
                 "普遍开放", "车牌号", "301001/000001", "交通运输",
                 "获取日期：" + datetime.date.today().isoformat()):
        assert text in body, text


def test_search_page_facet_labels(app, dept):
    create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/").body
    for text in ("数据领域", "交通运输", "普遍开放", "每月", "浙江省 杭州市"):
        assert text in body, text


def test_organization_page_shows_department_fields(app, dept):
    body = app.get("/organization/" + dept["org"]["name"]).body
    assert DEPT_USCC in body and "行政机关" in body and "0571-87000000" in body


def test_only_sysadmin_sets_is_authority(dept):
    admin = factories.User()
    org = make_org(users=[{"name": admin["name"], "capacity": "admin"}],
                   name="some-dept")
    with pytest.raises(logic.ValidationError) as exc:
        helpers.call_action("organization_patch",
                            context={"user": admin["name"], "ignore_auth": False},
                            id=org["id"], is_authority="true")
    assert "Only a sysadmin" in errors_of(exc)["is_authority"][0]
    helpers.call_action("organization_patch",
                                  context={"user": admin["name"], "ignore_auth": False},
                                  id=org["id"], contact_name="赵六")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["is_authority"] == "false" and shown["contact_name"] == "赵六"
