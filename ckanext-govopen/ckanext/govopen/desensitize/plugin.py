"""``govopen_desensitize``: the CKAN side of 脱敏 (GUIDE §6.5, §6.7). Wiring
only: the workflow is in jobs.py, plan review in review.py, the gate in
gate.py, actions in actions.py, pages in views.py, and the DataStore query
guard (no predicates on masked columns) in datastore_guard.py.

Uploads of tabular files are flagged ``desensitize_role = original`` before
they are saved (so they are never public, not even for a moment) and a scan
job is queued once the file is stored. Editors cannot set or change the
workflow's resource fields; an upload that replaces a file is scanned again.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from . import actions, auth, datastore_guard, delivery, helpers, jobs, views
from . import model as dz

PROTECTED = ("desensitize_role", "desensitize_source", "desensitize_plan_id",
             "desensitize_plan_revision", "desensitize_release_id",
             "desensitized")
NEW_UPLOAD = "govopen_desensitize_new_upload"


def _has_upload(resource: dict) -> bool:
    upload = resource.get("upload")
    return isinstance(upload, FileStorage) and bool(
        getattr(upload, "filename", None))


def _tabular(resource: dict) -> bool:
    fmt = str(resource.get("format") or "").strip().lower().lstrip(".")
    if fmt in jobs.FORMATS:
        return True
    name = getattr(resource.get("upload"), "filename", "") or \
        resource.get("url") or ""
    ext = os.path.splitext(str(name))[1].lower().lstrip(".")
    return ext in jobs.FORMATS


def _mark_original(resource: dict) -> None:
    for key in PROTECTED:
        resource.pop(key, None)
    resource["desensitize_role"] = dz.ORIGINAL
    resource["desensitized"] = "false"


@tk.blanket.config_declarations("config_declaration.yaml")
class DesensitizePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        delivery.install()


    # IActions / IAuthFunctions
    def get_actions(self):
        out = actions.get_actions()
        if p.plugin_loaded("datastore"):
            # independent of other datastore_search chains (access): this
            # one vets the query before the search runs
            out["datastore_search"] = datastore_guard.datastore_search
        return out

    def get_auth_functions(self):
        out = auth.get_auth_functions()
        if p.plugin_loaded("datastore"):
            out["datastore_search_sql"] = datastore_guard.datastore_search_sql
        return out

    # IBlueprint
    def get_blueprint(self):
        out = [views.blueprint]
        if p.plugin_loaded("datastore"):
            out.append(datastore_guard.dump_blueprint())
        return out

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.get_helpers()

    # IResourceController
    def before_resource_create(self, context: Any, resource: dict) -> None:
        if context.get(jobs.INTERNAL):
            return
        for key in PROTECTED:
            resource.pop(key, None)
        if _has_upload(resource) and _tabular(resource):
            _mark_original(resource)
            context[NEW_UPLOAD] = True

    def after_resource_create(self, context: Any, resource: dict) -> None:
        if context.get(jobs.INTERNAL) or not context.pop(NEW_UPLOAD, False):
            return
        jobs.start_scan(resource["id"], context.get("user"))

    def before_resource_update(self, context: Any, current: dict,
                               resource: dict) -> None:
        if context.get(jobs.INTERNAL):
            return
        for key in PROTECTED:
            if key in current:
                resource[key] = current[key]
            else:
                resource.pop(key, None)
        if _has_upload(resource) and _tabular(resource):
            _mark_original(resource)
            context.setdefault(NEW_UPLOAD + "_ids", set()).add(current["id"])

    def after_resource_update(self, context: Any, resource: dict) -> None:
        ids = context.get(NEW_UPLOAD + "_ids") or set()
        if context.get(jobs.INTERNAL) or resource.get("id") not in ids:
            return
        ids.discard(resource["id"])
        row = dz.get_resource(resource["id"])
        if row is not None and row["role"] == dz.DERIVATIVE:
            # an editor replaced the derivative's file: it is an original now
            dz.set_resource(resource["id"], resource["package_id"],
                            role=dz.ORIGINAL, source_id=None)
        jobs.start_scan(resource["id"], context.get("user"))
