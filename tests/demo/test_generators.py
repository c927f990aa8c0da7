"""Pure tests of the demo row generators: identifiers are valid and the
files encode as declared. Run without CKAN:
``pytest -p no:ckan -p no:ckan_fixtures tests/demo/test_generators.py``."""
import datetime
import json
import random
import re

import pytest

from ckanext.govopen.demo import catalogue, csvfiles, rows
from ckanext.govopen.demo import city as C
from ckanext.govopen.identifiers import is_valid_id18, is_valid_uscc, luhn_valid

AS_OF = datetime.date(2025, 7, 1)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
PLATE = re.compile(r"^闽A(?:[DF]\d{5}|[A-HJ-NP-Z0-9]{5})$")


def tables():
    """(entry, res spec, header, rows) for every generated resource."""
    for e in catalogue.DATASETS:
        for i, spec in enumerate(e.resources):
            kind = rows.KINDS[spec.kind]
            if spec.kind == "open_list":
                data = catalogue.open_list_rows()
            else:
                rng = random.Random(f"t:{e.name}:{i}")
                data = kind.rows(rng, spec.rows, catalogue.period(e, AS_OF))
            yield e, spec, kind, data


ALL = list(tables())


def _column(kind, data, name_en):
    idx = [c.name_en for c in kind.columns].index(name_en)
    return [r[idx] for r in data]


def test_row_counts_are_realistic():
    for e, spec, kind, data in ALL:
        if spec.kind == "open_list":
            assert len(data) >= 30
        else:
            assert len(data) >= 60, e.name
            assert len(data) <= spec.rows


def test_every_row_matches_its_columns():
    for e, spec, kind, data in ALL:
        assert all(len(r) == len(kind.columns) for r in data), e.name


def test_id_numbers_have_valid_check_characters():
    checked = 0
    for e, spec, kind, data in ALL:
        for col in kind.columns:
            if col.name_zh.endswith("身份证号") or col.name_en in ("certificate_no", "driver_id"):
                values = _column(kind, data, col.name_en)
                assert all(is_valid_id18(v) for v in values), (e.name, col.name_en)
                assert all(v[:4] == "3501" for v in values)
                checked += len(values)
    assert checked > 5000


def test_uscc_columns_are_valid():
    checked = 0
    for e, spec, kind, data in ALL:
        for col in kind.columns:
            if "uscc" in col.name_en:
                values = _column(kind, data, col.name_en)
                assert all(is_valid_uscc(v, strict_org_code=True) for v in values), \
                    (e.name, [v for v in values if not is_valid_uscc(v, True)][:3])
                checked += len(values)
    assert checked > 5000


def test_bank_cards_pass_luhn_and_mobiles_and_plates_look_right():
    cards = mobiles = plates = 0
    for e, spec, kind, data in ALL:
        for col in kind.columns:
            values = [v for v in _column(kind, data, col.name_en) if v != ""]
            if col.name_en == "bank_card":
                assert all(luhn_valid(v) and v.startswith("62") and len(v) == 19 for v in values)
                cards += len(values)
            elif "mobile" in col.name_en:
                assert all(MOBILE.match(v) for v in values), e.name
                mobiles += len(values)
            elif col.name_en == "plate_no":
                assert all(PLATE.match(v) for v in values), \
                    [v for v in values if not PLATE.match(v)][:3]
                plates += len(values)
    assert cards and mobiles and plates


def test_personal_name_pool():
    rng = random.Random(1)
    names = [C.person_name(rng) for _ in range(2000)]
    assert all(2 <= len(n) <= 4 for n in names)
    assert any(n[:2] in C.COMPOUND_SURNAMES for n in names)
    assert len(set(names)) > 1000


def test_generation_is_deterministic():
    e = catalogue.BY_NAME["rx-insured-persons"]
    kind = e.kind
    ctx = catalogue.period(e, AS_OF)
    a = kind.rows(random.Random("x"), 200, ctx)
    b = kind.rows(random.Random("x"), 200, ctx)
    assert a == b


def test_gbk_files_decode_as_gbk_only():
    gbk = [t for t in ALL if t[1].encoding == "GBK"]
    assert len(gbk) >= 8
    for e, spec, kind, data in gbk:
        header = [c.name_zh if spec.header == "zh" else c.name_en for c in kind.columns]
        payload = csvfiles.csv_bytes(header, data, "GBK")
        text = payload.decode("gbk")
        assert text == csvfiles.csv_bytes(header, data, "UTF-8").decode("utf-8")
        assert re.search(r"[\u4e00-\u9fff]", text)
        with pytest.raises(UnicodeDecodeError):
            payload.decode("utf-8")


def test_utf8_and_bom_files():
    header, data = ["a", "b"], [["榕溪市", 1]]
    assert csvfiles.csv_bytes(header, data, "UTF-8").decode("utf-8") == "a,b\r\n榕溪市,1\r\n"
    assert csvfiles.csv_bytes(header, data, "UTF-8-BOM").startswith(b"\xef\xbb\xbf")
    assert any(t[1].encoding == "UTF-8-BOM" for t in ALL)


def test_json_booleans():
    out = json.loads(csvfiles.json_bytes(["x", "y"], [["true", "false"]]))
    assert out == [{"x": True, "y": False}]


def test_aqi_levels_are_consistent():
    e = catalogue.BY_NAME["rx-aqi-hourly"]
    data = e.kind.rows(random.Random(3), 500, catalogue.period(e, AS_OF))
    cols = [c.name_en for c in e.kind.columns]
    for r in data:
        row = dict(zip(cols, r))
        assert 0 <= row["aqi"] <= 500
        assert row["aqi_level"] == rows._aqi_level(row["aqi"])


def test_open_list_uses_labels_and_lists_only_public_entries():
    listed = catalogue.open_list_rows()
    public = [e for e in catalogue.DATASETS if not e.private]
    assert [r[0] for r in listed] == [catalogue.CATALOG_CODES[e.name] for e in public]
    assert {r[4] for r in listed} == {"普遍开放", "授权开放"}
    assert "交通运输" in {r[3] for r in listed} and "每月" in {r[5] for r in listed}


def test_addresses_match_their_street_column():
    e = catalogue.BY_NAME["rx-subsistence-allowance"]
    cols = [c.name_en for c in e.kind.columns]
    for r in e.kind.rows(random.Random(5), 300, catalogue.period(e, AS_OF)):
        row = dict(zip(cols, r))
        assert row["street"] in row["home_address"]
