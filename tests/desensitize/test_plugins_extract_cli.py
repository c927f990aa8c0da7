import json
import os
import random

import polars as pl
from click.testing import CliRunner

from ckan.plugins.interfaces import Interface

from ckanext.govopen.desensitize import engine
from ckanext.govopen.desensitize.cli import desensitize
from ckanext.govopen.desensitize.example_plugin import (
    ExampleDesensitizerPlugin, medical_no_check,
)
from ckanext.govopen.desensitize.extract import make_grant_extract
from ckanext.govopen.desensitize.interfaces import IDesensitizer
from ckanext.govopen.desensitize.registry import ckan_registry, default_registry
from ckanext.govopen.desensitize.trace import trace

from .conftest import KEY


def medical_no(rng):
    first = "YB" + "".join(str(rng.randrange(10)) for _ in range(15))
    return first + medical_no_check(first)


def test_interface_and_explicit_registry(tmp_path):
    assert issubclass(IDesensitizer, Interface)
    assert IDesensitizer.implemented_by(ExampleDesensitizerPlugin)
    assert "medical_no" not in {d.name for d in ckan_registry().detectors}  # plugin not enabled
    reg = default_registry().merge_plugins([ExampleDesensitizerPlugin()])
    assert "tag" in reg.operators and reg.prefilter() is not None
    rng = random.Random(4)
    src = tmp_path / "m.csv"
    nos = [medical_no(rng) for _ in range(20)]
    src.write_text("医保号,住址,备注\n" + "".join(
        f"{n},浙江省杭州市西湖区文三路{i}号,复诊 凭{nos[-1 - i]}\n" for i, n in enumerate(nos)), encoding="utf-8")
    res = engine.scan(str(src), registry=reg)
    cols = res["plan"]["columns"]
    assert cols["医保号"]["type"] == "medical_no" and cols["医保号"]["operator"] == "pseudonymize"
    assert cols["住址"]["params"]["level"] == "city"            # rule provider
    assert cols["住址"]["source"] == "plugin"
    res["plan"]["columns"]["医保号"]["operator"] = "tag"
    rep = engine.run(str(src), res["plan"], str(tmp_path / "o.csv"), registry=reg)
    out = pl.read_csv(tmp_path / "o.csv", infer_schema=False)
    assert out["医保号"].unique().to_list() == ["〔已脱敏〕"]
    assert out["住址"][0] == "浙江省杭州市"
    assert rep["columns"]["备注"]["text_hits"] == {"medical_no": 20}
    assert rep["verification"]["ok"]
    # Without the plugin the engine knows nothing about the format.
    assert engine.scan(str(src))["plan"]["columns"].get("医保号") is None


def test_grant_extract_and_trace_of_a_leaked_subset(people_csv, tmp_path):
    plan = engine.scan(people_csv)["plan"]
    grants = []
    for gid, rcp in (("g-1", "org-a"), ("g-2", "org-b"), ("g-3", "org-c")):
        out = str(tmp_path / f"{gid}.csv")
        res = make_grant_extract(people_csv, plan, out, grant_id=gid, recipient_id=rcp,
                                 master_key=KEY, dataset_id="ds", release_id="r1",
                                 approved_columns=["身份证号", "金额", "年龄"], mark_column="金额")
        assert res["ok"]
        m = res["manifest"]
        assert m["rows"] == 300 and m["columns"] == ["身份证号", "金额", "年龄"]
        assert m["recipient_id"] == rcp and len(m["sha256"]) == 64 and m["key_id"]
        assert m["plan_revision"] == 1 and m["date"]
        grants.append({"grant_id": gid, "recipient_id": rcp, "key": KEY.hex(),
                       "dataset_id": "ds", "release_id": "r1", "manifest": m})
    a = pl.read_csv(tmp_path / "g-1.csv", infer_schema=False)
    b = pl.read_csv(tmp_path / "g-2.csv", infer_schema=False)
    assert set(a["身份证号"]).isdisjoint(set(b["身份证号"]))     # unlinkable across grants
    leak = b.sample(40, seed=3, shuffle=True).select(["年龄", "身份证号", "金额"])
    leak.write_csv(tmp_path / "leak.csv")
    res = trace(str(tmp_path / "leak.csv"), grants)
    assert res["grant_id"] == "g-2" and res["method"] == "token_tags"
    assert {s["grant_id"]: s["share"] for s in res["scores"]}["g-1"] < 0.1
    assert trace(str(tmp_path / "g-3.csv"), grants)["method"] == "sha256"
    # Row marks alone agree only for the right grant.
    by = {s["grant_id"]: s for s in res["scores"]}
    assert by["g-2"]["marks_agree"] == 1.0 and by["g-1"]["marks_agree"] < 0.9


def test_cli_scan_run_trace(people_csv, tmp_path):
    runner = CliRunner()
    r = runner.invoke(desensitize, ["scan", people_csv])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)["plan"]
    plan["k"] = 1
    (tmp_path / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "key").write_text(KEY.hex())
    out = str(tmp_path / "out.csv")
    r = runner.invoke(desensitize, ["run", people_csv, "--plan", str(tmp_path / "plan.json"),
                                    "--out", out, "--key-file", str(tmp_path / "key"),
                                    "--scope", "ds/r1"])
    assert r.exit_code == 0, r.output
    rep = json.loads(open(out + ".report.json", encoding="utf-8").read())
    assert rep["publishable"] and rep["rows_out"] == 300
    r = runner.invoke(desensitize, ["run", people_csv, "--plan", str(tmp_path / "plan.json"),
                                    "--out", out + "2"], env={"GOVOPEN_DESENSITIZE_KEY": ""})
    assert r.exit_code == 1 and json.loads(r.output)["problems"][0]["code"] == "missing_key"
    r = runner.invoke(desensitize, ["run", people_csv, "--plan", str(tmp_path / "plan.json"),
                                    "--out", out + "3", "--key-file", str(tmp_path / "key"),
                                    "--memory-limit", "5", "--workers", "2"])
    assert r.exit_code == 1 and json.loads(r.output)["problems"][0]["code"] == "memory_limit"
    assert not os.path.exists(out + "3")
    r = runner.invoke(desensitize, ["scan", people_csv, "--memory-limit", "5"])
    assert r.exit_code == 1 and json.loads(r.output)["problems"][0]["code"] == "memory_limit"
    res = make_grant_extract(people_csv, plan, str(tmp_path / "g.csv"), grant_id="g9",
                             recipient_id="r9", master_key=KEY)
    (tmp_path / "grants.json").write_text(json.dumps(
        [{"grant_id": "g9", "recipient_id": "r9", "key": KEY.hex()},
         {"grant_id": "g8", "recipient_id": "r8", "key": KEY.hex()}]))
    r = runner.invoke(desensitize, ["trace", str(tmp_path / "g.csv"), "--grants", str(tmp_path / "grants.json")])
    assert r.exit_code == 0 and json.loads(r.output)["grant_id"] == "g9"
