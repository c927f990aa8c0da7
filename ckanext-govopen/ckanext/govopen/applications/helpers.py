"""Template helpers."""
from __future__ import annotations

from ckan.plugins import toolkit

from . import schema as sch
from . import states


def govopen_application_stats(package_id=None, org_id=None) -> dict:
    """Public counts for one dataset or department (the snippet's data)."""
    try:
        result = toolkit.get_action("govopen_application_stats")(
            {"ignore_auth": True}, {"package_id": package_id, "org_id": org_id})
    except Exception:
        return {}
    return result["total"]


def govopen_application_state(state: str) -> str:
    return states.bilingual(state)


def govopen_application_code_label(kind: str, code: str) -> str:
    table = {"applicant": sch.APPLICANT_TYPES, "purpose": sch.PURPOSES,
             "mode": sch.ACCESS_MODES}.get(kind, {})
    return sch.label(table, code)


def govopen_application_can_apply(pkg: dict) -> bool:
    return (pkg or {}).get("open_type") == "authorized"


def get_helpers() -> dict:
    return {
        "govopen_application_stats": govopen_application_stats,
        "govopen_application_state": govopen_application_state,
        "govopen_application_code_label": govopen_application_code_label,
        "govopen_application_can_apply": govopen_application_can_apply,
    }
