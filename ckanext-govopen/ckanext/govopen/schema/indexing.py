"""``before_dataset_index``: data-item names and plain code fields."""
from __future__ import annotations

import json
from typing import Any

# Kept as plain top-level strings in the index dict (facets and fq).
CODE_FIELDS = ("domain", "open_type", "share_type", "update_frequency",
               "region_code", "catalog_class", "catalog_code", "provider_code")


def _loads(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _validated(pkg_dict: dict) -> dict:
    blob = pkg_dict.get("validated_data_dict")
    parsed = _loads(blob) if blob else None
    return parsed if isinstance(parsed, dict) else {}


def data_item_names(items: Any) -> list[str]:
    names: list[str] = []
    for item in _loads(items) or []:
        if not isinstance(item, dict):
            continue
        for key in ("name_zh", "name_en"):
            value = item.get(key)
            if isinstance(value, str) and value.strip() and value.strip() not in names:
                names.append(value.strip())
    return names


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    validated = None
    items = pkg_dict.get("data_items", pkg_dict.get("extras_data_items"))
    if items in (None, ""):
        validated = _validated(pkg_dict)
        items = validated.get("data_items")
    pkg_dict["data_item_names"] = data_item_names(items)

    for field in CODE_FIELDS:
        value = pkg_dict.get(field)
        if value in (None, ""):
            value = pkg_dict.get("extras_" + field)
        if value in (None, ""):
            if validated is None:
                validated = _validated(pkg_dict)
            value = validated.get(field)
        if value not in (None, ""):
            pkg_dict[field] = str(value)

    applicants = pkg_dict.get("eligible_applicants",
                              pkg_dict.get("extras_eligible_applicants"))
    parsed = _loads(applicants)
    if isinstance(parsed, list):
        pkg_dict["eligible_applicants"] = [str(a) for a in parsed]
    return pkg_dict
