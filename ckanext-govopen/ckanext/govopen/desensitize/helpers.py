"""Template helpers of the 脱敏 workflow."""
from __future__ import annotations

from typing import Any, Optional

from ckan import model
from ckan.common import current_user

from ckanext.govopen.access import policy

from . import gate
from . import model as dz
from .registry import ckan_registry


def govopen_desensitize_panel(resource_id: str) -> Optional[dict[str, Any]]:
    """What the resource page shows: the full status for staff, the
    release facts of a derivative for everyone else, None otherwise."""
    res = model.Resource.get(resource_id or "")
    if res is None:
        return None
    row = dz.get_resource(res.id)
    pkg = model.Package.get(res.package_id)
    user = policy.user_object(current_user)
    staff = policy.is_staff(user, pkg)
    if staff:
        if row is None:
            return {"staff": True, "tracked": False}
        from .actions import status_dict
        return dict(status_dict(res, user), staff=True)
    if row is not None and row["role"] == dz.DERIVATIVE and \
            row["state"] in dz.PUBLIC_STATES:
        release = dz.published_release(row["source_id"] or "")
        return {"staff": False, "tracked": True, "role": dz.DERIVATIVE,
                "release": release and {
                    k: release.get(k) for k in (
                        "id", "plan_id", "plan_revision", "rows_out",
                        "k_anonymity", "created_at", "sha256")}}
    return None


def govopen_desensitize_operators() -> list[str]:
    return sorted(ckan_registry().operators)


def govopen_desensitize_blockers(package_id: str) -> list[dict]:
    pkg = model.Package.get(package_id or "")
    return gate.blockers(pkg) if pkg is not None else []


def get_helpers() -> dict[str, Any]:
    return {
        "govopen_desensitize_panel": govopen_desensitize_panel,
        "govopen_desensitize_operators": govopen_desensitize_operators,
        "govopen_desensitize_blockers": govopen_desensitize_blockers,
    }
