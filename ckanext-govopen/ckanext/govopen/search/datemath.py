"""Solr date math (``NOW``, ``NOW-7DAYS``, ``NOW/DAY``) and ISO dates."""
from __future__ import annotations

import datetime as dt
import re

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

_UNITS = {
    "YEAR": "years", "YEARS": "years", "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days", "HOUR": "hours",
    "HOURS": "hours", "MINUTE": "minutes", "MINUTES": "minutes",
    "SECOND": "seconds", "SECONDS": "seconds", "WEEK": "weeks",
    "WEEKS": "weeks",
}
_OP = re.compile(r"([+-]\d+|/)([A-Z]+)")
_ROUND = {
    "years": dict(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
    "months": dict(day=1, hour=0, minute=0, second=0, microsecond=0),
    "days": dict(hour=0, minute=0, second=0, microsecond=0),
    "hours": dict(minute=0, second=0, microsecond=0),
    "minutes": dict(second=0, microsecond=0),
    "seconds": dict(microsecond=0),
}


class DateMathError(ValueError):
    pass


def parse(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """Return an aware UTC datetime for a Solr date expression."""
    value = value.strip()
    if value.upper().startswith("NOW"):
        base = now or dt.datetime.now(dt.timezone.utc)
        rest = value[3:].upper()
    else:
        head, sep, rest = value.partition("Z")
        try:
            base = isoparse(head if sep else value)
        except (ValueError, OverflowError) as e:
            raise DateMathError(f"日期无效 / Invalid date: {value!r}") from e
        if base.tzinfo is None:
            base = base.replace(tzinfo=dt.timezone.utc)
        rest = rest.upper()
    pos = 0
    for m in _OP.finditer(rest):
        if m.start() != pos or m.group(2) not in _UNITS:
            raise DateMathError(f"日期表达式无效 / Invalid date math: {value!r}")
        unit = _UNITS[m.group(2)]
        if m.group(1) == "/":
            if unit == "weeks":
                raise DateMathError(f"不能按周取整 / Cannot round to weeks: {value!r}")
            base = base.replace(**_ROUND[unit])
        else:
            try:
                base = base + relativedelta(**{unit: int(m.group(1))})
            except (OverflowError, ValueError) as e:
                raise DateMathError(f"日期超出范围 / Date out of range: {value!r}") from e
        pos = m.end()
    if pos != len(rest):
        raise DateMathError(f"日期表达式无效 / Invalid date math: {value!r}")
    return base
