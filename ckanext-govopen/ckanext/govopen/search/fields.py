"""How each index field behaves, mirroring CKAN's Solr ``schema.xml``.

Solr decides per field whether a value is matched exactly (``string``),
tokenised (``text``), or compared as a date or number; the translator needs
the same knowledge to keep ``field:value`` queries meaning what CKAN expects.
"""
from __future__ import annotations

import re

STRING, TEXT, DATE, NUMBER = "string", "text", "date", "number"

_EXACT: dict[str, str] = {
    "title": TEXT, "notes": TEXT, "text": TEXT, "urls": TEXT,
    "res_name": TEXT, "res_description": TEXT,
    "author": TEXT, "author_email": TEXT, "maintainer": TEXT,
    "maintainer_email": TEXT, "data_item_names": TEXT,
    "metadata_created": DATE, "metadata_modified": DATE, "indexed_ts": DATE,
    "views_total": NUMBER, "views_recent": NUMBER,
    "resources_accessed_total": NUMBER, "resources_accessed_recent": NUMBER,
    "num_resources": NUMBER, "num_tags": NUMBER, "record_count": NUMBER,
    "ratings_count": NUMBER, "ratings_average": NUMBER,
    "first_published": DATE, "data_updated": DATE,
    "temporal_start": DATE, "temporal_end": DATE,
}
for _rel in ("depends_on", "dependency_of", "derives_from", "has_derivation",
             "links_to", "linked_from", "child_of", "parent_of"):
    _EXACT[_rel] = TEXT

# Fields Solr returns as lists (multiValued) when asked for them in ``fl``.
MULTI_VALUED = frozenset({
    "tags", "groups", "res_name", "res_description", "res_format", "res_url",
    "res_type", "text", "urls", "permission_labels", "data_item_names",
    "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
})

# Stored as whole blobs, never matched or faceted.
BLOB_FIELDS = frozenset({"data_dict", "validated_data_dict"})

# Relevance weights (tsvector classes A-D): title above tags and data items,
# those above the description, everything else last.
WEIGHT_A = ("title", "name")
WEIGHT_B = ("tags", "groups", "data_item_names", "organization")
WEIGHT_C = ("notes", "res_name", "res_description")

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def kind(field: str) -> str:
    if field in _EXACT:
        return _EXACT[field]
    if field.endswith("_date"):
        return DATE
    if field.startswith(("extras_", "res_extras_")):
        return TEXT
    return STRING


def is_multi_valued(field: str) -> bool:
    return field in MULTI_VALUED or field.startswith(("vocab_", "res_extras_"))


def valid_name(field: str) -> bool:
    return bool(_FIELD_NAME.match(field))


def weight(field: str) -> str:
    if field in WEIGHT_A:
        return "A"
    if field in WEIGHT_B or field.startswith("vocab_"):
        return "B"
    if field in WEIGHT_C:
        return "C"
    return "D"


def is_searchable_text(field: str) -> bool:
    """Fields whose words feed free-text search: Solr's ``text`` copyFields.

    String copies of extras (``open_type`` beside ``extras_open_type``) stay
    out so that a bare code such as ``6`` does not match every dataset."""
    if field in ("res_url", "urls"):
        return False  # URLs are secrets for restricted data; never tokenised
    return kind(field) == TEXT or field in WEIGHT_A or field in WEIGHT_B \
        or field.startswith("vocab_")
