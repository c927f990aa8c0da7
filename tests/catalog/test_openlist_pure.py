"""Pure tests of the 开放清单 rows and writers (no CKAN app)."""
import csv
import io

import openpyxl

from ckanext.govopen.catalog import openlist

BASE = "https://data.example.gov.cn"


def dataset(**kw):
    d = {
        "name": "bus-stops", "title": "公交站点", "catalog_code": "306001/000123",
        "organization": {"name": "jtj", "title": "榕溪市交通运输局"},
        "domain": "6", "open_type": "authorized",
        "open_condition": "=仅限科研用途", "usage_requirements": "不得转让",
        "security_requirements": "等保二级", "update_frequency": "monthly",
        "first_published": "2024-01-05", "data_updated": "2024-03-01",
        "resources": [
            {"format": "CSV", "machine_readable": "true",
             "url": "https://secret.example/file.csv"},
            {"format": "csv", "machine_readable": "true"},
            {"format": "PDF", "machine_readable": "false"},
            {"format": "JSON"},  # no flag: decided by the format list
        ],
    }
    d.update(kw)
    return d


def test_row_uses_schema_labels_and_never_a_resource_url():
    row = openlist.row_for(dataset(), base_url=BASE)
    assert row["domain"] == "交通运输"
    assert row["open_type"] == "授权开放"
    assert row["update_frequency"] == "每月"
    assert row["organization"] == "榕溪市交通运输局"
    assert row["formats"] == "CSV; JSON"
    assert row["last_updated"] == "2024-03-01"
    assert row["url"] == BASE + "/dataset/bus-stops"
    assert "secret.example" not in "".join(row.values())
    en = openlist.row_for(dataset(), lang="en", base_url=BASE)
    assert en["open_type"] == "Authorised" and en["domain"] == "Transport"


def test_csv_has_bom_bilingual_headers_and_neutralised_formulas():
    buf = io.BytesIO()
    n = openlist.export("csv", buf, packages=[dataset()])
    assert n == 1
    raw = buf.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "信息资源代码 / Catalogue code"
    assert rows[0][4] == "开放类型 / Openness class"
    assert len(rows[0]) == len(openlist.COLUMNS)
    assert rows[1][0] == "306001/000123"
    assert rows[1][5] == "'=仅限科研用途"


def test_xlsx_write_only_workbook(tmp_path):
    out = tmp_path / "list.xlsx"
    many = [dataset(name=f"d{i}", catalog_code=f"306001/{i:06d}")
            for i in range(250)]
    assert openlist.export("xlsx", str(out), packages=many) == 250
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb["开放清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "名称 / Title"
    assert len(rows) == 251
    assert rows[1][0] == "306001/000000"
    assert rows[1][5] == "=仅限科研用途"  # a string cell, not a formula
    assert "说明 About" in wb.sheetnames


def test_public_packages_pages_and_filters_closed():
    calls = []
    data = [dict(dataset(name=f"d{i}"), open_type=t)
            for i, t in enumerate(["universal", "closed", "authorized"])]

    def search(**params):
        calls.append(params)
        if "catalog_code" in (params.get("sort") or ""):
            raise ValueError("sort not supported")
        start, rows = params["start"], params["rows"]
        return {"count": len(data), "results": data[start:start + rows]}

    got = list(openlist.public_packages(page_size=2, include_closed=False,
                                        search=search))
    assert [p["name"] for p in got] == ["d0", "d2"]
    assert all("-open_type:closed" in c["fq"] for c in calls)
    assert calls[-1]["sort"] == "title_string asc"
    assert all(c["include_private"] is False for c in calls)
    got = list(openlist.public_packages(page_size=2, include_closed=True,
                                        search=search))
    assert len(got) == 3
