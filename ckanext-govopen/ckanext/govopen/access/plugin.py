"""``govopen_access``: wiring only. The policy is in policy.py; see
docs/access-paths.md for every path and how it asks the policy."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import (actions, activity_labels, auth, files, filters, helpers,
               policy, views)


@tk.blanket.config_declarations("config_declaration.yaml")
class AccessPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IBlueprint)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ITemplateHelpers)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")


    # IActions / IAuthFunctions
    def get_actions(self):
        return actions.get_actions()

    def get_auth_functions(self):
        return {**auth.get_auth_functions(), **files.get_auth_functions()}

    # IPackageController
    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]):
        return filters.shape_package(context, pkg_dict)

    def before_dataset_index(self, pkg_dict: dict[str, Any]):
        # Labels are computed whenever a dataset is indexed (every change,
        # bulk private/public, rebuild after a list_closed change): the
        # dataset's past activities follow them (ckan/ckan#7885).
        activity_labels.relabel(pkg_dict.get("id"))
        return pkg_dict

    # IPermissionLabels
    def get_dataset_labels(self, dataset_obj):
        from ckan.lib.plugins import DefaultPermissionLabels
        default = DefaultPermissionLabels().get_dataset_labels(dataset_obj)
        return policy.dataset_labels(dataset_obj, default)

    def get_user_dataset_labels(self, user_obj):
        from ckan.lib.plugins import DefaultPermissionLabels
        default = DefaultPermissionLabels().get_user_dataset_labels(user_obj)
        return policy.user_labels(user_obj, default)

    # IBlueprint
    def get_blueprint(self):
        return [views.blueprint]

    # IMiddleware
    def make_middleware(self, app, config):
        if hasattr(app, "view_functions"):
            views.install_download_guard(app)
        return app

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.get_helpers()
