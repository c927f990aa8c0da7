"""Actions of the access module (grants, access check, signed links, access
log) and the chained core actions that shape output through the policy."""
from __future__ import annotations

import difflib
import json
import re
from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.govopen.schema import stored

from . import auth, columns, filters, grants, log, policy, schema, signing

ValidationError = tk.ValidationError


def _user(context):
    return policy.user_from_context(context)


def _validate(data_dict, schema_fn, context):
    data, errors = tk.navl_validate(data_dict, schema_fn(), context)
    if errors:
        raise ValidationError(errors)
    return data


def _commit(context) -> bool:
    return not context.get("defer_commit")


# ------------------------------------------------------------------ grants
def govopen_grant_create(context, data_dict):
    """Grant a user access to (part of) an authorized dataset.

    :param user_id: grantee (id or name)
    :param package_id: dataset (id or name); must be 授权开放
    :param resource_ids: resources covered (empty: all current and future)
    :param data_items: allowed data items (``name_en``; empty: all)
    :param valid_from: ISO date or datetime
    :param valid_until: ISO date (inclusive) or datetime
    :param source_application_id: application that produced the grant
    :param access_modes: ``download`` and/or ``api`` (empty: both)
    :returns: the grant dict, including ``id``
    """
    tk.check_access("govopen_grant_create", context, data_dict)
    data = _validate(data_dict, schema.grant_create_schema, context)
    user = model.User.get(data["user_id"])
    pkg = model.Package.get(data["package_id"])
    if policy.open_type_of(pkg) != policy.AUTHORIZED:
        raise ValidationError({"package_id": [
            "只能对授权开放数据发放授权 / Grants apply to authorized data only"]})
    resource_ids = data.get("resource_ids") or []
    own = {r.id for r in pkg.resources}
    unknown = [r for r in resource_ids if r not in own]
    if unknown:
        raise ValidationError({"resource_ids": [
            "资源不属于该数据集 / Resources not in this dataset: "
            + ", ".join(unknown)]})
    items = data.get("data_items") or []
    declared = {i.get("name_en") for i in stored.data_items(pkg)}
    bad = [i for i in items if declared and i not in declared]
    if bad:
        raise ValidationError({"data_items": [
            "未知的信息项 / Unknown data items: " + ", ".join(bad)]})
    if data["valid_until"] <= data["valid_from"]:
        raise ValidationError({"valid_until": [
            "结束时间须晚于开始时间 / valid_until must be after valid_from"]})
    creator = _user(context)
    return grants.create(
        user_id=user.id, package_id=pkg.id, resource_ids=resource_ids,
        data_items=items, access_modes=data.get("access_modes") or [],
        valid_from=data["valid_from"], valid_until=data["valid_until"],
        source_application_id=data.get("source_application_id") or None,
        created_by=creator.id if creator else context.get("user"),
        commit=_commit(context))


def govopen_grant_revoke(context, data_dict):
    """Revoke a grant at once. :param id: grant id :param reason: why"""
    data = _validate(data_dict, schema.grant_revoke_schema, context)
    if grants.get(data["id"]) is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    tk.check_access("govopen_grant_revoke", context, data)
    user = _user(context)
    return grants.revoke(data["id"], user.id if user else context.get("user"),
                         data["reason"], commit=_commit(context))


@tk.side_effect_free
def govopen_grant_show(context, data_dict):
    data = _validate(data_dict, schema.grant_show_schema, context)
    grant = grants.get(data["id"])
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    tk.check_access("govopen_grant_show", context, data)
    return grant


@tk.side_effect_free
def govopen_grant_list(context, data_dict):
    """Grants, filtered by ``user_id``, ``package_id``,
    ``source_application_id``, ``active_only``. Sysadmins, the authority and
    ``ignore_auth`` callers see all; others their own grants and those on
    datasets of organisations they belong to."""
    tk.check_access("govopen_grant_list", context, data_dict)
    data = _validate(data_dict, schema.grant_list_schema, context)
    user_id = data.get("user_id")
    if user_id:
        found = model.User.get(user_id)
        user_id = found.id if found else user_id
    package_id = data.get("package_id")
    if package_id:
        found = model.Package.get(package_id)
        package_id = found.id if found else package_id
    kw = dict(user_id=user_id, package_id=package_id,
              source_application_id=data.get("source_application_id"),
              active_only=bool(data.get("active_only")))
    user = _user(context)
    if not context.get("ignore_auth"):
        scope = auth.log_scope(user)
        if scope is not None:
            pkg_ids = [r[0] for r in model.Session.query(model.Package.id)
                       .filter(model.Package.owner_org.in_(list(scope)))] \
                if scope else []
            kw.update(package_ids=pkg_ids, or_user_id=user.id)
    return grants.search(**kw)


