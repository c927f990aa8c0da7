import csv
import hashlib
import json
import random

import polars as pl
import pytest

from ckanext.govopen.desensitize import engine, synthetic as S
from ckanext.govopen.desensitize.plan import ColumnRule, Plan
from ckanext.govopen.desensitize.verify import verify

from .conftest import KEY, write_people
from .corpus import RARE


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def run_scanned(src, out, **kw):
    plan = engine.scan(src)["plan"]
    # 300 people over 80 address/age/sex classes: most classes are below k,
    # so suppression would refuse the run; these tests are about the rest.
    plan["suppress_below_k"] = False
    return engine.run(src, plan, out, key=KEY, scope=("ds", "r1"), **kw)


def test_run_writes_derivative_report_and_passes_gate(people_csv, tmp_path):
    before = sha(people_csv)
    seen = []
    out = str(tmp_path / "out.csv")
    rep = run_scanned(people_csv, out, progress=seen.append, batch_rows=64)
    assert rep["ok"] and rep["rows_in"] == rep["rows_out"] == 300
    assert sha(people_csv) == before                       # original untouched
    assert seen[-1] == 1.0 and seen == sorted(seen)
    df = pl.read_csv(out, infer_schema=False)
    assert df.columns == ["身份证号", "住址", "金额", "备注", "年龄", "性别"]
    assert df["身份证号"].str.starts_with("ID_").all()
    assert not df["备注"].str.contains(r"1[3-9][0-9]{9}").any()
    hits = rep["columns"]["备注"]["text_hits"]
    assert hits["mobile"] > 20 and hits["id18"] > 5
    assert rep["columns"]["姓名"]["in_output"] is False
    assert rep["columns"]["身份证号"]["samples"][0].startswith("ID_")
    assert rep["verification"]["ok"] and rep["verification"]["leftovers"] == []
    k = rep["k_anonymity"]
    assert k["evaluated"] and k["classes"] > 1 and k["min_class_size"] >= 1
    assert rep["publishable"] == (k["passed"] and rep["verification"]["ok"])
    json.dumps(rep, ensure_ascii=False)


def test_batch_size_does_not_change_output(people_csv, tmp_path):
    a, b = str(tmp_path / "a.csv"), str(tmp_path / "b.csv")
    run_scanned(people_csv, a, batch_rows=7)
    run_scanned(people_csv, b, batch_rows=100_000)
    assert sha(a) == sha(b)


def test_verification_blocks_leftover_identifiers(people_csv, tmp_path):
    plan = Plan.from_dict(engine.scan(people_csv)["plan"])
    plan.columns["手机号"] = ColumnRule("mobile", "keep", {}, 1.0, True)
    plan.scrub = []
    plan.suppress_below_k = False
    rep = engine.run(people_csv, plan, str(tmp_path / "o.csv"), key=KEY)
    assert rep["ok"] and not rep["publishable"]
    left = {(l["column"], l["type"]) for l in rep["verification"]["leftovers"]}
    assert ("手机号", "mobile") in left and ("备注", "mobile") in left
    assert any(p["code"] == "leftover_identifier" and p["zh"] and p["en"] for p in rep["problems"])
    mask_plan = plan.edited()
    mask_plan.columns["手机号"] = ColumnRule("mobile", "mask", {"keep_prefix": 3, "keep_suffix": 4}, 1.0, True)
    rep2 = engine.run(people_csv, mask_plan, str(tmp_path / "o2.csv"), key=KEY)
    assert ("手机号", "mobile") not in {(l["column"], l["type"]) for l in rep2["verification"]["leftovers"]}


def test_k_anonymity_figures(tmp_path):
    src = tmp_path / "k.csv"
    rows = [("男", "30")] * 6 + [("女", "30")] * 5 + [("女", "80")] * 2
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["性别", "年龄"])
        w.writerows(rows)
    plan = Plan(quasi_identifiers=["性别", "年龄"], k=5, suppress_below_k=False)
    rep = engine.run(str(src), plan, str(tmp_path / "o.csv"), batch_rows=4)
    k = rep["k_anonymity"]
    assert (k["classes"], k["min_class_size"], k["classes_below_k"], k["records_below_k"]) == (3, 2, 1, 2)
    assert not rep["publishable"]
    assert any(p["code"] == "k_below_threshold" for p in rep["problems"])


