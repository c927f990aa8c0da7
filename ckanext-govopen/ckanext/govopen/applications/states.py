"""The application state machine (GUIDE §5.2).

``TRANSITIONS[action] = (from_states, to_state, actor)``; ``to_state`` None
means "decided by the action" (e.g. a department approval moves on only when
every department has approved). Actors: ``applicant``, ``operator`` (formal
check, 平台运营/主管部门), ``department`` (数源单位 reviewer of one of the
application's datasets), ``authority`` (final decision), ``reviewer``
(department or authority), ``system`` (background jobs).
"""
from __future__ import annotations

DRAFT = "draft"
SUBMITTED = "submitted"            # awaiting the formal check
RETURNED = "returned"              # returned for correction
SUBSTANTIVE = "substantive_review"
MORE_INFO = "more_info"            # department asked for more information
FINAL = "final_review"             # optional authority decision
APPROVED = "approved"              # waiting for the applicant's agreement
ACTIVE = "active"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
REVOKED = "revoked"
RENEWED = "renewed"

STATES = (DRAFT, SUBMITTED, RETURNED, SUBSTANTIVE, MORE_INFO, FINAL, APPROVED,
          ACTIVE, REJECTED, WITHDRAWN, EXPIRED, REVOKED, RENEWED)

LABELS = {
    DRAFT: ("草稿", "Draft"),
    SUBMITTED: ("已提交，待形式审查", "Submitted, awaiting formal check"),
    RETURNED: ("退回补正", "Returned for correction"),
    SUBSTANTIVE: ("实质审核中", "Substantive review"),
    MORE_INFO: ("待补充材料", "More information requested"),
    FINAL: ("主管部门审批中", "Authority decision"),
    APPROVED: ("已批准，待签署协议", "Approved, agreement pending"),
    ACTIVE: ("使用中", "Active"),
    REJECTED: ("不予批准", "Rejected"),
    WITHDRAWN: ("已撤回", "Withdrawn"),
    EXPIRED: ("已到期", "Expired"),
    REVOKED: ("已撤销授权", "Revoked"),
    RENEWED: ("已续期", "Renewed"),
}

# states in which a stage deadline runs, and the stage's name
STAGES = {
    SUBMITTED: "formal_check",
    SUBSTANTIVE: "substantive_review",
    FINAL: "final_review",
    APPROVED: "agreement",
}
REVIEW_STATES = (SUBMITTED, SUBSTANTIVE, FINAL)
OPEN_STATES = (SUBMITTED, RETURNED, SUBSTANTIVE, MORE_INFO, FINAL, APPROVED)
CLOSED_STATES = (REJECTED, WITHDRAWN, EXPIRED, REVOKED, RENEWED)

TRANSITIONS = {
    "update":        ((DRAFT, RETURNED, MORE_INFO), None, "applicant"),
    "submit":        ((DRAFT, RETURNED, MORE_INFO), None, "applicant"),
    "withdraw":      ((DRAFT, SUBMITTED, RETURNED, SUBSTANTIVE, MORE_INFO,
                       FINAL, APPROVED), WITHDRAWN, "applicant"),
    "pass":          ((SUBMITTED,), SUBSTANTIVE, "operator"),
    "return":        ((SUBMITTED,), RETURNED, "operator"),
    "approve":       ((SUBSTANTIVE, FINAL), None, "reviewer"),
    "reject":        ((SUBSTANTIVE, FINAL), REJECTED, "reviewer"),
    "request_info":  ((SUBSTANTIVE,), MORE_INFO, "department"),
    "agree":         ((APPROVED,), ACTIVE, "applicant"),
    "revoke":        ((ACTIVE,), REVOKED, "reviewer"),
    "expire":        ((ACTIVE, APPROVED), EXPIRED, "system"),
    "renewed":       ((ACTIVE, EXPIRED), RENEWED, "system"),
    "report":        ((ACTIVE, EXPIRED, REVOKED, RENEWED), None, "applicant"),
}

# review decisions that need a reason (GUIDE rule 6: refusals give reasons)
NEEDS_REASON = {"return", "reject", "request_info", "revoke"}

ACTION_LABELS = {
    "create": ("创建草稿", "Draft created"),
    "update": ("修改申请", "Updated"),
    "submit": ("提交申请", "Submitted"),
    "resubmit": ("补正后重新提交", "Resubmitted"),
    "respond": ("补充材料", "More information supplied"),
    "withdraw": ("撤回申请", "Withdrawn"),
    "pass": ("形式审查通过", "Formal check passed"),
    "return": ("退回补正", "Returned for correction"),
    "approve": ("审核同意", "Approved"),
    "reject": ("不予批准", "Rejected"),
    "request_info": ("要求补充材料", "More information requested"),
    "agree": ("签署开放利用协议", "Agreement accepted"),
    "revoke": ("撤销授权", "Revoked"),
    "expire": ("到期", "Expired"),
    "renewed": ("已由续期申请替代", "Superseded by renewal"),
    "renew": ("发起续期", "Renewal started"),
    "report": ("提交利用情况报告", "Usage report filed"),
}


def label(state: str, lang: str = "zh") -> str:
    zh, en = LABELS.get(state, (state, state))
    return zh if lang.startswith("zh") else en


def bilingual(state: str) -> str:
    zh, en = LABELS.get(state, (state, state))
    return f"{zh} / {en}"


def can(action: str, state: str) -> bool:
    spec = TRANSITIONS.get(action)
    return bool(spec) and state in spec[0]
