"""No DataStore predicates on masked columns (GUIDE §6.7 CKAN mapping:
"refuse filters, sort, full-text search and distinct on masked columns").

Guarded: DataStore tables of desensitized derivatives (``derivative`` rows
of ``govopen_desensitize_resource``), also when reached through an alias.
Refused for everyone but the dataset's staff (sysadmins, the provider
department, the authority: they may read the original anyway, so nothing
can leak to them) and server-side ``ignore_auth`` calls:

* ``filters`` naming a masked column, at any depth of ``$and`` / ``$or``;
* ``sort`` on a masked column;
* ``q`` as a dict with a masked column, and ``q`` as a string or
  ``full_text`` while the table has any masked column (they search every
  column at once; ``q={"column": "term"}`` on kept columns still works);
* ``distinct`` while the returned ``fields`` (all, by default) include a
  masked column.

Projection alone (``fields``), ``limit``/``offset`` and predicates on kept
columns and ``_id`` stay open. ``datastore_search_sql`` stays disabled
(``ckan.datastore.sqlsearch.enabled`` off, the default); should a site turn
it on, the chained auth function refuses SQL that touches a guarded table
(the SQL path bypasses ``datastore_search``). ``/datastore/dump`` pages
through ``datastore_search``; its query parameters are checked before the
response starts, so a refusal is a 400 page, not a broken download.

Which columns are masked: every column whose rule's operator is not
``keep`` (built-in ``mask``, ``truncate``, ``generalize``, ``noise``,
``replace``, ``pseudonymize``, ``suppress``, and any plugin operator: what
it does is unknown, so it counts), plus the free-text columns the plan
scrubs. Why each counts:

* ``mask`` / ``truncate`` / ``generalize``: the stored value is a
  deterministic function of the original. Anyone who knows a person's ID or
  phone computes its masked form and gets that person's rows by exact
  match; range filters and sort over partially kept digits locate values
  the mask was meant to blur.
* ``pseudonymize``: the token is keyed (nobody outside can compute one), so
  exact match is not an oracle on the original; it is a linkage lookup
  ("every row of this person") once one row is known from its
  quasi-identifiers. Sorting by tokens carries nothing, but is refused with
  the rest to keep one rule.
* ``noise``: value-deterministic (equal inputs, equal noise), so equality
  finds all rows sharing a true value and sort plus ranges bracket it.
* ``replace`` / ``suppress`` with a value: constant output, harmless, and
  refusing costs nothing; ``suppress`` that drops the column leaves nothing
  to query.
* scrubbed free text: hits were replaced, but names and addresses in text
  cannot be found by patterns (§6.1); full-text search over remarks is the
  easiest way to look a person up.

The derivative holds only desensitized values, so today a query returns
nothing the public download does not contain. The guard keeps it that way
when other chains narrow what a caller may see (the access module limits
grantees to their grant's data items: a predicate on a hidden column would
otherwise be an oracle on it) and keeps the DataStore from serving as a
search engine over personal data.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.govopen.access import policy
from ckanext.govopen.access.dsparams import (
    filter_fields, json_or_raw, names, query, sort_fields)

from . import model as dz

KEEP = "keep"
ALL = frozenset({"*"})  # plan unknown: every column but _id is masked


# ----------------------------------------------------------------- columns
def plan_masks(plan: dict[str, Any]) -> tuple[frozenset, frozenset]:
    """(masked columns, masked columns still present in the output) of a
    plan: see the module docstring for which operators count."""
    masked, dropped = set(), set()
    for col, rule in (plan.get("columns") or {}).items():
        op = (rule or {}).get("operator") or KEEP
        if op == KEEP:
            continue
        masked.add(col)
        params = (rule or {}).get("params") or {}
        if op == "suppress" and params.get("mode", "drop") == "drop":
            dropped.add(col)
    masked.update(plan.get("scrub") or [])
    return frozenset(masked), frozenset(masked - dropped)


def _release_plan(derivative: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The plan of the release loaded into this derivative's table."""
    release = dz.published_release(derivative.get("source_id") or "")
    if release is None or release.get("derivative_id") != \
            derivative["resource_id"]:
        return None
    row = dz.get_plan(release["plan_row_id"])
    return row["plan"] if row else None


def masks_of(resource_id: str) -> Optional[tuple[frozenset, frozenset]]:
    """(masked, present) columns of a guarded table; None if the resource
    is not a desensitized derivative."""
    row = dz.get_resource(resource_id)
    if row is None or row["role"] != dz.DERIVATIVE:
        return None
    plan = _release_plan(row)
    if plan is None:
        return ALL, ALL
    return plan_masks(plan)


def _is_masked(column: str, masked: frozenset) -> bool:
    if masked is ALL:
        return column != "_id"
    return column in masked


# ---------------------------------------------------------------- requests
def _truthy(value: Any) -> bool:
    # core's boolean_validator: anything else is false
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "t", "y", "1")


