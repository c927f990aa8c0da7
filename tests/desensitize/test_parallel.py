"""Transform threads of engine.run: same bytes and report for any thread count."""
import csv
import hashlib
import random

import pytest

from ckanext.govopen.desensitize import engine, segments, synthetic as S
from ckanext.govopen.desensitize.plan import ColumnRule, Plan
from ckanext.govopen.desensitize.verify import verify

from .conftest import KEY
from .corpus import RARE


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _write(path, enc, n=6000, seed=11):
    rng = random.Random(seed)
    with open(path, "w", encoding=enc, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(S.HEADER)
        for i in range(n):
            row = S.row(rng)
            if i % 97 == 0:  # quoted newline, rare characters, an ID inside text
                row[5] = f"{RARE[i % len(RARE)]}多行\n备注，身份证{S.id18(rng)}"
            w.writerow(row)
    return str(path)


@pytest.fixture(autouse=True)
def small_segments(monkeypatch):
    # Many segments from a small file, so several workers get work.
    monkeypatch.setattr(segments, "SEGMENT_BYTES", 64 << 10)
    monkeypatch.setattr(segments, "READ_BYTES", 16 << 10)


def _plans(src):
    default = engine.scan(src)["plan"]
    default["suppress_below_k"] = False  # tested in test_kanon_suppression
    masked = Plan.from_dict(default)
    masked.columns["身份证号"] = ColumnRule("id18", "mask", {"keep_prefix": 6, "keep_suffix": 4}, 1.0, True)
    masked.columns["手机号"] = ColumnRule("mobile", "mask", {"keep_prefix": 3, "keep_suffix": 4}, 1.0, True)
    return {"default": default, "masked": masked}


@pytest.mark.parametrize("enc", ["utf-8", "gb18030"])
def test_threads_write_the_same_bytes_and_report(tmp_path, enc):
    src = _write(tmp_path / f"p-{enc}.csv", enc)
    for name, plan in _plans(src).items():
        a, b = str(tmp_path / f"{name}-1.csv"), str(tmp_path / f"{name}-2.csv")
        seen = []
        one = engine.run(src, plan, a, key=KEY, scope=("ds", "r1"), workers=1)
        two = engine.run(src, plan, b, key=KEY, scope=("ds", "r1"), workers=3, progress=seen.append)
        assert one["ok"] and two["ok"] and one["rows_in"] == 6000
        assert sha(a) == sha(b), name
        assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 3
        for k in ("rows_in", "rows_out", "columns", "k_anonymity", "verification", "key_id",
                  "publishable", "output_columns"):
            assert one[k] == two[k], (name, k)
        if name == "default":
            assert one["columns"]["备注"]["text_hits"]["id18"] >= 6000 // 97


def test_in_thread_verification_equals_verify_of_the_file(tmp_path):
    src = _write(tmp_path / "p.csv", "utf-8")
    plan = Plan.from_dict(engine.scan(src)["plan"])
    plan.columns["手机号"] = ColumnRule("mobile", "keep", {}, 1.0, True)
    plan.scrub = []
    plan.suppress_below_k = False
    out = str(tmp_path / "o.csv")
    rep = engine.run(src, plan, out, key=KEY, workers=2)
    assert rep["ok"] and not rep["publishable"]
    assert rep["verification"] == verify(out)
    counts = {(l["column"], l["type"]): l["count"] for l in rep["verification"]["leftovers"]}
    assert counts[("手机号", "mobile")] == 6000
    # Scrubbed columns: only the cells the scrubber changed are scanned
    # again; the result must still equal a full scan of the file. A plugin
    # detector the verifier does not have (not direct) is left in place.
    from ckanext.govopen.desensitize.detectors import Detector
    from ckanext.govopen.desensitize.registry import default_registry
    reg = default_registry()
    reg.add_detector(Detector("ref_no", "编号", "Ref", r"REF[0-9]{6}", prefilter="REF",
                              direct=False))
    plan.scrub = ["备注", "手机号"]
    plan.columns["手机号"] = ColumnRule("mobile", "keep", {}, 1.0, True)
    with open(src, "a", encoding="utf-8", newline="") as fh:
        fh.write("1,2,13800138000,4,5,身份证11010519491231002X或REF123456\n")
    rep = engine.run(src, plan, out, key=KEY, registry=reg, workers=2)
    assert rep["ok"] and rep["verification"] == verify(out, registry=reg)
    assert rep["verification"]["ok"] and rep["columns"]["备注"]["text_hits"]["ref_no"] == 1


def test_bad_bytes_in_a_later_segment_give_the_original_offset(tmp_path):
    src = _write(tmp_path / "g.csv", "gb18030")
    data = open(src, "rb").read()
    cut = data.index(b"\n", len(data) * 3 // 4) + 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(data[:cut] + b"\xff\xff\n" + data[cut:])
    plan = _plans(src)["masked"]
    for w in (1, 2):
        out = tmp_path / f"o{w}.csv"
        rep = engine.run(str(bad), plan, str(out), key=KEY, workers=w)
        assert rep["ok"] is False and rep["problems"][0]["code"] == "bad_encoding"
        assert f"byte offset {cut}" in rep["problems"][0]["en"]
        assert not out.exists() and not (tmp_path / f"o{w}.csv.part").exists()


def test_ragged_row_in_a_later_segment(tmp_path):
    src = _write(tmp_path / "p.csv", "utf-8")
    plan = _plans(src)["masked"]
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("1,2,3,4,5,6,7\n")
    rep = engine.run(src, plan, str(tmp_path / "o.csv"), key=KEY, workers=2)
    assert rep["ok"] is False and rep["problems"][0]["code"] == "ragged_rows"


def test_plugin_registry_and_hook_run_on_threads_with_the_same_result(tmp_path):
    from ckanext.govopen.desensitize.registry import default_registry
    src = _write(tmp_path / "p.csv", "utf-8", n=3000)
    reg = default_registry()
    reg.add_operator("custom", lambda s, p, c: s.str.to_uppercase())
    plan = Plan(columns={"姓名": ColumnRule(None, "custom", {}, 1.0, False)}, scrub=["备注"])
    seen = set()

    def hook(df, off):
        seen.add(off)
        return df.with_columns(df["金额"].str.slice(0, 2))
    outs = []
    for w in (1, 3):
        out = str(tmp_path / f"o{w}.csv")
        rep = engine.run(src, plan, out, registry=reg, batch_hook=hook, workers=w)
        assert rep["ok"] and rep["rows_out"] == 3000
        outs.append(sha(out))
    assert outs[0] == outs[1] and len(seen) > 5 and 0 in seen


def test_a_failing_segment_stops_the_run_and_leaves_nothing(tmp_path):
    from ckanext.govopen.desensitize.problems import DesensitizeError
    src = _write(tmp_path / "p.csv", "utf-8", n=3000)

    def hook(df, off):
        if off > 1000:
            raise DesensitizeError.of("io_error", detail="boom")
        return df
    out = tmp_path / "o.csv"
    rep = engine.run(src, Plan(), str(out), batch_hook=hook, workers=3)
    assert rep["ok"] is False and rep["problems"][0]["code"] == "io_error"
    assert not out.exists() and not (tmp_path / "o.csv.part").exists()


def test_name_check_on_produced_rows_equals_the_file_check(tmp_path):
    src = _write(tmp_path / "p.csv", "utf-8", n=12000)
    plan = _plans(src)["masked"]
    plan.columns.pop("姓名")  # names stay: the name check must flag them
    out = str(tmp_path / "o.csv")
    rep = engine.run(src, plan, out, key=KEY, workers=2)
    assert rep["ok"] and not rep["publishable"]
    assert rep["verification"] == verify(out)
    assert {(l["column"], l["type"]) for l in rep["verification"]["leftovers"]} == \
        {("姓名", "person_name")}
