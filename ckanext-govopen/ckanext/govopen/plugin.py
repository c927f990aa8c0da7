"""The core govopen plugin: translations, the portal theme and the
`ckan govopen` CLI.

Capabilities live in sub-packages with their own plugins; this one only
wires what is shared by all of them.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import cli
from .theme import helpers as theme_helpers


class GovopenPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IClick)
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)

    def get_commands(self):
        return [cli.govopen]

    # IConfigurer: the portal theme (ckanext/govopen/theme/)
    def update_config(self, config):
        tk.add_template_directory(config, "theme/templates")
        tk.add_public_directory(config, "theme/public")
        tk.add_resource("theme/assets", "govopen_theme")

    # ITemplateHelpers
    def get_helpers(self):
        return theme_helpers.get_helpers()
