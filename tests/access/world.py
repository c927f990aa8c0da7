"""The access-test world: departments, actors and one dataset per open
class, built once per test module (see ``conftest.world``)."""
from __future__ import annotations

import datetime as dt
import os
import random
import uuid

from ckan import model
from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.govopen.identifiers import generate_uscc
from site_plugins import SITE_PLUGINS

_names = SITE_PLUGINS.split()
if "govopen_access" not in _names:
    _names.insert(_names.index("govopen_schema") + 1, "govopen_access")
PLUGINS = " ".join(_names + ["resource_proxy", "croissant"])

RNG = random.Random(4404)

ITEMS = [
    {"name_en": "visit_id", "name_zh": "就诊编号", "data_type": "string",
     "length": "12", "sensitivity": "none"},
    {"name_en": "dept_name", "name_zh": "科室名称", "data_type": "string",
     "sensitivity": "none"},
]
AUTH_EXTRA = dict(
    open_condition="签订开放利用协议，仅用于科研", usage_requirements="不得向第三方提供",
    security_requirements="等保二级以上系统",
    eligible_applicants=["research_institution"])

ACTORS = ("anonymous", "citizen", "applicant", "grantee_active",
          "grantee_expired", "grantee_revoked", "editor_other",
          "editor_provider", "admin_provider", "authority", "sysadmin")
STAFF = {"editor_provider", "admin_provider", "authority", "sysadmin"}
OBJECTS = ("u_up", "u_link", "a_up", "a_link", "c_up")

# Marker strings that must never appear in a denied response.
FILE_NAME = {k: f"secret-{k.replace('_', '')}-file.csv" for k in OBJECTS}
FILE_BODY = {k: f"id,name\n1,FILEMARK-{k.upper()}\n" for k in OBJECTS}
LINK_URL = {"u_link": "http://open.example.invalid/u-link-data.csv",
            "a_link": "http://secret-alink.example.invalid/api/ALINKMARK"}
ROW_MARK = {"u_up": "ROWMARK-UUP", "a_up": "ROWMARK-AUP", "c_up": "ROWMARK-CUP"}


def allowed(actor: str, obj: str) -> bool:
    if obj.startswith("u_"):
        return True
    if actor in STAFF:
        return True
    return obj.startswith("a_") and actor == "grantee_active"


def secrets(obj: str) -> list[str]:
    """Strings whose presence in a response means the data or URL leaked."""
    out = [FILE_NAME.get(obj, "@@none@@"), f"FILEMARK-{obj.upper()}"]
    if obj in LINK_URL:
        out = [LINK_URL[obj], LINK_URL[obj].split("//")[1].split("/")[0]]
    if obj in ROW_MARK:
        out.append(ROW_MARK[obj])
    return out


def _org(name, title, users, **kw):
    return factories.Organization(
        name=name, title=title, users=users,
        provider_code=generate_uscc(RNG, region="350100", authority="1",
                                    body_type="1"),
        region_code="350100", org_level="city", org_type="admin_organ",
        contact_name="林数据", contact_phone="0591-87654321",
        contact_email=f"{name}@rongxi.gov.example", **kw)


def _dataset(org, name, title, code, open_type, resources, **kw):
    data = dict(
        name=name, title=title, owner_org=org["id"],
        notes=f"{title}：用于访问控制测试的数据集摘要，按季度更新。",
        catalog_code=code, domain="2", open_type=open_type,
        share_type="unconditional", update_frequency="quarterly",
        first_published="2024-01-15", contains_personal_info="false",
        license_id="cc-by", region_code="350102", record_count="2",
        data_items=ITEMS, resources=resources)
    data.update(kw)
    return helpers.call_action("package_create", {"user": kw.pop(
        "_user", None) or _SYS["name"]}, **data)


_SYS: dict = {}


