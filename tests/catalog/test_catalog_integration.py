"""开放清单 and freshness monitor through CKAN (web, CLI, index, facet)."""
import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.govopen.catalog import cli as catalog_cli
from ckanext.govopen.catalog import freshness as fr

from .conftest import PLUGINS

SITE = "http://127.0.0.1:5000"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckan.site_url", SITE),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def private_dataset(org, datasets):
    sysadmin = factories.Sysadmin()
    data = dict(datasets[0])
    for key in ("id", "resources", "organization", "metadata_created",
                "metadata_modified", "revision_id", "groups"):
        data.pop(key, None)
    data.update(name="draft-internal", title="内部草稿", private=True,
                catalog_code="306001/000099")
    return helpers.call_action("package_create",
                               context={"user": sysadmin["name"]}, **data)


def csv_rows(body: bytes):
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_open_list_csv_and_xlsx_show_what_the_public_sees(
        app, datasets, private_dataset):
    sysadmin = factories.SysadminWithToken()
    # a logged-in operator still gets the public list
    res = app.get("/open-list.csv",
                  headers={"Authorization": sysadmin["token"]})
    assert res.status_code == 200
    assert res.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in res.headers["Content-Disposition"]
    rows = csv_rows(res.data)
    assert rows[0][:3] == ["信息资源代码 / Catalogue code", "名称 / Title",
                           "数源单位 / Source department"]
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {"306001/000001", "306001/000002",
                            "302001/000003", "313001/000004"}
    clinic = by_code["302001/000003"]
    assert clinic[1] == "门诊量统计"
    assert clinic[2] == "榕溪市交通运输局"
    assert clinic[3] == "医疗卫生"
    assert clinic[4] == "授权开放"
    assert clinic[5] == "签订开放利用协议，仅用于科研"
    assert clinic[9] == "每季度"
    assert clinic[10] == "2024-01-15"
    assert clinic[12] == "CSV"
    assert clinic[13] == SITE + "/dataset/clinic-visits"
    assert by_code["313001/000004"][4] == "不予开放"
    assert by_code["306001/000001"][12] == "CSV; JSON"
    body = res.data.decode("utf-8-sig")
    assert "files.example.com" not in body and "/download/" not in body

    res = app.get("/open-list.xlsx")
    assert res.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(res.data), read_only=True)
    sheet = list(wb["开放清单"].iter_rows(values_only=True))
    assert sheet[0][0] == "信息资源代码 / Catalogue code"
    assert {r[0] for r in sheet[1:]} == set(by_code)


@pytest.mark.ckan_config("ckanext.govopen.list_closed", "false")
def test_open_list_can_leave_out_closed_entries(app, datasets):
    rows = csv_rows(app.get("/open-list.csv").data)
    assert "313001/000004" not in {r[0] for r in rows[1:]}
    assert len(rows) == 4


