"""Template helpers of the govopen_catalog plugin."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.govopen.catalog import freshness


def _lang() -> str:
    try:
        from ckan.plugins.toolkit import h
        return h.lang() or "zh_Hans_CN"
    except Exception:
        return "zh_Hans_CN"


def govopen_freshness(pkg_dict: dict, now: Any = None) -> dict:
    """Freshness of a dataset for display (``freshness_badge.html``).

    Returns ``status`` (fresh/due_soon/overdue/unchecked), ``label``,
    ``frequency``, ``threshold_days``, ``last_update`` (ISO),
    ``last_update_date``, ``due``, ``days_overdue`` and ``days_until_due``.
    Computed live, so it never drifts like the indexed facet value does.
    """
    f = freshness.compute(pkg_dict or {}, now=now,
                          due_soon_ratio=freshness.configured_ratio())
    out = f.as_dict()
    out["label"] = freshness.status_label(f.status, _lang())
    out["last_update_date"] = (
        str(pkg_dict.get("data_updated"))[:10] if pkg_dict.get("data_updated")
        else (f.last_update.date().isoformat() if f.last_update else None))
    out["due_date"] = f.due.date().isoformat() if f.due else None
    return out


def govopen_freshness_label(status: str, lang: Optional[str] = None) -> str:
    return freshness.status_label(status, lang or _lang())


def get_helpers() -> dict:
    return {
        "govopen_freshness": govopen_freshness,
        "govopen_freshness_label": govopen_freshness_label,
    }
