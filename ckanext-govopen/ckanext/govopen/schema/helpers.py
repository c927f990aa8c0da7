"""Template helpers for the catalogue schema (labels, facets, citation)."""
from __future__ import annotations

import datetime
import json
from typing import Any, Callable, Optional

from . import labels, regions
from .validators import is_machine_readable

# Facet fields whose values are codes, mapped to the schema field with choices.
FACET_CODE_FIELDS = {
    "domain": "domain",
    "open_type": "open_type",
    "share_type": "share_type",
    "update_frequency": "update_frequency",
    "catalog_class": "catalog_class",
    "industry": "industry",
}

FACET_TITLES = {
    "domain": {"zh_Hans_CN": "数据领域", "en": "Domain"},
    "open_type": {"zh_Hans_CN": "开放属性", "en": "Openness class"},
    "organization": {"zh_Hans_CN": "数源单位", "en": "Source department"},
    "res_format": {"zh_Hans_CN": "格式", "en": "Format"},
    "update_frequency": {"zh_Hans_CN": "更新周期", "en": "Update frequency"},
    "region_code": {"zh_Hans_CN": "行政区划", "en": "Administrative area"},
    "tags": {"zh_Hans_CN": "标签", "en": "Tags"},
}

OPEN_TYPE_BADGES = {"universal": "bg-success", "authorized": "bg-warning",
                    "closed": "bg-secondary"}


def _lang() -> str:
    try:
        from ckan.lib.helpers import lang
        return lang() or "zh_Hans_CN"
    except Exception:
        return "zh_Hans_CN"


def _pick(text: dict, lang: Optional[str] = None) -> str:
    lang = lang or _lang()
    if lang in text:
        return text[lang]
    return text.get("zh_Hans_CN") or next(iter(text.values()))


def govopen_choice_label(field_name: str, value: Any,
                         lang: Optional[str] = None) -> str:
    return labels.choice_label(field_name, value, lang or _lang())


def govopen_field_label(field_name: str, lang: Optional[str] = None) -> str:
    return labels.field_label(field_name, lang or _lang())


def govopen_org_label(field_name: str, lang: Optional[str] = None) -> str:
    return labels.field_label(field_name, lang or _lang(), section="fields",
                              schema_file="organization.yaml")


def govopen_org_choice_label(field_name: str, value: Any,
                             lang: Optional[str] = None) -> str:
    return labels.choice_label(field_name, value, lang or _lang(),
                               section="fields", schema_file="organization.yaml")


def govopen_region_name(code: Optional[str], full: bool = True) -> str:
    return regions.full_name(code) if full else regions.name(code)


def govopen_facet_title(facet: str, default: Optional[str] = None) -> str:
    if facet in FACET_TITLES:
        return _pick(FACET_TITLES[facet])
    return default or facet


def govopen_facet_label(facet: str, value: Any) -> str:
    """Human label of a facet value (codes → Chinese/English labels)."""
    if facet in FACET_CODE_FIELDS:
        return labels.choice_label(FACET_CODE_FIELDS[facet], value, _lang())
    if facet == "region_code":
        return regions.full_name(value) if regions.is_valid(value) else str(value)
    return str(value)


def govopen_facet_label_function(facet: str) -> Optional[Callable]:
    """label_function for snippets/facet_list.html, or None for the default
    (display_name) on facets without codes."""
    if facet not in FACET_CODE_FIELDS and facet != "region_code":
        return None
    return lambda item: govopen_facet_label(facet, item.get("name"))


def govopen_json_list(value: Any) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return value if isinstance(value, list) else [value]


def govopen_data_items(pkg: dict) -> list[dict]:
    return [i for i in govopen_json_list(pkg.get("data_items")) if isinstance(i, dict)]


def govopen_open_type_badge(open_type: Optional[str]) -> str:
    return OPEN_TYPE_BADGES.get(open_type or "", "bg-light text-dark")


def govopen_is_true(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def govopen_is_machine_readable(resource: dict) -> bool:
    if "machine_readable" in resource:
        return govopen_is_true(resource["machine_readable"])
    return is_machine_readable(resource.get("format"), resource.get("access_mode"))


def govopen_today() -> str:
    return datetime.date.today().isoformat()


def govopen_citation(pkg: dict, acquired: Optional[str] = None) -> dict:
    """Parts and one-line text of the 如何引用 box (GUIDE rule 10): provider,
    title, catalogue code, URL and acquisition date (today by default)."""
    from ckan.lib.helpers import url_for
    org = pkg.get("organization") or {}
    provider = org.get("title") or org.get("name") or ""
    try:
        url = url_for("dataset.read", id=pkg.get("name") or pkg.get("id"),
                      _external=True)
    except Exception:
        url = ""
    acquired = acquired or govopen_today()
    parts = {
        "provider": provider,
        "title": pkg.get("title") or pkg.get("name") or "",
        "catalog_code": pkg.get("catalog_code") or "",
        "url": url,
        "acquired": acquired,
    }
    code = f"（信息资源代码：{parts['catalog_code']}）" if parts["catalog_code"] else ""
    parts["text"] = (f"{provider}．{parts['title']}{code}［数据集］．{url}．"
                     f"获取日期：{acquired}．")
    code_en = f" (catalogue code {parts['catalog_code']})" if parts["catalog_code"] else ""
    parts["text_en"] = (f"{provider}. {parts['title']}{code_en} [dataset]. "
                        f"{url}. Accessed {acquired}.")
    return parts


def get_helpers() -> dict:
    return {
        "govopen_choice_label": govopen_choice_label,
        "govopen_field_label": govopen_field_label,
        "govopen_org_label": govopen_org_label,
        "govopen_org_choice_label": govopen_org_choice_label,
        "govopen_region_name": govopen_region_name,
        "govopen_facet_title": govopen_facet_title,
        "govopen_facet_label": govopen_facet_label,
        "govopen_facet_label_function": govopen_facet_label_function,
        "govopen_json_list": govopen_json_list,
        "govopen_data_items": govopen_data_items,
        "govopen_open_type_badge": govopen_open_type_badge,
        "govopen_is_true": govopen_is_true,
        "govopen_is_machine_readable": govopen_is_machine_readable,
        "govopen_today": govopen_today,
        "govopen_citation": govopen_citation,
    }
