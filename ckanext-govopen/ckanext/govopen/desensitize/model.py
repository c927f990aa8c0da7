"""Tables of the CKAN-side 脱敏 workflow (migration
``migration/govopen_desensitize``). Keys are never stored: only key ids.

* ``govopen_desensitize_resource``: every resource the workflow tracks, with
  its ``role`` (``original`` kept private to the provider department,
  ``derivative`` = published desensitized file, ``clean`` = scanned upload
  without personal data) and ``state``. This table, not the resource's
  extras, is the source of truth for the publication gate (users can edit
  extras).
* ``govopen_desensitize_plan``: one row per plan revision, with the scan
  profile and problems. ``status``: draft → submitted (the publisher
  confirmed it; ``confirmed_by``) → approved | rejected (the department
  reviewer; ``reviewed_by``, ``review_reason``); any edit stores a new draft
  revision and marks the older one superseded (see review.py).
* ``govopen_desensitize_job``: scan / run / extract jobs with status,
  progress and report.
* ``govopen_desensitize_release``: each run (release id, key id, plan
  version, sha256, counts, k report, publishable).
* ``govopen_desensitize_extract``: per-grant extracts and their manifests.
* ``govopen_desensitize_event``: append-only log of every plan transition
  (who, when, revision, reason) and of every release (plan version, release
  id, key id, counts per type, k report): GUIDE §2 rule 9, §6.5 step 5.

Times are naive UTC, like CKAN's own columns.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan import model

metadata = sa.MetaData()

resource_table = sa.Table(
    "govopen_desensitize_resource", metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("source_id", sa.UnicodeText),
    sa.Column("derivative_id", sa.UnicodeText),
    sa.Column("encoding", sa.UnicodeText),
    sa.Column("message", JSONB, nullable=False, default=list),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

plan_table = sa.Table(
    "govopen_desensitize_plan", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("plan_id", sa.UnicodeText, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("plan", JSONB, nullable=False),
    sa.Column("profile", JSONB),
    sa.Column("problems", JSONB, nullable=False, default=list),
    sa.Column("created_by", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("confirmed_by", sa.UnicodeText),
    sa.Column("confirmed_at", sa.DateTime),
    sa.Column("reviewed_by", sa.UnicodeText),
    sa.Column("reviewed_at", sa.DateTime),
    sa.Column("review_decision", sa.UnicodeText),
    sa.Column("review_reason", sa.UnicodeText),
)

job_table = sa.Table(
    "govopen_desensitize_job", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_row_id", sa.UnicodeText),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("progress", sa.Float, nullable=False, default=0.0),
    sa.Column("report", JSONB),
    sa.Column("problems", JSONB, nullable=False, default=list),
    sa.Column("rq_job_id", sa.UnicodeText),
    sa.Column("created_by", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime),
    sa.Column("finished_at", sa.DateTime),
)

release_table = sa.Table(
    "govopen_desensitize_release", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("derivative_id", sa.UnicodeText),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("job_id", sa.UnicodeText),
    sa.Column("plan_row_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_revision", sa.Integer, nullable=False),
    sa.Column("key_id", sa.UnicodeText),
    sa.Column("sha256", sa.UnicodeText),
    sa.Column("rows_in", sa.BigInteger),
    sa.Column("rows_out", sa.BigInteger),
    sa.Column("counts", JSONB),
    sa.Column("k_anonymity", JSONB),
    sa.Column("publishable", sa.Boolean, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False, default=False),
    sa.Column("created_by", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

extract_table = sa.Table(
    "govopen_desensitize_extract", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("grant_id", sa.UnicodeText, nullable=False),
    sa.Column("recipient_id", sa.UnicodeText, nullable=False),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("release_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_revision", sa.Integer, nullable=False),
    sa.Column("key_id", sa.UnicodeText),
    sa.Column("sha256", sa.UnicodeText, nullable=False),
    sa.Column("rows", sa.BigInteger),
    sa.Column("columns", JSONB),
    sa.Column("manifest", JSONB, nullable=False),
    sa.Column("path", sa.UnicodeText, nullable=False),
    sa.Column("created_by", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

event_table = sa.Table(
    "govopen_desensitize_event", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("plan_row_id", sa.UnicodeText),
    sa.Column("plan_id", sa.UnicodeText),
    sa.Column("revision", sa.Integer),
    sa.Column("action", sa.UnicodeText, nullable=False),
    sa.Column("from_status", sa.UnicodeText),
    sa.Column("to_status", sa.UnicodeText),
    sa.Column("actor", sa.UnicodeText),
    sa.Column("reason", sa.UnicodeText),
    sa.Column("details", JSONB, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

ORIGINAL, DERIVATIVE, CLEAN = "original", "derivative", "clean"

# Plan statuses (see review.py for the transitions).
DRAFT, SUBMITTED, APPROVED, REJECTED, SUPERSEDED = (
    "draft", "submitted", "approved", "rejected", "superseded")

# Resource states (role original): pending → scanned (rules to confirm) |
# clean | scan_failed; → submitted (awaiting the department reviewer) →
# approved (run queued) | rejected; → running → published | blocked |
# run_failed. Derivative rows: published or withdrawn.
PUBLIC_STATES = frozenset({"published"})


def now() -> dt.datetime:
    return dt.datetime.utcnow()


def new_id() -> str:
    return str(uuid.uuid4())


def _iso(data: dict[str, Any]) -> dict[str, Any]:
    for key, value in list(data.items()):
        if isinstance(value, dt.datetime):
            data[key] = value.isoformat(timespec="seconds")
    return data


def _row(row: Any) -> Optional[dict[str, Any]]:
    return _iso(dict(row._mapping)) if row is not None else None


def _first(query) -> Optional[dict[str, Any]]:
    return _row(model.Session.execute(query).first())


def commit() -> None:
    model.Session.commit()


# --------------------------------------------------------------- resources
def get_resource(resource_id: str) -> Optional[dict[str, Any]]:
    t = resource_table
    return _first(t.select().where(t.c.resource_id == resource_id))


def resources_of(package_id: str) -> list[dict[str, Any]]:
    t = resource_table
    return [_row(r) for r in model.Session.execute(
        t.select().where(t.c.package_id == package_id))]


def set_resource(resource_id: str, package_id: str, **values: Any) -> None:
    """Insert or update the tracking row of a resource."""
    t = resource_table
    values["updated_at"] = now()
    if get_resource(resource_id) is None:
        values.setdefault("role", ORIGINAL)
        values.setdefault("state", "pending")
        values.setdefault("message", [])
        model.Session.execute(t.insert().values(
            resource_id=resource_id, package_id=package_id, **values))
    else:
        model.Session.execute(t.update().where(
            t.c.resource_id == resource_id).values(**values))


def derivative_of(resource_id: str) -> Optional[dict[str, Any]]:
    t = resource_table
    return _first(t.select().where(t.c.source_id == resource_id,
                                   t.c.role == DERIVATIVE))


# ------------------------------------------------------------------- plans
def add_plan(*, resource_id: str, package_id: str, plan: dict,
             status: str, profile: Optional[dict] = None,
             problems: Optional[list] = None, created_by: Optional[str] = None,
             confirmed_by: Optional[str] = None) -> dict[str, Any]:
    """Store a plan revision; the resource's current revision (whatever its
    status) becomes ``superseded``."""
    t = plan_table
    row_id = new_id()
    model.Session.execute(t.update().where(
        t.c.resource_id == resource_id, t.c.status != SUPERSEDED)
        .values(status=SUPERSEDED))
    at = now()
    model.Session.execute(t.insert().values(
        id=row_id, plan_id=plan["plan_id"], revision=int(plan["revision"]),
        resource_id=resource_id, package_id=package_id, status=status,
        plan=plan, profile=profile, problems=problems or [],
        created_by=created_by, created_at=at,
        confirmed_by=confirmed_by,
        confirmed_at=at if confirmed_by else None))
    return get_plan(row_id)


def get_plan(row_id: str) -> Optional[dict[str, Any]]:
    return _first(plan_table.select().where(plan_table.c.id == row_id))


def current_plan(resource_id: str, lock: bool = False
                 ) -> Optional[dict[str, Any]]:
    """The revision that is not superseded. ``lock`` holds its row until
    the transaction ends, so two reviewers (or a reviewer and an editor)
    cannot both move the same revision."""
    t = plan_table
    q = t.select().where(t.c.resource_id == resource_id,
                         t.c.status != SUPERSEDED)
    if lock:
        q = q.with_for_update()
    return _first(q.order_by(t.c.created_at.desc()))


def update_plan(row_id: str, **values: Any) -> None:
    model.Session.execute(plan_table.update().where(
        plan_table.c.id == row_id).values(**values))


def latest_plan(resource_id: str) -> Optional[dict[str, Any]]:
    t = plan_table
    return _first(t.select().where(t.c.resource_id == resource_id)
                  .order_by(t.c.created_at.desc()))


def approved_plan(resource_id: str) -> Optional[dict[str, Any]]:
    """The current revision if the department reviewer approved it."""
    row = current_plan(resource_id)
    return row if row is not None and row["status"] == APPROVED else None


def submitted_plans(org_ids: Optional[list[str]] = None
                    ) -> list[dict[str, Any]]:
    """Revisions awaiting review, oldest first, with the dataset's owner
    organisation; ``org_ids=None``: every department."""
    t = plan_table
    pkg = model.package_table
    q = sa.select(t, pkg.c.owner_org, pkg.c.name.label("package_name"),
                  pkg.c.title.label("package_title")).join(
        pkg, pkg.c.id == t.c.package_id).where(
        t.c.status == SUBMITTED, pkg.c.state != "deleted")
    if org_ids is not None:
        if not org_ids:
            return []
        q = q.where(pkg.c.owner_org.in_(org_ids))
    return [_row(r) for r in model.Session.execute(
        q.order_by(t.c.confirmed_at.asc()))]


# -------------------------------------------------------------------- jobs
def add_job(*, kind: str, resource_id: str, package_id: str,
            plan_row_id: Optional[str] = None,
            created_by: Optional[str] = None) -> dict[str, Any]:
    row_id = new_id()
    model.Session.execute(job_table.insert().values(
        id=row_id, kind=kind, resource_id=resource_id, package_id=package_id,
        plan_row_id=plan_row_id, status="queued", progress=0.0, problems=[],
        created_by=created_by, created_at=now()))
    return get_job(row_id)


def get_job(row_id: str) -> Optional[dict[str, Any]]:
    return _first(job_table.select().where(job_table.c.id == row_id))


def update_job(row_id: str, **values: Any) -> None:
    model.Session.execute(job_table.update().where(
        job_table.c.id == row_id).values(**values))


def set_job_progress(row_id: str, progress: float) -> None:
    """From engine threads: its own connection and transaction, so progress
    is visible to pollers while the job's session is still open."""
    with model.meta.engine.begin() as conn:
        conn.execute(job_table.update().where(job_table.c.id == row_id)
                     .values(progress=round(float(progress), 4)))


