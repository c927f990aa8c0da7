"""``govopen_access``: wiring only. The policy is in policy.py; see
docs/access-paths.md for every path and how it asks the policy."""
from __future__ import annotations

import os
from typing import Any

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import actions, auth, filters, helpers, policy, views

HERE = os.path.dirname(__file__)


class AccessPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
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

    # IConfigDeclaration
    def declare_config_options(self, declaration, key):
        with open(os.path.join(HERE, "config_declaration.yaml"),
                  encoding="utf-8") as fh:
            declaration.load_dict(yaml.safe_load(fh))

    # IActions / IAuthFunctions
    def get_actions(self):
        return actions.get_actions()

    def get_auth_functions(self):
        return auth.get_auth_functions()

    # IPackageController
    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]):
        return filters.shape_package(context, pkg_dict)

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
