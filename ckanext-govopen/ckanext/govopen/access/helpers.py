"""Template helpers for the access UI (labels Chinese first)."""
from __future__ import annotations

from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from . import grants, policy


def govopen_access_summary(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """What the current user may do with this dataset's data."""
    pkg = model.Package.get(pkg_dict.get("id") or "")
    user = policy.user_object(tk.current_user)
    out = {"open_type": pkg_dict.get("open_type"), "allowed": [],
           "denied": [], "grants": [], "staff": False,
           "apply_url": tk.h.url_for("dataset.read", id=pkg_dict.get("name"))
           .rstrip("/") + "/apply", "logged_in": user is not None}
    if pkg is None:
        return out
    out["staff"] = policy.is_staff(user, pkg)
    grant_ids = set()
    for res in pkg.resources:
        decision = policy.decide(user, res)
        (out["allowed"] if decision.allowed else out["denied"]).append(res.id)
        if decision.grant_id:
            grant_ids.add(decision.grant_id)
    out["grants"] = [grants.get(g) for g in sorted(grant_ids)]
    return out


def govopen_resource_allowed(res: dict[str, Any]) -> bool:
    info = res.get("govopen_access")
    if isinstance(info, dict):
        return bool(info.get("allowed"))
    return policy.decide(policy.user_object(tk.current_user),
                         res.get("id") or "").allowed


def govopen_en() -> bool:
    return tk.h.lang() == "en"


def get_helpers() -> dict[str, Any]:
    return {"govopen_access_summary": govopen_access_summary,
            "govopen_resource_allowed": govopen_resource_allowed,
            "govopen_access_en": govopen_en}
