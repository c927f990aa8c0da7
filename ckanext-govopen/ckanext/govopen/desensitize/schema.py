"""Validation schemas of the 脱敏 actions (like ckan.logic.schema)."""
from __future__ import annotations

import json
from typing import Any

from ckan.logic.schema import validator_args
from ckan.plugins.toolkit import Invalid


def json_dict(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Invalid("须为 JSON 对象 / Must be a JSON object")
    if not isinstance(value, dict):
        raise Invalid("须为 JSON 对象 / Must be a JSON object")
    return value


def string_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, list):
                value = parsed
        except ValueError:
            value = [v for v in value.replace("，", ",").split(",")]
    if not isinstance(value, (list, tuple)):
        raise Invalid("须为列表 / Must be a list")
    return [str(v).strip() for v in value if str(v).strip()]


def k_value(value: Any) -> int:
    try:
        k = int(value)
    except (TypeError, ValueError):
        raise Invalid("k 须为正整数 / k must be a positive integer")
    if k < 1 or k > 1000:
        raise Invalid("k 须在 1–1000 之间 / k must be between 1 and 1000")
    return k


def share_value(value: Any) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = -1.0
    if not 0 <= share <= 1:
        raise Invalid("须为 0 到 1 之间的比例 / Must be a share between 0 and 1")
    return share


@validator_args
def resource_schema(not_empty, unicode_safe, resource_id_exists):
    return {"resource_id": [not_empty, unicode_safe, resource_id_exists]}


@validator_args
def rules_update_schema(not_empty, ignore_missing, unicode_safe,
                        resource_id_exists, boolean_validator, default):
    return {
        "resource_id": [not_empty, unicode_safe, resource_id_exists],
        "plan": [ignore_missing, json_dict],
        "rules": [ignore_missing, json_dict],
        "scrub": [ignore_missing, string_list],
        "quasi_identifiers": [ignore_missing, string_list],
        "k": [ignore_missing, k_value],
        "suppress_below_k": [ignore_missing, boolean_validator],
        "max_suppression": [ignore_missing, share_value],
        "confirm": [default(False), boolean_validator],
    }


def revision_value(value: Any) -> int:
    try:
        rev = int(value)
    except (TypeError, ValueError):
        raise Invalid("版本号须为正整数 / The revision must be a positive "
                      "integer")
    if rev < 1:
        raise Invalid("版本号须为正整数 / The revision must be a positive "
                      "integer")
    return rev


def reason_text(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > 2000:
        raise Invalid("理由不能超过 2000 字 / The reason is limited to 2000 "
                      "characters")
    return text


@validator_args
def plan_review_schema(not_empty, ignore_missing, unicode_safe,
                       resource_id_exists, boolean_validator, default):
    """Submit, approve and reject (``run`` only matters to approve; a
    rejection's reason is required by review.reject, bilingually)."""
    return {
        "resource_id": [not_empty, unicode_safe, resource_id_exists],
        "revision": [ignore_missing, revision_value],
        "reason": [ignore_missing, unicode_safe, reason_text],
        "run": [default(True), boolean_validator],
    }


@validator_args
def extract_schema(not_empty, unicode_safe, resource_id_exists):
    return {"grant_id": [not_empty, unicode_safe],
            "resource_id": [not_empty, unicode_safe, resource_id_exists]}


@validator_args
def leak_trace_schema(not_empty, ignore_missing, unicode_safe,
                      package_id_or_name_exists):
    return {"upload": [not_empty],
            "package_id": [ignore_missing, unicode_safe,
                           package_id_or_name_exists],
            "format": [ignore_missing, unicode_safe]}
