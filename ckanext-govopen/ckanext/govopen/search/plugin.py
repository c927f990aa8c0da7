"""Wires the PostgreSQL search backend into CKAN."""
from __future__ import annotations

import logging
import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import backend, segment

log = logging.getLogger(__name__)


def _resolve(path: str) -> str:
    if ":" in path and not os.path.isabs(path):
        module, _, name = path.partition(":")
        base = os.path.dirname(__import__(module, fromlist=["_"]).__file__)
        return os.path.join(base, name)
    return path


@tk.blanket.config_declarations("config_declaration.yaml")
class SearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config):
        # Must run in update_config: CKAN probes Solr right after it.
        if config.get("ckanext.govopen.search.backend",
                      "postgres") == "solr":
            backend.uninstall()
            return
        backend.install()
        synonyms = config.get("ckanext.govopen.search.synonyms") or \
            "ckanext.govopen.search:synonyms.txt"
        try:
            segment.configure(segment.load_synonym_file(_resolve(synonyms)))
        except OSError as e:
            log.error("Cannot read search synonyms %s: %s", synonyms, e)
