"""Validation of applicant profiles and applications (GUIDE §5.1).

Plain functions returning CKAN-style error dicts ``{field: [message]}`` with
bilingual messages, so the API (``ValidationError``) and the forms show the
same text.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

from ckan.plugins import toolkit

from ckanext.govopen.identifiers import is_valid_uscc

APPLICANT_TYPES = {
    "natural_person": ("自然人", "Natural person"),
    "domestic_enterprise": ("内资控股法人企业", "Domestically controlled enterprise"),
    "enterprise": ("法人企业", "Enterprise"),
    "research_institution": ("科研机构", "Research institution"),
    "public_institution": ("事业单位", "Public institution"),
    "social_org": ("社会组织/非法人组织", "Social organisation"),
}
PURPOSES = {
    "research": ("科研", "Research"),
    "public_interest": ("公益", "Public interest"),
    "commercial": ("商业开发", "Commercial"),
    "government_service": ("政务服务", "Government service"),
}
ACCESS_MODES = {
    "download": ("文件下载", "Download"),
    "api": ("接口调用", "API"),
    "sandbox": ("沙箱", "Sandbox"),
}
PHONE_RE = re.compile(r"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

TEXT_FIELDS = ("scenario_name", "scenario_description", "expected_outputs",
               "system_name", "security_measures", "storage_location",
               "third_party_details", "scope_filters", "expected_volume")
BOOL_FIELDS = ("third_party_provision", "accept_agreement", "accept_reports",
               "accept_citation")
LIST_FIELDS = ("package_ids", "resource_ids", "data_items", "access_modes")


def msg(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def label(table: dict, code: str) -> str:
    zh, en = table.get(code, (code, code))
    return f"{zh} {en}"


def _cfg_list(key: str, default: list[str]) -> list[str]:
    value = toolkit.config.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        value = value.split()
    return list(value)


def applicant_types() -> list[str]:
    return [t for t in _cfg_list("ckanext.govopen.applications.applicant_types",
                                 list(APPLICANT_TYPES)) if t in APPLICANT_TYPES]


def proof_required(applicant_type: str) -> bool:
    return applicant_type in _cfg_list(
        "ckanext.govopen.applications.proof_required_types",
        [t for t in APPLICANT_TYPES if t != "natural_person"])


def as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            import json
            try:
                return [v for v in json.loads(value) if v not in (None, "")]
            except ValueError:
                pass
        return [v for v in re.split(r"[,\s]+", value) if v]
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v not in (None, "")]
    return [value]


def as_bool(value: Any) -> bool:
    return toolkit.asbool(value) if value not in (None, "") else False


def clean_str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def validate_profile(data: dict) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    out = {k: clean_str(data.get(k)) for k in (
        "applicant_type", "org_name", "uscc", "legal_rep", "contact_name",
        "contact_phone", "contact_email")}
    out["uscc"] = out["uscc"].upper()
    if out["applicant_type"] not in applicant_types():
        errors["applicant_type"] = [msg(
            "请选择有效的申请主体类型（" + "、".join(
                APPLICANT_TYPES[t][0] for t in applicant_types()) + "）",
            "Choose a valid applicant type: " + ", ".join(applicant_types()))]
    if out["applicant_type"] and out["applicant_type"] != "natural_person":
        for field, zh, en in (("org_name", "单位名称", "Organisation name"),
                              ("legal_rep", "法定代表人", "Legal representative")):
            if not out[field]:
                errors[field] = [msg(f"{zh}为必填项", f"{en} is required")]
        if not out["uscc"]:
            errors["uscc"] = [msg("统一社会信用代码为必填项",
                                  "Unified social credit code is required")]
        elif not is_valid_uscc(out["uscc"]):
            errors["uscc"] = [msg("统一社会信用代码无效（GB 32100 校验失败）",
                                  "Invalid unified social credit code (GB 32100 check failed)")]
    for field, zh, en in (("contact_name", "经办人姓名", "Contact name"),
                          ("contact_phone", "联系电话", "Phone"),
                          ("contact_email", "电子邮箱", "E-mail")):
        if not out[field]:
            errors[field] = [msg(f"{zh}为必填项", f"{en} is required")]
    if out["contact_phone"] and not PHONE_RE.match(out["contact_phone"].replace(" ", "")):
        errors["contact_phone"] = [msg("联系电话格式不正确", "Invalid phone number")]
    if out["contact_email"] and not EMAIL_RE.match(out["contact_email"]):
        errors["contact_email"] = [msg("电子邮箱格式不正确", "Invalid e-mail address")]
    return out, errors


def normalise_application(data: dict, base: dict | None = None) -> dict:
    """Merge submitted fields over ``base`` (the stored form data)."""
    out = dict(base or {})
    if "package_id" in data and "package_ids" not in data:
        data = dict(data, package_ids=[data["package_id"]])
    if "access_mode" in data and "access_modes" not in data:
        data = dict(data, access_modes=as_list(data["access_mode"]))
    for key in LIST_FIELDS:
        if key in data:
            out[key] = [str(v) for v in as_list(data[key])]
    for key in TEXT_FIELDS + ("purpose_category", "period_start", "period_end"):
        if key in data:
            out[key] = clean_str(data[key])
    for key in BOOL_FIELDS:
        if key in data:
            out[key] = as_bool(data[key])
    out.setdefault("third_party_provision", False)
    if "attachments" in data and isinstance(data["attachments"], list):
        out["attachments"] = data["attachments"]
    return out


def _date(value: str):
    try:
        return datetime.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def validate_application(form: dict, packages: list[dict], full: bool,
                         today: datetime.date) -> dict:
    """``packages``: package dicts of ``form['package_ids']`` (None if unknown)."""
    errors: dict[str, list[str]] = {}

    def err(field, zh, en):
        errors.setdefault(field, []).append(msg(zh, en))

    if not form.get("package_ids"):
        err("package_ids", "请至少选择一个数据集", "Choose at least one dataset")
    for pid, pkg in zip(form.get("package_ids") or [], packages):
        if pkg is None:
            err("package_ids", f"数据集不存在：{pid}", f"Dataset not found: {pid}")
        elif pkg.get("open_type") != "authorized":
            err("package_ids", f"数据集「{pkg.get('title')}」不是授权开放数据，无需申请",
                f"Dataset {pkg.get('name')} is not authorised data")
    known = [p for p in packages if p]
    res_ids = {r["id"] for p in known for r in p.get("resources", [])}
    for rid in form.get("resource_ids") or []:
        if rid not in res_ids:
            err("resource_ids", f"资源不属于所选数据集：{rid}",
                f"Resource does not belong to the chosen datasets: {rid}")
    items = {it.get("name_en") for p in known for it in (p.get("data_items") or [])}
    for item in form.get("data_items") or []:
        if item not in items:
            err("data_items", f"信息项不属于所选数据集：{item}",
                f"Data item does not belong to the chosen datasets: {item}")
    for mode in form.get("access_modes") or []:
        if mode not in ACCESS_MODES:
            err("access_modes", f"无效的获取方式：{mode}", f"Invalid access mode: {mode}")
    if form.get("purpose_category") and form["purpose_category"] not in PURPOSES:
        err("purpose_category", "无效的用途类别", "Invalid purpose category")
    start, end = _date(form.get("period_start") or ""), _date(form.get("period_end") or "")
    if form.get("period_start") and start is None:
        err("period_start", "日期格式应为 YYYY-MM-DD", "Date must be YYYY-MM-DD")
    if form.get("period_end") and end is None:
        err("period_end", "日期格式应为 YYYY-MM-DD", "Date must be YYYY-MM-DD")
    if start and end:
        max_days = int(toolkit.config.get("ckanext.govopen.applications.max_period_days") or 365)
        if end < start:
            err("period_end", "使用期限的结束日期不能早于开始日期",
                "The period must not end before it starts")
        elif (end - start).days > max_days:
            err("period_end", f"使用期限不得超过 {max_days} 天",
                f"The period may not exceed {max_days} days")
        if full and end < today:
            err("period_end", "使用期限已过", "The period is already over")
    if form.get("third_party_provision") and not form.get("third_party_details"):
        err("third_party_details", "向第三方提供须说明对象、范围和依据（原始数据不得转交）",
            "Describe any onward provision (raw data may not be passed on)")
    if not full:
        return errors

    required = {
        "scenario_name": ("应用场景名称", "Scenario name"),
        "scenario_description": ("应用场景描述", "Scenario description"),
        "system_name": ("使用数据的系统或应用", "Named system or app"),
        "purpose_category": ("用途类别", "Purpose category"),
        "period_start": ("使用期限开始日期", "Period start"),
        "period_end": ("使用期限结束日期", "Period end"),
        "security_measures": ("安全保障措施", "Security measures"),
        "storage_location": ("数据存储位置", "Storage location"),
    }
    for field, (zh, en) in required.items():
        if not form.get(field) and field not in errors:
            err(field, f"{zh}为必填项", f"{en} is required")
    if not form.get("access_modes"):
        err("access_modes", "请选择获取方式", "Choose an access mode")
    if items and not form.get("data_items"):
        err("data_items", "请按最小必要原则选择所需信息项",
            "Choose the data items needed (minimum necessary)")
    if not form.get("commitment_file"):
        err("commitment_file", "请上传签署的数据安全承诺书",
            "Upload the signed data security commitment")
    for field, zh, en in (
            ("accept_agreement", "须同意开放利用协议", "The agreement must be accepted"),
            ("accept_reports", "须承诺按期提交利用情况报告", "Usage reports must be promised"),
            ("accept_citation", "须承诺在成果中注明数据来源和获取日期",
             "Citing source and acquisition date must be promised")):
        if not form.get(field):
            err(field, zh, en)
    return errors