# ------------------------------------------------------- access decisions
@tk.side_effect_free
def govopen_access_check(context, data_dict):
    """May the caller get this resource's data, and why?

    :param resource_id: resource id
    :param mode: optional ``download`` or ``api``
    :returns: ``{"allowed", "reason", "grant_id", "code", "open_type",
        "valid_until"}``
    """
    tk.check_access("govopen_access_check", context, data_dict)
    data = _validate(data_dict, schema.access_check_schema, context)
    if model.Resource.get(data["resource_id"]) is None:
        raise tk.ObjectNotFound("资源不存在 / Resource not found")
    decision = policy.decide(_user(context), data["resource_id"],
                             data.get("mode"))
    result = decision.as_dict()
    result["valid_until"] = None
    if decision.grant_id:
        result["valid_until"] = grants.get(decision.grant_id)["valid_until"]
    return result


def govopen_download_link_create(context, data_dict):
    """A short-lived signed download link for the caller.

    :param resource_id: resource id
    :returns: ``{"url", "expires"}`` (expiry as a UNIX time)
    """
    tk.check_access("govopen_download_link_create", context, data_dict)
    data = _validate(data_dict, schema.download_link_schema, context)
    user = _user(context)
    decision = policy.decide(user, data["resource_id"], "download")
    if not decision.allowed:
        raise tk.NotAuthorized(decision.reason)
    token, expires = signing.sign(user.id, data["resource_id"])
    return {"url": tk.url_for("govopen_access.signed_download", token=token,
                              qualified=True),
            "expires": expires}


# -------------------------------------------------------------- access log
@tk.side_effect_free
def govopen_access_log_list(context, data_dict):
    """Access log entries (newest first) of the caller's departments, or all
    for sysadmins and the authority. Read-only: no action edits or deletes
    entries. Filters: ``owner_org``, ``package_id``, ``resource_id``,
    ``user_id``; paging ``limit`` (default 100, max 1000) / ``offset``;
    ``format=csv`` returns ``{"csv": text}``."""
    tk.check_access("govopen_access_log_list", context, data_dict)
    data = _validate(data_dict, schema.access_log_list_schema, context)
    scope = None if context.get("ignore_auth") else auth.log_scope(
        _user(context))
    org_ids = None
    if data.get("owner_org"):
        org = model.Group.get(data["owner_org"])
        wanted = org.id if org else data["owner_org"]
        if scope is not None and wanted not in scope:
            raise tk.NotAuthorized("无权查看该部门的访问记录 / Not allowed "
                                   "to read this department's access log")
        org_ids = [wanted]
    elif scope is not None:
        org_ids = list(scope)
    csv_out = data.get("format") == "csv"
    limit = None if csv_out else min(int(data.get("limit", 100)), 1000)
    count, rows = log.query(org_ids=org_ids,
                            package_id=data.get("package_id"),
                            resource_id=data.get("resource_id"),
                            user_id=data.get("user_id"), limit=limit,
                            offset=int(data.get("offset", 0)))
    if csv_out:
        return {"count": count, "csv": log.to_csv(rows)}
    return {"count": count, "results": rows}


# ------------------------------------------------------ chained core actions
@tk.chained_action
@tk.side_effect_free
def resource_search(next_action, context, data_dict):
    """Core runs raw SQL over resources and returns ``url``; URLs the
    policy does not allow are removed, and a query on ``url`` cannot match
    resources whose URL the caller may not see (no existence oracle)."""
    result = next_action(context, data_dict)
    queries = data_dict.get("query") or []
    if isinstance(queries, str):
        queries = [queries]
    fields = data_dict.get("fields") or {}
    on_url = any(re.match(r"\s*[a-z_]*url", str(q)) for q in queries) or any(
        "url" in str(k) for k in fields)
    user = None if context.get("ignore_auth") else _user(context)
    if context.get("ignore_auth"):
        return result
    before = len(result["results"])
    result["results"] = filters.shape_resource_list(
        user, result["results"], drop_denied=on_url)
    result["count"] -= before - len(result["results"])
    return result


@tk.chained_action
@tk.side_effect_free
def resource_view_list(next_action, context, data_dict):
    """Core's dataset page lists every resource's views; for a resource
    whose data the caller may not get (design A denies resource_show), the
    dataset page still renders, with no views."""
    try:
        return next_action(context, data_dict)
    except tk.NotAuthorized:
        res = model.Resource.get(data_dict.get("id") or "")
        if res is None:
            raise
        tk.check_access("package_show", dict(context),
                        {"id": res.package_id})
        return []


def _activity_shaper(next_action):
    def shaped(context, data_dict):
        result = next_action(context, data_dict)
        if context.get("ignore_auth"):
            return result
        user = _user(context)
        if isinstance(result, list):
            return [filters.shape_activity(user, a) for a in result]
        return filters.shape_activity(user, result)
    return shaped


def _chain_activity(name):
    @tk.chained_action
    def action(next_action, context, data_dict):
        return _activity_shaper(next_action)(context, data_dict)
    action.__name__ = name
    return tk.side_effect_free(action)


