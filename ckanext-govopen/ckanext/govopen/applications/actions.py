"""Actions of the application module (API and pages use the same ones).

Every transition runs in one transaction: the application row is locked
(``SELECT … FOR UPDATE``) and its ``version`` compared with the one the
caller saw; the update, the history row and the notices commit together, and
e-mails go out only after the commit.
"""
from __future__ import annotations

import datetime
import logging
import os
import re
import uuid
from typing import Optional

from sqlalchemy import Text, and_, insert, or_, select, text, update

from ckan import model
from ckan.plugins import toolkit

from . import notify, roles, states, workdays
from . import schema as sch
from .model import (application_table as AT, history_table as HT,
                    notice_table as NT, profile_table as PT,
                    report_table as RT, review_table as VT, new_id, now, row_dict)

log = logging.getLogger(__name__)
ValidationError = toolkit.ValidationError
NotFound = toolkit.ObjectNotFound
msg = sch.msg

CONFLICT = "conflict"


# ---------------------------------------------------------------- helpers

def _cfg_int(key: str, default: int) -> int:
    try:
        return int(toolkit.config.get(key) or default)
    except (TypeError, ValueError):
        return default


def _user(context) -> model.User:
    user = roles.user_obj(context)
    if user is None:
        raise toolkit.NotAuthorized(msg("请先登录", "Login required"))
    return user


def _commit(context) -> None:
    if context.get("defer_commit"):
        return
    model.Session.commit()
    notify.flush_mail()


def _fail():
    model.Session.rollback()
    notify.discard_mail()


def conflict_error(current_state: str) -> ValidationError:
    return ValidationError({CONFLICT: [msg(
        f"操作冲突：该申请已被他人处理（当前状态：{states.label(current_state)}），请刷新后重试",
        f"Conflict: the application was changed by someone else (now "
        f"{states.label(current_state, 'en')}); reload and try again")]})


def illegal(action: str, state: str) -> ValidationError:
    zh_action, en_action = states.ACTION_LABELS.get(action, (action, action))
    return ValidationError({"state": [msg(
        f"当前状态「{states.label(state)}」下不能执行「{zh_action}」",
        f"'{en_action}' is not allowed while the application is "
        f"'{states.label(state, 'en')}'")]})


def _load(app_id: str, lock: bool = False) -> dict:
    if not app_id:
        raise ValidationError({"id": [msg("缺少申请编号", "Missing application id")]})
    q = select(AT).where((AT.c.id == app_id) | (AT.c.ref_no == app_id))
    if lock:
        q = q.with_for_update()
    row = model.Session.execute(q).first()
    if row is None:
        raise NotFound(msg("申请不存在", "Application not found"))
    return dict(row._mapping)


def _check(app: dict, action: str, data_dict: dict) -> None:
    version = data_dict.get("version")
    if version not in (None, "") and int(version) != app["version"]:
        raise conflict_error(app["state"])
    if not states.can(action, app["state"]):
        raise illegal(action, app["state"])


def _history(app_id, action, from_state, to_state, actor, comment=None, org_id=None):
    model.Session.execute(insert(HT).values(
        application_id=app_id, action=action, from_state=from_state,
        to_state=to_state, actor=actor, org_id=org_id, comment=comment,
        created=now()))


def _save(app: dict, action: str, actor: Optional[str], comment: Optional[str] = None,
          org_id: Optional[str] = None, to_state: Optional[str] = None,
          **values) -> dict:
    """Write the new state with an optimistic version check, plus history."""
    new_state = to_state or app["state"]
    values.update(state=new_state, version=app["version"] + 1, modified=now())
    result = model.Session.execute(
        update(AT).where(and_(AT.c.id == app["id"], AT.c.version == app["version"]))
        .values(**values))
    if result.rowcount != 1:
        raise conflict_error(app["state"])
    _history(app["id"], action, app["state"], new_state, actor, comment, org_id)
    app = dict(app, **values)
    return app


def _package(pid: str) -> Optional[dict]:
    try:
        return toolkit.get_action("package_show")(
            {"ignore_auth": True, "use_cache": False}, {"id": pid})
    except NotFound:
        return None


def _packages(ids) -> list[Optional[dict]]:
    return [_package(pid) for pid in ids]


def _eligible_types(pkg: dict) -> list[str]:
    types = sch.as_list(pkg.get("eligible_applicants"))
    if not types:
        default = toolkit.config.get("ckanext.govopen.default_eligible_applicants")
        types = sch.as_list(default)
    return types


def _site_user() -> str:
    return toolkit.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _storage_dir(*parts) -> str:
    base = toolkit.config.get("ckan.storage_path") or "/tmp"
    path = os.path.join(base, "govopen_applications", *parts)
    os.makedirs(path, exist_ok=True)
    return path


