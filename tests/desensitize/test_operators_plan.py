import polars as pl
import pytest

from ckanext.govopen.desensitize.detectors import builtin_detectors
from ckanext.govopen.desensitize.operators import OpContext, generalize, mask, noise, pseudonymize, suppress, truncate
from ckanext.govopen.desensitize.plan import Plan, propose
from ckanext.govopen.desensitize.columns import classify
from ckanext.govopen.desensitize.problems import DesensitizeError
from ckanext.govopen.desensitize.pseudonym import Keyring
from ckanext.govopen.desensitize.registry import default_registry

from .conftest import KEY

D = {d.name: d for d in builtin_detectors()}


def ctx(t, scope=("ds", "r1")):
    return OpContext("c", t, D.get(t), Keyring(KEY, scope))


def test_pseudonyms_normalise_and_are_release_scoped():
    ids = pl.Series(["11010519491231002X", "11010519491231002x", "110105491231002", "１１０１０５１９４９１２３１００２Ｘ"])
    toks = pseudonymize(ids, {}, ctx("id18")).to_list()
    assert toks[0] == toks[1] == toks[3]
    assert toks[0].startswith("ID_") and len(toks[0]) == 3 + 16  # 80 bits of base32
    other = pseudonymize(ids, {}, ctx("id18", ("ds", "r2"))).to_list()
    assert set(other).isdisjoint(toks)
    phones = pseudonymize(pl.Series(["+86 13812345678", "13812345678", "0086-138-1234-5678"]), {}, ctx("mobile"))
    assert phones.n_unique() == 1
    mails = pseudonymize(pl.Series(["A@B.cn", "a@b.cn"]), {}, ctx("email"))
    assert mails.n_unique() == 1


def test_id15_and_id18_of_same_person_share_a_token():
    from ckanext.govopen.identifiers import id15_to_id18
    id15 = "330106640101123"
    t = pseudonymize(pl.Series([id15, id15_to_id18(id15)]), {}, ctx("id15"))
    assert t.n_unique() == 1


def test_missing_key_is_a_clear_error():
    with pytest.raises(DesensitizeError) as e:
        pseudonymize(pl.Series(["x"]), {}, OpContext("c", "id18", D["id18"], None))
    assert e.value.problem.code == "missing_key" and e.value.problem.zh


def test_mask_truncate_suppress_generalize_noise():
    s = pl.Series(["13812345678", "张三", None])
    assert mask(s, {"keep_prefix": 3, "keep_suffix": 4}, ctx(None)).to_list() == ["138****5678", "**", None]
    assert truncate(pl.Series(["330106196001011234"]), {"length": 6}, ctx(None)).to_list() == ["330106"]
    assert suppress(s, {"mode": "drop"}, ctx(None)) is None
    assert suppress(s, {"mode": "blank"}, ctx(None)).to_list() == ["", "", ""]
    dates = pl.Series(["2020-03-05", "2019年7月1日", "20180102"])
    assert generalize(dates, {"kind": "date", "level": "year"}, ctx(None)).to_list() == ["2020", "2019", "2018"]
    assert generalize(dates, {"kind": "date", "level": "month"}, ctx(None)).to_list()[:2] == ["2020-03", "2019-07"]
    assert generalize(pl.Series(["34", "95"]), {"kind": "age", "width": 10, "top": 90}, ctx(None)).to_list() == ["30-39", "90+"]
    assert generalize(pl.Series(["1234.5"]), {"kind": "number", "width": 1000}, ctx(None)).to_list() == ["1000-2000"]
    addr = pl.Series(["浙江省杭州市西湖区文三路90号", "北京市海淀区中关村大街1号"])
    assert generalize(addr, {"kind": "address"}, ctx(None)).to_list() == ["浙江省杭州市西湖区", "北京市海淀区"]
    n1 = noise(pl.Series(["100", "100", "x"]), {"scale": 5, "round": 0}, ctx(None)).to_list()
    assert n1[0] == n1[1] and abs(int(n1[0]) - 100) <= 5 and n1[2] == "x"


def test_proposed_plan_never_relies_on_display_masks(people_csv):
    from ckanext.govopen.desensitize import engine
    plan = Plan.from_dict(engine.scan(people_csv)["plan"])
    ops = {c: r.operator for c, r in plan.columns.items()}
    assert ops["身份证号"] == "pseudonymize"
    assert ops["姓名"] == "suppress" and ops["手机号"] == "suppress"
    assert ops["住址"] == "generalize" and "备注" in plan.scrub
    assert {"年龄", "性别", "住址"} <= set(plan.quasi_identifiers)
    assert all(r.operator not in ("mask", "keep") for r in plan.columns.values() if r.direct)