def test_open_list_cli(app, cli, datasets, tmp_path):
    with app.flask_app.test_request_context():
        out = tmp_path / "list.csv"
        result = cli.invoke(catalog_cli.open_list,
                            ["--format", "csv", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert len(csv_rows(out.read_bytes())) == 5
        out = tmp_path / "list.xlsx"
        result = cli.invoke(catalog_cli.open_list,
                            ["--format", "xlsx", "--out", str(out),
                             "--lang", "en"])
        assert result.exit_code == 0, result.output
        sheet = list(openpyxl.load_workbook(out)["开放清单"].iter_rows(
            values_only=True))
        assert {r[4] for r in sheet[1:]} == {"Universal", "Authorised",
                                             "Not opened"}


def _search(**kw):
    return helpers.call_action("package_search", **kw)


def test_freshness_is_indexed_faceted_and_reindexed(app, cli, org, datasets,
                                                    monkeypatch):
    sysadmin = factories.Sysadmin()
    ctx = {"user": sysadmin["name"]}
    today = dt.date.today()
    helpers.call_action("package_patch", context=ctx, id="bus-stops",
                        data_updated=(today - dt.timedelta(days=60)).isoformat())
    helpers.call_action("package_patch", context=ctx, id="clinic-visits",
                        data_updated=today.isoformat())
    result = _search(q="", facet="true", **{"facet.field": ["freshness"]})
    facet = result["facets"]["freshness"]
    # bus-stops monthly, 60 days -> overdue; clinic quarterly today -> fresh;
    # bus-realtime (created now) fresh; tax-arrears semiannual fresh
    assert facet.get("overdue") == 1
    assert _search(fq="freshness:overdue")["results"][0]["name"] == "bus-stops"
    labels = {i["name"]: i["display_name"]
              for i in result["search_facets"]["freshness"]["items"]}
    assert labels["overdue"] == "更新逾期"

    # Time passes: clinic-visits (quarterly, 100 days) was last updated 90
    # days ago. Index it as the monitor saw it 30 days ago ("fresh", recheck
    # date already passed); freshness-reindex must refresh it to due_soon.
    helpers.call_action("package_patch", context=ctx, id="clinic-visits",
                        data_updated=(today - dt.timedelta(days=90)).isoformat())
    real = fr.index_fields
    monkeypatch.setattr(
        fr, "index_fields",
        lambda v, now=None: real(v, now=dt.datetime.utcnow()
                                 - dt.timedelta(days=30)))
    from ckan.lib import search
    search.rebuild(datasets[2]["id"])
    monkeypatch.setattr(fr, "index_fields", real)
    stale = _search(fq="name:clinic-visits", fl=["freshness"])["results"]
    assert stale == [{"freshness": "fresh"}]
    with app.flask_app.test_request_context():
        result = cli.invoke(catalog_cli.freshness_reindex, ["--dry-run"])
        assert "1 datasets to reindex" in result.output
        result = cli.invoke(catalog_cli.freshness_reindex, [])
    assert result.exit_code == 0, result.output
    fresh = _search(fq="name:clinic-visits", fl=["freshness"])["results"]
    assert fresh == [{"freshness": "due_soon"}]
    assert _search(fq="freshness:overdue")["results"][0]["name"] == "bus-stops"


def test_freshness_facet_only_for_department_staff(app, org, datasets):
    res = app.get("/dataset/")
    assert "更新及时性" not in res.body
    member = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"],
                        username=member["name"], role="member")
    res = app.get("/dataset/", headers={"Authorization": member["token"]})
    assert "更新及时性" in res.body
    outsider = factories.UserWithToken()
    res = app.get("/dataset/", headers={"Authorization": outsider["token"]})
    assert "更新及时性" not in res.body


def test_freshness_report_cli(app, cli, org, datasets):
    sysadmin = factories.Sysadmin()
    old = (dt.date.today() - dt.timedelta(days=200)).isoformat()
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id="clinic-visits", data_updated=old)
    with app.flask_app.test_request_context():
        result = cli.invoke(catalog_cli.freshness_report,
                            ["--org", org["name"], "--format", "json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        dept = report["departments"][0]
        assert dept["organization"] == "rx-transport"
        assert dept["counts"]["overdue"] == 1 and dept["total"] == 4
        first = dept["datasets"][0]
        assert first["name"] == "clinic-visits"
        assert first["days_overdue"] == 200 - 100 - 1
        result = cli.invoke(catalog_cli.freshness_report, [])
        assert "OVERDUE  302001/000003  门诊量统计" in result.output
        assert "Total: overdue 1" in result.output
        result = cli.invoke(catalog_cli.freshness_report, ["--format", "csv"])
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert rows[0]["status"] == "overdue" and len(rows) == 4


def test_freshness_badge_snippet(app, datasets):
    pkg = dict(datasets[0], data_updated="2000-01-01")
    with app.flask_app.test_request_context():
        html = toolkit.render_snippet("govopen_catalog/freshness_badge.html",
                                      {"pkg": pkg})
        assert 'data-freshness="overdue"' in html
        assert "更新逾期" in html and "2000-01-01" in html
        pkg = dict(datasets[3], data_updated=dt.date.today().isoformat())
        html = toolkit.render_snippet("govopen_catalog/freshness_badge.html",
                                      {"pkg": pkg})
        assert 'data-freshness="fresh"' in html and "应于" in html
