"""Auth functions of the 脱敏 actions.

* scan, rules, submit, run: whoever may edit the dataset (its department's
  publishers, the authority, sysadmins) — the people who confirm plans.
* approve, reject: the department reviewer — an admin of the dataset's
  owner organisation, or a sysadmin; approving also needs someone other
  than the revision's author (four-eyes, review.py), unless self-approval
  is configured.
* status, history: staff of the dataset (sysadmin, provider department,
  authority): the report shows masked samples and the plan of a private
  original; the history is the §6.5 audit record.
* review queue: any logged-in user (it lists only their departments).
* extract: the grantee of an active grant covering the resource, or whoever
  may manage grants of the dataset.
* leak trace: staff of the dataset named; without a dataset, sysadmins and
  the authority.
"""
from __future__ import annotations

from typing import Any, Optional

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.govopen.access import grants, policy

from . import model as dz
from . import review

MSG_EDIT = ("只有数源单位的发布人员或数据主管部门可以管理脱敏 / Only the provider "
            "department's publishers or the data authority may manage "
            "desensitization")
MSG_STAFF = ("只有数源单位和数据主管部门可以查看脱敏报告 / Only the provider "
             "department and the data authority may see the desensitization "
             "report")


def _pkg_of_resource(data_dict) -> Optional[model.Package]:
    res = model.Resource.get(data_dict.get("resource_id") or "")
    return model.Package.get(res.package_id) if res is not None else None


def _user(context):
    return policy.user_from_context(context)


def _may_edit(context, pkg) -> bool:
    if pkg is None:
        return False
    try:
        tk.check_access("package_update", dict(context, ignore_auth=False),
                        {"id": pkg.id})
        return True
    except tk.NotAuthorized:
        return False


def govopen_desensitize_scan(context, data_dict):
    return {"success": _may_edit(context, _pkg_of_resource(data_dict)),
            "msg": MSG_EDIT}


def govopen_desensitize_rules_update(context, data_dict):
    return govopen_desensitize_scan(context, data_dict)


def govopen_desensitize_run(context, data_dict):
    return govopen_desensitize_scan(context, data_dict)


def govopen_desensitize_plan_submit(context, data_dict):
    return govopen_desensitize_scan(context, data_dict)


MSG_REVIEW = ("只有数源单位的管理员（部门审核人）或系统管理员可以审核脱敏方案 / "
              "Only admins of the provider department (its reviewers) or "
              "sysadmins may review desensitization plans")
MSG_FOUR_EYES = ("提交或修改该方案的人员不能批准它，须由部门其他审核人批准 / "
                 "Whoever submitted or edited the plan cannot approve it; "
                 "another reviewer of the department must (four-eyes rule)")


def govopen_desensitize_plan_reject(context, data_dict):
    return {"success": review.is_reviewer(_user(context),
                                          _pkg_of_resource(data_dict)),
            "msg": MSG_REVIEW}


@tk.auth_sysadmins_check  # the four-eyes rule binds sysadmins too
def govopen_desensitize_plan_approve(context, data_dict):
    result = govopen_desensitize_plan_reject(context, data_dict)
    if not result["success"]:
        return result
    plan_row = dz.current_plan(data_dict.get("resource_id") or "")
    if plan_row is not None and plan_row["status"] == dz.SUBMITTED and \
            review.four_eyes_blocks(_user(context), plan_row):
        return {"success": False, "msg": MSG_FOUR_EYES}
    return {"success": True}


def govopen_desensitize_review_list(context, data_dict):
    return {"success": _user(context) is not None,
            "msg": "请先登录 / Log in first"}


def govopen_desensitize_history(context, data_dict):
    return govopen_desensitize_status(context, data_dict)


def govopen_desensitize_status(context, data_dict):
    pkg = _pkg_of_resource(data_dict)
    return {"success": pkg is not None and policy.is_staff(_user(context),
                                                           pkg),
            "msg": MSG_STAFF}


def govopen_desensitize_extract(context, data_dict):
    from ckanext.govopen.access.auth import can_manage_grants
    user = _user(context)
    grant = grants.get(data_dict.get("grant_id") or "")
    if user is None or grant is None:
        return {"success": False, "msg": "Not authorized"}
    pkg = model.Package.get(grant["package_id"])
    if can_manage_grants(user, pkg):
        return {"success": True}
    ok = grant["user_id"] == user.id and grant["active"]
    return {"success": ok,
            "msg": "只有有效授权的持有人可以获取授权数据 / Only the holder of an "
                   "active grant may get its extract"}


def govopen_leak_trace(context, data_dict):
    user = _user(context)
    pkg_id = data_dict.get("package_id")
    if pkg_id:
        pkg = model.Package.get(pkg_id)
        ok = pkg is not None and policy.is_staff(user, pkg)
    else:
        ok = user is not None and (user.sysadmin or
                                   policy.is_authority_member(user))
    return {"success": ok,
            "msg": "只有数源单位和数据主管部门可以追溯泄露 / Only the provider "
                   "department and the data authority may trace leaks"}


def get_auth_functions() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith(("govopen_desensitize_", "govopen_leak_"))
            and callable(fn)}
