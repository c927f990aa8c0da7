"""govopen_applications: 授权开放 applications (issue #5). Wiring only."""
from __future__ import annotations


import ckan.plugins as p
from ckan.plugins import toolkit

from . import actions, auth, helpers, views


@toolkit.blanket.config_declarations("config_declaration.yaml")
class ApplicationsPlugin(p.SingletonPlugin):
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")


    def get_actions(self):
        return actions.get_actions()

    def get_auth_functions(self):
        return auth.get_auth_functions()

    def get_blueprint(self):
        return views.get_blueprints()

    def get_helpers(self):
        return helpers.get_helpers()
