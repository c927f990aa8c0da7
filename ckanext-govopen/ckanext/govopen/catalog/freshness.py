"""Freshness monitor (GUIDE rule 14, §4.6).

Compares the declared ``update_frequency`` of a dataset with its last data
update and classifies it as

* ``fresh``     – within the period,
* ``due_soon``  – within the last ``due_soon_ratio`` of the period (alert the
  publisher before the promise is broken),
* ``overdue``   – the §4.6 threshold has passed without new data,
* ``unchecked`` – ``irregular`` / ``static`` / unknown frequency, or no date.

Pure functions; no CKAN imports at module level so the logic is testable
without an app.  All datetimes are naive UTC, like CKAN's own timestamps.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, Iterable, Iterator, Optional

# §4.6: flag as overdue after N days without new data.
THRESHOLD_DAYS: dict[str, int] = {
    "realtime": 1,
    "daily": 2,
    "weekly": 9,
    "monthly": 35,
    "quarterly": 100,
    "semiannual": 190,
    "annual": 380,
}
NEVER_CHECKED = ("irregular", "static")

FRESH = "fresh"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
UNCHECKED = "unchecked"
STATUSES = (FRESH, DUE_SOON, OVERDUE, UNCHECKED)

STATUS_LABELS = {
    FRESH: {"zh_Hans_CN": "按时更新", "en": "Up to date"},
    DUE_SOON: {"zh_Hans_CN": "即将到期", "en": "Update due soon"},
    OVERDUE: {"zh_Hans_CN": "更新逾期", "en": "Overdue"},
    UNCHECKED: {"zh_Hans_CN": "不检查", "en": "Not checked"},
}

DEFAULT_DUE_SOON_RATIO = 0.2


def status_label(status: str, lang: Optional[str] = "zh_Hans_CN") -> str:
    labels = STATUS_LABELS.get(status)
    if not labels:
        return status or ""
    if lang and not lang.startswith("zh"):
        return labels["en"]
    return labels["zh_Hans_CN"]


def parse_datetime(value: Any) -> Optional[dt.datetime]:
    """ISO date or datetime (``Z``/offset allowed) -> naive UTC datetime.

    A bare date (``data_updated`` is a date field) means "some time that day":
    it is taken as the *end* of the day so a publisher who updated late in
    the day is never flagged early.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()) + dt.timedelta(days=1)
    else:
        text = str(value).strip()
        if len(text) == 10:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return None
            return dt.datetime.combine(day, dt.time()) + dt.timedelta(days=1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            d = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return d


def last_data_update(pkg: dict) -> tuple[Optional[dt.datetime], str]:
    """(when, source) of the last data update.

    Order (issue #3): ``data_updated`` if set, else the newest resource
    ``last_modified``/``created``, else ``metadata_modified``.
    """
    d = parse_datetime(pkg.get("data_updated"))
    if d:
        return d, "data_updated"
    newest = None
    for res in pkg.get("resources") or []:
        cand = parse_datetime(res.get("last_modified")) or parse_datetime(
            res.get("created"))
        if cand and (newest is None or cand > newest):
            newest = cand
    if newest:
        return newest, "resource"
    d = parse_datetime(pkg.get("metadata_modified"))
    if d:
        return d, "metadata_modified"
    return None, ""


@dataclasses.dataclass
class Freshness:
    status: str
    frequency: str
    threshold_days: Optional[int]
    last_update: Optional[dt.datetime]
    last_update_source: str
    due: Optional[dt.datetime]            # overdue after this moment
    due_soon_from: Optional[dt.datetime]  # due_soon from this moment
    days_overdue: Optional[int]           # whole days past ``due`` (>= 0)
    days_until_due: Optional[int]         # whole days left (>= 0)

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def next_change(self) -> Optional[dt.datetime]:
        """When the status will change with no new data (for reindexing)."""
        if self.status == FRESH:
            return self.due_soon_from
        if self.status == DUE_SOON:
            return self.due
        return None

    def as_dict(self) -> dict:
        def iso(d):
            return d.isoformat(timespec="seconds") if d else None
        return {
            "status": self.status,
            "frequency": self.frequency,
            "threshold_days": self.threshold_days,
            "last_update": iso(self.last_update),
            "last_update_source": self.last_update_source,
            "due": iso(self.due),
            "days_overdue": self.days_overdue,
            "days_until_due": self.days_until_due,
        }


def compute(pkg: dict, now: Optional[dt.datetime] = None,
            due_soon_ratio: Optional[float] = None) -> Freshness:
    if now is None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    elif isinstance(now, dt.datetime):
        if now.tzinfo is not None:
            now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    else:
        now = parse_datetime(now) or dt.datetime.now(
            dt.timezone.utc).replace(tzinfo=None)
    ratio = DEFAULT_DUE_SOON_RATIO if due_soon_ratio is None else float(
        due_soon_ratio)
    freq = str(pkg.get("update_frequency") or "")
    last, source = last_data_update(pkg)
    threshold = THRESHOLD_DAYS.get(freq)
    if threshold is None or last is None:
        return Freshness(UNCHECKED, freq, threshold, last, source,
                         None, None, None, None)
    period = dt.timedelta(days=threshold)
    due = last + period
    due_soon_from = due - period * max(0.0, min(ratio, 1.0))
    if now > due:
        days_over = int((now - due).total_seconds() // 86400)
        return Freshness(OVERDUE, freq, threshold, last, source, due,
                         due_soon_from, days_over, 0)
    days_left = int(math.floor((due - now).total_seconds() / 86400))
    status = DUE_SOON if now >= due_soon_from else FRESH
    return Freshness(status, freq, threshold, last, source, due,
                     due_soon_from, 0, days_left)


def configured_ratio() -> float:
    try:
        from ckan.plugins.toolkit import config
        value = config.get("ckanext.govopen.freshness.due_soon_ratio")
    except Exception:
        value = None
    try:
        return float(value) if value not in (None, "") else \
            DEFAULT_DUE_SOON_RATIO
    except (TypeError, ValueError):
        return DEFAULT_DUE_SOON_RATIO


def summarise(rows: Iterable[Freshness]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts


# ------------------------------------------------------------ CKAN-facing
def index_fields(validated: dict, now: Optional[dt.datetime] = None) -> dict:
    """Fields added to the search document in ``before_dataset_index``.

    ``freshness`` is the status at index time; ``freshness_recheck_date`` is
    when it will change if no new data arrives (absent when it never will).
    ``freshness-reindex`` reindexes datasets whose recheck date has passed.
    """
    f = compute(validated, now=now, due_soon_ratio=configured_ratio())
    out = {"freshness": f.status}
    nxt = f.next_change
    if nxt:
        out["freshness_recheck_date"] = nxt.isoformat(timespec="seconds") + "Z"
    return out


def all_datasets(org: Optional[str] = None, page_size: int = 500
                 ) -> Iterator[dict]:
    """Every active dataset (private included), optionally of one org."""
    from ckan.plugins import toolkit

    fq = "+dataset_type:dataset"
    if org:
        org_dict = toolkit.get_action("organization_show")(
            {"ignore_auth": True}, {"id": org, "include_datasets": False})
        fq += ' +owner_org:"{}"'.format(org_dict["id"])
    start = 0
    while True:
        result = toolkit.get_action("package_search")(
            {"ignore_auth": True},
            {"q": "", "fq": fq, "rows": page_size, "start": start,
             "include_private": True, "sort": "name asc", "facet": "false"})
        batch = result.get("results") or []
        yield from batch
        start += len(batch)
        if not batch or start >= int(result.get("count") or 0):
            break


REPORT_FIELDS = ("organization", "organization_title", "name", "title",
                 "catalog_code", "update_frequency", "status", "last_update",
                 "last_update_source", "due", "days_overdue",
                 "days_until_due")


def report_rows(datasets: Iterable[dict], now: Optional[dt.datetime] = None
                ) -> list[dict]:
    ratio = configured_ratio()
    out = []
    for pkg in datasets:
        f = compute(pkg, now=now, due_soon_ratio=ratio)
        org = pkg.get("organization") or {}
        row = {"organization": org.get("name") or "",
               "organization_title": org.get("title") or "",
               "name": pkg.get("name"), "title": pkg.get("title"),
               "catalog_code": pkg.get("catalog_code") or ""}
        row.update(f.as_dict())
        row.pop("frequency", None)
        row.pop("threshold_days", None)
        row["update_frequency"] = f.frequency
        out.append({k: row.get(k) for k in REPORT_FIELDS})
    order = {OVERDUE: 0, DUE_SOON: 1, FRESH: 2, UNCHECKED: 3}
    out.sort(key=lambda r: (r["organization"], order.get(r["status"], 9),
                            -(r["days_overdue"] or 0), r["name"] or ""))
    return out


def by_department(rows: list[dict]) -> dict[str, dict]:
    """{org name: {title, counts, datasets}} in report order."""
    depts: dict[str, dict] = {}
    for r in rows:
        d = depts.setdefault(r["organization"], {
            "organization": r["organization"],
            "title": r["organization_title"],
            "counts": {s: 0 for s in STATUSES}, "total": 0, "datasets": []})
        d["counts"][r["status"]] += 1
        d["total"] += 1
        d["datasets"].append(r)
    return depts
