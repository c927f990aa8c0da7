"""Access log (监测记录, GUIDE rule 9): one row per data access to
restricted (授权开放 / 不予开放) data. Append-only: this module only inserts;
a database trigger rejects UPDATE and DELETE (migration b2a0cc000001), and
no action edits or deletes rows."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Optional

import sqlalchemy as sa

from ckan import model

from .grants import metadata, now

log_table = sa.Table(
    "govopen_access_log", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("accessed_at", sa.DateTime),
    sa.Column("user_id", sa.UnicodeText),
    sa.Column("user_name", sa.UnicodeText),
    sa.Column("grant_id", sa.UnicodeText),
    sa.Column("resource_id", sa.UnicodeText),
    sa.Column("package_id", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("open_type", sa.UnicodeText),
    sa.Column("channel", sa.UnicodeText, nullable=False),
    sa.Column("method", sa.UnicodeText, nullable=False),
    sa.Column("reason", sa.UnicodeText),
    sa.Column("bytes", sa.BigInteger),
    sa.Column("client_ip", sa.UnicodeText),
    sa.Column("user_agent", sa.UnicodeText),
    # files of CKAN's file API (migration b2a0cc000002)
    sa.Column("file_id", sa.UnicodeText),
)

COLUMNS = [c.name for c in log_table.columns]
CSV_HEADER = {
    "id": "序号 id", "accessed_at": "访问时间(UTC) accessed_at",
    "user_id": "用户ID user_id", "user_name": "用户名 user_name",
    "grant_id": "授权ID grant_id", "resource_id": "资源ID resource_id",
    "package_id": "数据集ID package_id", "owner_org": "数源单位 owner_org",
    "open_type": "开放属性 open_type", "channel": "途径 channel",
    "method": "方式 method", "reason": "依据 reason", "bytes": "字节数 bytes",
    "client_ip": "客户端IP client_ip", "user_agent": "客户端 user_agent",
    "file_id": "文件ID file_id",
}


def _request_info() -> tuple[Optional[str], Optional[str]]:
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover
        return None, None
    if not has_request_context():
        return None, None
    return request.remote_addr, (request.user_agent.string or None)


def record(*, user: Optional[model.User], resource: Optional[model.Resource],
           package: model.Package, decision: Any, channel: str, method: str,
           nbytes: Optional[int] = None, file_id: Optional[str] = None
           ) -> None:
    """Append one entry in its own transaction, so the entry survives
    whatever the caller's session does next."""
    ip, agent = _request_info()
    values = dict(
        accessed_at=now(), user_id=user.id if user else None,
        user_name=user.name if user else None,
        grant_id=getattr(decision, "grant_id", None),
        resource_id=resource.id if resource is not None else None,
        file_id=file_id, package_id=package.id,
        owner_org=package.owner_org,
        open_type=getattr(decision, "open_type", None),
        channel=channel, method=method,
        reason=getattr(decision, "code", None), bytes=nbytes,
        client_ip=ip, user_agent=(agent or "")[:500] or None)
    with model.meta.engine.begin() as conn:
        conn.execute(log_table.insert().values(**values))


def query(org_ids: Optional[Iterable[str]] = None,
          package_id: Optional[str] = None,
          resource_id: Optional[str] = None, user_id: Optional[str] = None,
          since: Any = None, until: Any = None,
          limit: Optional[int] = None, offset: int = 0
          ) -> tuple[int, list[dict[str, Any]]]:
    t = log_table
    where = []
    if org_ids is not None:
        where.append(t.c.owner_org.in_(list(org_ids)))
    if package_id:
        where.append(t.c.package_id == package_id)
    if resource_id:
        where.append(t.c.resource_id == resource_id)
    if user_id:
        where.append(t.c.user_id == user_id)
    if since is not None:
        where.append(t.c.accessed_at >= since)
    if until is not None:
        where.append(t.c.accessed_at < until)
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(t).where(*where)).scalar()
    q = t.select().where(*where).order_by(t.c.id.desc()).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    rows = []
    for row in model.Session.execute(q):
        item = dict(row._mapping)
        item["accessed_at"] = item["accessed_at"].isoformat()
        rows.append(item)
    return count, rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([CSV_HEADER[c] for c in COLUMNS])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c)
                         for c in COLUMNS])
    return "\ufeff" + out.getvalue()


def record_once(**kw: Any) -> None:
    """:func:`record`, at most once per request and resource and channel
    (a DataStore dump pages through ``datastore_search``)."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        has_request_context = lambda: False  # noqa: E731
    if has_request_context():
        seen = g.setdefault("_govopen_logged", set())
        key = (kw["resource"].id, kw["channel"])
        if key in seen:
            return
        seen.add(key)
    record(**kw)
