"""Department-reviewer approval of 脱敏 plans (GUIDE §6.5 step 3; §2 rule 20:
role-separated approvals, nobody approves their own request).

::

    draft ──submit──▶ submitted ──approve──▶ approved ──▶ run → release
      ▲                   └──reject (reason)──▶ rejected ──submit──┘
      └── edit: a new draft revision, from any status ◀──

* Publishers (whoever may edit the dataset) edit and submit. Every edit is
  a new revision, so an approval always names exactly the rules it covers;
  editing an approved plan therefore needs a new approval before the next
  run (the derivative already published stays: it came from approved
  rules).
* Reviewers: sysadmins and admins of the dataset's owner organisation (the
  department's 开放主体 approver); editors are publishers, not reviewers.
* Four-eyes: the approver must be neither the user who submitted the
  revision nor one who edited it, unless
  ``ckanext.govopen.desensitize.allow_self_approval`` is on (one-person
  departments); a self-approval is marked in its event.
* Only a submitted revision may be approved or rejected; a rejection needs
  a reason.

Functions here change rows and append events; the calling action commits.
"""
from __future__ import annotations

from typing import Any, Optional

from ckan import model
import ckan.plugins.toolkit as tk

from . import model as dz

SELF_APPROVAL = "ckanext.govopen.desensitize.allow_self_approval"

STATUS_TEXT = {
    dz.DRAFT: ("草稿", "Draft"),
    dz.SUBMITTED: ("待部门审核", "Awaiting department review"),
    dz.APPROVED: ("已批准", "Approved"),
    dz.REJECTED: ("已退回", "Rejected"),
    dz.SUPERSEDED: ("已被新版本取代", "Superseded"),
}

EVENT_TEXT = {
    "proposed": ("检测后生成方案", "Plan proposed by the scan"),
    "edited": ("修改规则", "Rules edited"),
    "submitted": ("确认规则并提交审核", "Rules confirmed and submitted"),
    "approved": ("审核批准", "Approved"),
    "rejected": ("审核退回", "Rejected"),
    "published": ("发布脱敏数据", "Derivative published"),
    "blocked": ("校验未通过，阻止发布", "Verification failed; blocked"),
    "run_failed": ("脱敏失败", "Run failed"),
    "migrated": ("升级前已确认，视为已批准",
                 "Confirmed before review existed; treated as approved"),
}


