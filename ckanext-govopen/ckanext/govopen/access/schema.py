"""Validation schemas of the access actions (like ckan.logic.schema)."""
from __future__ import annotations

from typing import Any

from ckan.logic.schema import validator_args
from ckan.plugins.toolkit import Invalid

from . import grants


def _iso_time(end: bool):
    def convert(value: Any) -> Any:
        try:
            return grants.parse_time(value, end=end)
        except (TypeError, ValueError):
            raise Invalid("无效的日期时间（ISO 8601） / Invalid ISO 8601 date or "
                          "datetime")
    return convert


def _string_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, (list, tuple)):
        raise Invalid("须为列表 / Must be a list")
    return [str(v).strip() for v in value if str(v).strip()]


def _access_modes(value: Any) -> list[str]:
    modes = _string_list(value)
    bad = [m for m in modes if m not in grants.ACCESS_MODES]
    if bad:
        raise Invalid("未知的获取方式 / Unknown access mode: " + ", ".join(bad))
    return modes


@validator_args
def grant_create_schema(not_empty, ignore_missing, unicode_safe,
                        package_id_or_name_exists, user_id_or_name_exists):
    return {
        "user_id": [not_empty, unicode_safe, user_id_or_name_exists],
        "package_id": [not_empty, unicode_safe, package_id_or_name_exists],
        "resource_ids": [ignore_missing, _string_list],
        "data_items": [ignore_missing, _string_list],
        "access_modes": [ignore_missing, _access_modes],
        "valid_from": [not_empty, _iso_time(False)],
        "valid_until": [not_empty, _iso_time(True)],
        "source_application_id": [ignore_missing, unicode_safe],
    }


@validator_args
def grant_revoke_schema(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe],
            "reason": [not_empty, unicode_safe]}


@validator_args
def grant_show_schema(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def grant_list_schema(ignore_missing, unicode_safe, boolean_validator):
    return {"user_id": [ignore_missing, unicode_safe],
            "package_id": [ignore_missing, unicode_safe],
            "source_application_id": [ignore_missing, unicode_safe],
            "active_only": [ignore_missing, boolean_validator]}


@validator_args
def access_check_schema(not_empty, unicode_safe, ignore_missing):
    return {"resource_id": [not_empty, unicode_safe],
            "mode": [ignore_missing, unicode_safe]}


@validator_args
def download_link_schema(not_empty, unicode_safe):
    return {"resource_id": [not_empty, unicode_safe]}


@validator_args
def access_log_list_schema(ignore_missing, unicode_safe,
                           natural_number_validator, int_validator):
    return {"owner_org": [ignore_missing, unicode_safe],
            "package_id": [ignore_missing, unicode_safe],
            "resource_id": [ignore_missing, unicode_safe],
            "user_id": [ignore_missing, unicode_safe],
            "limit": [ignore_missing, natural_number_validator],
            "offset": [ignore_missing, natural_number_validator],
            "format": [ignore_missing, unicode_safe]}