def write_upload(res_id: str, body: str) -> None:
    upload = uploader.get_resource_uploader({"id": res_id,
                                             "url_type": "upload"})
    path = upload.get_path(res_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


def build() -> dict:
    """Create everything; returns a dict with users (with tokens), orgs,
    datasets, resources by object key and grants."""
    users = {a: factories.UserWithToken() for a in ACTORS if a not in (
        "anonymous", "sysadmin")}
    users["sysadmin"] = factories.SysadminWithToken()
    _SYS.clear()
    _SYS.update(users["sysadmin"])
    provider = _org("rx-health", "榕溪市卫生健康委员会", [
        {"name": users["editor_provider"]["name"], "capacity": "editor"},
        {"name": users["admin_provider"]["name"], "capacity": "admin"}])
    other = _org("rx-tax", "榕溪市税务局", [
        {"name": users["editor_other"]["name"], "capacity": "editor"}])
    authority = _org("rx-bigdata", "榕溪市大数据管理局", [
        {"name": users["authority"]["name"], "capacity": "member"}],
        is_authority="true")

    u = _dataset(provider, "clinic-list", "医疗机构名录", "302001/000101",
                 "universal", [
                     {"name": "名录文件", "format": "CSV", "url_type": "upload",
                      "url": FILE_NAME["u_up"]},
                     {"name": "名录链接", "format": "CSV",
                      "url": LINK_URL["u_link"]}])
    a = _dataset(provider, "clinic-visits", "门诊量明细", "302001/000102",
                 "authorized", [
                     {"name": "门诊明细", "format": "CSV", "url_type": "upload",
                      "url": FILE_NAME["a_up"]},
                     {"name": "门诊接口", "format": "JSON", "access_mode": "api",
                      "api_method": "GET", "url": LINK_URL["a_link"]}],
                 **AUTH_EXTRA)
    c = _dataset(provider, "patient-records", "病历档案", "302001/000103",
                 "closed", [
                     {"name": "病历", "format": "CSV", "url_type": "upload",
                      "url": FILE_NAME["c_up"]}],
                 non_open_basis="《中华人民共和国数据安全法》第二十一条")
    res = {"u_up": u["resources"][0], "u_link": u["resources"][1],
           "a_up": a["resources"][0], "a_link": a["resources"][1],
           "c_up": c["resources"][0]}
    pkgs = {"u": u, "a": a, "c": c}
    # every dataset is also in a topic group (group_show / group_package_show)
    helpers.call_action("group_create", {"user": _SYS["name"]},
                        name="health-topic", title="医疗卫生专题")
    for pkg in pkgs.values():
        helpers.call_action("member_create", {"user": _SYS["name"]},
                            id="health-topic", object=pkg["id"],
                            object_type="package", capacity="public")
    suffix = uuid.uuid4().hex[:8]
    aliases = {k: f"alias_{k}_{suffix}" for k in ("u_up", "a_up", "c_up")}
    for key in ("u_up", "a_up", "c_up"):
        write_upload(res[key]["id"], FILE_BODY[key])
        helpers.call_action(
            "datastore_create", {"user": _SYS["name"]},
            resource_id=res[key]["id"], force=True,
            aliases=[aliases[key]],
            fields=[{"id": "id", "type": "int"}, {"id": "name", "type": "text"}],
            records=[{"id": 1, "name": ROW_MARK[key]}])
    views = {}
    for key in ("u_up", "a_up", "c_up"):
        views[key] = helpers.call_action(
            "resource_view_create", {"user": _SYS["name"]},
            resource_id=res[key]["id"], view_type="datatables_view",
            title="表格")
    ctx = {"user": _SYS["name"], "ignore_auth": True}
    now = dt.datetime.utcnow()
    g = {}
    g["active"] = helpers.call_action(
        "govopen_grant_create", ctx, user_id=users["grantee_active"]["id"],
        package_id=a["id"], valid_from=(now - dt.timedelta(days=1)).isoformat(),
        valid_until=(now + dt.timedelta(days=30)).date().isoformat(),
        access_modes=["download", "api"], source_application_id="app-1")
    g["expired"] = helpers.call_action(
        "govopen_grant_create", ctx, user_id=users["grantee_expired"]["id"],
        package_id=a["id"], valid_from="2023-01-01", valid_until="2023-12-31")
    g["revoked"] = helpers.call_action(
        "govopen_grant_create", ctx, user_id=users["grantee_revoked"]["id"],
        package_id=a["id"], valid_from="2024-01-01",
        valid_until=(now + dt.timedelta(days=30)).isoformat())
    helpers.call_action("govopen_grant_revoke", ctx, id=g["revoked"]["id"],
                        reason="违反协议 / breach of agreement")
    # the applicant asked for the data but holds no grant yet
    model.Session.remove()
    return {"users": users, "orgs": {"provider": provider, "other": other,
                                     "authority": authority},
            "pkgs": pkgs, "res": res, "views": views, "grants": g,
            "aliases": aliases}


def headers(world: dict, actor: str) -> dict:
    if actor == "anonymous":
        return {}
    return {"Authorization": world["users"][actor]["token"]}


def ctx(world: dict, actor: str) -> dict:
    if actor == "anonymous":
        return {"user": "", "ignore_auth": False}
    return {"user": world["users"][actor]["name"], "ignore_auth": False}


def pkg_of(obj: str) -> str:
    return {"u": "clinic-list", "a": "clinic-visits",
            "c": "patient-records"}[obj[0]]