def save_upload(upload, owner: str) -> Optional[dict]:
    """Store an uploaded file (werkzeug FileStorage); returns its reference."""
    if upload is None or not hasattr(upload, "read") or not getattr(upload, "filename", None):
        return None
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", os.path.basename(upload.filename))[-120:]
    stored = f"{uuid.uuid4().hex[:12]}_{name}"
    path = os.path.join(_storage_dir(owner), stored)
    with open(path, "wb") as fh:
        fh.write(upload.read())
    return {"name": name, "file": f"{owner}/{stored}", "size": os.path.getsize(path)}


def file_path(ref: str) -> str:
    base = os.path.realpath(_storage_dir())
    path = os.path.realpath(os.path.join(base, ref))
    if not path.startswith(base + os.sep):
        raise NotFound("file")
    return path


def _deadline(days: int, start: Optional[datetime.datetime] = None) -> datetime.date:
    return workdays.add_workdays(start or now(), days)


# ---------------------------------------------------------------- profiles

def _profile(user_id: str) -> Optional[dict]:
    row = model.Session.execute(select(PT).where(PT.c.user_id == user_id)).first()
    return row_dict(row) if row else None


def _profile_out(profile: dict) -> dict:
    profile = dict(profile)
    profile["applicant_type_label"] = sch.label(sch.APPLICANT_TYPES, profile["applicant_type"])
    profile["status_label"] = {"pending": "待审核 Pending", "verified": "已认证 Verified",
                               "rejected": "未通过 Rejected"}.get(profile["status"], profile["status"])
    profile["proof_required"] = sch.proof_required(profile["applicant_type"])
    user = model.User.get(profile["user_id"])
    profile["user_name"] = user.name if user else None
    return profile


def applicant_profile_update(context, data_dict):
    toolkit.check_access("govopen_applicant_profile_update", context, data_dict)
    user = _user(context)
    old = _profile(user.id)
    merged = dict(old or {})
    merged.update({k: v for k, v in data_dict.items() if k in (
        "applicant_type", "org_name", "uscc", "legal_rep", "contact_name",
        "contact_phone", "contact_email")})
    values, errors = sch.validate_profile(merged)
    if errors:
        raise ValidationError(errors)
    stored = save_upload(data_dict.get("proof_upload"), f"profiles/{user.id}")
    values["proof_file"] = stored["file"] if stored else (old or {}).get("proof_file")
    changed = old is None or any(
        (old.get(k) or "") != (values.get(k) or "") for k in values)
    if old is None:
        model.Session.execute(insert(PT).values(
            user_id=user.id, status="pending", created=now(), modified=now(), **values))
    elif changed:
        # verified facts changed: the operator verifies again
        model.Session.execute(update(PT).where(PT.c.user_id == user.id).values(
            status="pending", reject_reason=None, verified_by=None, verified_at=None,
            modified=now(), **values))
    if changed:
        notify.notify(roles.operator_user_ids(), "【数据开放平台】待审核的申请主体认证",
                      f"用户 {user.name} 提交了申请主体信息（{values.get('org_name') or values['contact_name']}），"
                      f"请审核：{notify.site_link('/applications/profiles')}")
    _commit(context)
    return _profile_out(_profile(user.id))


def applicant_profile_show(context, data_dict):
    user = _user(context)
    user_id = data_dict.get("user_id") or user.id
    target = model.User.get(user_id)
    if target is None:
        raise NotFound(msg("用户不存在", "User not found"))
    data_dict = dict(data_dict, user_id=target.id)
    toolkit.check_access("govopen_applicant_profile_show", context, data_dict)
    profile = _profile(target.id)
    if profile is None:
        raise NotFound(msg("尚未填写申请主体信息", "No applicant profile yet"))
    return _profile_out(profile)


def applicant_profile_list(context, data_dict):
    toolkit.check_access("govopen_applicant_profile_list", context, data_dict)
    q = select(PT).order_by(PT.c.modified.desc())
    if data_dict.get("status"):
        q = q.where(PT.c.status == data_dict["status"])
    return [_profile_out(row_dict(r)) for r in model.Session.execute(q)]


def applicant_verify(context, data_dict):
    toolkit.check_access("govopen_applicant_verify", context, data_dict)
    user = _user(context)
    target = model.User.get(data_dict.get("user_id") or "")
    if target is None:
        raise NotFound(msg("用户不存在", "User not found"))
    row = model.Session.execute(
        select(PT).where(PT.c.user_id == target.id).with_for_update()).first()
    if row is None:
        raise NotFound(msg("尚未填写申请主体信息", "No applicant profile yet"))
    profile = row_dict(row)
    verified = sch.as_bool(data_dict.get("verified", True))
    reason = sch.clean_str(data_dict.get("reason"))
    if target.id == user.id and not user.sysadmin:
        raise toolkit.NotAuthorized(msg("不能审核自己的认证", "You cannot verify yourself"))
    if verified:
        if sch.proof_required(profile["applicant_type"]) and not profile.get("proof_file"):
            raise ValidationError({"proof_file": [msg(
                "该类申请主体须上传营业执照或法人证书后才能认证",
                "Proof (business licence / legal person certificate) is required")]})
        values = dict(status="verified", reject_reason=None)
        subject = "【数据开放平台】申请主体认证已通过"
    else:
        if not reason:
            raise ValidationError({"reason": [msg("驳回认证须说明理由",
                                                  "A reason is required to reject")]})
        values = dict(status="rejected", reject_reason=reason)
        subject = "【数据开放平台】申请主体认证未通过"
    model.Session.execute(update(PT).where(PT.c.user_id == target.id).values(
        verified_by=user.name, verified_at=now(), modified=now(), **values))
    notify.notify([target.id], subject, subject + (f"\n理由：{reason}" if reason else "")
                  + f"\n{notify.site_link('/applications/profile')}")
    _commit(context)
    return _profile_out(_profile(target.id))


