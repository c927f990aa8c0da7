"""Organisations (GUIDE §4.8) and demo users of 榕溪市.

Each department gets an ``<org>-admin`` and an ``<org>-editor`` account;
there is one sysadmin (platform operator), one citizen and one enterprise
user. 统一社会信用代码 are synthetic: ``generate_uscc`` seeded by the org name,
so they are stable between runs and pass the GB 32100 / GB 11714 checks.
"""
from __future__ import annotations

import random
from typing import Any

from ckanext.govopen.identifiers import generate_uscc

from .city import CITY, CITY_CODE, EMAIL_DOMAIN, AREA_CODE

# (slug, short name, dept_code (目), org_type, is_authority, liaison, address)
_DEPTS = [
    ("rx-jtysj", "交通运输局", "013", "admin_organ", False, "陈建华", "榕城区鼓屏路88号"),
    ("rx-scjgj", "市场监督管理局", "021", "admin_organ", False, "林晓东", "溪东区五一中路166号"),
    ("rx-sthjj", "生态环境局", "025", "admin_organ", False, "黄海燕", "榕城区湖东路212号"),
    ("rx-wsjkw", "卫生健康委员会", "031", "admin_organ", False, "郑文博", "榕城区乌山路96号"),
    ("rx-jyj", "教育局", "035", "admin_organ", False, "吴佳琪", "榕城区华林路58号"),
    ("rx-qxj", "气象局", "042", "admin_organ", False, "刘振华", "晋北区北环路110号"),
    ("rx-rsj", "人力资源和社会保障局", "046", "admin_organ", False, "王立新", "南台区金山大道618号"),
    ("rx-tjj", "统计局", "050", "admin_organ", False, "张淑珍", "榕城区鼓屏路88号"),
    ("rx-gaj", "公安局", "055", "admin_organ", False, "赵国庆", "榕城区华林路196号"),
    ("rx-mzj", "民政局", "060", "admin_organ", False, "许春梅", "溪东区国货路33号"),
    ("rx-dsjj", "大数据管理局", "090", "admin_organ", True, "欧阳思远", "榕城区鼓屏路88号"),
    ("rx-gjjt", "公共交通集团有限公司", "913", "public_enterprise", False, "何俊杰", "晋北区福马路399号"),
]

DEPT_DESCRIPTIONS = {
    "rx-jtysj": "负责全市道路、水路运输管理，公交线路和站点规划，出租汽车与网约车监管。",
    "rx-scjgj": "负责市场主体统一登记注册、食品安全监管、产品质量监督和价格监督检查。",
    "rx-sthjj": "负责生态环境监测、空气质量和水环境质量发布、排污许可和环评审批。",
    "rx-wsjkw": "负责医疗机构管理、疾病预防控制、预防接种和卫生健康统计。",
    "rx-jyj": "负责全市中小学、幼儿园管理，义务教育招生和学生资助。",
    "rx-qxj": "负责地面气象观测、天气预报预警和气候监测评估。",
    "rx-rsj": "负责就业服务、职业技能培训和社会保险经办管理。",
    "rx-tjj": "负责国民经济核算、人口统计、价格统计和统计调查。",
    "rx-gaj": "负责户籍管理、道路交通安全管理和社会治安。",
    "rx-mzj": "负责最低生活保障等社会救助、养老服务和社会组织管理。",
    "rx-dsjj": "全市公共数据主管部门，负责公共数据开放平台建设运营、开放目录编制和授权开放审核。",
    "rx-gjjt": "市属国有公共交通企业，承担全市常规公交运营，提供公交IC卡和车辆实时到站数据。",
}


def _provider_code(slug: str, org_type: str) -> str:
    rng = random.Random(f"govopen-demo-org:{slug}")
    if org_type == "public_enterprise":
        return generate_uscc(rng, CITY_CODE, "9", "1")   # 91…: enterprise
    return generate_uscc(rng, CITY_CODE, "1", "1")       # 11…: government organ


def organizations() -> list[dict[str, Any]]:
    orgs = []
    for i, (slug, short, dept_code, org_type, auth, liaison, addr) in enumerate(_DEPTS):
        full = f"{CITY}{short}"
        short_en = slug.split("-", 1)[1]
        orgs.append({
            "name": slug,
            "title": full,
            "description": DEPT_DESCRIPTIONS[slug],
            "provider_code": _provider_code(slug, org_type),
            "region_code": CITY_CODE,
            "org_level": "city",
            "org_type": org_type,
            "dept_code": dept_code,
            "is_authority": auth,
            "contact_name": liaison,
            "contact_phone": f"{AREA_CODE}-8{7600000 + i * 1111:07d}",
            "contact_email": f"data-{short_en}@{EMAIL_DOMAIN}",
            "address": f"{CITY}{addr}",
        })
    return orgs


ORGS = organizations()
ORG_BY_NAME = {o["name"]: o for o in ORGS}
AUTHORITY = next(o["name"] for o in ORGS if o["is_authority"])

SYSADMIN = "rx-sysadmin"


def users() -> list[dict[str, Any]]:
    """User definitions; ``role``/``org`` drive membership, ``kind`` the
    credentials listing. Passwords are never defined here."""
    out: list[dict[str, Any]] = [{
        "name": SYSADMIN, "fullname": "平台运营管理员", "kind": "sysadmin",
        "email": f"ops@{EMAIL_DOMAIN}", "sysadmin": True,
    }]
    for o in ORGS:
        short = o["name"].split("-", 1)[1]
        out.append({"name": f"{o['name']}-admin", "fullname": f"{o['title']}数据管理员",
                    "email": f"{short}-admin@{EMAIL_DOMAIN}", "kind": "org_admin",
                    "org": o["name"], "role": "admin"})
        out.append({"name": f"{o['name']}-editor", "fullname": f"{o['title']}数据编辑",
                    "email": f"{short}-editor@{EMAIL_DOMAIN}", "kind": "org_editor",
                    "org": o["name"], "role": "editor"})
    out.append({"name": "rx-citizen", "fullname": "市民用户（演示）", "kind": "citizen",
                "email": "citizen@example.com",
                "about": "演示用普通市民账号，用于浏览、下载和纠错。"})
    out.append({"name": "rx-enterprise", "fullname": "榕溪市溪源智远科技有限公司（演示企业）",
                "kind": "enterprise", "email": "enterprise@example.com",
                "about": "演示用企业账号（内资控股法人企业），用于授权开放申请。"})
    return out


USERS = users()
