"""Output shaping: every dict that can carry resource URLs is passed
through here, and every decision is the policy's (:func:`policy.decide`)."""
from __future__ import annotations

import copy
from typing import Any, Optional

from ckan import model

from . import policy

URL_KEYS = ("url", "download_url", "access_url", "original_url")


def _is_url_key(key: str) -> bool:
    return key in URL_KEYS or key.endswith("_url")


def strip_urls(res_dict: dict[str, Any]) -> None:
    for key in [k for k in res_dict if isinstance(k, str) and _is_url_key(k)]:
        res_dict[key] = ""


def _pkg_fast_path(pkg: Optional[model.Package]) -> bool:
    """True when nothing in this dataset needs shaping for anyone."""
    return (pkg is not None and not pkg.private and pkg.state == "active"
            and (policy.open_type_of(pkg) or policy.UNIVERSAL)
            == policy.UNIVERSAL
            and all(policy.is_public_derivative(r) for r in pkg.resources))


def shape_package(context: dict, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_show``: re-read resource URLs from the database for
    users the policy allows (the search index keeps none for restricted
    data, so a cache hit has none), strip them for everyone else."""
    pkg = model.Package.get(pkg_dict.get("id") or "")
    if pkg is None or _pkg_fast_path(pkg):
        return pkg_dict
    trusted = bool(context.get("ignore_auth"))
    for_edit = bool(context.get("for_edit"))
    user = None if trusted else policy.user_from_context(context)
    for res_dict in pkg_dict.get("resources") or []:
        res = model.Resource.get(res_dict.get("id") or "")
        if res is None or res.package_id != pkg.id:
            strip_urls(res_dict)
            continue
        if trusted:
            res_dict["url"] = policy.stored_url(res, pkg, for_edit)
            continue
        decision = policy.decide(user, res)
        if not decision.allowed or decision.code == "grant":
            strip_urls(res_dict)
        res_dict["url"] = policy.visible_url(user, res, pkg, decision,
                                             for_edit)
        res_dict["govopen_access"] = {"allowed": decision.allowed,
                                      "code": decision.code}
    return pkg_dict


def shape_resource_list(user: Any, resources: list[dict[str, Any]],
                        drop_denied: bool = False) -> list[dict[str, Any]]:
    out = []
    cache: dict[str, bool] = {}
    for res_dict in resources:
        pkg_id = res_dict.get("package_id")
        pkg = model.Package.get(pkg_id) if pkg_id else None
        if pkg_id not in cache:
            cache[pkg_id] = _pkg_fast_path(pkg)
        if cache[pkg_id]:
            out.append(res_dict)
            continue
        res = model.Resource.get(res_dict.get("id") or "")
        decision = policy.decide(user, res) if res is not None else None
        if decision is None or not decision.allowed:
            if drop_denied:
                continue
            strip_urls(res_dict)
            res_dict["url"] = ""
        else:
            res_dict["url"] = policy.visible_url(user, res, pkg, decision)
        out.append(res_dict)
    return out


def shape_activity(user: Any, activity: dict[str, Any]) -> dict[str, Any]:
    """Strip resource URLs from the dataset copy stored in an activity when
    the dataset is restricted now or was then (history recorded before a
    reclassification included)."""
    data = activity.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("package"), dict):
        return activity
    hist = data["package"]
    pkg = model.Package.get(hist.get("id") or activity.get("object_id") or "")
    hist_restricted = (policy.open_type_of(hist) in policy.RESTRICTED
                       or hist.get("private"))
    if not hist_restricted and _pkg_fast_path(pkg):
        return activity
    if pkg is not None and policy.is_staff(user, pkg):
        return activity
    activity = dict(activity, data=dict(data, package=copy.deepcopy(hist)))
    for res_dict in activity["data"]["package"].get("resources") or []:
        res = model.Resource.get(res_dict.get("id") or "")
        decision = policy.decide(user, res) if res is not None else None
        strip_urls(res_dict)
        if decision is not None and decision.allowed:
            res_dict["url"] = policy.visible_url(user, res, pkg, decision)
    return activity
