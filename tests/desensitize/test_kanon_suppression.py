"""Record suppression to reach k, and the memory limit of jobs."""
import csv
import hashlib

import polars as pl
import pytest

from ckanext.govopen.desensitize import engine, segments
from ckanext.govopen.desensitize.plan import ColumnRule, Plan

from .conftest import KEY


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _write(path, rows, header=("区县", "年龄", "备注")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def _people(n_big=200, rare=()):
    """``n_big`` rows over four common (county, age) classes, then the rare
    rows, interleaved so that rare rows sit between common ones."""
    common = [("西湖区", "34"), ("西湖区", "47"), ("海淀区", "52"), ("海淀区", "38")]
    rows = []
    for i in range(n_big):
        c, a = common[i % 4]
        rows.append([c, a, f"第{i}行\n含换行" if i % 7 == 0 else f"第{i}行"])
        if rare and i % (n_big // len(rare)) == 0 and i // (n_big // len(rare)) < len(rare):
            rows.append(list(rare[i // (n_big // len(rare))]) + [f"稀有{i}"])
    return rows


AGE_BANDS = {"年龄": ColumnRule("age", "generalize", {"kind": "age", "width": 10}, 1.0, False)}


def _plan(**kw):
    return Plan(columns=dict(AGE_BANDS), quasi_identifiers=["区县", "年龄"], k=5, **kw)


@pytest.mark.parametrize("threads", [1, 3])
def test_rows_of_classes_below_k_are_dropped(tmp_path, monkeypatch, threads):
    monkeypatch.setattr(segments, "SEGMENT_BYTES", 2 << 10)  # many segments
    monkeypatch.setattr(segments, "READ_BYTES", 1 << 10)
    rare = [("余杭区", "91"), ("余杭区", "91"), ("朝阳区", "23"), ("西湖区", "66")]
    src = _write(tmp_path / "p.csv", _people(200, rare))
    before = sha(src)
    out = str(tmp_path / "o.csv")
    rep = engine.run(src, _plan(), out, workers=threads)
    assert rep["ok"] and rep["publishable"], rep["problems"]
    k = rep["k_anonymity"]
    assert k["suppressed_rows"] == 4 and k["passed"] and k["min_class_size"] >= 5
    assert k["before"]["classes_below_k"] == 3 and k["before"]["records_below_k"] == 4
    assert rep["rows_in"] == 204 and rep["rows_out"] == 200
    df = pl.read_csv(out, infer_schema=False)
    assert df.height == 200 and not df["备注"].str.starts_with("稀有").any()
    # order kept, multi-line cells intact, generalisation applied before counting
    assert df["备注"].to_list() == [f"第{i}行\n含换行" if i % 7 == 0 else f"第{i}行"
                                   for i in range(200)]
    assert set(df["年龄"]) == {"30-39", "40-49", "50-59"}
    assert sha(src) == before


def test_a_class_spread_over_segments_is_not_suppressed(tmp_path, monkeypatch):
    monkeypatch.setattr(segments, "SEGMENT_BYTES", 1 << 10)
    monkeypatch.setattr(segments, "READ_BYTES", 512)
    rows = _people(300)
    # six rows of one class, far apart: each segment alone sees fewer than k
    for i in range(6):
        rows.insert(i * 50, ["拱墅区", "70", f"分散{i}"])
    src = _write(tmp_path / "p.csv", rows)
    rep = engine.run(src, _plan(), str(tmp_path / "o.csv"), workers=2)
    assert rep["ok"] and rep["k_anonymity"]["suppressed_rows"] == 0
    assert rep["rows_out"] == 306


def test_too_much_suppression_fails_without_output(tmp_path):
    rare = [(f"第{i}县", "91") for i in range(20)]  # 20 one-row classes of 220 rows: 9 %
    src = _write(tmp_path / "p.csv", _people(200, rare))
    before = sha(src)
    out = tmp_path / "o.csv"
    rep = engine.run(src, _plan(), str(out))
    assert rep["ok"] is False
    prob = rep["problems"][0]
    assert prob["code"] == "suppression_limit"
    assert "泛化" in prob["zh"] and "Generalise" in prob["en"]
    assert prob["context"]["rows"] == 20 and prob["context"]["limit"] == "5%"
    assert not out.exists() and not (tmp_path / "o.csv.part").exists()
    assert sha(src) == before
    # the publisher may allow more, or switch suppression off (k then only reported)
    rep = engine.run(src, _plan(max_suppression=0.1), str(out))
    assert rep["ok"] and rep["publishable"] and rep["rows_out"] == 200
    rep = engine.run(src, _plan(suppress_below_k=False), str(out))
    assert rep["ok"] and not rep["publishable"] and rep["rows_out"] == 220
    assert not rep["k_anonymity"]["passed"] and "suppressed_rows" not in rep["k_anonymity"]


def test_plan_round_trips_and_validates_suppression_settings():
    p = _plan(max_suppression=0.2, suppress_below_k=False)
    q = Plan.from_dict(p.to_dict())
    assert (q.max_suppression, q.suppress_below_k) == (0.2, False)
    assert Plan.from_dict({"columns": {}}).max_suppression == 0.05
    from ckanext.govopen.desensitize.problems import DesensitizeError
    with pytest.raises(DesensitizeError) as e:
        Plan.from_dict({"max_suppression": 2})
    assert e.value.problem.code == "bad_plan"


def test_leftover_rows_refer_to_the_written_file(tmp_path):
    rows = [r + [f"1380000{i:04d}" if i % 10 == 0 else "无"] for i, r in
            enumerate(_people(200, [("余杭区", "91")]))]
    src = _write(tmp_path / "p.csv", rows, header=("区县", "年龄", "备注", "电话"))
    plan = _plan()
    plan.columns["电话"] = ColumnRule("mobile", "keep", {}, 1.0, True)
    out = str(tmp_path / "o.csv")
    rep = engine.run(src, plan, out, key=KEY)
    assert rep["ok"] and rep["k_anonymity"]["suppressed_rows"] == 1
    assert not rep["publishable"]
    left = [x for x in rep["verification"]["leftovers"] if x["column"] == "电话"][0]
    df = pl.read_csv(out, infer_schema=False)
    assert left["rows"] and all(df["电话"][r].startswith("138") for r in left["rows"])


# --- memory limit --------------------------------------------------------------

def test_memory_limit_aborts_and_leaves_nothing(tmp_path):
    src = _write(tmp_path / "p.csv", _people(200))
    before = sha(src)
    out = tmp_path / "o.csv"
    rep = engine.run(src, _plan(), str(out), memory_limit_mb=5)
    assert rep["ok"] is False
    prob = rep["problems"][0]
    assert prob["code"] == "memory_limit" and prob["context"]["limit"] == 5
    assert "内存" in prob["zh"] and "memory limit" in prob["en"]
    assert not out.exists() and not (tmp_path / "o.csv.part").exists()
    assert sha(src) == before
    assert engine.scan(src, memory_limit_mb=5)["problems"][0]["code"] == "memory_limit"
    ok = engine.run(src, _plan(), str(out), memory_limit_mb=100_000)
    assert ok["ok"] and 0 < ok["memory"]["peak_mb"] < 100_000


def test_memory_limit_from_the_environment(tmp_path, monkeypatch):
    from ckanext.govopen.desensitize import memlimit
    src = _write(tmp_path / "p.csv", _people(40))
    monkeypatch.setenv(memlimit.ENV, "5")
    rep = engine.run(src, _plan(), str(tmp_path / "o.csv"))
    assert rep["problems"][0]["code"] == "memory_limit"
    # an explicit argument wins over the environment
    assert engine.run(src, _plan(), str(tmp_path / "o.csv"), memory_limit_mb=0)["ok"]
    monkeypatch.setenv(memlimit.ENV, "lots")
    rep = engine.run(src, _plan(), str(tmp_path / "o.csv"))
    assert rep["problems"][0]["code"] == "bad_config" and rep["problems"][0]["zh"]


def test_scan_proposes_the_suppression_ceiling(tmp_path):
    src = _write(tmp_path / "p.csv", _people(40))
    assert engine.scan(src)["plan"]["max_suppression"] == 0.05
    plan = engine.scan(src, max_suppression=0.01)["plan"]
    assert plan["max_suppression"] == 0.01 and plan["suppress_below_k"] is True