# ---------------------------------------------------------------- applications

def _ref_no() -> str:
    day = workdays.today().strftime("%Y%m%d")
    n = model.Session.execute(text(
        "SELECT count(*) FROM govopen_application WHERE ref_no LIKE :p"),
        {"p": f"SQ{day}%"}).scalar() or 0
    return f"SQ{day}{n + 1:04d}{uuid.uuid4().hex[:4].upper()}"


def _org_ids(packages) -> list[str]:
    out = []
    for pkg in packages:
        if pkg and pkg.get("owner_org") and pkg["owner_org"] not in out:
            out.append(pkg["owner_org"])
    return out


def application_create(context, data_dict):
    toolkit.check_access("govopen_application_create", context, data_dict)
    user = _user(context)
    form = sch.normalise_application(data_dict)
    packages = _packages(form.get("package_ids") or [])
    errors = sch.validate_application(form, packages, full=False, today=workdays.today())
    if errors:
        raise ValidationError(errors)
    app_id = new_id()
    model.Session.execute(insert(AT).values(
        id=app_id, ref_no=None, user_id=user.id, state=states.DRAFT, version=1,
        package_ids=form.get("package_ids") or [], org_ids=_org_ids(packages),
        data=form, renewal_of=data_dict.get("_renewal_of"), final_approval=False,
        grant_ids=[], created=now(), modified=now()))
    _history(app_id, "renew" if data_dict.get("_renewal_of") else "create",
             None, states.DRAFT, user.name)
    for kind in ("commitment_upload", "attachment_upload"):
        if data_dict.get(kind) is not None:
            _attach(app_id, user, kind, data_dict[kind])
    _commit(context)
    return application_show(context, {"id": app_id})


def _attach(app_id, user, kind, upload):
    stored = save_upload(upload, app_id)
    if not stored:
        return None
    app = _load(app_id, lock=True)
    data = dict(app["data"] or {})
    if kind in ("commitment", "commitment_upload"):
        data["commitment_file"] = stored
    else:
        data["attachments"] = list(data.get("attachments") or []) + [stored]
    model.Session.execute(update(AT).where(AT.c.id == app_id).values(data=data, modified=now()))
    return stored


def application_update(context, data_dict):
    toolkit.check_access("govopen_application_update", context, data_dict)
    user = _user(context)
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "update", data_dict)
        form = sch.normalise_application(data_dict, base=app["data"] or {})
        packages = _packages(form.get("package_ids") or [])
        errors = sch.validate_application(form, packages, full=False, today=workdays.today())
        if errors:
            raise ValidationError(errors)
        _save(app, "update", user.name, package_ids=form.get("package_ids") or [],
              org_ids=_org_ids(packages), data=form)
        for kind in ("commitment_upload", "attachment_upload"):
            if data_dict.get(kind) is not None:
                _attach(app["id"], user, kind, data_dict[kind])
        _commit(context)
    except Exception:
        _fail()
        raise
    return application_show(context, {"id": app["id"]})


def application_attach(context, data_dict):
    """Upload the 安全承诺书 (kind=commitment) or an attachment (multipart)."""
    toolkit.check_access("govopen_application_update", context, data_dict)
    user = _user(context)
    app = _load(data_dict.get("id"))
    if not states.can("update", app["state"]):
        raise illegal("update", app["state"])
    stored = _attach(app["id"], user, data_dict.get("kind") or "attachment",
                     data_dict.get("upload"))
    if not stored:
        raise ValidationError({"upload": [msg("请选择要上传的文件", "Choose a file to upload")]})
    _commit(context)
    return stored


def _overdue_report_apps(user_id: str) -> list[str]:
    rows = model.Session.execute(select(AT.c.ref_no).where(and_(
        AT.c.user_id == user_id, AT.c.state == states.ACTIVE,
        AT.c.next_report_due < workdays.today())))
    return [r[0] for r in rows]


