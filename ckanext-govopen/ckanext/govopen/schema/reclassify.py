"""Reclassification control (GUIDE §2 rule 8).

Moving ``open_type`` towards more restriction (universal → authorized/closed,
authorized → closed) or ``share_type`` towards ``none`` (unconditional →
conditional → none) may only be done by the data authority:

* a sysadmin,
* an admin of the organisation named by ``ckanext.govopen.authority_org``,
* an admin of any organisation whose ``is_authority`` is ``true``,

and only with a new ``reclassification_reason``. Loosening a ``closed``
dataset also needs a new reason (the 脱敏 plan or consent record it relies
on). Both fields are ordinary dataset fields, so the change and its reason
appear in the activity stream diff.

The check runs as a dataset-level ``after_validator`` so the API and the form
get the same field errors (``ValidationError``). ``ignore_auth`` does not
bypass it: it is a policy on who classifies data, not an access check.
"""
from __future__ import annotations

from typing import Any, Optional

from .validators import (OPEN_RANK, SHARE_RANK, _add_error, _empty, _get,
                         _package, msg)


def _user_obj(context: dict):
    from ckan import model
    user = context.get("auth_user_obj")
    if user is not None and getattr(user, "id", None):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def authority_org_ids() -> set[str]:
    """Ids of organisations acting as the data authority."""
    from ckan import model
    from ckan.plugins.toolkit import config
    ids = set()
    name = config.get("ckanext.govopen.authority_org")
    if name:
        org = model.Group.get(name)
        if org is not None and org.is_organization and org.state == "active":
            ids.add(org.id)
    query = model.Session.query(model.Group.id).filter(
        model.Group.is_organization.is_(True),
        model.Group.state == "active",
        model.Group.extras["is_authority"].astext == "true")
    ids.update(row[0] for row in query)
    return ids


def is_authority_user(user: Any) -> bool:
    """Sysadmin, or admin of an authority organisation."""
    from ckan import model
    if user is None:
        return False
    if getattr(user, "sysadmin", False):
        return True
    org_ids = authority_org_ids()
    if not org_ids:
        return False
    member = model.Session.query(model.Member.id).filter(
        model.Member.table_name == "user",
        model.Member.table_id == user.id,
        model.Member.state == "active",
        model.Member.capacity == "admin",
        model.Member.group_id.in_(org_ids)).first()
    return member is not None


def direction(old: Optional[str], new: Optional[str], ranks: dict) -> int:
    """+1 more restrictive, -1 looser, 0 same/unknown."""
    if old not in ranks or new not in ranks:
        return 0
    return (ranks[new] > ranks[old]) - (ranks[new] < ranks[old])


def govopen_reclassification(key, data, errors, context):
    pkg = _package(data, context)
    if pkg is None:  # creation: the publisher classifies freely
        return
    stored = pkg.extras or {}
    old_open, old_share = stored.get("open_type"), stored.get("share_type")
    new_open = _get(data, ("open_type",))
    new_share = _get(data, ("share_type",))
    if errors.get(("open_type",)) or errors.get(("share_type",)):
        return

    open_dir = direction(old_open, new_open, OPEN_RANK)
    share_dir = direction(old_share, new_share, SHARE_RANK)
    loosen_closed = old_open == "closed" and open_dir < 0
    if open_dir <= 0 and share_dir <= 0 and not loosen_closed:
        return

    reason = _get(data, ("reclassification_reason",))
    old_reason = stored.get("reclassification_reason")
    new_reason = not _empty(reason) and (
        str(reason).strip() != str(old_reason or "").strip())

    if open_dir > 0 or share_dir > 0:
        if not is_authority_user(_user_obj(context)):
            if open_dir > 0:
                _add_error(errors, ("open_type",), msg(
                    "只有数据主管部门可以将开放属性调整为更严格的类别"
                    f"（{old_open} → {new_open}），请提交变更申请",
                    "Only the data authority may move the openness class "
                    f"towards more restriction ({old_open} -> {new_open}); "
                    "file a change request"))
            if share_dir > 0:
                _add_error(errors, ("share_type",), msg(
                    "只有数据主管部门可以将共享属性调整为更严格的类别"
                    f"（{old_share} → {new_share}），请提交变更申请",
                    "Only the data authority may move the sharing class "
                    f"towards more restriction ({old_share} -> {new_share}); "
                    "file a change request"))
            return
    if not new_reason:
        _add_error(errors, ("reclassification_reason",), msg(
            "调整开放或共享属性须填写新的调整理由",
            "A new reason is required when the openness or sharing class is "
            "changed this way"))
