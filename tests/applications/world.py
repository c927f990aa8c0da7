"""Data for the application tests: an authority, two departments, an
authorized dataset per department (uploaded CSV), an enterprise applicant."""
from __future__ import annotations

import os
import random

from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.govopen.identifiers import generate_uscc
from site_plugins import SITE_PLUGINS

_names = SITE_PLUGINS.split()
for _extra in ("govopen_access", "govopen_applications"):
    if _extra not in _names:
        _names.insert(_names.index("govopen_schema") + 1 + (_extra == "govopen_applications"),
                      _extra)
PLUGINS = " ".join(_names)
# without the access plugin: the state machine alone
CORE_PLUGINS = ("activity govopen_search govopen scheming_datasets "
                "scheming_organizations govopen_schema govopen_applications")

RNG = random.Random(5505)
PASSWORD = "Test-Pass-2024!"
ENTERPRISE_USCC = generate_uscc(RNG, region="350100", authority="9", body_type="1")
ITEMS = [
    {"name_en": "visit_id", "name_zh": "就诊编号", "data_type": "string", "sensitivity": "none"},
    {"name_en": "dept_name", "name_zh": "科室名称", "data_type": "string", "sensitivity": "none"},
    {"name_en": "visit_count", "name_zh": "门诊量", "data_type": "integer", "sensitivity": "none"},
]
FILE_BODY = "visit_id,dept_name,visit_count\nV001,内科,12\n"


def org(name, title, users=(), **kw):
    return factories.Organization(
        name=name, title=title, users=list(users),
        provider_code=generate_uscc(RNG, region="350100", authority="1", body_type="1"),
        region_code="350100", org_level="city", org_type="admin_organ",
        contact_name="林数据", contact_phone="0591-87654321",
        contact_email=f"{name}@rongxi.gov.example", **kw)


def write_upload(res_id: str, body: str = FILE_BODY) -> None:
    upload = uploader.get_resource_uploader({"id": res_id, "url_type": "upload"})
    path = upload.get_path(res_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


def dataset(owner, name, code, sysadmin, eligible=("domestic_enterprise", "enterprise"),
            **kw):
    data = dict(
        name=name, title=f"门诊量明细-{name}", owner_org=owner["id"],
        notes="各医疗机构门诊量明细数据，按季度更新，用于授权开放申请测试。",
        catalog_code=code, domain="2", open_type="authorized",
        share_type="unconditional", update_frequency="quarterly",
        first_published="2024-01-15", contains_personal_info="false",
        license_id="cc-by", region_code="350102", record_count="1",
        data_items=ITEMS, open_condition="签订开放利用协议",
        usage_requirements="不得向第三方提供", security_requirements="等保二级以上系统",
        eligible_applicants=list(eligible),
        resources=[{"name": "门诊明细", "format": "CSV", "url_type": "upload",
                    "url": f"{name}.csv"}])
    data.update(kw)
    pkg = helpers.call_action("package_create", {"user": sysadmin["name"]}, **data)
    for res in pkg["resources"]:
        write_upload(res["id"])
    return pkg


def build(with_tokens: bool = False) -> dict:
    U = factories.UserWithToken if with_tokens else factories.User
    users = {
        "applicant": U(password=PASSWORD, fullname="申请人"),
        "person": U(password=PASSWORD),
        "operator": U(password=PASSWORD),
        "reviewer": U(password=PASSWORD),
        "reviewer2": U(password=PASSWORD),
        "reviewer_b": U(password=PASSWORD),
        "outsider": U(password=PASSWORD),
    }
    users["sysadmin"] = (factories.SysadminWithToken if with_tokens else factories.Sysadmin)()
    authority = org("rx-bigdata", "榕溪市大数据管理局",
                    [{"name": users["operator"]["name"], "capacity": "member"}],
                    is_authority="true")
    health = org("rx-health", "榕溪市卫生健康委员会",
                 [{"name": users["reviewer"]["name"], "capacity": "editor"},
                  {"name": users["reviewer2"]["name"], "capacity": "admin"}])
    transport = org("rx-transport", "榕溪市交通运输局",
                    [{"name": users["reviewer_b"]["name"], "capacity": "editor"}])
    a = dataset(health, "clinic-visits", "302001/000102", users["sysadmin"])
    b = dataset(transport, "bus-trips", "306001/000201", users["sysadmin"],
                eligible=("research_institution", "enterprise"))
    r = dataset(health, "research-only", "302001/000103", users["sysadmin"],
                eligible=("research_institution",))
    return {"users": users, "orgs": {"authority": authority, "health": health,
                                     "transport": transport},
            "pkgs": {"a": a, "b": b, "r": r}}
