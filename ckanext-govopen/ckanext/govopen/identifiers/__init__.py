"""Check-character arithmetic for Chinese identifiers (GUIDE §6.1).

Pure functions with no CKAN imports, shared by the schema validators, the
desensitization detectors and the demo-data generator, so one definition of
"valid" holds everywhere.
"""
from .id_card import (  # noqa: F401
    PROVINCE_PREFIXES, id18_check_char, is_valid_id15, is_valid_id18,
    id15_to_id18, generate_id18,
)
from .uscc import (  # noqa: F401
    USCC_ALPHABET, uscc_check_char, is_valid_uscc, org_code_check_char,
    is_valid_org_code, generate_uscc,
)
from .luhn import luhn_valid, luhn_check_digit  # noqa: F401

__all__ = [
    "PROVINCE_PREFIXES", "id18_check_char", "is_valid_id15", "is_valid_id18",
    "id15_to_id18", "generate_id18", "USCC_ALPHABET", "uscc_check_char",
    "is_valid_uscc", "org_code_check_char", "is_valid_org_code",
    "generate_uscc", "luhn_valid", "luhn_check_digit",
]
