"""Public statistics (GUIDE §5.4, 公开透明): counts only, no applicant names.

Per dataset and per department: applications received (submitted), approved,
rejected, withdrawn, active, overdue (open stage past its deadline), and the
average / maximum processing time in working days from submission to the
decision (approval or refusal).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from ckan import model

from . import states, workdays
from .model import application_table as AT


def _empty() -> dict:
    return {"received": 0, "approved": 0, "rejected": 0, "withdrawn": 0,
            "active": 0, "pending": 0, "overdue": 0, "decided": 0,
            "avg_processing_workdays": None, "max_processing_workdays": None,
            "_times": []}


def _finish(bucket: dict) -> dict:
    times = bucket.pop("_times")
    if times:
        bucket["avg_processing_workdays"] = round(sum(times) / len(times), 1)
        bucket["max_processing_workdays"] = max(times)
    bucket["decided"] = len(times)
    return bucket


def compute(package_id: Optional[str] = None, org_id: Optional[str] = None) -> dict:
    q = select(AT.c.package_ids, AT.c.org_ids, AT.c.state, AT.c.submitted_at,
               AT.c.decided_at, AT.c.approved_at, AT.c.deadline).where(
        AT.c.submitted_at.isnot(None))
    if package_id:
        pkg = model.Package.get(package_id)
        package_id = pkg.id if pkg else package_id
        q = q.where(AT.c.package_ids.contains([package_id]))
    if org_id:
        grp = model.Group.get(org_id)
        org_id = grp.id if grp else org_id
        q = q.where(AT.c.org_ids.contains([org_id]))
    cal = workdays.Calendar.from_config()
    today = workdays.today()
    total = _empty()
    by_pkg: dict[str, dict] = {}
    by_org: dict[str, dict] = {}
    for row in model.Session.execute(q):
        buckets = [total]
        for pid in row.package_ids or []:
            if not package_id or pid == package_id:
                buckets.append(by_pkg.setdefault(pid, _empty()))
        for oid in row.org_ids or []:
            if not org_id or oid == org_id:
                buckets.append(by_org.setdefault(oid, _empty()))
        time = None
        if row.decided_at is not None:
            time = cal.workdays_between(row.submitted_at, row.decided_at)
        for b in buckets:
            b["received"] += 1
            if row.approved_at is not None:
                b["approved"] += 1
            if row.state == states.REJECTED:
                b["rejected"] += 1
            if row.state == states.WITHDRAWN:
                b["withdrawn"] += 1
            if row.state == states.ACTIVE:
                b["active"] += 1
            if row.state in states.OPEN_STATES and row.state != states.APPROVED:
                b["pending"] += 1
            if row.state in states.STAGES and row.deadline and row.deadline < today:
                b["overdue"] += 1
            if time is not None:
                b["_times"].append(time)

    def named(table, key):
        out = []
        for oid, bucket in sorted(table.items()):
            obj = (model.Package if key == "package" else model.Group).get(oid)
            out.append(dict(_finish(bucket), id=oid,
                            name=getattr(obj, "name", None), title=getattr(obj, "title", None)))
        return out

    return {"total": _finish(total), "packages": named(by_pkg, "package"),
            "organizations": named(by_org, "org")}
