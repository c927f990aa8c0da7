"""Working days on the official calendar (holidays, 调休) and overrides."""
import datetime as dt

import pytest

from ckanext.govopen.applications.workdays import Calendar

D = dt.date


def test_national_day_2024_and_adjusted_weekends():
    cal = Calendar()
    assert cal.is_workday(D(2024, 9, 29))          # Sunday, 调休 working day
    assert cal.is_workday(D(2024, 10, 12))         # Saturday, 调休 working day
    assert not any(cal.is_workday(D(2024, 10, d)) for d in range(1, 8))
    assert not cal.is_workday(D(2024, 10, 13))     # ordinary Sunday
    # formal check, 5 working days from Sunday 2024-09-29:
    # 09-30, [10-01..10-07 holiday], 10-08, 10-09, 10-10, 10-11
    assert cal.add_workdays(D(2024, 9, 29), 5) == D(2024, 10, 11)
    # substantive review, 10 working days from 10-11 counts Saturday 10-12
    assert cal.add_workdays(D(2024, 10, 11), 10) == D(2024, 10, 24)
    assert cal.add_workdays(D(2024, 9, 30), 1) == D(2024, 10, 8)
    # processing time 09-27 (Fri) → 10-12: 09-29 (Sun), 09-30, 10-08..10-12 (Sat)
    assert cal.workdays_between(D(2024, 9, 27), D(2024, 10, 12)) == 7
    assert cal.workdays_between(D(2024, 10, 1), D(2024, 10, 7)) == 0
    assert cal.workdays_between(D(2024, 10, 8), D(2024, 10, 1)) == 0


def test_overrides():
    cal = Calendar(extra_holidays=["2024-10-08"], extra_workdays=["2024-10-05"])
    assert not cal.is_workday(D(2024, 10, 8))
    assert cal.is_workday(D(2024, 10, 5))
    assert cal.add_workdays(D(2024, 9, 30), 2) == D(2024, 10, 9)


def test_datetimes_use_china_time():
    cal = Calendar()
    # 2024-10-07 17:00 UTC is 2024-10-08 01:00 in Beijing: a working day
    start = dt.datetime(2024, 10, 7, 17, 0, tzinfo=dt.timezone.utc)
    assert cal.add_workdays(start, 1) == D(2024, 10, 9)


def test_years_outside_the_library_fall_back_to_weekdays():
    cal = Calendar()
    assert cal.is_workday(D(2099, 6, 1)) is True     # Monday
    assert cal.is_workday(D(2099, 6, 6)) is False    # Saturday


@pytest.mark.ckan_config("ckanext.govopen.applications.extra_holidays", "2024-10-08")
@pytest.mark.ckan_config("ckan.plugins", "govopen_applications")
@pytest.mark.usefixtures("with_plugins")
def test_config_overrides():
    from ckanext.govopen.applications import workdays
    assert workdays.add_workdays(D(2024, 9, 30), 1) == D(2024, 10, 9)