def check_eligibility(user: model.User, packages: list[dict]) -> dict:
    """Raise ValidationError with a bilingual reason; return the evidence."""
    profile = _profile(user.id)
    if profile is None:
        raise ValidationError({"applicant": [msg(
            "请先填写申请主体信息并完成实名认证", "Complete your applicant profile first")]})
    require = toolkit.asbool(toolkit.config.get(
        "ckanext.govopen.applications.require_verification", True))
    if require and profile["status"] != "verified":
        raise ValidationError({"applicant": [msg(
            "申请主体尚未通过实名认证，认证通过后才能提交申请",
            "Your applicant profile has not been verified yet")]})
    atype = profile["applicant_type"]
    evidence = {"profile": {k: profile.get(k) for k in (
        "applicant_type", "org_name", "uscc", "legal_rep", "contact_name",
        "contact_phone", "contact_email", "status", "verified_by", "verified_at")},
        "eligible": {}}
    for pkg in packages:
        allowed = _eligible_types(pkg)
        evidence["eligible"][pkg["id"]] = allowed
        if atype not in allowed:
            names = "、".join(sch.APPLICANT_TYPES.get(t, (t,))[0] for t in allowed) or "无"
            raise ValidationError({"applicant_type": [msg(
                f"数据集「{pkg['title']}」只接受以下主体申请：{names}；"
                f"您的主体类型「{sch.APPLICANT_TYPES.get(atype, (atype,))[0]}」不符合条件",
                f"Dataset '{pkg['name']}' only accepts applications from "
                f"{', '.join(allowed) or 'nobody'}; applicant type '{atype}' is not eligible")]})
    evidence["checked_at"] = now().isoformat()
    return evidence


def _review_days(packages, renewal: bool) -> int:
    if renewal:
        return _cfg_int("ckanext.govopen.applications.renewal_review_days", 5)
    days = _cfg_int("ckanext.govopen.applications.substantive_review_days", 10)
    own = []
    for pkg in packages:
        try:
            own.append(int(pkg.get("review_days")))
        except (TypeError, ValueError):
            pass
    return max(own) if own else days


def _start_substantive(app, packages, actor, action, comment=None, renewal=False):
    model.Session.execute(text(
        "DELETE FROM govopen_application_review WHERE application_id = :id"),
        {"id": app["id"]})
    for org_id in app["org_ids"] or _org_ids(packages):
        model.Session.execute(insert(VT).values(
            application_id=app["id"], org_id=org_id, decision="pending"))
    return _save(app, action, actor, comment, to_state=states.SUBSTANTIVE,
                 stage_started=now(),
                 deadline=_deadline(_review_days(packages, renewal)))


def application_submit(context, data_dict):
    toolkit.check_access("govopen_application_submit", context, data_dict)
    user = _user(context)
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "submit", data_dict)
        form = app["data"] or {}
        packages = _packages(app["package_ids"] or [])
        errors = sch.validate_application(form, packages, full=True, today=workdays.today())
        if errors:
            raise ValidationError(errors)
        overdue = _overdue_report_apps(user.id)
        if overdue:
            raise ValidationError({"reports": [msg(
                f"以下申请的利用情况报告已逾期，补交后才能提交新申请：{'、'.join(overdue)}",
                f"Usage reports are overdue for {', '.join(overdue)}; file them first")]})
        evidence = check_eligibility(user, packages)
        final = toolkit.asbool(toolkit.config.get(
            "ckanext.govopen.applications.final_approval", False))
        values = dict(applicant=evidence, org_ids=_org_ids(packages), final_approval=final)
        comment = sch.clean_str(data_dict.get("comment")) or None
        if app["state"] == states.MORE_INFO:
            # answer to a department: back to substantive review, same deadline rules
            model.Session.execute(update(VT).where(and_(
                VT.c.application_id == app["id"], VT.c.decision == "more_info"))
                .values(decision="pending", decided_at=None))
            app = _save(app, "respond", user.name, comment, to_state=states.SUBSTANTIVE,
                        stage_started=now(), deadline=_deadline(_review_days(packages, False)),
                        **values)
            action = "respond"
        elif app["renewal_of"]:
            app = dict(app, **values)
            app = _start_substantive(app, packages, user.name, "submit", comment, renewal=True)
            model.Session.execute(update(AT).where(AT.c.id == app["id"]).values(
                submitted_at=now(), ref_no=app["ref_no"] or _ref_no(), **values))
            action = "submit"
        else:
            action = "resubmit" if app["state"] == states.RETURNED else "submit"
            app = _save(app, action, user.name, comment, to_state=states.SUBMITTED,
                        stage_started=now(),
                        deadline=_deadline(_cfg_int(
                            "ckanext.govopen.applications.formal_check_days", 5)),
                        submitted_at=app["submitted_at"] or now(),
                        ref_no=app["ref_no"] or _ref_no(), **values)
        shown = _enrich(_load(app["id"]), brief=True)
        notify.on_transition(shown, action, user.name, comment)
        _commit(context)
    except Exception:
        _fail()
        raise
    return application_show(context, {"id": app["id"]})


def application_withdraw(context, data_dict):
    toolkit.check_access("govopen_application_withdraw", context, data_dict)
    user = _user(context)
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "withdraw", data_dict)
        comment = sch.clean_str(data_dict.get("reason") or data_dict.get("comment")) or None
        app = _save(app, "withdraw", user.name, comment, to_state=states.WITHDRAWN,
                    closed_at=now(), deadline=None)
        notify.on_transition(_enrich(app, brief=True), "withdraw", user.name, comment)
        _commit(context)
    except Exception:
        _fail()
        raise
    return application_show(context, {"id": app["id"]})


