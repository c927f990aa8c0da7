"""Keep secrets out of the search index.

Anything stored in the index can come back through ``fl``, facets, ``q`` or
``fq``, so secrets are removed before a document is written rather than
filtered on the way out. Resource URLs of restricted datasets (授权开放 and
不予开放) are removed; the access policy re-reads them from the database for
users allowed to see them.
"""
from __future__ import annotations

import json
import re
from typing import Any

SECRET_KEY = re.compile(r"pass(word|wd)?$|secret|(^|_)token$|api_?key|"
                        r"private_key", re.IGNORECASE)
RESTRICTED_OPEN_TYPES = frozenset({"authorized", "closed"})
URL_FIELDS = ("res_url", "urls", "download_url")


def _open_type(doc: dict[str, Any]) -> str | None:
    value = doc.get("open_type") or doc.get("extras_open_type")
    return value if isinstance(value, str) else None


def is_restricted(doc: dict[str, Any]) -> bool:
    return _open_type(doc) in RESTRICTED_OPEN_TYPES


def _is_secret(key: Any) -> bool:
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def drop_secret_keys(value: Any) -> Any:
    """Remove secret-named keys, including CKAN extras entries
    (``{"key": "ftp_password", "value": …}``)."""
    if isinstance(value, dict):
        return {k: drop_secret_keys(v) for k, v in value.items()
                if not _is_secret(k)}
    if isinstance(value, list):
        return [drop_secret_keys(v) for v in value
                if not (isinstance(v, dict) and _is_secret(v.get("key")))]
    return value


def _strip_resource_urls(pkg: dict[str, Any]) -> dict[str, Any]:
    pkg = dict(pkg)
    pkg["resources"] = [dict(r, url="") for r in pkg.get("resources") or []]
    return pkg


def scrub_blob(blob: str | None, restricted: bool) -> str | None:
    if not blob:
        return blob
    data = drop_secret_keys(json.loads(blob))
    if restricted and isinstance(data, dict):
        data = _strip_resource_urls(data)
    return json.dumps(data, ensure_ascii=False)


def scrub_document(doc: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a flattened index document without secrets."""
    restricted = is_restricted(doc)
    clean = {k: v for k, v in doc.items() if not _is_secret(k)}
    for key in ("data_dict", "validated_data_dict"):
        if key in clean:
            clean[key] = scrub_blob(clean[key], restricted)
    if restricted:
        for key in URL_FIELDS:
            clean.pop(key, None)
        for key in [k for k in clean if k.startswith("res_extras_")
                    and "url" in k]:
            clean.pop(key)
    return clean
