"""Grant data items (信息项) enforced on DataStore columns (GUIDE §5.3
"Grant scope": tokens outside the scope are refused).

A grant may list the data items it covers (``name_en`` = the column
header). For such a grantee, :func:`limit_search` rewrites a
``datastore_search`` call before core runs it: only those columns (plus
``_id``) are returned, and a query naming any other column is refused with
a bilingual ValidationError. Refusing (rather than silently dropping) the
condition matters: a filter, sort or full-text match on a hidden column
answers questions about its values even when the column is not returned.
Staff, universal data and grants without data items are untouched
(``Decision.data_items`` is None).

The chained actions that call this are in actions.py; the desensitize
package chains ``datastore_search`` separately for masked columns, and
CKAN stacks both.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckan import model
import ckan.plugins.toolkit as tk

from . import policy
from .dsparams import filter_fields, json_or_raw, names, query, sort_fields

ROW_ID = "_id"
# "rank <column>" is the score column of a per-column full-text query.
RANK_PREFIX = "rank "


def _refuse(param: str, names: Iterable[str], allowed: frozenset) -> None:
    hidden = ", ".join(sorted(set(names)))
    items = ", ".join(sorted(allowed)) or "-"
    raise tk.ValidationError({param: [
        f"您的授权仅包含信息项 {items}，不能使用其他信息项：{hidden} / "
        f"Your grant covers the data items {items} only; these are not "
        f"covered: {hidden}"]})


def _full_text_refused(param: str, allowed: frozenset) -> None:
    items = ", ".join(sorted(allowed))
    raise tk.ValidationError({param: [
        f"您的授权仅包含部分信息项（{items}），不支持对全部字段的全文检索，"
        f"请使用 q={{\"信息项\": \"检索词\"}} / Your grant covers some data "
        f"items only ({items}): full-text search over every column is not "
        f"available; use q={{\"<item>\": \"<text>\"}}"]})


def _selectable(name: str, allowed: frozenset) -> bool:
    if name == ROW_ID or name in allowed:
        return True
    return name.startswith(RANK_PREFIX) and name[len(RANK_PREFIX):] in allowed


def resource_id_of(data_dict: dict[str, Any]) -> Optional[str]:
    """The resource id behind a DataStore call's ``resource_id``/``id``
    (aliases resolved); None for public tables and unknown names."""
    rid = data_dict.get("resource_id") or data_dict.get("id")
    if not isinstance(rid, str) or not rid:
        return None
    if rid in tk.config.get("ckan.datastore.public_table_search", []):
        return None
    if model.Resource.get(rid) is not None:
        return rid
    from ckanext.datastore.backend import DatastoreBackend
    exists, real_id = DatastoreBackend.get_active_backend() \
        .resource_id_from_alias(rid)
    return real_id if exists else None


def _table_columns(resource_id: str) -> list[str]:
    from ckanext.datastore.backend import DatastoreBackend
    info = DatastoreBackend.get_active_backend().resource_fields(
        resource_id, False, False)
    return [f["id"] for f in info.get("fields", [])]


def scope_for(context: dict, data_dict: dict[str, Any]
              ) -> Optional[frozenset]:
    """The data items the caller is limited to for this DataStore table
    (None: no column limit, or the policy denies and core will refuse)."""
    if context.get("ignore_auth"):
        return None
    rid = resource_id_of(data_dict)
    if rid is None:
        return None
    decision = policy.decide(policy.user_from_context(context), rid, "api")
    if not decision.allowed or decision.data_items is None:
        return None
    return policy.item_columns(model.Resource.get(rid).package,
                               decision.data_items)


def limit_search(context: dict, data_dict: dict[str, Any]) -> dict[str, Any]:
    """``datastore_search`` parameters limited to the caller's data items;
    raises ValidationError for parameters naming any other column."""
    allowed = scope_for(context, data_dict)
    if allowed is None:
        return data_dict
    data = dict(data_dict)
    if data.get("full_text"):
        _full_text_refused("full_text", allowed)
    q = query(data.get("q"))
    if isinstance(q, dict):
        hidden = [k for k in q if k not in allowed]
        if hidden:
            _refuse("q", hidden, allowed)
    elif q:
        _full_text_refused("q", allowed)
    hidden = [f for f in filter_fields(json_or_raw(data.get("filters")))
              if f != ROW_ID and f not in allowed]
    if hidden:
        _refuse("filters", hidden, allowed)
    hidden = [f for f in sort_fields(data.get("sort"))
              if not _selectable(f, allowed)]
    if hidden:
        _refuse("sort", hidden, allowed)
    fields = names(data.get("fields"))
    hidden = [f for f in fields if not _selectable(f, allowed)]
    if hidden:
        _refuse("fields", hidden, allowed)
    if not fields:
        rid = resource_id_of(data)
        data["fields"] = [ROW_ID] + [c for c in _table_columns(rid)
                                     if c in allowed]
    return data


def check_result(allowed: Optional[frozenset],
                 result: dict[str, Any]) -> dict[str, Any]:
    """Last line of defence: a search result may not describe a column
    outside the grant (e.g. if another plugin rewrote the query)."""
    if allowed is None:
        return result
    extra = [f.get("id") for f in result.get("fields") or []
             if not _selectable(str(f.get("id")), allowed)]
    if extra:
        raise tk.NotAuthorized(
            "结果包含授权范围以外的信息项 / The result holds data items outside "
            "your grant")
    return result


def limit_info(allowed: Optional[frozenset],
               info: dict[str, Any]) -> dict[str, Any]:
    """``datastore_info`` showing only the caller's data items."""
    if allowed is None or not isinstance(info.get("fields"), list):
        return info
    return dict(info, fields=[f for f in info["fields"]
                              if f.get("id") in allowed])
