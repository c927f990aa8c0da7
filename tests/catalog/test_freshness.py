"""Pure tests of the freshness rules (GUIDE §4.6)."""
import datetime as dt

import pytest

from ckanext.govopen.catalog import freshness as fr

NOW = dt.datetime(2024, 6, 30, 12, 0, 0)


def pkg(freq, **kw):
    d = {"update_frequency": freq, "resources": [],
         "metadata_modified": "2020-01-01T00:00:00"}
    d.update(kw)
    return d


@pytest.mark.parametrize("freq,days", [
    ("realtime", 1), ("daily", 2), ("weekly", 9), ("monthly", 35),
    ("quarterly", 100), ("semiannual", 190), ("annual", 380)])
def test_thresholds_flag_overdue_exactly_after_the_guide_limit(freq, days):
    last = NOW - dt.timedelta(days=days)
    on_the_day = fr.compute(pkg(freq, data_updated=None,
                                resources=[{"last_modified": last.isoformat()}]),
                            now=NOW)
    assert on_the_day.status != fr.OVERDUE
    assert on_the_day.threshold_days == days
    late = fr.compute(pkg(freq, resources=[{
        "last_modified": (last - dt.timedelta(days=3, hours=1)).isoformat()}]),
        now=NOW)
    assert late.status == fr.OVERDUE
    assert late.days_overdue == 3
    assert late.days_until_due == 0


@pytest.mark.parametrize("freq", ["irregular", "static", "", None, "hourly"])
def test_irregular_static_and_unknown_are_never_overdue(freq):
    f = fr.compute(pkg(freq, data_updated="2000-01-01"), now=NOW)
    assert f.status == fr.UNCHECKED
    assert f.days_overdue is None and f.next_change is None


def test_source_order_data_updated_then_resources_then_metadata():
    resources = [{"last_modified": "2024-06-01T08:00:00",
                  "created": "2024-01-01T00:00:00"},
                 {"last_modified": None, "created": "2024-06-20T00:00:00"}]
    when, src = fr.last_data_update(pkg("monthly", data_updated="2024-05-01",
                                        resources=resources))
    assert (when, src) == (dt.datetime(2024, 5, 2), "data_updated")
    when, src = fr.last_data_update(pkg("monthly", resources=resources))
    assert (when, src) == (dt.datetime(2024, 6, 20), "resource")
    when, src = fr.last_data_update(pkg("monthly"))
    assert (when, src) == (dt.datetime(2020, 1, 1), "metadata_modified")


def test_date_only_update_counts_the_whole_day():
    # updated some time on 06-27; daily limit 2 days -> overdue after 06-30
    f = fr.compute(pkg("daily", data_updated="2024-06-27"), now=NOW)
    assert f.status == fr.OVERDUE and f.days_overdue == 0
    f = fr.compute(pkg("daily", data_updated="2024-06-28"), now=NOW)
    assert f.status == fr.FRESH and f.due == dt.datetime(2024, 7, 1)


def test_due_soon_window_and_days_until_due():
    # monthly: 35 days; due soon in the last 20% (7 days)
    f = fr.compute(pkg("monthly", resources=[
        {"last_modified": (NOW - dt.timedelta(days=20)).isoformat()}]),
        now=NOW)
    assert f.status == fr.FRESH and f.days_until_due == 15
    assert f.next_change == NOW + dt.timedelta(days=8)
    f = fr.compute(pkg("monthly", resources=[
        {"last_modified": (NOW - dt.timedelta(days=30)).isoformat()}]),
        now=NOW)
    assert f.status == fr.DUE_SOON and f.days_until_due == 5
    assert f.next_change == NOW + dt.timedelta(days=5)
    f = fr.compute(pkg("monthly", resources=[
        {"last_modified": (NOW - dt.timedelta(days=30)).isoformat()}]),
        now=NOW, due_soon_ratio=0.1)
    assert f.status == fr.FRESH


def test_timezone_aware_timestamps_are_normalised_to_utc():
    f = fr.compute(pkg("daily", resources=[
        {"last_modified": "2024-06-29T20:00:00+08:00"}]), now=NOW)
    assert f.last_update == dt.datetime(2024, 6, 29, 12, 0)
    assert f.status == fr.FRESH and f.days_until_due == 1


def test_index_fields_give_status_and_recheck_date():
    fields = fr.index_fields(pkg("weekly", data_updated="2024-06-25"),
                             now=NOW)
    assert fields["freshness"] == fr.FRESH
    assert fields["freshness_recheck_date"].endswith("Z")
    assert fr.index_fields(pkg("static"), now=NOW) == {
        "freshness": fr.UNCHECKED}


def test_report_rows_sort_overdue_first_per_department():
    datasets = [
        dict(pkg("daily", data_updated="2024-06-29"), name="a", title="A",
             organization={"name": "org1", "title": "局一"}),
        dict(pkg("daily", data_updated="2024-06-01"), name="b", title="B",
             organization={"name": "org1", "title": "局一"}),
        dict(pkg("static"), name="c", title="C",
             organization={"name": "org2", "title": "局二"}),
    ]
    rows = fr.report_rows(datasets, now=NOW)
    assert [r["name"] for r in rows] == ["b", "a", "c"]
    assert rows[0]["status"] == fr.OVERDUE and rows[0]["days_overdue"] == 26
    depts = fr.by_department(rows)
    assert depts["org1"]["counts"] == {"fresh": 1, "due_soon": 0,
                                       "overdue": 1, "unchecked": 0}
    assert depts["org2"]["counts"]["unchecked"] == 1
