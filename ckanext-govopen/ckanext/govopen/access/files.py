"""CKAN 2.12's file API (``File`` rows, ``/file/...`` routes, ``file_*``
actions) under the access policy.

Core lets anyone read a file owned by a dataset or a resource who passes
``package_show`` / ``resource_show`` on the owner
(``ckan.files.owner.cascade_access``); ``package_show`` is public for
授权开放 metadata, so a file attached to an authorized or closed dataset
would be public. Here:

* ``permission_read_file`` (asked by ``file_show`` and, through
  ``permission_download_file``, by ``/file/download/<id>``) is chained to
  :func:`policy.decide_file` for dataset- and resource-owned files;
* ``/file/public-download/<storage>/<location>`` (public storages, no
  auth in core) asks the same decision when the location is a tracked
  file owned by a dataset or resource;
* allowed downloads of restricted files are logged (``file_id``).

``/file/trusted-download/<token>`` is left alone: it serves whoever holds a
JWT minted by server code with the site's secret (audience
``trusted_download``); govopen mints none. See docs/access-paths.md.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional

from ckan import model
from ckan.common import current_user, request
import ckan.plugins.toolkit as tk

from . import log, policy


def _owned_file(file_id: Any) -> Optional[model.File]:
    """The file if it is owned by a dataset or a resource."""
    if not isinstance(file_id, str) or not file_id:
        return None
    item = model.Session.get(model.File, file_id)
    if item is None or item.owner is None or \
            item.owner.owner_type not in policy.FILE_OWNER_TYPES:
        return None
    return item


def _decide(user: Any, item: model.File) -> policy.Decision:
    return policy.decide_file(user, item.owner.owner_type,
                              item.owner.owner_id)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def permission_read_file(next_auth, context, data_dict):
    """Core's check (owner, or cascade to the owner's ``*_show``) first,
    then the policy for files of datasets and resources."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    item = _owned_file((data_dict or {}).get("id"))
    if item is None:
        return result
    decision = _decide(policy.user_from_context(context), item)
    if decision.allowed:
        return result
    return {"success": False, "msg": decision.reason}


def get_auth_functions() -> dict[str, Any]:
    return {"permission_read_file": permission_read_file}


# ------------------------------------------------------------------ views
def _package_of(item: model.File) -> Optional[model.Package]:
    if item.owner.owner_type == "package":
        return model.Package.get(item.owner.owner_id)
    res = model.Resource.get(item.owner.owner_id)
    return model.Package.get(res.package_id) if res is not None else None


def _log(item: model.File, decision: policy.Decision, resp: Any,
         method: str) -> None:
    if decision.open_type not in policy.RESTRICTED or \
            request.method == "HEAD" or resp.status_code >= 400:
        return
    pkg = _package_of(item)
    if pkg is None:
        return
    res = model.Resource.get(item.owner.owner_id) \
        if item.owner.owner_type == "resource" else None
    log.record(user=policy.user_object(current_user), resource=res,
               package=pkg, decision=decision, channel="download",
               method=method, nbytes=resp.content_length or item.size,
               file_id=item.id)


def guard_file_download(original: Callable) -> Callable:
    """``/file/download/<id>``: core's view asks the (chained) auth;
    this adds the access log and ``no-store`` for restricted files."""

    @functools.wraps(original)
    def download(id: str, **kw: Any):
        resp = original(id=id, **kw)
        item = _owned_file(id)
        if item is not None and resp.status_code < 400:
            decision = _decide(current_user, item)
            if decision.open_type in policy.RESTRICTED:
                resp.headers["Cache-Control"] = "private, no-store"
            _log(item, decision, resp, "file")
        return resp

    download.govopen_guarded = True  # type: ignore[attr-defined]
    return download


def _tracked_file(storage: str, location: str) -> Optional[model.File]:
    """The dataset- or resource-owned file at ``location``. The storage
    normalises ``./`` and ``../`` before reading, so ``./x`` or ``a/../x``
    reach the file stored as ``x``: look both spellings up."""
    for candidate in dict.fromkeys((location, os.path.normpath(location))):
        found = model.Session.scalar(model.File.by_location(candidate,
                                                            storage))
        item = _owned_file(found.id) if found is not None else None
        if item is not None:
            return item
    return None


def guard_public_download(original: Callable) -> Callable:
    """``/file/public-download/<storage>/<location>``: a tracked file of a
    dataset or resource obeys the policy even in a public storage."""

    @functools.wraps(original)
    def public_download(storage_name: str, location: str, **kw: Any):
        item = _tracked_file(storage_name, location)
        if item is None:
            return original(storage_name=storage_name, location=location,
                            **kw)
        decision = _decide(current_user, item)
        if not decision.allowed:
            return tk.abort(403 if decision.code != "not_found" else 404,
                            decision.reason)
        resp = original(storage_name=storage_name, location=location, **kw)
        if decision.open_type in policy.RESTRICTED:
            resp.headers["Cache-Control"] = "private, no-store"
        _log(item, decision, resp, "file_public")
        return resp

    public_download.govopen_guarded = True  # type: ignore[attr-defined]
    return public_download


VIEW_GUARDS = {"file.download": guard_file_download,
               "file.public_download": guard_public_download}
