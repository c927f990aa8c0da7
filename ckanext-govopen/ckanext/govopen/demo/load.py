"""Idempotent loader of the 榕溪市 demo catalogue.

``load_demo()`` creates what is missing and never updates or deletes what
exists (checked by name): users, organisations, memberships, datasets and
their resources (by resource name). A dataset is created as a ``draft``,
its resources uploaded one by one, then it is switched to ``active``, so
the publication rules of the schema (machine-readable resource, data items,
record count) run once, on the complete dataset; an interrupted run leaves a
draft that the next run completes.

Passwords are random, generated only when a user is created, appended to
the credentials file (mode 0600) and never changed afterwards.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import random
import secrets
import string
import tempfile
from typing import Any, Callable, Iterable

from werkzeug.datastructures import FileStorage

from . import catalogue, csvfiles, departments, rows

log = logging.getLogger(__name__)

ORG_CORE = {"name", "title", "description"}
CREDENTIALS_NAME = "demo-credentials.txt"


@dataclasses.dataclass
class Summary:
    users: list[str] = dataclasses.field(default_factory=list)
    organizations: list[str] = dataclasses.field(default_factory=list)
    memberships: list[str] = dataclasses.field(default_factory=list)
    datasets: list[str] = dataclasses.field(default_factory=list)
    resources: list[str] = dataclasses.field(default_factory=list)
    activated: list[str] = dataclasses.field(default_factory=list)
    credentials_file: str = ""
    credentials: str = ""

    @property
    def created_anything(self) -> bool:
        return bool(self.users or self.organizations or self.memberships
                    or self.datasets or self.resources or self.activated)


# ---------------------------------------------------------------- paths

def repo_root(start: str | None = None) -> str | None:
    """The directory holding setup.py above this package (editable install)."""
    path = os.path.abspath(start or os.path.dirname(__file__))
    while True:
        if os.path.isfile(os.path.join(path, "setup.py")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def default_credentials_file() -> str:
    root = repo_root() or os.getcwd()
    return os.path.join(root, "var", CREDENTIALS_NAME)


# ---------------------------------------------------------------- passwords

def strong_password(length: int = 20) -> str:
    """Random password with lower, upper, digit and symbol characters."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%+="
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in pw) and any(c.isupper() for c in pw)
                and any(c.isdigit() for c in pw)
                and any(not c.isalnum() for c in pw)):
            return pw


