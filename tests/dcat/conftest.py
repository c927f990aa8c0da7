"""Demo-like catalogue used by the DCAT tests (one dataset per open class)."""
import random

import pytest

from ckan.tests import factories
from ckan.tests import helpers

from ckanext.govopen.identifiers import generate_uscc

PLUGINS = ("activity govopen_search dcat scheming_datasets "
           "scheming_organizations govopen_schema govopen_dcat govopen_catalog")

ORG_USCC = generate_uscc(random.Random(3), region="350100", authority="1",
                         body_type="1")

ITEMS = [
    {"name_en": "stop_id", "name_zh": "站点编号", "data_type": "string",
     "length": "12", "sensitivity": "none"},
    {"name_en": "stop_name", "name_zh": "站点名称", "data_type": "string",
     "length": "50", "sensitivity": "none", "description": "中文站名"},
    {"name_en": "lon", "name_zh": "经度", "data_type": "decimal",
     "sensitivity": "none"},
    {"name_en": "opened_on", "name_zh": "启用日期", "data_type": "date",
     "sensitivity": "none"},
]
AUTHORIZED_EXTRA = dict(
    open_condition="签订开放利用协议，仅用于科研", usage_requirements="不得向第三方提供",
    security_requirements="等保二级以上系统", eligible_applicants=["research_institution"])


def demo_datasets(org):
    base = dict(owner_org=org["id"], share_type="unconditional",
                contains_personal_info="false", license_id="cc-by",
                region_code="350102", record_count="1200", data_items=ITEMS,
                first_published="2024-01-15", tags=[{"name": "交通"}])
    return [
        dict(base, name="bus-stops", title="公交站点",
             notes="榕溪市公交站点编号、名称、坐标和启用日期，每月更新。",
             catalog_code="306001/000001", domain="6", open_type="universal",
             update_frequency="monthly",
             resources=[
                 {"name": "站点表", "format": "CSV",
                  "url": "http://files.example.com/stops.csv"},
                 {"name": "站点接口", "format": "JSON", "access_mode": "api",
                  "api_method": "GET", "url": "http://api.example.com/stops"}]),
        dict(base, name="bus-realtime", title="公交实时位置",
             notes="榕溪市公交车辆实时位置和到站预测，接口实时更新。",
             catalog_code="306001/000002", domain="6", open_type="universal",
             update_frequency="realtime", data_items=[], record_count=None,
             resources=[{"name": "实时接口", "format": "API",
                         "access_mode": "api", "api_method": "GET",
                         "url": "http://api.example.com/realtime"}]),
        dict(base, name="clinic-visits", title="门诊量统计",
             notes="榕溪市各医院分科室门诊量统计数据，按季度汇总发布。",
             catalog_code="302001/000003", domain="2", open_type="authorized",
             update_frequency="quarterly", **AUTHORIZED_EXTRA,
             resources=[{"name": "门诊量", "format": "CSV",
                         "url_type": "upload", "url": "visits.csv"}]),
        dict(base, name="tax-arrears", title="欠税企业明细",
             notes="榕溪市欠税企业明细，涉及商业秘密，仅在目录中列出。",
             catalog_code="313001/000004", domain="13", open_type="closed",
             non_open_basis="《中华人民共和国税收征收管理法》第八条",
             update_frequency="semiannual",
             resources=[{"name": "欠税明细", "format": "XLSX",
                         "url_type": "upload", "url": "arrears.xlsx"}]),
    ]


@pytest.fixture
def org():
    return factories.Organization(
        name="rx-transport", title="榕溪市交通运输局", provider_code=ORG_USCC,
        region_code="350100", org_level="city", org_type="admin_organ",
        contact_name="林数据", contact_phone="0591-87654321",
        contact_email="data@rongxi.gov.example")


@pytest.fixture
def datasets(org):
    sysadmin = factories.Sysadmin()
    out = []
    for data in demo_datasets(org):
        data = {k: v for k, v in data.items() if v is not None}
        out.append(helpers.call_action(
            "package_create", context={"user": sysadmin["name"]}, **data))
    return out
