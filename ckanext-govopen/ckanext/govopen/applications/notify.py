"""In-app notices (own table) and e-mail through CKAN's mailer, in Chinese.

Notices are written in the caller's transaction; e-mails are queued on the
session and sent only after the transaction commits (``flush_mail``), so a
failed transition mails nobody and a dead SMTP server never fails one.
"""
from __future__ import annotations

import logging
from typing import Iterable

from sqlalchemy import insert

from ckan import model
from ckan.plugins import toolkit

from . import roles
from .model import notice_table, now

log = logging.getLogger(__name__)

_PENDING = "govopen_applications_mail"


def site_link(path: str) -> str:
    return (toolkit.config.get("ckan.site_url") or "").rstrip("/") + path


def notify(user_ids: Iterable[str], subject: str, body: str,
           application_id: str | None = None) -> None:
    seen = set()
    for uid in user_ids:
        if not uid or uid in seen:
            continue
        seen.add(uid)
        model.Session.execute(insert(notice_table).values(
            user_id=uid, application_id=application_id, subject=subject,
            body=body, created=now()))
        model.Session.info.setdefault(_PENDING, []).append((uid, subject, body))


def flush_mail() -> None:
    """Send the e-mails of committed notices; log and continue on failure."""
    pending = model.Session.info.pop(_PENDING, [])
    if not pending or not toolkit.asbool(
            toolkit.config.get("ckanext.govopen.applications.email", True)):
        return
    from ckan.lib import mailer
    for uid, subject, body in pending:
        user = model.User.get(uid)
        if user is None or not user.email:
            continue
        try:
            mailer.mail_user(user, subject, body)
        except Exception as exc:  # SMTP down, refused, misconfigured…
            log.warning("govopen applications: e-mail to %s failed: %s",
                        user.name, exc)


def discard_mail() -> None:
    model.Session.info.pop(_PENDING, None)


def app_title(app: dict) -> str:
    return f"申请 {app.get('ref_no') or app['id'][:8]}"


def on_transition(app: dict, action: str, actor: str | None, comment: str | None,
                  org_id: str | None = None) -> None:
    """Tell the right people about a transition."""
    from . import states
    link = site_link(f"/applications/{app['id']}")
    title = app_title(app)
    state = states.label(app["state"])
    reason = f"\n意见/理由：{comment}" if comment else ""
    applicant = [app["user_id"]]
    depts = roles.department_reviewers(app.get("org_ids") or [])
    operators = roles.operator_user_ids()
    body = f"{title}（{', '.join(app.get('package_titles') or [])}）当前状态：{state}。{reason}\n详情：{link}"
    if action in ("submit", "resubmit"):
        notify(applicant, f"【数据开放平台】{title}已提交（回执号 {app.get('ref_no')}）", body, app["id"])
        notify(operators, f"【数据开放平台】待形式审查：{title}", body, app["id"])
    elif action == "respond":
        notify(depts, f"【数据开放平台】申请人已补充材料：{title}", body, app["id"])
    elif action == "pass":
        notify(applicant, f"【数据开放平台】{title}已通过形式审查", body, app["id"])
        notify(depts, f"【数据开放平台】待实质审核：{title}", body, app["id"])
    elif action == "return":
        notify(applicant, f"【数据开放平台】{title}被退回补正", body, app["id"])
    elif action == "request_info":
        notify(applicant, f"【数据开放平台】{title}需要补充材料", body, app["id"])
    elif action == "approve":
        if app["state"] == states.APPROVED:
            notify(applicant, f"【数据开放平台】{title}已批准，请签署开放利用协议", body, app["id"])
        elif app["state"] == states.FINAL:
            notify(operators, f"【数据开放平台】待主管部门审批：{title}", body, app["id"])
    elif action == "reject":
        notify(applicant, f"【数据开放平台】{title}未获批准", body + "\n如需重新申请，请根据理由修改后另行提交。", app["id"])
    elif action == "agree":
        notify(applicant, f"【数据开放平台】{title}已生效，可在授权范围内使用数据", body, app["id"])
        notify(depts, f"【数据开放平台】{title}已签署协议并生效", body, app["id"])
    elif action == "withdraw":
        notify(depts + operators if app.get("submitted_at") else [],
               f"【数据开放平台】{title}已被申请人撤回", body, app["id"])
    elif action in ("revoke", "expire"):
        word = "已撤销" if action == "revoke" else "已到期"
        notify(applicant, f"【数据开放平台】{title}授权{word}", body, app["id"])
        notify(depts, f"【数据开放平台】{title}授权{word}", body, app["id"])
    elif action == "report":
        notify(depts, f"【数据开放平台】{title}提交了利用情况报告", body, app["id"])
