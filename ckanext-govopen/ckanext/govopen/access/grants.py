"""Grants (授权) table: who may get which data of an authorized dataset, and
until when. Rows live in ``govopen_grant`` (migration
``migration/govopen_access``); nothing here is cached, so revocation and
expiry take effect on the very next request.

Times are naive UTC, like CKAN's own columns. A date-only ``valid_until`` is
inclusive: the grant ends at the start of the next day.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan import model

metadata = sa.MetaData()

grant_table = sa.Table(
    "govopen_grant", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("resource_ids", JSONB, nullable=False),
    sa.Column("data_items", JSONB, nullable=False),
    sa.Column("access_modes", JSONB, nullable=False),
    sa.Column("valid_from", sa.DateTime, nullable=False),
    sa.Column("valid_until", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
    sa.Column("revoked_by", sa.UnicodeText),
    sa.Column("revoke_reason", sa.UnicodeText),
    sa.Column("source_application_id", sa.UnicodeText),
    sa.Column("created_by", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

ACCESS_MODES = ("download", "api")


def now() -> dt.datetime:
    return dt.datetime.utcnow()


def parse_time(value: Any, end: bool = False) -> dt.datetime:
    """ISO date or datetime → naive UTC datetime. ``end`` makes a bare date
    inclusive (start of the following day)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
        return parsed + dt.timedelta(days=1) if end else parsed
    else:
        text = str(value).strip()
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            parsed = dt.datetime.combine(day, dt.time())
            return parsed + dt.timedelta(days=1) if end else parsed
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return parsed


def _row_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in ("valid_from", "valid_until", "revoked_at", "created_at"):
        if data.get(key) is not None:
            data[key] = data[key].isoformat()
    data["active"] = is_active(row)
    return data


def is_active(row: Any, at: Optional[dt.datetime] = None) -> bool:
    at = at or now()
    m = row._mapping if hasattr(row, "_mapping") else row
    return (m["revoked_at"] is None and m["valid_from"] <= at
            < m["valid_until"])


def create(*, user_id: str, package_id: str, resource_ids: Iterable[str],
           data_items: Iterable[str], access_modes: Iterable[str],
           valid_from: dt.datetime, valid_until: dt.datetime,
           source_application_id: Optional[str], created_by: Optional[str],
           commit: bool = True) -> dict[str, Any]:
    values = dict(
        id=str(uuid.uuid4()), user_id=user_id, package_id=package_id,
        resource_ids=list(resource_ids), data_items=list(data_items),
        access_modes=list(access_modes) or list(ACCESS_MODES),
        valid_from=valid_from, valid_until=valid_until,
        source_application_id=source_application_id, created_by=created_by,
        created_at=now())
    model.Session.execute(grant_table.insert().values(**values))
    if commit:
        model.Session.commit()
    return get(values["id"])


def get(grant_id: str) -> Optional[dict[str, Any]]:
    row = model.Session.execute(
        grant_table.select().where(grant_table.c.id == grant_id)).first()
    return _row_dict(row) if row is not None else None


def revoke(grant_id: str, by: Optional[str], reason: str,
           commit: bool = True) -> dict[str, Any]:
    model.Session.execute(
        grant_table.update().where(grant_table.c.id == grant_id)
        .where(grant_table.c.revoked_at.is_(None))
        .values(revoked_at=now(), revoked_by=by, revoke_reason=reason))
    if commit:
        model.Session.commit()
    return get(grant_id)


def search(user_id: Optional[str] = None, package_id: Optional[str] = None,
           source_application_id: Optional[str] = None,
           active_only: bool = False,
           package_ids: Optional[Iterable[str]] = None,
           or_user_id: Optional[str] = None) -> list[dict[str, Any]]:
    t = grant_table
    query = t.select()
    if user_id:
        query = query.where(t.c.user_id == user_id)
    if package_id:
        query = query.where(t.c.package_id == package_id)
    if source_application_id:
        query = query.where(t.c.source_application_id == source_application_id)
    if package_ids is not None:
        scope = t.c.package_id.in_(list(package_ids))
        if or_user_id:
            scope = sa.or_(scope, t.c.user_id == or_user_id)
        query = query.where(scope)
    if active_only:
        at = now()
        query = query.where(t.c.revoked_at.is_(None),
                            t.c.valid_from <= at, t.c.valid_until > at)
    query = query.order_by(t.c.created_at.desc())
    return [_row_dict(r) for r in model.Session.execute(query)]


def active_grants_for(user_id: str, package_id: str, resource_id: str,
                      mode: Optional[str] = None) -> list[dict[str, Any]]:
    """Every active grant of ``user_id`` covering ``resource_id`` (longest
    valid first), read from the database on every call."""
    t = grant_table
    at = now()
    covers = sa.or_(
        sa.func.jsonb_array_length(t.c.resource_ids) == 0,
        t.c.resource_ids.contains([resource_id]))
    query = t.select().where(
        t.c.user_id == user_id, t.c.package_id == package_id,
        t.c.revoked_at.is_(None), t.c.valid_from <= at, t.c.valid_until > at,
        covers)
    if mode:
        query = query.where(t.c.access_modes.contains([mode]))
    rows = model.Session.execute(query.order_by(t.c.valid_until.desc(),
                                                t.c.id))
    return [_row_dict(r) for r in rows]


def active_grant_for(user_id: str, package_id: str, resource_id: str,
                     mode: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The longest-valid active grant of ``user_id`` covering
    ``resource_id``."""
    found = active_grants_for(user_id, package_id, resource_id, mode)
    return found[0] if found else None


def item_scope(active: Iterable[dict[str, Any]]) -> Optional[frozenset[str]]:
    """Data items (``name_en``) that the given grants cover together: None
    means every item (a grant listing no items covers all of them)."""
    items: set[str] = set()
    for grant in active:
        if not grant.get("data_items"):
            return None
        items.update(grant["data_items"])
    return frozenset(items)