def _reviews(app_id) -> list[dict]:
    rows = model.Session.execute(select(VT).where(VT.c.application_id == app_id)
                                 .order_by(VT.c.id))
    return [row_dict(r) for r in rows]


def application_review(context, data_dict):
    """decision: pass | return (formal check, operator); approve | reject |
    request_info (department; approve/reject also for the authority's final
    decision). ``comment`` is required for return, reject and request_info."""
    toolkit.check_access("govopen_application_review", context, data_dict)
    user = _user(context)
    decision = sch.clean_str(data_dict.get("decision"))
    comment = sch.clean_str(data_dict.get("comment") or data_dict.get("reason")) or None
    if decision not in ("pass", "return", "approve", "reject", "request_info"):
        raise ValidationError({"decision": [msg(
            "无效的审核决定（pass/return/approve/reject/request_info）",
            "Invalid decision (pass/return/approve/reject/request_info)")]})
    if decision in states.NEEDS_REASON and not comment:
        raise ValidationError({"comment": [msg(
            "退回、不予批准或要求补充材料时必须说明理由",
            "A reason is required to return, reject or request more information")]})
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, decision, data_dict)
        if app["user_id"] == user.id:
            raise toolkit.NotAuthorized(msg("不能审核自己的申请", "You cannot review your own application"))
        org_id = None
        if app["state"] == states.SUBMITTED:
            if not roles.is_operator(user):
                raise toolkit.NotAuthorized(msg("只有平台运营单位或主管部门可以进行形式审查",
                                                "Only the operator runs the formal check"))
            if decision == "pass":
                packages = _packages(app["package_ids"])
                app = _start_substantive(app, packages, user.name, "pass", comment)
            else:
                app = _save(app, "return", user.name, comment, to_state=states.RETURNED,
                            deadline=None)
        elif app["state"] == states.SUBSTANTIVE:
            reviews = {r["org_id"]: r for r in _reviews(app["id"])}
            mine = [o for o in reviews if roles.is_department_reviewer(user, o)]
            if not mine:
                raise toolkit.NotAuthorized(msg("只有数源单位的审核人员可以进行实质审核",
                                                "Only the providing department reviews this"))
            wanted = data_dict.get("org_id")
            if wanted:
                if wanted not in mine:
                    raise toolkit.NotAuthorized(msg("您不是该部门的审核人员",
                                                    "You do not review for that department"))
                org_id = wanted
            else:
                pending = [o for o in mine if reviews[o]["decision"] == "pending"]
                org_id = (pending or mine)[0]
            if reviews[org_id]["decision"] != "pending":
                raise conflict_error(app["state"])
            model.Session.execute(update(VT).where(and_(
                VT.c.application_id == app["id"], VT.c.org_id == org_id)).values(
                decision={"approve": "approved", "reject": "rejected",
                          "request_info": "more_info"}[decision],
                reviewer=user.name, comment=comment, decided_at=now()))
            if decision == "reject":
                app = _save(app, "reject", user.name, comment, org_id, states.REJECTED,
                            decided_at=now(), closed_at=now(), deadline=None)
            elif decision == "request_info":
                app = _save(app, "request_info", user.name, comment, org_id,
                            states.MORE_INFO, deadline=None)
            else:
                left = [o for o, r in reviews.items() if o != org_id and r["decision"] != "approved"]
                if left:
                    app = _save(app, "approve", user.name, comment, org_id)
                elif app["final_approval"]:
                    app = _save(app, "approve", user.name, comment, org_id, states.FINAL,
                                stage_started=now(), deadline=_deadline(_cfg_int(
                                    "ckanext.govopen.applications.final_review_days", 5)))
                else:
                    app = _approved(app, user.name, comment, org_id)
        elif app["state"] == states.FINAL:
            if not roles.is_operator(user):
                raise toolkit.NotAuthorized(msg("只有数据主管部门可以作出最终决定",
                                                "Only the data authority decides"))
            if decision == "approve":
                app = _approved(app, user.name, comment, None)
            else:
                app = _save(app, "reject", user.name, comment, None, states.REJECTED,
                            decided_at=now(), closed_at=now(), deadline=None)
        notify.on_transition(_enrich(app, brief=True), decision, user.name, comment, org_id)
        _commit(context)
    except Exception:
        _fail()
        raise
    return application_show(context, {"id": app["id"]})


def _approved(app, actor, comment, org_id):
    return _save(app, "approve", actor, comment, org_id, states.APPROVED,
                 decided_at=now(), approved_at=now(), stage_started=now(),
                 deadline=_deadline(_cfg_int("ckanext.govopen.applications.agreement_days", 10)))


# ---------------------------------------------------------------- grants

