"""govopen_dcat: publishes the vocabularies the govopen DCAT profile uses.

The profile itself is the ``ckan.rdf.profiles`` entry point ``govopen_dcat``
(``ckanext.govopen.dcat.profile:GovopenDCATAPProfile``); this plugin only
serves ``/dcat/themes`` and ``/dcat/regions/<code>`` and declares the
profile's config option.
"""
from __future__ import annotations

import ckan.plugins as p
from ckan.plugins import toolkit

from ckanext.govopen.dcat import views


@toolkit.blanket.config_declarations
class DcatPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self):
        return views.get_blueprints()