def latest_job(resource_id: str, kind: Optional[str] = None
               ) -> Optional[dict[str, Any]]:
    t = job_table
    q = t.select().where(t.c.resource_id == resource_id)
    if kind:
        q = q.where(t.c.kind == kind)
    return _first(q.order_by(t.c.created_at.desc()))


# ---------------------------------------------------------------- releases
def add_release(**values: Any) -> dict[str, Any]:
    values.setdefault("id", new_id())
    values.setdefault("created_at", now())
    model.Session.execute(release_table.insert().values(**values))
    return get_release(values["id"])


def get_release(release_id: str) -> Optional[dict[str, Any]]:
    return _first(release_table.select().where(
        release_table.c.id == release_id))


def update_release(release_id: str, **values: Any) -> None:
    model.Session.execute(release_table.update().where(
        release_table.c.id == release_id).values(**values))


def published_release(resource_id: str) -> Optional[dict[str, Any]]:
    """The newest published release of an original."""
    t = release_table
    return _first(t.select().where(t.c.resource_id == resource_id,
                                   t.c.published.is_(True))
                  .order_by(t.c.created_at.desc()))


def latest_release(resource_id: str) -> Optional[dict[str, Any]]:
    t = release_table
    return _first(t.select().where(t.c.resource_id == resource_id)
                  .order_by(t.c.created_at.desc()))


