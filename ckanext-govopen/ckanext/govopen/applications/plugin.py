"""govopen_applications: 授权开放 applications (issue #5). Wiring only."""
from __future__ import annotations

import os

import yaml

import ckan.plugins as p
from ckan.plugins import toolkit

from . import actions, auth, helpers, views

HERE = os.path.dirname(__file__)


class ApplicationsPlugin(p.SingletonPlugin):
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.ITemplateHelpers)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")

    def declare_config_options(self, declaration, key):
        with open(os.path.join(HERE, "config_declaration.yaml"), encoding="utf-8") as fh:
            declaration.load_dict(yaml.safe_load(fh))

    def get_actions(self):
        return actions.get_actions()

    def get_auth_functions(self):
        return auth.get_auth_functions()

    def get_blueprint(self):
        return views.get_blueprints()

    def get_helpers(self):
        return helpers.get_helpers()
