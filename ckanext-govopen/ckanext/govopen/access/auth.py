"""Auth functions of the access actions, and the chained ``resource_show``
(design A: resource_show is the data permission; see docs/access-paths.md)."""
from __future__ import annotations

from typing import Any, Optional

from ckan import model
import ckan.plugins.toolkit as tk

from . import grants, policy

MANAGER_CAPACITIES = ("admin", "editor")


def _manager_of(user: Optional[model.User], org_ids: set[str]) -> bool:
    if user is None or not org_ids:
        return False
    return model.Session.query(model.Member.id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active",
        model.Member.capacity.in_(MANAGER_CAPACITIES),
        model.Member.group_id.in_(list(org_ids))).first() is not None


def can_manage_grants(user: Any, pkg: Optional[model.Package]) -> bool:
    """Sysadmin, admin/editor of the provider department or of the data
    authority (the opening body and the authority, GUIDE §5.3)."""
    user = policy.user_object(user)
    if user is None or pkg is None:
        return False
    if user.sysadmin:
        return True
    orgs = set(policy.authority_org_ids())
    if pkg.owner_org:
        orgs.add(pkg.owner_org)
    return _manager_of(user, orgs)


def log_scope(user: Any) -> Optional[set[str]]:
    """Organisations whose access log ``user`` may read: None = all
    (sysadmin, authority member), else the orgs they belong to."""
    user = policy.user_object(user)
    if user is None:
        return set()
    if user.sysadmin or policy.is_authority_member(user):
        return None
    rows = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Group.is_organization.is_(True),
        model.Group.state == "active")
    return {r[0] for r in rows}


def _user(context) -> Optional[model.User]:
    return policy.user_from_context(context)


def govopen_grant_create(context, data_dict):
    pkg = model.Package.get(data_dict.get("package_id") or "")
    return {"success": can_manage_grants(_user(context), pkg),
            "msg": "只有数源单位或数据主管部门可以发放授权 / Only the provider "
                   "department or the data authority may grant access"}


def govopen_grant_revoke(context, data_dict):
    grant = grants.get(data_dict.get("id") or "")
    pkg = model.Package.get(grant["package_id"]) if grant else None
    return {"success": can_manage_grants(_user(context), pkg),
            "msg": "只有数源单位或数据主管部门可以撤销授权 / Only the provider "
                   "department or the data authority may revoke a grant"}


def govopen_grant_show(context, data_dict):
    user = _user(context)
    grant = grants.get(data_dict.get("id") or "")
    if grant is None or user is None:
        return {"success": False, "msg": "Not authorized"}
    pkg = model.Package.get(grant["package_id"])
    ok = (grant["user_id"] == user.id or can_manage_grants(user, pkg)
          or (pkg is not None and policy.is_staff(user, pkg)))
    return {"success": ok, "msg": "Not authorized to see this grant"}


def govopen_grant_list(context, data_dict):
    # Any logged-in user; the action returns only the grants they may see.
    return {"success": _user(context) is not None,
            "msg": "请先登录 / Log in first"}


@tk.auth_allow_anonymous_access
def govopen_access_check(context, data_dict):
    return {"success": True}


def govopen_download_link_create(context, data_dict):
    return {"success": _user(context) is not None,
            "msg": "请先登录 / Log in first"}


def govopen_access_log_list(context, data_dict):
    scope = log_scope(_user(context))
    return {"success": scope is None or bool(scope),
            "msg": "只有数源单位和数据主管部门可以查看访问记录 / Only provider "
                   "departments and the data authority may read the access log"}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth, context, data_dict):
    """Design A: the right to ``resource_show`` is the right to the data.
    Core's check (dataset visibility) runs first, then the policy."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    from ckan.logic.auth import get_resource_object
    res = get_resource_object(context, data_dict)
    decision = policy.decide(_user(context), res)
    if decision.allowed:
        return result
    return {"success": False, "msg": decision.reason}


def get_auth_functions() -> dict[str, Any]:
    return {
        "govopen_grant_create": govopen_grant_create,
        "govopen_grant_revoke": govopen_grant_revoke,
        "govopen_grant_show": govopen_grant_show,
        "govopen_grant_list": govopen_grant_list,
        "govopen_access_check": govopen_access_check,
        "govopen_download_link_create": govopen_download_link_create,
        "govopen_access_log_list": govopen_access_log_list,
        "resource_show": resource_show,
    }
