"""A small world for tests that change data (each on a clean database):
one provider department with an editor, another department, the data
authority, a citizen and a would-be grantee, and one 授权开放 dataset whose
upload is also a DataStore table."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ckan.tests import factories, helpers

from . import world as W
from .world import AUTH_EXTRA, FILE_BODY, _SYS, _org, write_upload

USERS = ("editor", "grantee", "citizen", "other_editor", "authority")


def mini(url: Optional[str] = None,
         fields: Optional[list[dict[str, Any]]] = None,
         records: Optional[list[dict[str, Any]]] = None,
         aliases: Optional[list[str]] = None) -> dict:
    sysadmin = factories.SysadminWithToken()
    _SYS.clear()
    _SYS.update(sysadmin)
    users = {k: factories.UserWithToken() for k in USERS}
    provider = _org("rx-health", "榕溪市卫生健康委员会", [
        {"name": users["editor"]["name"], "capacity": "editor"}])
    other = _org("rx-tax", "榕溪市税务局", [
        {"name": users["other_editor"]["name"], "capacity": "editor"}])
    _org("rx-bigdata", "榕溪市大数据管理局", [
        {"name": users["authority"]["name"], "capacity": "member"}],
        is_authority="true")
    resources = [{"name": "门诊明细", "format": "CSV", "url_type": "upload",
                  "url": "visits-secret.csv"}]
    if url:
        resources.append({"name": "接口", "format": "JSON",
                          "access_mode": "api", "api_method": "GET",
                          "url": url})
    pkg = W._dataset(provider, "clinic-visits", "门诊量明细", "302001/000102",
                     "authorized", resources, **AUTH_EXTRA)
    rid = pkg["resources"][0]["id"]
    write_upload(rid, FILE_BODY["a_up"])
    table = dict(resource_id=rid, force=True,
                 records=records or [{"id": 1, "name": "ROWMARK-AUP"}])
    if fields:
        table["fields"] = fields
    if aliases:
        table["aliases"] = aliases
    helpers.call_action("datastore_create", {"user": sysadmin["name"]},
                        **table)
    return {"sys": sysadmin, "users": users, "pkg": pkg, "rid": rid,
            "provider": provider, "other": other}


def grant(m: dict, user: str = "grantee", **kw: Any) -> dict:
    now = dt.datetime.utcnow()
    data = dict(user_id=m["users"][user]["id"], package_id=m["pkg"]["id"],
                valid_from=(now - dt.timedelta(hours=1)).isoformat(),
                valid_until=(now + dt.timedelta(days=10)).isoformat())
    data.update(kw)
    return helpers.call_action("govopen_grant_create",
                               {"user": m["users"]["editor"]["name"],
                                "ignore_auth": False}, **data)


def h(m: dict, user: str) -> dict:
    return {"Authorization": m["users"][user]["token"]}


def dl(m: dict) -> str:
    return f"/dataset/clinic-visits/resource/{m['rid']}/download"