def _names(columns: Iterable[str]) -> str:
    return "、".join(f"「{c}」" for c in sorted(columns))


def _names_en(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in sorted(columns))


def violations(data_dict: dict[str, Any], masked: frozenset,
               present: frozenset) -> dict[str, list[str]]:
    """Bilingual errors per parameter (empty: the query may run)."""
    errors: dict[str, list[str]] = {}

    def refuse(param, what_zh, what_en, columns):
        errors.setdefault(param, []).append(
            f"列{_names(columns)}已脱敏，不能用于{what_zh} / The column(s) "
            f"{_names_en(columns)} are desensitized and cannot be used "
            f"{what_en}")

    hit = [f for f in filter_fields(json_or_raw(data_dict.get("filters")))
           if _is_masked(f, masked)]
    if hit:
        refuse("filters", "筛选（filters）", "in filters", hit)
    hit = [f for f in sort_fields(data_dict.get("sort"))
           if _is_masked(f, masked)]
    if hit:
        refuse("sort", "排序（sort）", "to sort", hit)

    q = query(data_dict.get("q"))
    if isinstance(q, dict):
        hit = [str(f) for f in q if _is_masked(str(f), masked)]
        if hit:
            refuse("q", "按列检索（q）", "in a column search (q)", hit)
    whole = [p for p, v in (("q", q), ("full_text", str(
        data_dict.get("full_text") or "").strip())) if isinstance(v, str)
        and v]
    if whole and present:
        cols = present if present is not ALL else {"*"}
        for param in whole:
            errors.setdefault(param, []).append(
                f"全文检索（{param}）会匹配已脱敏的列{_names(cols)}；请以 "
                '{"列名": "检索词"} 的形式只检索未脱敏的列 / Full-text search '
                f"({param}) would match the desensitized column(s) "
                f"{_names_en(cols)}; search kept columns with "
                '{"column": "term"} instead')

    if _truthy(data_dict.get("distinct", False)):
        fields = names(data_dict.get("fields"))
        hit = [f for f in fields if _is_masked(f, masked)] if fields else \
            sorted(present)
        if hit:
            refuse("distinct", "去重（distinct），请在 fields 中只列未脱敏的列",
                   "with distinct; list only kept columns in fields", hit)
    return errors


# ------------------------------------------------------------------ checks
def resolve(resource_id: str) -> str:
    """A resource id, or the real id behind a DataStore alias."""
    if not resource_id or model.Resource.get(resource_id) is not None:
        return resource_id
    try:
        from ckanext.datastore.backend import DatastoreBackend
        backend = DatastoreBackend.get_active_backend()
        _exists, real = backend.resource_id_from_alias(resource_id)
    except Exception:  # no DataStore: nothing to guard
        return resource_id
    return real or resource_id


def _exempt(user: Optional[model.User], resource_id: str) -> bool:
    res = model.Resource.get(resource_id)
    return res is not None and policy.is_staff(user, res.package_id)


def check(user: Optional[model.User], data_dict: dict[str, Any]) -> None:
    """Raise a bilingual ValidationError if the search uses a masked
    column of a desensitized derivative and ``user`` is not staff."""
    rid = resolve(str(data_dict.get("resource_id") or data_dict.get("id")
                      or ""))
    masks = masks_of(rid) if rid else None
    if masks is None or _exempt(user, rid):
        return
    errors = violations(data_dict, *masks)
    if errors:
        raise tk.ValidationError(errors)


# --------------------------------------------------------------- CKAN glue
@tk.chained_action
@tk.side_effect_free
def datastore_search(next_action, context, data_dict):
    if not context.get("ignore_auth"):
        check(policy.user_from_context(context), data_dict)
    return next_action(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access  # as core's: anonymous reads public tables
def datastore_search_sql(next_auth, context, data_dict):
    user = policy.user_from_context(context)
    for name in context.get("table_names") or []:
        rid = resolve(name)
        if masks_of(rid) is not None and not _exempt(user, rid):
            return {"success": False,
                    "msg": "SQL 查询不能访问脱敏衍生数据表，请使用 "
                           "datastore_search / SQL queries cannot read "
                           "desensitized derivatives; use datastore_search"}
    return next_auth(context, data_dict)


def check_dump_request() -> Any:
    """``before_app_request``: vet ``/datastore/dump`` query parameters
    while a refusal can still be a clean 400."""
    from flask import request
    from ckan.common import current_user
    if request.endpoint != "datastore.dump":
        return None
    args = request.args.to_dict()
    args["resource_id"] = (request.view_args or {}).get("resource_id", "")
    try:
        check(policy.user_object(current_user), args)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(
            m for ms in exc.error_dict.values() for m in ms))
    return None


def dump_blueprint():
    """A route-less blueprint whose only job is :func:`check_dump_request`."""
    from flask import Blueprint
    bp = Blueprint("govopen_desensitize_datastore_guard", __name__)
    bp.before_app_request(check_dump_request)
    return bp