def _grant_action(name: str):
    try:
        return toolkit.get_action(name)
    except (KeyError, AttributeError):
        raise ValidationError({"grants": [msg(
            "访问授权模块（govopen_access）未启用，无法开通授权",
            "The access-policy plugin (govopen_access) is not enabled")]})


def _grant_context() -> dict:
    return {"ignore_auth": True, "user": _site_user(), "defer_commit": True}


def _period(form: dict) -> tuple[datetime.datetime, datetime.datetime]:
    zone = workdays.tz()
    start = datetime.date.fromisoformat(form["period_start"][:10])
    end = datetime.date.fromisoformat(form["period_end"][:10])
    valid_from = max(now(), datetime.datetime.combine(start, datetime.time(0), zone))
    valid_until = datetime.datetime.combine(end, datetime.time(23, 59, 59), zone)
    return valid_from, valid_until


def revoke_grants(grant_ids, reason: str) -> None:
    if not grant_ids:
        return
    action = _grant_action("govopen_grant_revoke")
    for gid in grant_ids:
        try:
            action(_grant_context(), {"id": gid, "reason": reason})
        except ValidationError as exc:
            # already revoked/expired grants are fine; anything else is not
            log.info("grant %s not revoked: %s", gid, exc.error_dict)


def application_agree(context, data_dict):
    toolkit.check_access("govopen_application_agree", context, data_dict)
    user = _user(context)
    if not sch.as_bool(data_dict.get("accept_agreement", data_dict.get("accept"))):
        raise ValidationError({"accept_agreement": [msg(
            "须勾选同意开放利用协议", "You must accept the agreement")]})
    created: list[str] = []
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "agree", data_dict)
        form = app["data"] or {}
        valid_from, valid_until = _period(form)
        create = _grant_action("govopen_grant_create")
        modes = [m for m in form.get("access_modes") or ["download"]]
        for pkg in _packages(app["package_ids"]):
            res_ids = [r["id"] for r in pkg.get("resources", [])
                       if r["id"] in (form.get("resource_ids") or [])]
            items = [it["name_en"] for it in pkg.get("data_items") or []
                     if it.get("name_en") in (form.get("data_items") or [])]
            grant = create(_grant_context(), {
                "user_id": app["user_id"], "package_id": pkg["id"],
                "resource_ids": res_ids, "data_items": items,
                "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(),
                "source_application_id": app["id"], "access_modes": modes})
            created.append(grant["id"])
        version = toolkit.config.get("ckanext.govopen.applications.agreement_version") or ""
        data = dict(form, agreement={"version": version, "accepted_by": user.name,
                                     "accepted_at": now().isoformat()})
        interval = _cfg_int("ckanext.govopen.applications.report_interval_days", 182)
        app = _save(app, "agree", user.name, f"协议版本 {version}", to_state=states.ACTIVE,
                    data=data, activated_at=now(), valid_from=valid_from,
                    valid_until=valid_until, grant_ids=created, deadline=None,
                    next_report_due=workdays.today() + datetime.timedelta(days=interval))
        if app["renewal_of"]:
            old = _load(app["renewal_of"], lock=True)
            if states.can("renewed", old["state"]):
                _save(old, "renewed", user.name, f"续期申请 {app['ref_no']}",
                      to_state=states.RENEWED, closed_at=now())
                revoke_grants(old["grant_ids"] or [], "已续期，由新授权替代 / superseded by renewal")
        notify.on_transition(_enrich(app, brief=True), "agree", user.name, None)
        _commit(context)
    except Exception:
        _fail()
        if created:   # grants that an access plugin committed on its own
            try:
                revoke_grants(created, "申请开通失败，回滚 / rolled back")
                model.Session.commit()
            except Exception:  # pragma: no cover - best effort
                log.exception("could not roll back grants %s", created)
                model.Session.rollback()
        raise
    return application_show(context, {"id": app["id"]})


def application_revoke(context, data_dict):
    toolkit.check_access("govopen_application_revoke", context, data_dict)
    user = _user(context)
    reason = sch.clean_str(data_dict.get("reason") or data_dict.get("comment"))
    if not reason:
        raise ValidationError({"reason": [msg("撤销授权必须说明理由",
                                              "A reason is required to revoke")]})
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "revoke", data_dict)
        revoke_grants(app["grant_ids"] or [], reason)
        app = _save(app, "revoke", user.name, reason, to_state=states.REVOKED,
                    closed_at=now())
        notify.on_transition(_enrich(app, brief=True), "revoke", user.name, reason)
        _commit(context)
    except Exception:
        _fail()
        raise
    return application_show(context, {"id": app["id"]})


