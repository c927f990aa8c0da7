"""居民身份证号 (GB 11643-1999): 18-digit and legacy 15-digit forms."""
from __future__ import annotations

import datetime
import random

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Province-level prefixes of GB/T 2260 plus 71 台湾, 81 香港, 82 澳门 and the
# commonly issued 83 (港澳台居民居住证) and 91 (外国人永久居留身份证).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83 91".split()
)


def id18_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def _valid_birth(yyyymmdd: str, today: datetime.date | None = None) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]),
                             int(yyyymmdd[6:8]))
    except ValueError:
        return False
    today = today or datetime.date.today()
    return datetime.date(1880, 1, 1) <= born <= today


def is_valid_id18(value: str, today: datetime.date | None = None) -> bool:
    """Structure, province prefix, real birth date and MOD 11-2 check."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    if value[:2] not in PROVINCE_PREFIXES:
        return False
    if not _valid_birth(value[6:14], today):
        return False
    return value[17].upper() == id18_check_char(value[:17])


def is_valid_id15(value: str) -> bool:
    """Legacy form has no check digit: structure, prefix and 19YYMMDD only."""
    if len(value) != 15 or not value.isascii() or not value.isdigit():
        return False
    return value[:2] in PROVINCE_PREFIXES and _valid_birth("19" + value[6:12])


def id15_to_id18(value: str) -> str:
    first17 = value[:6] + "19" + value[6:]
    return first17 + id18_check_char(first17)


def generate_id18(rng: random.Random, region: str = "330102",
                  birth: datetime.date | None = None,
                  male: bool | None = None) -> str:
    """A synthetic, checksum-valid number. Callers must use a synthetic region
    or a fixed seed; the point is valid structure, not a real person."""
    if birth is None:
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(
            days=rng.randrange(0, 365 * 55))
    seq = rng.randrange(0, 100) * 10
    sex_digit = rng.choice((1, 3, 5, 7, 9) if (male if male is not None
                           else rng.random() < 0.5) else (0, 2, 4, 6, 8))
    first17 = f"{region}{birth:%Y%m%d}{seq // 10:02d}{sex_digit}"
    return first17 + id18_check_char(first17)
