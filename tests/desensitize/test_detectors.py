import random

import pytest

from ckanext.govopen.desensitize import synthetic as S
from ckanext.govopen.desensitize.detectors import builtin_detectors, find_hits, replace_hits
from ckanext.govopen.desensitize.registry import default_registry
from ckanext.govopen.desensitize.text import normalize_with_map

from .corpus import build

DETS = builtin_detectors()


def test_corpus_recall_is_total_and_no_false_positives():
    pos, neg = build()
    missed, wrong = [], []
    for text, expected in pos:
        got = [(h.type, text[h.start:h.end]) for h in find_hits(text, DETS)]
        if got != expected:
            missed.append((text, expected, got))
    for text in neg:
        got = find_hits(text, DETS)
        if got:
            wrong.append((text, [(h.type, text[h.start:h.end]) for h in got]))
    assert not missed, missed[:5]
    assert not wrong, wrong[:5]
    assert len(pos) > 800 and len(neg) > 600


def test_detection_order_and_longest_first():
    order = [d.name for d in DETS]
    assert order[:6] == ["uscc", "id18", "bank_card", "mobile", "landline", "id15"]
    rng = random.Random(3)
    i = S.id18(rng)
    # The 18-digit ID wins over any shorter reading of the same digits.
    assert [h.type for h in find_hits(f"证{i}", DETS)] == ["id18"]
    # An e-mail whose local part is a phone is one e-mail, not a phone.
    assert [h.type for h in find_hits("13812345678@qq.com", DETS)] == ["email"]


def test_keyword_or_header_context_unlocks_weak_formats():
    assert find_hits("编号E12345678", DETS) == []
    assert [h.type for h in find_hits("E12345678", DETS, frozenset({"passport"}))] == ["passport"]
    card = S.bank_card(random.Random(1), bin6="436742")  # not BIN 62
    assert find_hits(f"编号{card}", DETS) == []
    assert [h.type for h in find_hits(f"账号{card}", DETS)] == ["bank_card"]


def test_replacement_keeps_surrounding_original_text():
    text = "电话：１３８\u200b１２３４５６７８，谢谢"
    hits = find_hits(text, DETS)
    assert [h.type for h in hits] == ["mobile"]
    assert replace_hits(text, hits, lambda h: "〔手机号〕") == "电话：〔手机号〕，谢谢"


def test_ipv6_uses_a_real_parser():
    assert find_hits("会议 12:30:45 开始", DETS) == []
    assert [h.type for h in find_hits("fe80::1ff:fe23:4567:890a", DETS)] == ["ipv6"]
    assert find_hits("1:2:3:4:5:6:7:8:9", DETS) == []


def test_offset_map_for_non_ascii():
    norm, starts = normalize_with_map("ａ\u200bｂ")
    assert norm == "ab" and starts == [0, 2, 3]


def test_registry_prefilter_covers_every_corpus_hit():
    import polars as pl
    pos, _ = build(seed=11, n=10)
    s = pl.Series([t for t, _ in pos])
    assert s.str.contains(default_registry().prefilter()).all()


def test_vectorised_name_share_equals_classify():
    import polars as pl
    from ckanext.govopen.desensitize import columns
    from ckanext.govopen.desensitize import synthetic as S
    assert columns._py_whitespace() == "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    rng = random.Random(4)
    name_det = [d for d in columns.column_detectors() if d.name == "person_name"]
    odd = ["", " ", "\x1c", "\u3000", "\xa0", "·", "x", "1", "欧阳", "司马懿", "王", "张三丰四五", "\n"]
    for trial in range(40):
        vals = []
        for _ in range(rng.randrange(1, 60)):
            v = S.person_name(rng) if rng.random() < 0.6 else "".join(
                rng.choice(odd) for _ in range(rng.randrange(0, 4)))
            if rng.random() < 0.2:
                v = rng.choice(odd[:6]) + v + rng.choice(odd[:6])
            vals.append(None if rng.random() < 0.05 else v)
        prof = columns.classify("c", vals, name_det)
        ok, total = columns.name_counts(pl.Series(vals, dtype=pl.String))
        assert total == prof.non_empty
        assert (round(ok / total, 4) if total else 0) == prof.shares.get("person_name", 0)
