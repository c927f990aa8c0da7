"""govopen_catalog: 开放清单 export and the freshness monitor (issue #3, 6-7).

Wiring only; logic lives in ``openlist``, ``freshness``, ``helpers``,
``views`` and ``cli``.
"""
from __future__ import annotations

import json
import logging
import os

import yaml

import ckan.plugins as p
from ckan.plugins import toolkit

from ckanext.govopen.catalog import freshness, helpers, views

log = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)
LIST_CLOSED = "ckanext.govopen.list_closed"


def _is_staff() -> bool:
    """Logged-in sysadmin or member of any organisation (cached per request)."""
    try:
        user = toolkit.current_user
        if not user or not user.is_authenticated:
            return False
        cached = getattr(toolkit.g, "_govopen_is_staff", None)
        if cached is not None:
            return cached
        if getattr(user, "sysadmin", False):
            result = True
        else:
            orgs = toolkit.get_action("organization_list_for_user")(
                {"user": user.name}, {"id": user.id, "permission": "read"})
            result = bool(orgs)
        toolkit.g._govopen_is_staff = result
        return result
    except Exception:  # outside a request, or no user
        return False


class CatalogPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")

    # IConfigDeclaration
    def declare_config_options(self, declaration, key):
        with open(os.path.join(HERE, "config_declaration.yaml"),
                  encoding="utf-8") as fh:
            declaration.load_dict(yaml.safe_load(fh))
        # Shared with the access-policy code (rule 1: a catalogue-only
        # listing of closed data is configurable); declare it only once.
        if declaration.get(LIST_CLOSED) is None:
            declaration.declare_bool(key.ckanext.govopen.list_closed, True
                                     ).set_description(
                "List 不予开放 (closed) datasets that the public can see in "
                "the 开放清单 export (catalogue-only listing).")

    # IBlueprint
    def get_blueprint(self):
        return views.get_blueprints()

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.get_helpers()

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        try:
            validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
        except (TypeError, ValueError):
            validated = {}
        source = validated or pkg_dict
        pkg_dict.pop("freshness_recheck_date", None)
        pkg_dict.update(freshness.index_fields(source))
        return pkg_dict

    def after_dataset_search(self, search_results, search_params):
        facets = (search_results.get("search_facets") or {}).get("freshness")
        if facets:
            for item in facets.get("items", []):
                item["display_name"] = helpers.govopen_freshness_label(
                    item.get("name"))
        return search_results

    # IFacets
    def _add_facet(self, facets_dict):
        mode = toolkit.config.get("ckanext.govopen.freshness.facet") or "staff"
        if mode == "all" or (mode == "staff" and _is_staff()):
            facets_dict["freshness"] = toolkit._("Freshness") \
                if not (toolkit.h.lang() or "zh").startswith("zh") \
                else "更新及时性"
        return facets_dict

    def dataset_facets(self, facets_dict, package_type):
        return self._add_facet(facets_dict)

    def organization_facets(self, facets_dict, organization_type,
                            package_type):
        return self._add_facet(facets_dict)

