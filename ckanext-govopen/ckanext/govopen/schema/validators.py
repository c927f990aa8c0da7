"""Validators for the 政务信息资源目录 schemas (GUIDE §4).

Small functions, registered through ``IValidators`` (see ``get_validators``)
and named in the scheming YAML. Every message is one string holding Chinese
and English ("中文 / English") so API clients and both UI locales read it.

Value validators (``value -> value``) need no app; the ``(key, data, errors,
context)`` ones read other fields of the flattened dict or the database.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Optional

from ckan.lib.navl.dictization_functions import Invalid, StopOnError, missing

from ckanext.govopen.identifiers import is_valid_uscc, USCC_ALPHABET

from . import regions

DEFAULT_CATALOG_CODE_PATTERN = r"^[1-3]\d{5}[0-9A-Za-z]*/\d{1,12}$"
DEFAULT_MACHINE_READABLE = (
    "CSV TSV JSON JSONL GEOJSON XML XLSX XLS ODS RDF TTL JSON-LD API KML GPX "
    "SHP PARQUET").split()
TABULAR_FORMATS = {"CSV", "TSV", "XLSX", "XLS", "ODS"}

OPEN_RANK = {"universal": 0, "authorized": 1, "closed": 2}
SHARE_RANK = {"unconditional": 0, "conditional": 1, "none": 2}
CATALOG_CLASS_BY_DIGIT = {"1": "base", "2": "theme", "3": "department"}
APPLICANT_TYPES = ("natural_person", "domestic_enterprise", "enterprise",
                   "research_institution", "public_institution", "social_org")


def msg(zh: str, en: str) -> str:
    """One bilingual error message."""
    return f"{zh} / {en}"


def _empty(value: Any) -> bool:
    return value is missing or value is None or (
        isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _config(key: str, default: Any = None) -> Any:
    try:
        from ckan.plugins.toolkit import config
        value = config.get(key)
    except Exception:  # no app / config (pure tests)
        return default
    return default if value in (None, "") else value


# ---------------------------------------------------------------- simple values

_TRUE = {"true", "1", "yes", "y", "on", "t", "是"}
_FALSE = {"false", "0", "no", "n", "off", "f", "否"}


def govopen_boolean_string(value: Any) -> Any:
    """Normalise booleans to the stored strings ``"true"``/``"false"``."""
    if value is missing or value is None or value == "":
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in _TRUE:
        return "true"
    if text in _FALSE:
        return "false"
    raise Invalid(msg("应为“是”或“否”（true/false）", "Must be true or false"))


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        raise Invalid(msg("日期格式应为 YYYY-MM-DD",
                          "Date must be in YYYY-MM-DD format"))


def govopen_isodate(value: Any) -> Any:
    """Accept a date (or ISO date-time) and store it as ``YYYY-MM-DD``."""
    if _empty(value):
        return value
    return _parse_date(value).isoformat()


def _today() -> datetime.date:
    return datetime.date.today()


def govopen_not_future(value: Any) -> Any:
    if _empty(value):
        return value
    if _parse_date(value) > _today():
        raise Invalid(msg("日期不能晚于今天", "Date cannot be in the future"))
    return value


def govopen_uscc(value: Any) -> Any:
    """统一社会信用代码, GB 32100-2015 (structure and check character)."""
    if _empty(value):
        return value
    code = str(value).strip().upper()
    if len(code) != 18:
        raise Invalid(msg("统一社会信用代码应为18位",
                          "Unified social credit code must be 18 characters"))
    if any(c not in USCC_ALPHABET for c in code):
        raise Invalid(msg(
            "统一社会信用代码含非法字符（不使用I、O、S、V、Z）",
            "Unified social credit code contains invalid characters "
            "(I, O, S, V, Z are not used)"))
    if not is_valid_uscc(code):
        from ckanext.govopen.identifiers import uscc_check_char
        if code[17] != uscc_check_char(code[:17]):
            raise Invalid(msg(
                "统一社会信用代码校验位错误",
                "Invalid check character in unified social credit code"))
        raise Invalid(msg(
            "统一社会信用代码的登记管理部门码、机构类别码或行政区划码无效",
            "Invalid registration authority, body type or region part in "
            "unified social credit code"))
    return code


def govopen_region_code(value: Any) -> Any:
    """GB/T 2260 six-digit code, checked against the shipped code list."""
    if _empty(value):
        return value
    code = str(value).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise Invalid(msg("行政区划代码应为6位数字（GB/T 2260）",
                          "Administrative division code must be 6 digits "
                          "(GB/T 2260)"))
    if not regions.is_valid(code):
        raise Invalid(msg(f"未知的行政区划代码：{code}",
                          f"Unknown administrative division code: {code}"))
    return code


_MOBILE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86|0086)?0\d{2,3}[2-9]\d{6,7}(?:(?:ext|转|#|-)\d{1,6})?$")
_SERVICE = re.compile(r"^(?:1\d{4}|[48]00\d{7})$")  # 12345, 12315, 400/800 numbers


def govopen_phone(value: Any) -> Any:
    """Mainland mobile, landline with area code, 12345-style hotline or
    400/800 number; spaces, hyphens and brackets are allowed."""
    if _empty(value):
        return value
    text = str(value).strip()
    main, ext = text, ""
    m = re.search(r"(?:ext\.?|转|#)\s*(\d{1,6})$", text, re.I)
    if m:
        main, ext = text[:m.start()], m.group(1)
    compact = re.sub(r"[\s\-()（）]", "", main)
    ok = (_MOBILE.match(compact) or _SERVICE.match(compact)
          or _LANDLINE.match(compact))
    if not ok and not ext:
        # a trailing -NNN after a complete landline is an extension
        m2 = re.match(r"^(.*\d)-(\d{1,6})$", main.strip())
        if m2:
            c2 = re.sub(r"[\s\-()（）]", "", m2.group(1))
            ok = bool(_LANDLINE.match(c2))
    if not ok:
        raise Invalid(msg(
            "电话号码格式不正确（手机号或带区号的固定电话）",
            "Invalid phone number (mobile, or landline with area code)"))
    return text


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def govopen_email(value: Any) -> Any:
    if _empty(value):
        return value
    text = str(value).strip()
    if len(text) > 254 or ".." in text or not _EMAIL.match(text):
        raise Invalid(msg("电子邮箱格式不正确", "Invalid e-mail address"))
    return text


def govopen_min_length(n: Any):
    n = int(n)

    def validator(value: Any) -> Any:
        if _empty(value):
            return value
        if len(str(value).strip()) < n:
            raise Invalid(msg(f"至少需要{n}个字符", f"Must be at least {n} characters"))
        return value
    return validator


def govopen_non_negative_int(value: Any) -> Any:
    if _empty(value):
        return value
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(msg("应为非负整数", "Must be a non-negative integer"))
    if number < 0:
        raise Invalid(msg("应为非负整数", "Must be a non-negative integer"))
    return str(number)


def govopen_snake_case(value: Any) -> Any:
    if _empty(value):
        return value
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(value)):
        raise Invalid(msg(
            "英文信息项名应为小写字母、数字和下划线（snake_case），与文件列名一致",
            "English name must be ASCII snake_case, equal to the column header"))
    return value


def govopen_domain_alias(value: Any) -> Any:
    """Some catalogues code 其他 as 99: map it to 22 (GUIDE §4.5)."""
    if value is missing or value is None:
        return value
    text = str(value).strip()
    return "22" if text == "99" else text


def catalog_code_pattern() -> str:
    return _config("ckanext.govopen.catalog_code_pattern",
                   DEFAULT_CATALOG_CODE_PATTERN)


def check_catalog_code(code: str) -> None:
    pattern = catalog_code_pattern()
    if not re.search(pattern, code):
        raise Invalid(msg(
            f"信息资源代码格式不正确，应为“分类码/顺序码”（{pattern}）",
            f"Invalid catalogue code: expected classification code/sequence "
            f"number ({pattern})"))


def govopen_catalog_code(value: Any) -> Any:
    if _empty(value):
        return value
    code = str(value).strip()
    check_catalog_code(code)
    return code


def _as_list(value: Any) -> list:
    if _empty(value):
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [v.strip() for v in value.split(",") if v.strip()]
        return parsed if isinstance(parsed, list) else [parsed]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def govopen_catalog_code_list(value: Any) -> Any:
    """Each entry of ``related_codes`` must be a well-formed catalogue code."""
    for code in _as_list(value):
        check_catalog_code(str(code).strip())
    return value


def is_machine_readable(fmt: Optional[str], access_mode: Optional[str] = None) -> bool:
    if access_mode == "api":
        return True
    if not fmt:
        return False
    formats = _config("ckanext.govopen.machine_readable_formats",
                      DEFAULT_MACHINE_READABLE)
    if isinstance(formats, str):
        formats = formats.split()
    fmt = str(fmt).strip().lstrip(".").upper()
    return fmt in {f.upper() for f in formats}


# ---------------------------------------------------------------- flattened-data validators

def _get(data: dict, key: tuple, default: Any = None) -> Any:
    value = data.get(key, default)
    return default if value is missing else value


def _package(data: dict, context: dict):
    """The stored package being updated, or None on create."""
    from ckan import model
    pkg = context.get("package")
    if pkg is not None and getattr(pkg, "id", None):
        return pkg
    ident = _get(data, ("id",)) or None
    if not ident:
        return None
    return model.Package.get(ident)


def _org(data: dict, context: dict):
    from ckan import model
    owner = _get(data, ("owner_org",))
    if not owner:
        pkg = _package(data, context)
        owner = pkg.owner_org if pkg else None
    if not owner:
        return None
    org = model.Group.get(owner)
    return org if org is not None and org.is_organization else None


def govopen_default_from_org(field: str):
    """Fill an empty dataset field from the owner organisation's field of the
    same name (provider_code, region_code, contact_*)."""
    def validator(key, data, errors, context):
        if not _empty(_get(data, key)):
            return
        org = _org(data, context)
        value = (org.extras or {}).get(field) if org is not None else None
        if value:
            data[key] = value
    return validator


def govopen_catalog_class_default(key, data, errors, context):
    if not _empty(_get(data, key)):
        return
    code = _get(data, ("catalog_code",)) or ""
    code = str(code).strip()
    if code[:1] in CATALOG_CLASS_BY_DIGIT:
        data[key] = CATALOG_CLASS_BY_DIGIT[code[:1]]


def govopen_catalog_code_unique(key, data, errors, context):
    """No other (non-deleted) dataset may carry the same catalog_code."""
    value = _get(data, key)
    if _empty(value) or errors.get(key):
        return
    from ckan import model
    pkg = _package(data, context)
    query = model.Session.query(model.Package.name).filter(
        model.Package.extras["catalog_code"].astext == str(value).strip(),
        model.Package.state != "deleted")
    if pkg is not None:
        query = query.filter(model.Package.id != pkg.id)
    other = query.first()
    if other:
        errors[key].append(msg(
            f"信息资源代码已被数据集“{other[0]}”使用，须全平台唯一",
            f"Catalogue code already used by dataset '{other[0]}'; it must be "
            f"unique across the portal"))


def govopen_required_format(key, data, errors, context):
    if _empty(_get(data, key)):
        errors[key].append(msg("资源格式必填", "Resource format is required"))


def govopen_machine_readable(key, data, errors, context):
    """Derived from the resource format (and access_mode=api)."""
    base = key[:-1]
    fmt = _get(data, base + ("format",))
    mode = _get(data, base + ("access_mode",))
    data[key] = "true" if is_machine_readable(fmt, mode) else "false"


def govopen_data_updated_default(key, data, errors, context):
    """Empty data_updated: the date of the newest resource."""
    if not _empty(_get(data, key)):
        return
    dates = []
    for (k, v) in list(data.items()):
        if len(k) == 3 and k[0] == "resources" and k[2] in (
                "last_modified", "created") and not _empty(v):
            try:
                dates.append(_parse_date(v))
            except Invalid:
                pass
    if not dates:
        pkg = _package(data, context)
        if pkg is not None:
            for res in pkg.resources:
                for v in (res.last_modified, res.created):
                    if v:
                        dates.append(v.date())
    if dates:
        data[key] = max(dates).isoformat()


def govopen_sysadmin_only_change(key, data, errors, context):
    """Only sysadmins may change this organisation field (is_authority: it
    grants the power to reclassify every department's data)."""
    from ckan import authz, model
    value = _get(data, key)
    stored = None
    ident = _get(data, ("id",)) or _get(data, ("name",))
    group = model.Group.get(ident) if ident else None
    if group is not None:
        stored = (group.extras or {}).get(key[-1])
    if (value or "false") == (stored or "false"):
        return
    user = context.get("user")
    if user and authz.is_sysadmin(user):
        return
    errors[key].append(msg("只有系统管理员可以修改此项",
                           "Only a sysadmin may change this field"))


# Context flag set by trusted workflows (the 脱敏 review job) when they write
# fields that users must not type themselves.
WORKFLOW_CONTEXT_KEY = "govopen_workflow"


def govopen_workflow_field(key, data, errors, context):
    """A field only a workflow (or a sysadmin) writes, e.g. the approved
    de-identification plan: typing any string would otherwise satisfy the
    publication rule. Others keep the stored value, also when a form omits
    the field (package_update would drop it)."""
    from ckan import authz
    if context.get(WORKFLOW_CONTEXT_KEY):
        return
    user = context.get("user")
    if user and authz.is_sysadmin(user):
        return
    pkg = _package(data, context)
    stored = (pkg.extras or {}).get(key[-1]) if pkg is not None else None
    value = _get(data, key)
    if not _empty(value) and value != stored:
        errors[key].append(msg(
            "此项由脱敏方案审核流程自动填写，不能手工修改",
            "This field is set by the de-identification review workflow and "
            "cannot be edited by hand"))
        raise StopOnError
    data[key] = stored if not _empty(stored) else missing


# ---------------------------------------------------------------- dataset-level rules

def _add_error(errors: dict, key: tuple, message: str) -> None:
    errors.setdefault(key, [])
    if message not in errors[key]:
        errors[key].append(message)


def set_field(data: dict, name: str, value: Any) -> None:
    """Set a top-level field after convert_to_extras already ran: update both
    the flattened key and its extras entry."""
    data[(name,)] = value
    for k in list(data):
        if len(k) == 3 and k[0] == "extras" and k[2] == "key" and data[k] == name:
            data[("extras", k[1], "value")] = value
            return
    indexes = [k[1] for k in data if len(k) > 1 and k[0] == "extras"]
    i = max(indexes) + 1 if indexes else 0
    data[("extras", i, "key")] = name
    data[("extras", i, "value")] = value


def _resources(data: dict, context: dict) -> list[dict]:
    """Resources of the dataset after this change: those in the flattened
    data (new or changed) plus stored ones absent from it (since 2.12
    unchanged resources are not passed to validation)."""
    in_data: dict[int, dict] = {}
    for k, v in data.items():
        if len(k) == 3 and k[0] == "resources":
            in_data.setdefault(k[1], {})[k[2]] = None if v is missing else v
    out = [in_data[i] for i in sorted(in_data)]
    pkg = _package(data, context)
    if pkg is not None:
        seen = {r.get("id") for r in out if r.get("id")}
        for res in pkg.resources:
            if res.id in seen or res.state != "active":
                continue
            extras = res.extras or {}
            out.append({"id": res.id, "format": res.format,
                        "url_type": res.url_type,
                        "access_mode": extras.get("access_mode"),
                        "_stored": True})
    return out


def _is_public_active(data: dict, context: dict) -> bool:
    pkg = _package(data, context)
    private = _get(data, ("private",))
    if private is None:
        private = pkg.private if pkg is not None else False
    if isinstance(private, str):
        private = private.strip().lower() in _TRUE
    state = _get(data, ("state",))
    if not state:
        state = pkg.state if pkg is not None else "active"
    return (not private) and state == "active"


def govopen_dataset_rules(key, data, errors, context):
    """Cross-field rules of GUIDE §4.3 (schema-level after_validator)."""
    open_type = _get(data, ("open_type",))
    share_type = _get(data, ("share_type",))

    # authorized: conditions, applicants, usage and security requirements
    if open_type == "authorized":
        if not _as_list(_get(data, ("eligible_applicants",))):
            default = _config("ckanext.govopen.default_eligible_applicants", [])
            if isinstance(default, str):
                default = default.split()
            default = [d for d in default if d in APPLICANT_TYPES]
            if default:
                set_field(data, "eligible_applicants", json.dumps(default))
        needed = {
            "open_condition": ("授权开放数据须填写开放条件",
                               "Access conditions are required for authorised data"),
            "eligible_applicants": ("授权开放数据须选择可申请主体",
                                    "Eligible applicants are required for authorised data"),
            "usage_requirements": ("授权开放数据须填写使用要求",
                                   "Usage requirements are required for authorised data"),
            "security_requirements": ("授权开放数据须填写安全保障措施",
                                      "Security requirements are required for authorised data"),
        }
        for field, (zh, en) in needed.items():
            value = _get(data, (field,))
            if field == "eligible_applicants":
                value = _as_list(value)
            if _empty(value):
                _add_error(errors, (field,), msg(zh, en))

    if open_type == "closed" and _empty(_get(data, ("non_open_basis",))):
        _add_error(errors, ("non_open_basis",), msg(
            "不予开放数据须注明不予开放依据（法律、行政法规或政策文件及条款）",
            "A legal basis (instrument and article) is required for data that "
            "is not opened"))

    if share_type in ("conditional", "none") and _empty(
            _get(data, ("share_condition",))):
        if share_type == "none":
            text = msg("不予共享须注明依据", "A basis is required for data that is not shared")
        else:
            text = msg("有条件共享须填写共享条件",
                       "Sharing conditions are required for conditionally shared data")
        _add_error(errors, ("share_condition",), text)

    # dates in order
    start, end = _get(data, ("temporal_start",)), _get(data, ("temporal_end",))
    if not _empty(start) and not _empty(end) and not errors.get(
            ("temporal_start",)) and not errors.get(("temporal_end",)):
        try:
            if _parse_date(start) > _parse_date(end):
                _add_error(errors, ("temporal_end",), msg(
                    "数据时间范围的结束日期不能早于开始日期",
                    "Temporal coverage end must not be before its start"))
        except Invalid:
            pass

    # region_code within the organisation's area
    region = _get(data, ("region_code",))
    if not _empty(region) and not errors.get(("region_code",)):
        org = _org(data, context)
        area = (org.extras or {}).get("region_code") if org is not None else None
        if area and not regions.is_within(str(region), area):
            _add_error(errors, ("region_code",), msg(
                f"行政区划须为数源单位所在区划（{regions.full_name(area)} {area}）或其下级",
                f"Administrative area must be the department's own area "
                f"({area}) or a subdivision of it"))

    resources = _resources(data, context)

    # API resources document their method
    for i, res in enumerate(r for r in resources if not r.get("_stored")):
        if res.get("access_mode") == "api" and _empty(res.get("api_method")):
            _add_error(errors, ("resources", i, "api_method"), msg(
                "接口调用类资源须填写请求方式", "API method is required for API resources"))
        if (open_type == "authorized" and res.get("access_mode", "download") in (
                None, "download") and res.get("url_type") != "upload"
                and not _empty(res.get("url"))):
            _add_error(errors, ("resources", i, "url"), msg(
                "授权开放数据的下载资源须为上传文件，不能是外部链接",
                "Downloadable resources of authorised data must be uploads, "
                "not links"))

    # publication rules: only when the dataset is (becoming) public and active
    if open_type in ("universal", "authorized") and _is_public_active(data, context):
        if not any(is_machine_readable(r.get("format"), r.get("access_mode"))
                   for r in resources):
            _add_error(errors, ("private",), msg(
                "普遍开放和授权开放的数据集须至少有一个可机读资源（如CSV、JSON、XML、XLSX或API）才能公开发布",
                "Universal and authorised datasets need at least one "
                "machine-readable resource (e.g. CSV, JSON, XML, XLSX or API) "
                "before they can be public"))
        items = _data_items(data)
        tabular = any(str(r.get("format") or "").upper() in TABULAR_FORMATS
                      for r in resources)
        if tabular and not items:
            _add_error(errors, ("data_items",), msg(
                "表格类数据公开发布前须填写信息项",
                "Data items are required before tabular data is published"))
        if tabular and _empty(_get(data, ("record_count",))):
            _add_error(errors, ("record_count",), msg(
                "表格类数据公开发布前须填写数据量",
                "Record count is required before tabular data is published"))
        if _get(data, ("contains_personal_info",)) == "true":
            if _empty(_get(data, ("desensitization_plan",))):
                _add_error(errors, ("desensitization_plan",), msg(
                    "含个人信息的数据须有经部门审核通过的脱敏方案才能公开发布",
                    "Data with personal information needs a de-identification "
                    "plan approved by the department before it is published"))
            if open_type == "universal":
                direct = [it.get("name_zh") or it.get("name_en") for it in items
                          if it.get("sensitivity") == "direct_identifier"]
                if direct:
                    _add_error(errors, ("data_items",), msg(
                        "普遍开放数据不得明文发布直接标识符信息项：" + "、".join(direct),
                        "Universal data may not publish direct identifiers in "
                        "clear: " + ", ".join(it for it in direct if it)))


def govopen_skip_blank_item(key, data, errors, context):
    """First validator of every ``repeating_subfields`` subfield: a row whose
    subfields are all empty (a blank panel left on the form, or the form's
    hidden template row if a browser ever submits it) is dropped instead of
    failing ``required``. ``key`` is ``(field, index, subfield)``; the row's
    keys are removed so the stored list and the dataset rules never see it.
    """
    if len(key) != 3:
        return
    prefix = key[:2]
    row = [k for k in data if len(k) == 3 and k[:2] == prefix]

    def blank(value: Any) -> bool:
        # unknown keys of the row (e.g. "INDEX0-name_en" from a submitted
        # REPEATING-INDEX0 template panel) arrive as a dict in __extras
        if isinstance(value, dict):
            return all(blank(v) for v in value.values())
        return _empty(value)

    if all(blank(data[k]) for k in row):
        for k in row:
            data.pop(k, None)
        raise StopOnError


def _data_items(data: dict) -> list[dict]:
    items: dict[int, dict] = {}
    for k, v in data.items():
        if len(k) == 3 and k[0] == "data_items":
            items.setdefault(k[1], {})[k[2]] = v
    if items:
        return [items[i] for i in sorted(items)]
    value = _get(data, ("data_items",))
    return [i for i in _as_list(value) if isinstance(i, dict)]


def get_validators() -> dict:
    from .reclassify import govopen_reclassification
    return {
        "govopen_boolean_string": govopen_boolean_string,
        "govopen_isodate": govopen_isodate,
        "govopen_not_future": govopen_not_future,
        "govopen_uscc": govopen_uscc,
        "govopen_region_code": govopen_region_code,
        "govopen_phone": govopen_phone,
        "govopen_email": govopen_email,
        "govopen_min_length": govopen_min_length,
        "govopen_non_negative_int": govopen_non_negative_int,
        "govopen_snake_case": govopen_snake_case,
        "govopen_domain_alias": govopen_domain_alias,
        "govopen_catalog_code": govopen_catalog_code,
        "govopen_catalog_code_list": govopen_catalog_code_list,
        "govopen_catalog_code_unique": govopen_catalog_code_unique,
        "govopen_catalog_class_default": govopen_catalog_class_default,
        "govopen_default_from_org": govopen_default_from_org,
        "govopen_required_format": govopen_required_format,
        "govopen_machine_readable": govopen_machine_readable,
        "govopen_data_updated_default": govopen_data_updated_default,
        "govopen_sysadmin_only_change": govopen_sysadmin_only_change,
        "govopen_workflow_field": govopen_workflow_field,
        "govopen_dataset_rules": govopen_dataset_rules,
        "govopen_skip_blank_item": govopen_skip_blank_item,
        "govopen_reclassification": govopen_reclassification,
    }
