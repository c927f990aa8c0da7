"""Template helpers of the govopen theme (home page)."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

# Domains shown on the home page when the catalogue is still empty
# (GUIDE §4.5 codes): transport, health, education, environment, social
# security, market regulation, weather, credit.
DEFAULT_DOMAINS = ("6", "2", "7", "10", "3", "15", "19", "1")
HOME_DOMAINS = 8


def _domain_label(code: str) -> str:
    try:
        from ckanext.govopen.schema.labels import choice_label
    except ImportError:  # pragma: no cover - schema sub-package always ships
        return code
    lang = tk.h.lang() or "zh_Hans_CN"
    return choice_label("domain", code, lang)


def govopen_home_stats() -> dict[str, Any]:
    """Dataset count and the featured domains (most datasets first) for the
    home page: ``{"count": n, "domains": [{"code", "label", "count"}]}``."""
    counts: dict[str, int] = {}
    total = 0
    try:
        result = tk.get_action("package_search")(
            {}, {"q": "*:*", "rows": 0, "facet.field": ["domain"],
                 "facet.limit": 50})
        total = result.get("count", 0)
        for item in (result.get("search_facets", {}).get("domain", {})
                     .get("items", [])):
            counts[str(item["name"])] = int(item["count"])
    except Exception:  # the home page must render even if search is down
        log.exception("home page statistics unavailable")
    codes = sorted(counts, key=lambda c: (-counts[c], int(c) if c.isdigit() else 99))
    for code in DEFAULT_DOMAINS:
        if code not in codes:
            codes.append(code)
    domains = [{"code": c, "label": _domain_label(c), "count": counts.get(c, 0)}
               for c in codes[:HOME_DOMAINS]]
    return {"count": total, "domains": domains}


def get_helpers() -> dict:
    return {"govopen_home_stats": govopen_home_stats}
