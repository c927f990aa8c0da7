"""``govopen_schema``: wires the catalogue schema into CKAN. Logic lives in
validators.py, reclassify.py, auth.py, helpers.py and indexing.py."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import auth, helpers, indexing, validators


@tk.blanket.config_declarations("config_declaration.yaml")
class SchemaPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IAuthFunctions)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "govopen_schema")


    # IAuthFunctions: the data authority edits every department's datasets
    def get_auth_functions(self):
        return auth.get_auth_functions()

    # IValidators
    def get_validators(self):
        return validators.get_validators()

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.get_helpers()

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return _facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        return _facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        facets = _facets(facets_dict)
        facets.pop("organization", None)
        return facets

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return indexing.before_dataset_index(pkg_dict)


FACET_ORDER = ("domain", "open_type", "organization", "res_format",
               "update_frequency", "region_code", "tags")
DROPPED_CORE_FACETS = ("license_id",)


def _facets(facets_dict: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    out: "OrderedDict[str, Any]" = OrderedDict()
    for name in FACET_ORDER:
        out[name] = helpers.govopen_facet_title(name, facets_dict.get(name))
    for name, title in facets_dict.items():
        if name not in out and name not in DROPPED_CORE_FACETS:
            out[name] = title
    facets_dict.clear()
    facets_dict.update(out)
    return facets_dict
