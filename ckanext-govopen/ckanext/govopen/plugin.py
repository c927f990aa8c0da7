"""The core govopen plugin: translations and the `ckan govopen` CLI.

Capabilities live in sub-packages with their own plugins; this one only
wires what is shared by all of them.
"""
from __future__ import annotations

import ckan.plugins as p
from ckan.lib.plugins import DefaultTranslation

from . import cli


class GovopenPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IClick)
    p.implements(p.ITranslation)

    def get_commands(self):
        return [cli.govopen]
