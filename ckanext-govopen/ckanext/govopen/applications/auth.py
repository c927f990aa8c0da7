"""Auth functions. Object-level rules:

* applicants see and change only their own applications and profile;
* department reviewers see applications that concern their organisation
  (once past the formal check) — the stage rules live in the actions;
* the operator / data authority sees everything except drafts.
"""
from __future__ import annotations

from sqlalchemy import select

from ckan import model
from ckan.plugins import toolkit

from . import roles, states
from .model import application_table as AT, review_table as VT


def _ok():
    return {"success": True}


def _no(zh: str, en: str):
    return {"success": False, "msg": f"{zh} / {en}"}


def _app(data_dict):
    app_id = (data_dict or {}).get("id")
    if not app_id:
        return None
    row = model.Session.execute(select(AT).where(
        (AT.c.id == app_id) | (AT.c.ref_no == app_id))).first()
    return dict(row._mapping) if row else None


def _logged_in(context):
    user = roles.user_obj(context)
    if user is None:
        return None, _no("请先登录", "Login required")
    return user, None


def _owner(context, data_dict):
    user, err = _logged_in(context)
    if err:
        return err
    app = _app(data_dict)
    if app is None:
        raise toolkit.ObjectNotFound("application")
    if app["user_id"] != user.id:
        return _no("只能操作自己的申请", "Only the applicant may do this")
    return _ok()


def can_view(user, app) -> bool:
    if user is None:
        return False
    if app["user_id"] == user.id:
        return True
    if app["state"] == states.DRAFT:
        return False
    if roles.is_operator(user):
        return True
    # departments see an application once it passed the formal check
    # (it then has a review row for each department)
    reviewed = {r[0] for r in model.Session.execute(select(VT.c.org_id).where(
        VT.c.application_id == app["id"]))}
    return any(roles.is_department_reviewer(user, o) for o in reviewed)


def profile_update(context, data_dict):
    return _logged_in(context)[1] or _ok()


def profile_show(context, data_dict):
    user, err = _logged_in(context)
    if err:
        return err
    if data_dict.get("user_id") in (None, "", user.id, user.name) or roles.is_operator(user):
        return _ok()
    return _no("只能查看自己的申请主体信息", "You may only see your own profile")


def operator_only(context, data_dict):
    user, err = _logged_in(context)
    if err:
        return err
    if roles.is_operator(user):
        return _ok()
    return _no("只有平台运营单位或数据主管部门可以审核申请主体",
               "Only the platform operator / data authority may do this")


def create(context, data_dict):
    return _logged_in(context)[1] or _ok()


def show(context, data_dict):
    user, err = _logged_in(context)
    if err:
        return err
    app = _app(data_dict)
    if app is None:
        raise toolkit.ObjectNotFound("application")
    if can_view(user, app):
        return _ok()
    return _no("无权查看该申请", "Not authorised to see this application")


def review(context, data_dict):
    user, err = _logged_in(context)
    if err:
        return err
    app = _app(data_dict)
    if app is None:
        raise toolkit.ObjectNotFound("application")
    if roles.is_operator(user) or any(
            roles.is_department_reviewer(user, o) for o in app.get("org_ids") or []):
        return _ok()
    return _no("无权审核该申请", "Not authorised to review this application")


def logged_in(context, data_dict):
    return _logged_in(context)[1] or _ok()


@toolkit.auth_allow_anonymous_access
def stats(context, data_dict):
    return _ok()


def get_auth_functions() -> dict:
    return {
        "govopen_applicant_profile_update": profile_update,
        "govopen_applicant_profile_show": profile_show,
        "govopen_applicant_profile_list": operator_only,
        "govopen_applicant_verify": operator_only,
        "govopen_application_create": create,
        "govopen_application_update": _owner,
        "govopen_application_attach": _owner,
        "govopen_application_submit": _owner,
        "govopen_application_withdraw": _owner,
        "govopen_application_agree": _owner,
        "govopen_application_renew": _owner,
        "govopen_application_report_create": _owner,
        "govopen_application_review": review,
        "govopen_application_revoke": review,
        "govopen_application_show": show,
        "govopen_application_list": logged_in,
        "govopen_application_notice_list": logged_in,
        "govopen_application_stats": stats,
    }
