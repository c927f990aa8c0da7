"""Who is who: applicant, department reviewer, operator / data authority.

* operator (平台运营单位 / 主管部门): a sysadmin or a member of an authority
  organisation — ``ckanext.govopen.schema.reclassify`` decides which
  organisations are the authority (``ckanext.govopen.authority_org`` or
  ``is_authority = true``).
* department reviewer (开放主体): admin or editor of the dataset's owner
  organisation (sysadmins act for every department).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckan import model

from ckanext.govopen.schema.reclassify import authority_org_ids, is_authority_user

REVIEW_CAPACITIES = ("admin", "editor")


def user_obj(context_or_name: Any) -> Optional[model.User]:
    if isinstance(context_or_name, dict):
        user = context_or_name.get("auth_user_obj")
        if user is not None and getattr(user, "id", None):
            return user
        context_or_name = context_or_name.get("user")
    if not context_or_name:
        return None
    if isinstance(context_or_name, model.User):
        return context_or_name
    return model.User.get(context_or_name)


def _member_org_ids(user_id: str, capacities: Optional[Iterable[str]] = None) -> set[str]:
    q = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user_id,
        model.Member.state == "active", model.Group.state == "active",
        model.Group.is_organization.is_(True))
    if capacities:
        q = q.filter(model.Member.capacity.in_(list(capacities)))
    return {row[0] for row in q}


def is_operator(user: Optional[model.User]) -> bool:
    if user is None:
        return False
    if is_authority_user(user):          # sysadmin or authority admin
        return True
    return bool(_member_org_ids(user.id) & authority_org_ids())


def review_org_ids(user: Optional[model.User]) -> set[str]:
    """Organisations whose applications the user reviews."""
    if user is None:
        return set()
    return _member_org_ids(user.id, REVIEW_CAPACITIES)


def is_department_reviewer(user: Optional[model.User], org_id: str) -> bool:
    if user is None:
        return False
    return bool(user.sysadmin) or org_id in review_org_ids(user)


def department_reviewers(org_ids: Iterable[str]) -> list[str]:
    org_ids = list(org_ids)
    if not org_ids:
        return []
    q = model.Session.query(model.Member.table_id).filter(
        model.Member.table_name == "user", model.Member.state == "active",
        model.Member.capacity.in_(REVIEW_CAPACITIES),
        model.Member.group_id.in_(org_ids))
    return sorted({row[0] for row in q})


def operator_user_ids() -> list[str]:
    """Sysadmins (except the site user) and members of authority orgs."""
    from ckan.plugins.toolkit import config
    site_user = config.get("ckan.site_id")
    ids = {uid for uid, name in model.Session.query(model.User.id, model.User.name)
           .filter(model.User.sysadmin.is_(True), model.User.state == "active")
           if name != site_user}
    orgs = authority_org_ids()
    if orgs:
        q = model.Session.query(model.Member.table_id).filter(
            model.Member.table_name == "user", model.Member.state == "active",
            model.Member.group_id.in_(list(orgs)))
        ids.update(row[0] for row in q)
    return sorted(ids)
