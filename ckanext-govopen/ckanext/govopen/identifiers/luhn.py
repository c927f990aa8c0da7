"""ISO/IEC 7812 Luhn check for bank card numbers."""


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


def luhn_valid(digits: str) -> bool:
    return digits.isascii() and digits.isdigit() and len(digits) > 1 \
        and _luhn_sum(digits) % 10 == 0


def luhn_check_digit(partial: str) -> str:
    return str((10 - _luhn_sum(partial + "0") % 10) % 10)