def test_plan_round_trip_edit_and_lint():
    reg = default_registry()
    prof = classify("手机", ["13812345678"] * 20, reg.detectors)
    plan = propose([prof], reg)
    assert Plan.from_json(plan.to_json()).to_dict() == plan.to_dict()
    weak = plan.edited(columns={"手机": plan.columns["手机"].__class__("mobile", "mask", {}, 1.0, True)})
    assert weak.revision == plan.revision + 1
    codes = [(p.code, p.severity) for p in weak.lint(reg, ["手机"])]
    assert ("bad_plan", "warning") in codes
    assert [p.code for p in plan.lint(reg, ["other"])] == ["unknown_column"]
    with pytest.raises(DesensitizeError):
        Plan.from_dict({"format": "something-else"})


def test_column_thresholds_and_data_items():
    reg = default_registry()
    vals = ["13812345678"] * 6 + ["n/a"] * 4   # 60% valid
    assert classify("col1", vals, reg.detectors).type is None          # below 90%, no header
    assert classify("联系电话", vals, reg.detectors).type == "mobile"    # header + >=50%
    names = ["张伟", "欧阳娜娜", "李静", "王芳"] * 5
    assert classify("户主", names, reg.detectors).type == "person_name"
    prof = classify("col_x", ["abc"] * 5, reg.detectors,
                    {"name_en": "col_x", "name_zh": "证件号码", "sensitivity": "direct_identifier"})
    plan = propose([prof], reg)
    assert plan.columns["col_x"].operator == "suppress" and plan.columns["col_x"].direct
    remark = classify("备注", ["已办结，联系13812345678"] * 3 + ["无"], reg.detectors)
    assert remark.free_text and remark.text_hits == {"mobile": 3}


def test_bom_header_is_matched():
    reg = default_registry()
    assert classify("\ufeff姓名", ["张伟"] * 10, reg.detectors).type == "person_name"


def test_fast_mask_and_unique_address_paths_equal_the_plain_forms():
    import polars as pl

    from ckanext.govopen.desensitize import operators as O
    vals = ["110105194912310029", "1381234", None, "ab", "12\n34567890", "张三丰某某", "", "a\nb",
            "x" * 30]
    s = pl.Series("c", vals * 20)
    for p, q in [(0, 0), (3, 4), (6, 4), (1, 0), (0, 2), (10, 10)]:
        for ch in ["*", "＊", "#", "$"]:
            a = O.mask(s, {"keep_prefix": p, "keep_suffix": q, "char": ch}, None)
            b = O._mask_regex(s, p, q, ch)
            assert a.to_list() == b.to_list() and a.name == b.name and a.dtype == b.dtype
    addr = pl.Series("住址", ["浙江省杭州市西湖区文三路12号", None, "", "北京市海淀区中关村", "乱七八糟",
                            " 广东省深圳市南山区科技园3栋"] * 50)
    for level in ("county", "city", "province"):
        a = O.generalize(addr, {"kind": "address", "level": level}, None)
        b = O._gen_address_all(addr, level)
        assert a.to_list() == b.to_list() and a.name == b.name


def test_mask_equals_per_value_reference_for_few_and_many_lengths():
    import random
    import re
    rng = random.Random(1)
    many = ["".join(rng.choice("ab中\n𠀀") for _ in range(rng.randrange(0, 14))) for _ in range(300)]
    few = ["13812345678", "13912345678", None, "", "110105194912310029", "中文字符\n测试"]

    def ref(v, p, q, ch):
        if v is None:
            return None
        n = len(v)  # "." skips line breaks, as the regex form does
        return v[:p] + re.sub(".", ch, v[p:n - q]) + v[n - q:] if n > p + q else re.sub(".", ch, v)
    for vals in (many, few):
        for p, q, ch in [(3, 4, "*"), (0, 0, "#"), (6, 4, "$")]:
            got = mask(pl.Series(vals), {"keep_prefix": p, "keep_suffix": q, "char": ch}, ctx(None))
            assert got.to_list() == [ref(v, p, q, ch) for v in vals]