# ---------------------------------------------------------------- extracts
def add_extract(**values: Any) -> dict[str, Any]:
    values.setdefault("id", new_id())
    values.setdefault("created_at", now())
    model.Session.execute(extract_table.insert().values(**values))
    return get_extract(values["id"])


def get_extract(extract_id: str) -> Optional[dict[str, Any]]:
    return _first(extract_table.select().where(
        extract_table.c.id == extract_id))


def extract_for(grant_id: str, resource_id: str, release_id: str
                ) -> Optional[dict[str, Any]]:
    t = extract_table
    return _first(t.select().where(t.c.grant_id == grant_id,
                                   t.c.resource_id == resource_id,
                                   t.c.release_id == release_id)
                  .order_by(t.c.created_at.desc()))


def extracts(package_id: Optional[str] = None) -> list[dict[str, Any]]:
    t = extract_table
    q = t.select()
    if package_id:
        q = q.where(t.c.package_id == package_id)
    return [_row(r) for r in model.Session.execute(
        q.order_by(t.c.created_at.desc()))]


# ------------------------------------------------------------------ events
def add_event(*, resource_id: str, package_id: str, action: str,
              plan_row: Optional[dict] = None, from_status: Optional[str] = None,
              to_status: Optional[str] = None, actor: Optional[str] = None,
              reason: Optional[str] = None,
              details: Optional[dict] = None) -> None:
    """Append one event (never updated or deleted)."""
    model.Session.execute(event_table.insert().values(
        id=new_id(), resource_id=resource_id, package_id=package_id,
        plan_row_id=(plan_row or {}).get("id"),
        plan_id=(plan_row or {}).get("plan_id"),
        revision=(plan_row or {}).get("revision"), action=action,
        from_status=from_status, to_status=to_status, actor=actor,
        reason=reason, details=details or {}, created_at=now()))


def events_of(resource_id: str) -> list[dict[str, Any]]:
    """Events of an original, oldest first."""
    t = event_table
    return [_row(r) for r in model.Session.execute(
        t.select().where(t.c.resource_id == resource_id)
        .order_by(t.c.created_at.asc(), t.c.id.asc()))]


def plan_actors(plan_row_id: str, actions: tuple[str, ...]) -> set[str]:
    t = event_table
    return {r[0] for r in model.Session.execute(
        sa.select(t.c.actor).where(t.c.plan_row_id == plan_row_id,
                                   t.c.action.in_(actions),
                                   t.c.actor.isnot(None)))}
