"""Example ``IDesensitizer`` plugin (used by the tests; not registered).

It adds a detector for a made-up 医保号 (medical insurance number) format,
``YB`` + 6-digit region + 9-digit serial + check letter (A-Z from the digit
sum mod 26), and an operator ``tag`` that replaces a value with a fixed
label. Real deployments would register such a class under
``ckan.plugins`` and enable it in the ini.
"""
from __future__ import annotations

import polars as pl

import ckan.plugins as p

from .detectors import Detector
from .interfaces import IDesensitizer
from .plan import ColumnRule


def medical_no_check(first17: str) -> str:
    return chr(ord("A") + sum(int(c) for c in first17[2:]) % 26)


def is_valid_medical_no(value: str) -> bool:
    return (len(value) == 18 and value[:2] == "YB" and value[2:17].isdigit()
            and value[17] == medical_no_check(value[:17]))


MEDICAL_DETECTOR = Detector(
    "medical_no", "医保号", "Medical insurance number (example format)",
    r"(?<![0-9A-Za-z_])YB[0-9]{15}[A-Z](?![0-9A-Za-z_])",
    validate=is_valid_medical_no, header_hints=("医保号", "社保卡号", "medical_no"),
    order=25, token_prefix="MED", prefilter=r"YB[0-9]{15}",
    default_operator="pseudonymize")


def tag_operator(s: pl.Series, params: dict, ctx) -> pl.Series:
    label = params.get("label", "〔已脱敏〕")
    return s.to_frame("v").select(
        pl.when(pl.col("v").str.len_bytes() > 0).then(pl.lit(label)).otherwise(pl.col("v"))
        .alias(s.name)).to_series()


def city_level_addresses(profile, proposed):
    """Rule provider: this (imaginary) province publishes addresses at city level."""
    if proposed is not None and proposed.type == "address":
        return ColumnRule("address", "generalize", {"kind": "address", "level": "city"},
                          proposed.confidence, False, "plugin")
    return None


class ExampleDesensitizerPlugin(p.SingletonPlugin):
    p.implements(IDesensitizer)

    def get_desensitize_detectors(self):
        return [MEDICAL_DETECTOR]

    def get_desensitize_operators(self):
        return {"tag": tag_operator}

    def get_desensitize_rule_providers(self):
        return [city_level_addresses]
