"""统一社会信用代码 (GB 32100-2015) and its embedded GB 11714 organisation code."""
from __future__ import annotations

import random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# 登记管理部门码 and the 机构类别码 each one allows (GB 32100 table 1).
_BODY_TYPES = {
    "1": "1239", "5": "1239", "9": "123", "Y": "1",
    "2": "19", "3": "123459", "4": "19", "6": "129", "7": "129",
    "8": "19", "A": "19", "B": "129", "C": "129", "D": "19",
    "E": "123", "F": "12", "G": "19", "N": "1239",
}


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w
                for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_org_code(value: str) -> bool:
    value = value.upper()
    if len(value) != 9 or any(c not in _ORG_ALPHABET for c in value[:8]):
        return False
    return value[8] == org_code_check_char(value[:8])


def is_valid_uscc(value: str, strict_org_code: bool = False) -> bool:
    """GB 32100 check character. ``strict_org_code`` also demands a valid
    GB 11714 code in positions 9-17, which some legitimately issued codes
    (individual businesses) do not carry, so it is off by default."""
    if len(value) != 18 or value != value.upper():
        return False
    if any(c not in USCC_ALPHABET for c in value):
        return False
    if value[0] not in _BODY_TYPES or value[1] not in _BODY_TYPES[value[0]]:
        return False
    if not value[2:8].isdigit():
        return False
    if strict_org_code and not is_valid_org_code(value[8:17]):
        return False
    return value[17] == uscc_check_char(value[:17])


def generate_uscc(rng: random.Random, region: str = "330100",
                  authority: str = "1", body_type: str = "1") -> str:
    """Synthetic code with valid GB 11714 and GB 32100 check characters."""
    org8 = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                   for _ in range(8))
    first17 = f"{authority}{body_type}{region}{org8}{org_code_check_char(org8)}"
    if first17[-1] not in USCC_ALPHABET:  # 'X' is fine, but guard the alphabet
        return generate_uscc(rng, region, authority, body_type)
    return first17 + uscc_check_char(first17)
