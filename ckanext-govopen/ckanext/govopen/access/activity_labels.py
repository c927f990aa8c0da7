"""Keep the permission labels of a dataset's past activities in step with
the dataset (ckan/ckan#7885).

CKAN stores ``activity.permission_labels`` when an activity is written and
never again, and activity lists (recently changed, dashboard, organization,
user) filter on them. Without this, a dataset reclassified to 不予开放 with
``ckanext.govopen.list_closed = false`` keeps showing its title in old
public activities.

Rule, applied whenever the dataset is indexed (so its current labels are
being computed anyway):

* restricted now (no ``public`` label): every past activity gets the
  current labels, so nobody sees more history than the dataset;
* public now: activities relabelled earlier become public again only if
  the dataset copy stored in them was public when written; history from a
  private period stays as restricted as it was.
"""
from __future__ import annotations

import json
import types
from typing import Any, Optional

import sqlalchemy as sa

from ckan import model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import plugin_loaded

PUBLIC = "public"

_RESTRICT = sa.text("""
    UPDATE activity SET permission_labels = :labels
    WHERE object_id = :id AND activity_type LIKE '%package'
      AND permission_labels IS DISTINCT FROM CAST(:labels AS text[])
""")
_NOT_PUBLIC = sa.text("""
    SELECT id, data FROM activity
    WHERE object_id = :id AND activity_type LIKE '%package'
      AND NOT (coalesce(permission_labels, '{}') @> ARRAY['public'])
""")
_SET = sa.text("UPDATE activity SET permission_labels = :labels "
               "WHERE id = :id")


def _snapshot_labels(pkg: model.Package, stored: dict[str, Any]
                     ) -> list[str]:
    """The labels the dataset had when this copy of it was stored: the
    site's own label rules (default + access policy) applied to it."""
    extras = dict(pkg.extras or {})
    if stored.get("open_type"):
        extras["open_type"] = stored["open_type"]
    then = types.SimpleNamespace(
        id=pkg.id, state=stored.get("state") or "active",
        private=bool(stored.get("private")),
        owner_org=stored.get("owner_org") or pkg.owner_org,
        creator_user_id=stored.get("creator_user_id") or pkg.creator_user_id,
        extras=extras)
    return get_permission_labels().get_dataset_labels(then)


def relabel(package_id: Optional[str]) -> None:
    """Bring the labels of ``package_id``'s activities in line with the
    dataset (in the caller's transaction, like the change itself)."""
    if not package_id or not plugin_loaded("activity"):
        return
    pkg = model.Package.get(package_id)
    if pkg is None:
        return
    now = get_permission_labels().get_dataset_labels(pkg)
    session = model.Session
    if PUBLIC not in now:
        session.execute(_RESTRICT, {"labels": list(now), "id": pkg.id})
        return
    for row in session.execute(_NOT_PUBLIC, {"id": pkg.id}):
        try:
            data = row.data if isinstance(row.data, dict) else \
                json.loads(row.data or "{}")
        except ValueError:
            continue
        stored = data.get("package") or {}
        labels = _snapshot_labels(pkg, stored)
        if PUBLIC in labels:
            session.execute(_SET, {"labels": labels, "id": row.id})