def application_renew(context, data_dict):
    """Start a renewal: a new draft carrying over the answers (shortened
    review: no formal check, ``renewal_review_days``)."""
    toolkit.check_access("govopen_application_renew", context, data_dict)
    user = _user(context)
    old = _load(data_dict.get("id"))
    if old["state"] not in (states.ACTIVE, states.EXPIRED):
        raise illegal("renew", old["state"])
    overdue = _overdue_report_apps(user.id)
    if overdue:
        raise ValidationError({"reports": [msg(
            f"利用情况报告已逾期，补交后才能续期：{'、'.join(overdue)}",
            f"Usage reports are overdue ({', '.join(overdue)}); file them before renewing")]})
    form = dict(old["data"] or {})
    form.pop("agreement", None)
    form.update(sch.normalise_application(
        {k: v for k, v in data_dict.items() if k not in ("id", "package_ids", "package_id")}))
    if not data_dict.get("period_start"):
        # the renewal replaces the old grant when it is activated
        form["period_start"] = workdays.today().isoformat()
    form["package_ids"] = old["package_ids"]
    return application_create(context, dict(form, _renewal_of=old["id"]))


# ---------------------------------------------------------------- reports

def report_create(context, data_dict):
    toolkit.check_access("govopen_application_report_create", context, data_dict)
    user = _user(context)
    usage = sch.clean_str(data_dict.get("usage"))
    errors = {}
    if not usage:
        errors["usage"] = [msg("请填写数据利用情况", "Describe how the data was used")]
    if not sch.as_bool(data_dict.get("no_onward_transfer")):
        errors["no_onward_transfer"] = [msg("须确认未向第三方转交数据",
                                            "Confirm the data was not passed on")]
    if errors:
        raise ValidationError(errors)
    try:
        app = _load(data_dict.get("id"), lock=True)
        _check(app, "report", data_dict)
        model.Session.execute(insert(RT).values(
            application_id=app["id"], user_id=user.id,
            period=sch.clean_str(data_dict.get("period")) or None, usage=usage,
            outputs=sch.clean_str(data_dict.get("outputs")) or None,
            benefits=sch.clean_str(data_dict.get("benefits")) or None,
            incidents=sch.clean_str(data_dict.get("incidents")) or None,
            no_onward_transfer=True,
            destruction_confirmed=sch.as_bool(data_dict.get("destruction_confirmed")),
            created=now()))
        interval = _cfg_int("ckanext.govopen.applications.report_interval_days", 182)
        due = None
        if app["state"] == states.ACTIVE:
            due = max(app["next_report_due"] or workdays.today(), workdays.today()) \
                + datetime.timedelta(days=interval)
        _save(app, "report", user.name, sch.clean_str(data_dict.get("period")) or None,
              next_report_due=due)
        notify.on_transition(_enrich(app, brief=True), "report", user.name, None)
        _commit(context)
    except Exception:
        _fail()
        raise
    return _reports(app["id"])[-1]


def _reports(app_id) -> list[dict]:
    return [row_dict(r) for r in model.Session.execute(
        select(RT).where(RT.c.application_id == app_id).order_by(RT.c.id))]


# ---------------------------------------------------------------- reading

def _user_name(uid):
    user = model.User.get(uid) if uid else None
    return user.name if user else uid


def _enrich(app: dict, brief: bool = False) -> dict:
    out = {k: (v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else v)
           for k, v in app.items()}
    pkgs = []
    for pid in app.get("package_ids") or []:
        pkg = model.Package.get(pid)
        if pkg is not None:
            pkgs.append({"id": pkg.id, "name": pkg.name, "title": pkg.title,
                         "owner_org": pkg.owner_org})
    out["packages"] = pkgs
    out["package_titles"] = [p["title"] for p in pkgs]
    out["state_label"] = states.bilingual(app["state"])
    out["user_name"] = _user_name(app["user_id"])
    today = workdays.today()
    deadline = app.get("deadline")
    if isinstance(deadline, str):
        deadline = datetime.date.fromisoformat(deadline)
    out["overdue"] = bool(deadline and app["state"] in states.STAGES and deadline < today)
    out["stage"] = states.STAGES.get(app["state"])
    due = app.get("next_report_due")
    if isinstance(due, str):
        due = datetime.date.fromisoformat(due)
    out["report_overdue"] = bool(due and app["state"] == states.ACTIVE and due < today)
    if brief:
        return out
    orgs = {}
    for oid in app.get("org_ids") or []:
        grp = model.Group.get(oid)
        orgs[oid] = grp.title if grp else oid
    out["organizations"] = [{"id": k, "title": v} for k, v in orgs.items()]
    out["reviews"] = [dict(r, org_title=orgs.get(r["org_id"], r["org_id"]))
                      for r in _reviews(app["id"])]
    out["history"] = [dict(row_dict(r), action_label="{} / {}".format(
        *states.ACTION_LABELS.get(r.action, (r.action, r.action))))
        for r in model.Session.execute(select(HT).where(
            HT.c.application_id == app["id"]).order_by(HT.c.id))]
    out["reports"] = _reports(app["id"])
    return out


def application_show(context, data_dict):
    app = _load(data_dict.get("id"))
    toolkit.check_access("govopen_application_show", context, dict(data_dict, id=app["id"]))
    out = _enrich(app)
    user = roles.user_obj(context)
    out["permissions"] = permissions(user, app)
    return out