ACTIVITY_ACTIONS = ("activity_show", "package_activity_list",
                    "dashboard_activity_list", "user_activity_list",
                    "organization_activity_list", "group_activity_list",
                    "recently_changed_packages_activity_list")


@tk.chained_action
@tk.side_effect_free
def activity_data_show(next_action, context, data_dict):
    if context.get("ignore_auth"):
        return next_action(context, data_dict)
    from ckanext.activity.model import Activity
    activity = model.Session.get(Activity, data_dict.get("id"))
    result = next_action(context, data_dict)
    if activity is None or activity.object_id is None:
        return result
    user = _user(context)
    object_type = data_dict.get("object_type")
    wrapped = {"object_id": activity.object_id,
               "data": {"package": result} if object_type == "package"
               else result}
    shaped = filters.shape_activity(user, wrapped)
    return shaped["data"]["package"] if object_type == "package" \
        else shaped["data"]


@tk.chained_action
@tk.side_effect_free
def activity_diff(next_action, context, data_dict):
    """Recompute the diff from the policy-shaped activity data."""
    result = next_action(context, data_dict)
    if context.get("ignore_auth"):
        return result
    user = _user(context)
    activities = [filters.shape_activity(user, a)
                  for a in result["activities"]]
    object_type = data_dict.get("object_type")
    objs = [a.get("data", {}).get(object_type) for a in activities]
    lines = [json.dumps(o, indent=2, sort_keys=True).split("\n")
             for o in objs]
    diff_type = data_dict.get("diff_type", "unified")
    if diff_type == "unified":
        diff = "\n".join(difflib.unified_diff(*lines))
    elif diff_type == "context":
        diff = "\n".join(difflib.context_diff(*lines))
    else:
        wrapped = []
        for obj_lines in lines:
            out = []
            for line in obj_lines:
                out.extend(re.findall(r".{1,70}(?:\s+|$)", line))
            wrapped.append(out)
        diff = difflib.HtmlDiff().make_table(*wrapped)
    return {"diff": diff, "activities": activities}


def _datastore_guard(next_action, context, data_dict, nbytes_of, shape):
    """Run a DataStore read, ask the policy again (after core resolved
    aliases and checked resource_show), shape the result to the grant's
    data items and log restricted accesses."""
    result = next_action(context, data_dict)
    if context.get("ignore_auth"):
        return result
    rid = result.get("resource_id") or columns.resource_id_of(data_dict)
    res = model.Resource.get(rid) if rid else None
    if res is None:
        return result
    user = _user(context)
    decision = policy.decide(user, res, "api")
    if not decision.allowed:
        raise tk.NotAuthorized(decision.reason)
    pkg = model.Package.get(res.package_id)
    result = shape(policy.item_columns(pkg, decision.data_items), result)
    if decision.open_type in policy.RESTRICTED:
        log.record_once(user=user, resource=res, package=pkg,
                        decision=decision, channel="datastore",
                        method=_method(), nbytes=nbytes_of(result))
    return result


def _method() -> str:
    from flask import has_request_context, request
    if not has_request_context():
        return "internal"
    if request.path.startswith("/api/"):
        return "api"
    if request.path.startswith("/datastore/dump/"):
        return "dump"
    return "ui"


def _records_bytes(result) -> int:
    records = result.get("records")
    if isinstance(records, str):
        return len(records.encode("utf-8"))
    return len(json.dumps(records, ensure_ascii=False, default=str)
               .encode("utf-8"))


@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context, data_dict):
    data_dict = columns.limit_search(context, data_dict)
    return _datastore_guard(next_action, context, data_dict, _records_bytes,
                            columns.check_result)


@tk.chained_action
@tk.side_effect_free
def datastore_info(next_action, context, data_dict):
    """Field names and counts of a table: the policy decides as for
    ``datastore_search`` (mode ``api``), a grantee limited to some data
    items sees only those fields, and the access is logged (no bytes)."""
    return _datastore_guard(next_action, context, data_dict,
                            lambda _result: None, columns.limit_info)


def get_actions() -> dict[str, Any]:
    actions = {
        "govopen_grant_create": govopen_grant_create,
        "govopen_grant_revoke": govopen_grant_revoke,
        "govopen_grant_show": govopen_grant_show,
        "govopen_grant_list": govopen_grant_list,
        "govopen_access_check": govopen_access_check,
        "govopen_download_link_create": govopen_download_link_create,
        "govopen_access_log_list": govopen_access_log_list,
        "resource_search": resource_search,
        "resource_view_list": resource_view_list,
    }
    from ckan.plugins import plugin_loaded
    if plugin_loaded("activity"):
        actions["activity_data_show"] = activity_data_show
        actions["activity_diff"] = activity_diff
        for name in ACTIVITY_ACTIONS:
            actions[name] = _chain_activity(name)
    if plugin_loaded("datastore"):
        actions["datastore_search"] = datastore_search
        actions["datastore_info"] = datastore_info
    return actions
