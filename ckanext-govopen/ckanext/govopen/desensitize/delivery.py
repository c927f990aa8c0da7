"""Grantees of 授权开放 data receive the per-grant extract, not the upload.

Registered with the access module's delivery hook by the plugin: the access
policy decides *whether* a grantee may download; this decides *what* they
get (GUIDE §5.3 "Watermark", §6.7).
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins as p

from ckanext.govopen.access import delivery, grants

from . import jobs


def grant_extract_path(grant_id: str, resource: Any) -> Optional[str]:
    if not p.plugin_loaded("govopen_desensitize"):
        return None
    grant = grants.get(grant_id)
    if grant is None:
        return None
    try:
        return jobs.extract_for_grant(grant, resource)["path"]
    except jobs.ExtractError as exc:
        if exc.problem["code"] == "no_confirmed_plan":
            return None  # nothing to desensitize: the upload is the data
        raise delivery.DeliveryRefused(str(exc)) from exc


def install() -> None:
    delivery.register(grant_extract_path)


def uninstall() -> None:
    delivery.unregister(grant_extract_path)
