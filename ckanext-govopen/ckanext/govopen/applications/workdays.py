"""Working days on the official Chinese calendar (holidays and 调休).

``chinese_calendar.is_workday`` knows the State Council's yearly notices;
``ckanext.govopen.applications.extra_holidays`` / ``extra_workdays`` add or
override single dates (a local holiday, a late notice). Years the library does
not know fall back to Monday–Friday.

Conventions: a deadline of *n* working days from a start date is the *n*-th
working day **after** that date; the working days between two dates count
those after the first up to and including the second.
"""
from __future__ import annotations

import datetime
from typing import Iterable, Optional, Union
from zoneinfo import ZoneInfo

import chinese_calendar

DateLike = Union[datetime.date, datetime.datetime, str]


def _parse_dates(values) -> set[datetime.date]:
    if not values:
        return set()
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    return {datetime.date.fromisoformat(str(v).strip()) for v in values if str(v).strip()}


def _config_dates(key: str) -> set[datetime.date]:
    try:
        from ckan.plugins.toolkit import config
        return _parse_dates(config.get(key))
    except Exception:  # outside CKAN (pure tests)
        return set()


class Calendar:
    def __init__(self, extra_holidays: Iterable = (), extra_workdays: Iterable = ()):
        self.extra_holidays = _parse_dates(list(extra_holidays))
        self.extra_workdays = _parse_dates(list(extra_workdays))

    @classmethod
    def from_config(cls) -> "Calendar":
        cal = cls()
        cal.extra_holidays = _config_dates("ckanext.govopen.applications.extra_holidays")
        cal.extra_workdays = _config_dates("ckanext.govopen.applications.extra_workdays")
        return cal

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # year not covered by the library
            return day.weekday() < 5

    def add_workdays(self, start: DateLike, n: int) -> datetime.date:
        day = to_date(start)
        counted = 0
        while counted < n:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, start: DateLike, end: DateLike) -> int:
        a, b = to_date(start), to_date(end)
        if b <= a:
            return 0
        return sum(1 for i in range(1, (b - a).days + 1)
                   if self.is_workday(a + datetime.timedelta(days=i)))


def tz() -> datetime.tzinfo:
    try:
        from ckan.plugins.toolkit import config
        name = config.get("ckan.display_timezone") or "Asia/Shanghai"
        if name in ("server", "UTC"):
            name = "Asia/Shanghai" if name == "server" else name
        return ZoneInfo(name)
    except Exception:
        return ZoneInfo("Asia/Shanghai")


def to_date(value: DateLike) -> datetime.date:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value) if "T" in value or " " in value \
            else datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz())
        return value.date()
    return value


def today(now: Optional[datetime.datetime] = None) -> datetime.date:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return to_date(now)


def add_workdays(start: DateLike, n: int) -> datetime.date:
    return Calendar.from_config().add_workdays(start, n)


def workdays_between(start: DateLike, end: DateLike) -> int:
    return Calendar.from_config().workdays_between(start, end)