def _append_credentials(path: str, lines: list[str], site_url: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    new = not os.path.exists(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        if new:
            f.write("# govopen 演示账号 / demo accounts (榕溪市, synthetic). Keep secret.\n")
            f.write(f"# site: {site_url}\n")
            f.write(f"# {'kind':<11} {'username':<20} {'password':<22} organisation\n")
        for line in lines:
            f.write(line + "\n")
    os.chmod(path, 0o600)


# ---------------------------------------------------------------- CKAN helpers

def _tk():
    import ckan.plugins.toolkit as tk
    return tk


def _context() -> dict[str, Any]:
    tk = _tk()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _schema_field_names(action: str, params: dict) -> set[str] | None:
    """Field names of the active scheming schema, or None without scheming."""
    tk = _tk()
    try:
        schema = tk.get_action(action)({"ignore_auth": True}, params)
    except (KeyError, tk.ObjectNotFound):
        return None
    except Exception:  # scheming action exists but schema type is missing
        log.warning("could not read schema via %s", action, exc_info=True)
        return None
    names = {f["field_name"] for f in schema.get("dataset_fields", [])}
    names |= {f["field_name"] for f in schema.get("fields", [])}
    return names


def _to_extras(data: dict[str, Any], core: Iterable[str]) -> dict[str, Any]:
    """Without a scheming schema, custom fields travel as extras."""
    import json
    core = set(core)
    out = {k: v for k, v in data.items() if k in core}
    extras = []
    for k, v in data.items():
        if k in core:
            continue
        if isinstance(v, (list, dict)):
            v = json.dumps(v, ensure_ascii=False)
        elif isinstance(v, bool):
            v = "true" if v else "false"
        extras.append({"key": k, "value": str(v)})
    out["extras"] = extras
    return out


PKG_CORE = {"name", "title", "notes", "owner_org", "private", "tags",
            "license_id", "version", "state", "resources", "type", "url",
            "author", "author_email", "maintainer", "maintainer_email"}


# ---------------------------------------------------------------- steps

def ensure_users(summary: Summary, credentials_file: str, echo) -> None:
    from ckan import model
    tk = _tk()
    lines = []
    for u in departments.USERS:
        if model.User.get(u["name"]) is not None:
            continue
        password = strong_password()
        data = {"name": u["name"], "fullname": u["fullname"], "email": u["email"],
                "password": password}
        if u.get("about"):
            data["about"] = u["about"]
        if u.get("sysadmin"):
            data["sysadmin"] = True
        tk.get_action("user_create")(_context(), data)
        summary.users.append(u["name"])
        lines.append(f"  {u['kind']:<11} {u['name']:<20} {password:<22} {u.get('org', '')}")
    if lines:
        site_url = tk.config.get("ckan.site_url") or ""
        _append_credentials(credentials_file, lines, site_url)
    elif not os.path.exists(credentials_file):
        echo(f"注意 / note: all demo users exist but {credentials_file} is missing; "
             "their passwords are unknown here (reset with `ckan user setpass`).")


def ensure_organizations(summary: Summary) -> None:
    from ckan import model
    tk = _tk()
    fields = _schema_field_names("scheming_organization_schema_show",
                                 {"type": "organization"})
    for org in departments.ORGS:
        if model.Group.get(org["name"]) is not None:
            continue
        data = dict(org)
        if fields is not None:
            if "notes" in fields:
                data["notes"] = org["description"]
        else:
            data = _to_extras(data, ORG_CORE)
        tk.get_action("organization_create")(_context(), data)
        summary.organizations.append(org["name"])


def ensure_memberships(summary: Summary) -> None:
    from ckan import model
    tk = _tk()
    for u in departments.USERS:
        if not u.get("org"):
            continue
        group = model.Group.get(u["org"])
        user = model.User.get(u["name"])
        exists = model.Session.query(model.Member).filter_by(
            group_id=group.id, table_id=user.id, table_name="user",
            state="active").first()
        if exists is not None:
            continue
        tk.get_action("organization_member_create")(
            _context(), {"id": group.id, "username": user.name, "role": u["role"]})
        summary.memberships.append(f"{u['name']}@{u['org']}:{u['role']}")


def _table(entry: catalogue.Entry, spec: catalogue.Res, index: int,
           as_of: datetime.date, quick: bool, loaded: list[catalogue.Entry]
           ) -> tuple[list[str], list[list[Any]]]:
    kind = rows.KINDS[spec.kind]
    if spec.kind == "open_list":
        data = catalogue.open_list_rows(loaded)
    else:
        n = min(spec.rows, catalogue.QUICK_ROWS) if quick else spec.rows
        rng = random.Random(f"govopen-demo:{entry.name}:{index}")
        data = kind.rows(rng, n, catalogue.period(entry, as_of))
    header = [c.name_zh if spec.header == "zh" else c.name_en for c in kind.columns]
    return header, data


def _resource_specs(entry, as_of, quick, loaded):
    """(name, format, bytes, encoding, record_count, description) per resource."""
    out = []
    for i, spec in enumerate(entry.resources):
        header, data = _table(entry, spec, i, as_of, quick, loaded)
        name = spec.name or entry.title
        base = f"{entry.name}-{i + 1}"
        desc = spec.description or f"{entry.title}，共{len(data)}条记录。"
        out.append((name, "CSV", f"{base}.csv",
                    csvfiles.csv_bytes(header, data, spec.encoding), spec.encoding,
                    len(data), desc))
        if spec.json:
            en_header = [c.name_en for c in rows.KINDS[spec.kind].columns]
            out.append((f"{name}（JSON）", "JSON", f"{base}.json",
                        csvfiles.json_bytes(en_header, data), "UTF-8", len(data),
                        desc + "JSON格式，键为英文信息项名。"))
    return out


def ensure_dataset(entry: catalogue.Entry, summary: Summary, as_of: datetime.date,
                   quick: bool, loaded: list[catalogue.Entry], tmpdir: str,
                   dataset_fields: set[str] | None) -> None:
    from ckan import model
    tk = _tk()
    pkg = model.Package.get(entry.name)
    if pkg is not None and pkg.state != "draft":
        # active (complete) or deleted by someone: never touch it. Only a
        # draft -- a run interrupted before activation -- is completed.
        return

    specs = _resource_specs(entry, as_of, quick, loaded)
    if pkg is None:
        data = catalogue.package_dict(entry, as_of, specs[0][5])
        data["state"] = "draft"
        if dataset_fields is None:
            data = _to_extras(data, PKG_CORE)
        tk.get_action("package_create")(_context(), data)
        summary.datasets.append(entry.name)
        pkg = model.Package.get(entry.name)

    existing = {r.name for r in pkg.resources if r.state == "active"}
    ctx = catalogue.period(entry, as_of)
    for name, fmt, filename, payload, encoding, count, desc in specs:
        if name in existing:
            continue
        path = csvfiles.write(tmpdir, filename, payload)
        with open(path, "rb") as stream:
            upload = FileStorage(stream=stream, filename=filename,
                                 content_type="text/csv" if fmt == "CSV" else "application/json")
            res = tk.get_action("resource_create")(_context(), {
                "package_id": pkg.id, "name": name, "description": desc,
                "format": fmt, "access_mode": "download", "encoding": encoding,
                "record_count": count,
                "data_period": catalogue.data_period_label(entry, ctx),
                "url": filename, "upload": upload,
            })
        if res.get("url_type") != "upload":
            raise RuntimeError(
                "resource upload was not stored (is ckan.storage_path set?): "
                f"{entry.name}/{name}")
        summary.resources.append(f"{entry.name}/{name}")

    pkg = model.Package.get(entry.name)
    if pkg.state == "draft":
        patch = {"id": pkg.id, "state": "active"}
        if dataset_fields is not None:
            patch["record_count"] = specs[0][5]
        tk.get_action("package_patch")(_context(), patch)
        summary.activated.append(entry.name)


def selected_entries(quick: bool, names: Iterable[str] | None = None
                     ) -> list[catalogue.Entry]:
    if names:
        wanted = set(names)
        unknown = wanted - set(catalogue.BY_NAME)
        if unknown:
            raise ValueError(f"unknown demo datasets: {sorted(unknown)}")
        return [e for e in catalogue.DATASETS if e.name in wanted]
    if quick:
        return [catalogue.BY_NAME[n] for n in catalogue.QUICK]
    return list(catalogue.DATASETS)


def load_demo(credentials_file: str | None = None, quick: bool = False,
              as_of: datetime.date | None = None,
              datasets: Iterable[str] | None = None,
              echo: Callable[[str], Any] = print) -> Summary:
    """Create the missing demo users, organisations, memberships and
    datasets. Call inside a CKAN app context (the CLI does)."""
    credentials_file = credentials_file or default_credentials_file()
    as_of = as_of or datetime.date.today()
    summary = Summary(credentials_file=credentials_file)

    ensure_users(summary, credentials_file, echo)
    ensure_organizations(summary)
    ensure_memberships(summary)

    entries = selected_entries(quick, datasets)
    fields = _schema_field_names("scheming_dataset_schema_show", {"type": "dataset"})
    with tempfile.TemporaryDirectory(prefix="govopen-demo-") as tmpdir:
        for entry in entries:
            try:
                ensure_dataset(entry, summary, as_of, quick, entries, tmpdir, fields)
            except _tk().ValidationError as e:
                raise RuntimeError(f"demo dataset {entry.name} failed validation: "
                                   f"{e.error_dict}") from e

    if os.path.exists(credentials_file):
        with open(credentials_file, encoding="utf-8") as f:
            summary.credentials = f.read()
    return summary