class TransitionError(Exception):
    """An illegal transition: ``field`` names the input at fault, ``zh`` /
    ``en`` say why."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.field, self.zh, self.en = field, zh, en


# ------------------------------------------------------------------- roles
def self_approval_allowed() -> bool:
    return tk.asbool(tk.config.get(SELF_APPROVAL, False))


def reviewer_org_ids(user: Optional[model.User]) -> Optional[list[str]]:
    """Organisations whose plans ``user`` reviews; None means all
    (sysadmin)."""
    if user is None:
        return []
    if user.sysadmin:
        return None
    q = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active", model.Member.capacity == "admin",
        model.Group.state == "active", model.Group.is_organization.is_(True))
    return sorted({row[0] for row in q})


def is_reviewer(user: Optional[model.User], pkg: Optional[model.Package]
                ) -> bool:
    if user is None or pkg is None:
        return False
    orgs = reviewer_org_ids(user)
    return orgs is None or (pkg.owner_org is not None
                            and pkg.owner_org in orgs)


def authors(plan_row: dict[str, Any]) -> set[str]:
    """Users who wrote or submitted this revision (ids)."""
    out = dz.plan_actors(plan_row["id"], ("edited", "submitted"))
    if plan_row.get("confirmed_by"):
        out.add(plan_row["confirmed_by"])
    return out


def own_revision(user: Optional[model.User], plan_row: dict[str, Any]
                 ) -> bool:
    return user is not None and user.id in authors(plan_row)


def four_eyes_blocks(user: Optional[model.User], plan_row: dict[str, Any]
                     ) -> bool:
    return own_revision(user, plan_row) and not self_approval_allowed()


# ------------------------------------------------------------- transitions
def state_after(resource_id: str, package_id: str, state: str) -> None:
    """The original's state follows the plan unless a derivative is
    already public: that release stays, and stays labelled published."""
    row = dz.get_resource(resource_id)
    if row is None or row["state"] != "published":
        dz.set_resource(resource_id, package_id, state=state)


def record_edit(plan_row: dict[str, Any], previous: Optional[dict[str, Any]],
                actor: Optional[str]) -> None:
    dz.add_event(resource_id=plan_row["resource_id"],
                 package_id=plan_row["package_id"], action="edited",
                 plan_row=plan_row,
                 from_status=(previous or {}).get("status"),
                 to_status=dz.DRAFT, actor=actor,
                 details={"previous_revision": (previous or {}).get(
                     "revision")})


def submit(plan_row: dict[str, Any], actor: Optional[str]) -> dict[str, Any]:
    status = plan_row["status"]
    if status == dz.SUBMITTED:
        raise TransitionError(
            "plan", "该方案已提交，正在等待部门审核",
            "The plan is already submitted and awaits the department "
            "reviewer")
    if status == dz.APPROVED:
        raise TransitionError(
            "plan", "该方案已获批准；如需修改，请编辑规则后重新提交",
            "The plan is already approved; edit the rules to submit a new "
            "revision")
    if status not in (dz.DRAFT, dz.REJECTED):
        raise TransitionError("plan", f"方案状态为 {status}，不能提交",
                              f"A plan in status {status} cannot be "
                              "submitted")
    at = dz.now()
    dz.update_plan(plan_row["id"], status=dz.SUBMITTED, confirmed_by=actor,
                   confirmed_at=at, reviewed_by=None, reviewed_at=None,
                   review_decision=None, review_reason=None)
    dz.add_event(resource_id=plan_row["resource_id"],
                 package_id=plan_row["package_id"], action="submitted",
                 plan_row=plan_row, from_status=status,
                 to_status=dz.SUBMITTED, actor=actor)
    state_after(plan_row["resource_id"], plan_row["package_id"],
                 dz.SUBMITTED)
    return dz.get_plan(plan_row["id"])


def _require_submitted(plan_row: dict[str, Any]) -> None:
    status = plan_row["status"]
    if status == dz.SUBMITTED:
        return
    if status == dz.APPROVED:
        raise TransitionError("plan", "该方案已获批准",
                              "The plan is already approved")
    if status == dz.REJECTED:
        raise TransitionError("plan", "该方案已被退回，须重新提交后才能审核",
                              "The plan was rejected; it must be submitted "
                              "again before it can be reviewed")
    raise TransitionError("plan", "该方案尚未提交审核",
                          "The plan has not been submitted for review")


def approve(plan_row: dict[str, Any], user: model.User,
            reason: Optional[str] = None) -> dict[str, Any]:
    _require_submitted(plan_row)
    own = own_revision(user, plan_row)
    if own and not self_approval_allowed():
        raise TransitionError(
            "user", "提交或修改该方案的人员不能批准它，须由部门其他审核人批准",
            "Whoever submitted or edited the plan cannot approve it; "
            "another reviewer of the department must (four-eyes rule)")
    dz.update_plan(plan_row["id"], status=dz.APPROVED, reviewed_by=user.id,
                   reviewed_at=dz.now(), review_decision=dz.APPROVED,
                   review_reason=reason or None)
    dz.add_event(resource_id=plan_row["resource_id"],
                 package_id=plan_row["package_id"], action="approved",
                 plan_row=plan_row, from_status=dz.SUBMITTED,
                 to_status=dz.APPROVED, actor=user.id, reason=reason or None,
                 details={"self_approved": True} if own else {})
    state_after(plan_row["resource_id"], plan_row["package_id"],
                 dz.APPROVED)
    return dz.get_plan(plan_row["id"])


def reject(plan_row: dict[str, Any], user: model.User, reason: str
           ) -> dict[str, Any]:
    _require_submitted(plan_row)
    if not (reason or "").strip():
        raise TransitionError("reason", "退回须说明理由",
                              "A rejection needs a reason")
    dz.update_plan(plan_row["id"], status=dz.REJECTED, reviewed_by=user.id,
                   reviewed_at=dz.now(), review_decision=dz.REJECTED,
                   review_reason=reason.strip())
    dz.add_event(resource_id=plan_row["resource_id"],
                 package_id=plan_row["package_id"], action="rejected",
                 plan_row=plan_row, from_status=dz.SUBMITTED,
                 to_status=dz.REJECTED, actor=user.id, reason=reason.strip())
    state_after(plan_row["resource_id"], plan_row["package_id"],
                 dz.REJECTED)
    return dz.get_plan(plan_row["id"])


# ------------------------------------------------------------------- views
def user_label(user_id: Optional[str]) -> Optional[dict[str, str]]:
    if not user_id:
        return None
    user = model.User.get(user_id)
    if user is None:
        return {"id": user_id, "name": user_id, "display_name": user_id}
    return {"id": user.id, "name": user.name,
            "display_name": user.display_name}


def event_dict(event: dict[str, Any]) -> dict[str, Any]:
    zh, en = EVENT_TEXT.get(event["action"], (event["action"],) * 2)
    return dict(event, action_text={"zh": zh, "en": en},
                actor_user=user_label(event.get("actor")))


def review_state(user: Optional[model.User], pkg: model.Package,
                 plan_row: Optional[dict[str, Any]]) -> dict[str, Any]:
    """What ``user`` may do with the current revision (for pages)."""
    reviewer = is_reviewer(user, pkg)
    submitted = plan_row is not None and plan_row["status"] == dz.SUBMITTED
    blocked = bool(submitted and reviewer and four_eyes_blocks(user,
                                                               plan_row))
    return {"reviewer": reviewer,
            "may_review": bool(submitted and reviewer and not blocked),
            "four_eyes_blocked": blocked,
            "self_approval_allowed": self_approval_allowed()}
