"""The one access policy of govopen (GUIDE §2 rules 1, 9, 15, 20; §5.3).

Every path by which data can leave the portal asks :func:`decide`:
download views, signed links, the link proxy, ``resource_show`` (and through
it the DataStore, dumps, resource views, datatables and the resource proxy),
``package_show`` URLs, ``resource_search``, activity data and diffs. Files
of CKAN 2.12's file API ask :func:`decide_file`. Nothing is cached: grants
are read from the database on each call, so revocation and expiry take
effect on the very next request.

Rules
-----
* ``universal`` (普遍开放): metadata and data public. Only resources that
  :func:`is_public_derivative` accepts are public; the desensitization
  engineer extends that hook (public data = desensitized derivative only).
* ``authorized`` (授权开放): metadata public; data and URLs only for
  sysadmins, members of the provider organisation (and dataset
  collaborators), members of the data authority, and holders of an active
  grant covering the resource (limited to the grant's data items in the
  DataStore, see columns.py).
* ``closed`` (不予开放): catalogue entry only; data and URLs only for the
  provider organisation and the authority. ``ckanext.govopen.list_closed``
  (declared by the catalog plugin) decides whether the entry is listed to
  anyone else at all (see :func:`dataset_labels`).
* Private or non-active datasets: as ``closed``.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator, Optional, Union

from ckan import authz, model
from ckan.plugins.toolkit import asbool, config

from ckanext.govopen.schema import stored
from ckanext.govopen.schema.reclassify import authority_org_ids

from . import grants

UNIVERSAL, AUTHORIZED, CLOSED = "universal", "authorized", "closed"
RESTRICTED = frozenset({AUTHORIZED, CLOSED})
AUTHORITY_LABEL = "govopen-authority"


@dataclasses.dataclass(frozen=True)
class Decision:
    """``allowed``, a bilingual ``reason`` (中文 / English) and the grant
    that allows access, if any. ``code`` is a stable machine-readable
    reason; ``open_type`` is the dataset's class. ``data_items`` limits a
    grantee to those data items (``name_en``, the DataStore column names);
    None means every item. Unpacks as ``allowed, reason, grant_id``."""
    allowed: bool
    reason: str
    grant_id: Optional[str] = None
    code: str = ""
    open_type: Optional[str] = None
    data_items: Optional[frozenset] = None

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator[Any]:
        return iter((self.allowed, self.reason, self.grant_id))

    def as_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "reason": self.reason,
                "grant_id": self.grant_id, "code": self.code,
                "open_type": self.open_type,
                "data_items": None if self.data_items is None
                else sorted(self.data_items)}


REASONS = {
    "not_found": ("资源不存在", "Resource not found"),
    "universal": ("普遍开放数据，任何人可获取", "Universal data: open to everyone"),
    "original_withheld": ("普遍开放数据仅公开脱敏后的衍生数据",
                          "Universal data: only the desensitized derivative "
                          "is public"),
    "sysadmin": ("系统管理员", "Sysadmin"),
    "provider": ("数源单位成员", "Member of the provider department"),
    "authority": ("数据主管部门成员", "Member of the data authority"),
    "grant": ("持有有效授权", "Holds an active grant"),
    "no_grant": ("授权开放数据，需申请并获得授权后方可获取",
                 "Authorized data: apply for and obtain a grant first"),
    "login": ("授权开放数据，请登录并申请授权",
              "Authorized data: log in and apply for a grant"),
    "closed": ("不予开放数据，仅在目录中列出", "Closed data: catalogue entry only"),
    "private": ("未公开的数据集", "Dataset is not public"),
    "file_staff_only": (
        "授权开放和不予开放数据集的附属文件仅数源单位、数据主管部门可获取；"
        "获得授权者请通过资源下载或数据接口获取",
        "Files attached to authorized or closed datasets are for the provider "
        "department and the data authority only; grantees get the data "
        "through resource downloads or the DataStore API"),
}


def _reason(code: str) -> str:
    zh, en = REASONS[code]
    return f"{zh} / {en}"


def _decision(allowed: bool, code: str, open_type: Optional[str],
              grant_id: Optional[str] = None,
              data_items: Optional[frozenset] = None) -> Decision:
    return Decision(allowed, _reason(code), grant_id, code, open_type,
                    data_items)


# ------------------------------------------------------------------ lookups
def user_object(user: Any) -> Optional[model.User]:
    """model.User from a User, a user dict, a name or an id (None if
    anonymous or unknown)."""
    if user is None or user == "":
        return None
    if isinstance(user, model.User):
        return user if user.id else None
    if isinstance(user, dict):
        user = user.get("id") or user.get("name")
    if isinstance(user, str):
        return model.User.get(user)
    if getattr(user, "is_anonymous", False):
        return None
    user_id = getattr(user, "id", None)
    return model.User.get(user_id) if user_id else None


def user_from_context(context: dict) -> Optional[model.User]:
    obj = context.get("auth_user_obj")
    if obj is not None and getattr(obj, "id", None) and not getattr(
            obj, "is_anonymous", False):
        return user_object(obj)
    return user_object(context.get("user"))


def open_type_of(pkg: Union[model.Package, dict, None]) -> Optional[str]:
    if pkg is None:
        return None
    if isinstance(pkg, dict):
        value = pkg.get("open_type")
        if value is None:
            extras = pkg.get("extras") or []
            if isinstance(extras, list):
                value = next((e.get("value") for e in extras
                              if e.get("key") == "open_type"), None)
        return value
    return (pkg.extras or {}).get("open_type")


def _load(resource: Union[str, dict, model.Resource]
          ) -> tuple[Optional[model.Resource], Optional[model.Package]]:
    if isinstance(resource, model.Resource):
        res = resource
    else:
        rid = resource.get("id") if isinstance(resource, dict) else resource
        res = model.Resource.get(rid) if rid else None
    if res is None or res.state != "active":
        return None, None
    pkg = model.Package.get(res.package_id)
    if pkg is None:
        return None, None
    return res, pkg


def is_provider_member(user: model.User, pkg: model.Package) -> bool:
    """Any-capacity member of the owning organisation, or a collaborator."""
    if pkg.owner_org and authz.users_role_for_group_or_org(
            pkg.owner_org, user.name):
        return True
    try:
        return authz.user_is_collaborator_on_dataset(user.id, pkg.id)
    except Exception:  # collaborators disabled: table may be unused
        return False


def is_authority_member(user: Optional[model.User]) -> bool:
    """Any-capacity member of an authority organisation (reuses the schema
    plugin's definition of the authority)."""
    if user is None:
        return False
    org_ids = authority_org_ids()
    if not org_ids:
        return False
    return model.Session.query(model.Member.id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id,
        model.Member.state == "active",
        model.Member.group_id.in_(org_ids)).first() is not None


def staff_decision(user: Optional[model.User], pkg: model.Package,
                   open_type: Optional[str]) -> Optional[Decision]:
    """Sysadmin, provider department or authority: the people who may
    always see the data and its real URLs."""
    if user is None:
        return None
    if user.sysadmin:
        return _decision(True, "sysadmin", open_type)
    if is_provider_member(user, pkg):
        return _decision(True, "provider", open_type)
    if is_authority_member(user):
        return _decision(True, "authority", open_type)
    return None


# ------------------------------------------------------------------- hooks
def is_public_derivative(resource: Union[model.Resource, dict],
                         pkg: Union[model.Package, dict, None] = None) -> bool:
    """Hook for the desensitization engineer: may this resource of a
    普遍开放 dataset be served to the public? Today every resource is,
    except one flagged ``desensitize_role = original`` (the original kept
    beside a desensitized derivative). Extend here, nowhere else.

    With ``govopen_desensitize`` loaded, its publication gate decides
    (``desensitize/gate.py``: originals never, derivatives once published,
    uploads of personal-info datasets not before their scan)."""
    from ckan.plugins import plugin_loaded
    if plugin_loaded("govopen_desensitize"):
        from ckanext.govopen.desensitize.gate import is_public
        return is_public(resource, pkg)
    if isinstance(resource, model.Resource):
        role = (resource.extras or {}).get("desensitize_role")
    else:
        role = resource.get("desensitize_role")
    return role != "original"


# ------------------------------------------------------------------ decide
def _open_or_staff(user: Optional[model.User], pkg: model.Package,
                   open_type: str, publishable) -> Optional[Decision]:
    """The part of every decision that does not depend on grants: public
    普遍开放 data whose object ``publishable()`` allows, staff, and the
    denials of private and withheld data. None: grants decide."""
    public = not pkg.private and pkg.state == "active"
    if public and open_type == UNIVERSAL and publishable():
        return _decision(True, "universal", open_type)
    staff = staff_decision(user, pkg, open_type)
    if staff is not None:
        return staff
    if not public:
        return _decision(False, "private", open_type)
    if open_type == UNIVERSAL:
        return _decision(False, "original_withheld", open_type)
    return None


def decide(user: Any, resource: Union[str, dict, model.Resource],
           mode: Optional[str] = None) -> Decision:
    """May ``user`` (model.User, dict, name/id, or None for anonymous) get
    the data of ``resource`` (id, dict or model.Resource), and under which
    grant? ``mode`` ("download" or "api") additionally requires a grant to
    include that access mode."""
    res, pkg = _load(resource)
    if res is None:
        return _decision(False, "not_found", None)
    user = user_object(user)
    open_type = open_type_of(pkg) or UNIVERSAL
    early = _open_or_staff(user, pkg, open_type,
                           lambda: is_public_derivative(res, pkg))
    if early is not None:
        return early
    if open_type == AUTHORIZED:
        if user is None:
            return _decision(False, "login", open_type)
        active = grants.active_grants_for(user.id, pkg.id, res.id, mode)
        if active:
            return _decision(True, "grant", open_type, active[0]["id"],
                             grants.item_scope(active))
        return _decision(False, "no_grant", open_type)
    return _decision(False, "closed", open_type)


def item_columns(pkg: model.Package, items: Optional[frozenset]
                 ) -> Optional[frozenset]:
    """The column headers that carry the granted ``items`` (``name_en``):
    each item's ``name_en`` and its ``name_zh``, since departments' raw
    exports (and the tables made from them) head columns in Chinese."""
    if items is None:
        return None
    zh = {d.get("name_zh") for d in stored.data_items(pkg)
          if d.get("name_en") in items and d.get("name_zh")}
    return frozenset(items) | frozenset(zh)


FILE_OWNER_TYPES = ("package", "resource")


def declares_personal_info(pkg: model.Package) -> bool:
    return str((pkg.extras or {}).get("contains_personal_info", "")
               ).lower() == "true"


def decide_file(user: Any, owner_type: str, owner_id: str) -> Decision:
    """May ``user`` read a file of CKAN 2.12's file API (``File`` rows,
    ``/file/download``, ``file_show``) owned by a dataset or a resource?

    Core cascades such files to ``package_show`` / ``resource_show``, and
    ``package_show`` is public for 授权开放 metadata. A file is not a
    resource: a grant's scope (resources, data items) and the per-grant
    delivery (desensitized extracts) cannot apply to it, so files of
    restricted datasets go to staff only. Files of public 普遍开放 datasets
    are public, except where the dataset declares personal information
    (never scanned by the publication gate: fail closed) or the owning
    resource is withheld by :func:`is_public_derivative`."""
    if owner_type == "resource":
        res, pkg = _load(owner_id)
    elif owner_type == "package":
        res, pkg = None, model.Package.get(owner_id)
    else:
        raise ValueError(f"not a dataset file owner: {owner_type}")
    if pkg is None or pkg.state == "deleted":
        return _decision(False, "not_found", None)
    user = user_object(user)
    open_type = open_type_of(pkg) or UNIVERSAL
    early = _open_or_staff(
        user, pkg, open_type,
        lambda: is_public_derivative(res, pkg) if res is not None
        else not declares_personal_info(pkg))
    if early is not None:
        return early
    return _decision(False, "file_staff_only", open_type)


def is_staff(user: Any, pkg: Union[model.Package, str]) -> bool:
    """Sysadmin, provider member or authority member for this dataset."""
    if isinstance(pkg, str):
        pkg = model.Package.get(pkg)
    user = user_object(user)
    return pkg is not None and staff_decision(user, pkg, None) is not None


def stored_url(res: model.Resource, pkg: model.Package,
               for_edit: bool = False) -> str:
    """The resource URL as core's ``resource_dictize`` would show it."""
    from urllib.parse import urlsplit
    from ckan.lib import munge
    from ckan.lib.helpers import url_for
    url = res.url or ""
    if for_edit:
        return url
    if res.url_type == "upload":
        name = munge.munge_filename(url.rsplit("/")[-1])
        return url_for(f"{pkg.type or 'dataset'}_resource.download",
                       id=pkg.id, resource_id=res.id, filename=name,
                       qualified=True)
    if url and not urlsplit(url).scheme:
        return "http://" + url.lstrip("/")
    return url


def visible_url(user: Any, res: model.Resource, pkg: model.Package,
                decision: Decision, for_edit: bool = False) -> str:
    """The URL shown to ``user`` for a resource (empty if none may be
    shown). Staff see the stored URL. Grantees of 授权开放 data see uploads'
    download URLs, but a link resource's external URL never: they get the
    portal's grant-checked download route, which proxies it."""
    if not decision.allowed:
        return ""
    if (decision.open_type == AUTHORIZED and decision.code == "grant"
            and res.url_type != "upload"):
        from ckan.lib.helpers import url_for
        return url_for(f"{pkg.type or 'dataset'}_resource.download",
                       id=pkg.id, resource_id=res.id, qualified=True)
    return stored_url(res, pkg, for_edit)


# ------------------------------------------------------ permission labels
def list_closed() -> bool:
    return asbool(config.get("ckanext.govopen.list_closed", True))


def dataset_labels(pkg: model.Package, default: list[str]) -> list[str]:
    """Closed datasets are hidden from everyone but the provider and the
    authority when ``list_closed`` is false."""
    if (open_type_of(pkg) == CLOSED and not list_closed()
            and not pkg.private and pkg.owner_org):
        return [f"member-{pkg.owner_org}", AUTHORITY_LABEL,
                f"creator-{pkg.creator_user_id}"]
    return default


def user_labels(user: Any, default: list[str]) -> list[str]:
    user = user_object(user)
    if user is not None and is_authority_member(user):
        return list(default) + [AUTHORITY_LABEL]
    return default
