"""Code → label maps read from the scheming YAML (one source of truth).

Other sub-packages (DCAT profile, 开放清单 export, freshness monitor) can use
``choice_label('open_type', 'universal')`` instead of copying the tables.
"""
from __future__ import annotations

import functools
import os
from typing import Optional

import yaml

HERE = os.path.dirname(__file__)
LANGS = ("zh_Hans_CN", "en")

# Facet/field names whose values are codes shown with labels.
CODED_FIELDS = ("domain", "open_type", "share_type", "update_frequency",
                "catalog_class", "share_mode", "industry",
                "eligible_applicants", "contains_personal_info", "priority")


@functools.lru_cache(maxsize=None)
def _schema(name: str) -> dict:
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _text(label, lang: Optional[str]) -> str:
    if isinstance(label, dict):
        if lang and lang in label:
            return label[lang]
        if lang and lang.split("_")[0] == "zh":
            return label.get("zh_Hans_CN") or next(iter(label.values()))
        return label.get("zh_Hans_CN") or next(iter(label.values()))
    return str(label)


_BOOL = {"true": {"zh_Hans_CN": "是", "en": "Yes"},
         "false": {"zh_Hans_CN": "否", "en": "No"}}


@functools.lru_cache(maxsize=None)
def choices(field_name: str, section: str = "dataset_fields",
            schema_file: str = "dataset.yaml") -> dict:
    """{value: {lang: label}} for a select field (subfields searched too)."""
    fields = list(_schema(schema_file).get(section, []))
    for f in list(fields):
        fields.extend(f.get("repeating_subfields", []))
    for f in fields:
        if f.get("field_name") != field_name:
            continue
        if "choices" in f:
            return {str(c["value"]): (c["label"] if isinstance(c["label"], dict)
                                      else {"zh_Hans_CN": c["label"],
                                            "en": c["label"]})
                    for c in f["choices"]}
        if f.get("preset") == "govopen_boolean":
            return dict(_BOOL)
    return {}


def choice_label(field_name: str, value, lang: Optional[str] = "zh_Hans_CN",
                 section: str = "dataset_fields",
                 schema_file: str = "dataset.yaml") -> str:
    if value is None:
        return ""
    value = str(value)
    label = choices(field_name, section, schema_file).get(value)
    return _text(label, lang) if label else value


def field_label(field_name: str, lang: Optional[str] = "zh_Hans_CN",
                section: str = "dataset_fields",
                schema_file: str = "dataset.yaml") -> str:
    fields = list(_schema(schema_file).get(section, []))
    for f in list(fields):
        fields.extend(f.get("repeating_subfields", []))
    for f in fields:
        if f.get("field_name") == field_name:
            return _text(f.get("label", field_name), lang)
    return field_name