def permissions(user, app: dict) -> dict:
    """What ``user`` may do with ``app`` now (drives the detail page)."""
    state = app["state"]
    if user is None:
        return {}
    own = user.id == app["user_id"]
    operator = roles.is_operator(user)
    depts = [o for o in app.get("org_ids") or [] if roles.is_department_reviewer(user, o)]
    pending = []
    if state == states.SUBSTANTIVE:
        pending = [r["org_id"] for r in _reviews(app["id"])
                   if r["decision"] == "pending" and r["org_id"] in depts]
    return {
        "edit": own and states.can("update", state),
        "submit": own and states.can("submit", state),
        "withdraw": own and states.can("withdraw", state),
        "agree": own and states.can("agree", state),
        "report": own and states.can("report", state),
        "renew": own and state in (states.ACTIVE, states.EXPIRED),
        "formal_check": not own and operator and state == states.SUBMITTED,
        "substantive": (not own and bool(pending)),
        "substantive_orgs": pending,
        "final": not own and operator and state == states.FINAL,
        "revoke": (operator or bool(depts)) and state == states.ACTIVE,
    }


def application_list(context, data_dict):
    """scope: ``mine`` (default), ``review`` (what the user reviews) or ``all``
    (operator). Filters: state, org_id, package_id, overdue, q."""
    toolkit.check_access("govopen_application_list", context, data_dict)
    user = _user(context)
    scope = data_dict.get("scope") or "mine"
    q = select(AT)
    if scope == "mine":
        q = q.where(AT.c.user_id == user.id)
    else:
        operator = roles.is_operator(user)
        orgs = roles.review_org_ids(user)
        conds = []
        if operator:
            if scope == "all" or not orgs:
                conds.append(AT.c.state != states.DRAFT)
            else:
                conds.append(AT.c.state.in_([states.SUBMITTED, states.FINAL]))
        for oid in orgs:
            conds.append(and_(AT.c.org_ids.contains([oid]), AT.c.state.notin_(
                [states.DRAFT, states.SUBMITTED, states.RETURNED])))
        if not conds:
            return {"count": 0, "results": []}
        q = q.where(or_(*conds))
    if data_dict.get("state"):
        q = q.where(AT.c.state.in_(sch.as_list(data_dict["state"])))
    if data_dict.get("org_id"):
        grp = model.Group.get(data_dict["org_id"])
        q = q.where(AT.c.org_ids.contains([grp.id if grp else data_dict["org_id"]]))
    if data_dict.get("package_id"):
        pkg = model.Package.get(data_dict["package_id"])
        q = q.where(AT.c.package_ids.contains([pkg.id if pkg else data_dict["package_id"]]))
    if sch.as_bool(data_dict.get("overdue")):
        q = q.where(and_(AT.c.deadline < workdays.today(),
                         AT.c.state.in_(list(states.STAGES))))
    if data_dict.get("q"):
        like = f"%{data_dict['q']}%"
        q = q.where((AT.c.ref_no.ilike(like)) | (AT.c.data.cast(Text).ilike(like)))
    q = q.order_by(AT.c.deadline.asc().nulls_last(), AT.c.modified.desc())
    rows = [dict(r._mapping) for r in model.Session.execute(q)]
    limit = int(data_dict.get("limit") or 100)
    offset = int(data_dict.get("offset") or 0)
    return {"count": len(rows),
            "results": [_enrich(r, brief=True) for r in rows[offset:offset + limit]]}


def notice_list(context, data_dict):
    toolkit.check_access("govopen_application_notice_list", context, data_dict)
    user = _user(context)
    rows = model.Session.execute(select(NT).where(NT.c.user_id == user.id)
                                 .order_by(NT.c.id.desc()).limit(int(data_dict.get("limit") or 50)))
    out = [row_dict(r) for r in rows]
    if sch.as_bool(data_dict.get("mark_read")):
        model.Session.execute(update(NT).where(and_(NT.c.user_id == user.id,
                                                    NT.c.read_at.is_(None))).values(read_at=now()))
        _commit(context)
    return out


def application_stats(context, data_dict):
    toolkit.check_access("govopen_application_stats", context, data_dict)
    from . import stats
    return stats.compute(package_id=data_dict.get("package_id"),
                         org_id=data_dict.get("org_id"))


def get_actions() -> dict:
    return {
        "govopen_applicant_profile_update": applicant_profile_update,
        "govopen_applicant_profile_show": applicant_profile_show,
        "govopen_applicant_profile_list": applicant_profile_list,
        "govopen_applicant_verify": applicant_verify,
        "govopen_application_create": application_create,
        "govopen_application_update": application_update,
        "govopen_application_attach": application_attach,
        "govopen_application_submit": application_submit,
        "govopen_application_withdraw": application_withdraw,
        "govopen_application_review": application_review,
        "govopen_application_agree": application_agree,
        "govopen_application_revoke": application_revoke,
        "govopen_application_renew": application_renew,
        "govopen_application_show": application_show,
        "govopen_application_list": application_list,
        "govopen_application_report_create": report_create,
        "govopen_application_notice_list": notice_list,
        "govopen_application_stats": application_stats,
    }