@pytest.mark.parametrize("enc", ["utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected_and_output_is_utf8(tmp_path, enc):
    src = str(tmp_path / f"in-{enc}.csv")
    rare = RARE if enc == "gb18030" else ["张"]
    rng = random.Random(2)
    phones = [S.mobile(rng) for _ in range(30)]
    with open(src, "w", encoding=enc, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "备注"])
        for i, m in enumerate(phones):
            r = rare[i % len(rare)]
            w.writerow([S.person_name(rng), f"{r}{m}{r}，另有编号{r}20230501{r}"])
    res = engine.scan(src)
    assert res["ok"] and res["profile"]["encoding"] == enc.replace("gbk", "gb18030")
    assert res["plan"]["columns"]["姓名"]["type"] == "person_name"
    out = str(tmp_path / "out.csv")
    rep = engine.run(src, res["plan"], out, key=KEY)
    assert rep["ok"] and rep["columns"]["备注"]["text_hits"] == {"mobile": 30}
    text = open(out, encoding="utf-8").read()
    assert "〔手机号〕" in text and "20230501" in text
    assert all(m not in text for m in phones)
    if enc == "gb18030":
        assert all(r in text for r in RARE)


def test_gb18030_bytes_are_never_matched_raw(tmp_path):
    # 𠀀 encodes as 0x95 0x32 0x82 0x36: ASCII digits inside the bytes.
    src = tmp_path / "g.csv"
    src.write_bytes("备注\n".encode("gb18030") + ("𠀀" * 12 + "\n").encode("gb18030"))
    assert b"2" in src.read_bytes()
    rep = engine.run(str(src), Plan(scrub=["备注"]), str(tmp_path / "o.csv"))
    assert rep["ok"] and rep["columns"]["备注"]["text_hits"] == {}


@pytest.mark.parametrize("content,code", [
    (b"", "empty_file"),
    (b"a,b\n1,2\n\xff\xfe\xfa\x80\x81,3\n", "bad_encoding"),
    ("a,b\n1,2\n3,4,5\n".encode(), "ragged_rows"),
    ("a,b\n" + "x" * 5000 + "\n", "line_too_long"),
], ids=["empty", "bad_bytes", "ragged", "huge_line"])
def test_malformed_inputs_give_bilingual_problems(tmp_path, content, code):
    src = tmp_path / "bad.csv"
    src.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = src.read_bytes()
    out = tmp_path / "o.csv"
    if code == "line_too_long":
        from ckanext.govopen.desensitize.sources import open_source
        from ckanext.govopen.desensitize.problems import DesensitizeError
        with pytest.raises(DesensitizeError) as e:
            open_source(str(src), str(tmp_path), max_line=1000)
        prob = e.value.problem.to_dict()
    else:
        rep = engine.run(str(src), Plan(), str(out))
        assert rep["ok"] is False
        prob = rep["problems"][0]
        assert engine.scan(str(src))["problems"][0]["code"] == code
    assert prob["code"] == code and prob["zh"] and prob["en"] and prob["zh"] != prob["en"]
    assert src.read_bytes() == before and not out.exists()
    assert not (tmp_path / "o.csv.part").exists()


def test_refuses_to_write_in_place(people_csv):
    rep = engine.run(people_csv, Plan(), people_csv)
    assert rep["problems"][0]["code"] == "same_path"


def test_spreadsheets_and_json_inputs(tmp_path):
    import openpyxl
    rng = random.Random(9)
    rows = [[S.id18(rng), S.person_name(rng), S.mobile(rng)] for _ in range(40)]
    header = ["身份证号", "姓名", "电话"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    ws.append([110105194912310029.0, "x", 13800000000])  # an ID that became a number
    xlsx = str(tmp_path / "p.xlsx")
    wb.save(xlsx)
    recs = [dict(zip(header, r)) for r in rows]
    js, nd = tmp_path / "p.json", tmp_path / "p.ndjson"
    js.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    nd.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    for src in (xlsx, str(js), str(nd)):
        res = engine.scan(src)
        assert res["ok"], res
        types = {c: r["type"] for c, r in res["plan"]["columns"].items()}
        assert types == {"身份证号": "id18", "姓名": "person_name", "电话": "mobile"}
        rep = engine.run(src, res["plan"], str(tmp_path / "o.csv"), key=KEY)
        assert rep["ok"] and rep["verification"]["ok"] and rep["rows_out"] >= 40
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert engine.scan(str(tmp_path / "bad.json"))["problems"][0]["code"] == "bad_json"
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    assert engine.scan(str(tmp_path / "bad.xlsx"))["problems"][0]["code"] == "bad_spreadsheet"


def test_xls_input(tmp_path):
    # xlrd reads but cannot write .xls, so a tiny BIFF file is not built here;
    # the converter's failure path is what a corrupt upload exercises.
    (tmp_path / "p.xls").write_bytes(b"\xd0\xcf\x11\xe0garbage")
    assert engine.scan(str(tmp_path / "p.xls"))["problems"][0]["code"] == "bad_spreadsheet"


def test_verify_standalone(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("备注,联系\n身份证11010519491231002X,x\n无,13812345678\n", encoding="utf-8")
    v = verify(str(p))
    assert not v["ok"]
    assert {(l["column"], l["type"], l["count"]) for l in v["leftovers"]} == \
        {("备注", "id18", 1), ("联系", "mobile", 1)}
    assert v["leftovers"][0]["rows"] in ([0], [1])


def test_parallel_gb18030_decoding_matches_single_process(tmp_path, monkeypatch):
    from ckanext.govopen.desensitize import encoding
    src = str(tmp_path / "g.csv")
    rng = random.Random(8)
    with open(src, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "备注"])
        for i in range(2000):
            r = RARE[i % len(RARE)]
            w.writerow([S.person_name(rng), f"{r}{S.mobile(rng)}{r}，多行\n备注{i}"])
    plan = engine.scan(src)["plan"]
    single = engine.run(src, plan, str(tmp_path / "a.csv"), key=KEY)
    monkeypatch.setattr(encoding, "PARALLEL_MIN", 0)
    parallel = engine.run(src, plan, str(tmp_path / "b.csv"), key=KEY)
    assert parallel["ok"] and parallel["rows_in"] == single["rows_in"] == 2000
    assert sha(str(tmp_path / "a.csv")) == sha(str(tmp_path / "b.csv"))
    # A bad byte in a later range is reported at its offset in the original.
    data = open(src, "rb").read()
    bad = tmp_path / "bad.csv"
    cut = len(data) * 3 // 4
    bad.write_bytes(data[:cut] + b"\n\xff\xff\n" + data[cut:])
    rep = engine.run(str(bad), plan, str(tmp_path / "c.csv"), key=KEY)
    assert rep["problems"][0]["code"] == "bad_encoding"
    assert str(cut + 1) in rep["problems"][0]["en"]


def test_warm_up_loads_kernels_and_runs_still_work(people_csv, tmp_path):
    engine.warm_up()
    rep = run_scanned(people_csv, str(tmp_path / "o.csv"))
    assert rep["ok"] and rep["verification"]["ok"]
