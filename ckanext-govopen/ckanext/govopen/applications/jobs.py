"""Background work: expiry and reminders (run by RQ; see ``cli.py``).

* ``expire_due``: active applications past ``valid_until`` → expired, their
  grants revoked (access closes even if a grant outlived its date);
  approvals whose agreement deadline passed → expired (lapsed).
* ``remind``: overdue and due-tomorrow stages → the stage's reviewers plus
  the operator (escalation); overdue usage reports → the applicant.
* ``periodic``: both, one transaction each; what ``ckan govopen
  applications-remind`` enqueues.
"""
from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select

from ckan import model

from . import notify, roles, states, workdays
from .actions import _enrich, _load, _save, revoke_grants
from .model import application_table as AT, now

log = logging.getLogger(__name__)

JOB_TITLE = "govopen applications: expiry and reminders"


def expire_due() -> list[str]:
    today = workdays.today()
    rows = model.Session.execute(select(AT.c.id).where(or_(
        and_(AT.c.state == states.ACTIVE, AT.c.valid_until < now()),
        and_(AT.c.state == states.APPROVED, AT.c.deadline < today))))
    done = []
    for (app_id,) in list(rows):
        try:
            app = _load(app_id, lock=True)
            if not states.can("expire", app["state"]):
                model.Session.rollback()
                continue
            lapsed = app["state"] == states.APPROVED
            reason = ("协议未在期限内签署，批准失效 / agreement not signed in time"
                      if lapsed else "授权到期 / grant period ended")
            revoke_grants(app["grant_ids"] or [], reason)
            app = _save(app, "expire", None, reason, to_state=states.EXPIRED,
                        closed_at=now(), deadline=None)
            notify.on_transition(_enrich(app, brief=True), "expire", None, reason)
            model.Session.commit()
            notify.flush_mail()
            done.append(app_id)
        except Exception:
            log.exception("could not expire application %s", app_id)
            model.Session.rollback()
            notify.discard_mail()
    return done


def remind() -> dict:
    today = workdays.today()
    tomorrow = workdays.add_workdays(today, 1)
    sent = {"overdue": 0, "due_soon": 0, "reports": 0}
    rows = model.Session.execute(select(AT).where(and_(
        AT.c.state.in_(list(states.STAGES)), AT.c.deadline.isnot(None),
        AT.c.deadline <= tomorrow))).fetchall()
    operators = roles.operator_user_ids()
    for row in rows:
        app = _enrich(dict(row._mapping), brief=True)
        overdue = row.deadline < today
        if row.state == states.SUBMITTED:
            actors = operators
        elif row.state == states.SUBSTANTIVE:
            actors = roles.department_reviewers(row.org_ids or [])
        elif row.state == states.FINAL:
            actors = operators
        else:  # approved: the applicant must sign
            actors = [row.user_id]
        word = "已超期" if overdue else "即将到期"
        subject = (f"【数据开放平台】{notify.app_title(app)}{states.label(row.state)}"
                   f"{word}（期限 {row.deadline.isoformat()}）")
        body = subject + "\n" + notify.site_link(f"/applications/{row.id}")
        targets = list(actors) + (operators if overdue and row.state != states.APPROVED else [])
        notify.notify(targets, subject, body, row.id)
        sent["overdue" if overdue else "due_soon"] += 1
    for row in model.Session.execute(select(AT).where(and_(
            AT.c.state == states.ACTIVE, AT.c.next_report_due <= today))).fetchall():
        app = _enrich(dict(row._mapping), brief=True)
        subject = f"【数据开放平台】请提交{notify.app_title(app)}的利用情况报告（应于 {row.next_report_due} 前提交）"
        notify.notify([row.user_id], subject,
                      subject + "\n" + notify.site_link(f"/applications/{row.id}"), row.id)
        sent["reports"] += 1
    model.Session.commit()
    notify.flush_mail()
    return sent


def periodic() -> dict:
    expired = expire_due()
    sent = remind()
    log.info("govopen applications: expired %d, reminders %s", len(expired), sent)
    return {"expired": expired, "reminders": sent}
