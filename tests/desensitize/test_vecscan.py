"""The vectorised path must give exactly the reference scan's answers."""
import random
import unicodedata

import polars as pl
import pytest

from ckanext.govopen.desensitize import synthetic as S
from ckanext.govopen.desensitize.detectors import find_hits
from ckanext.govopen.desensitize.registry import default_registry
from ckanext.govopen.desensitize.scrub import Scrubber
from ckanext.govopen.desensitize.text import ZERO_WIDTH
from ckanext.govopen.desensitize.vecscan import FULLWIDTH, PLAIN_RANGES
from ckanext.govopen.identifiers import generate_uscc

from .corpus import FULLWIDTH as FW, bad_check, build, id15


def test_plain_characters_are_nfkc_stable_or_one_to_one():
    fullwidth = set(FULLWIDTH)
    for a, b in PLAIN_RANGES:
        for cp in range(a, b + 1):
            c = chr(cp)
            n = unicodedata.normalize("NFKC", c)
            assert c not in ZERO_WIDTH
            if c in fullwidth:
                assert len(n) == 1 and n.isascii(), hex(cp)
            else:
                assert n == c, hex(cp)


def _fuzz(seed, n):
    rng = random.Random(seed)
    pick = rng.choice
    makers = [
        lambda: S.id18(rng), lambda: S.id18(rng).lower(), lambda: bad_check(S.id18(rng)),
        lambda: S.mobile(rng), lambda: "0086" + S.mobile(rng), lambda: S.bank_card(rng),
        lambda: S.bank_card(rng, "436742"), lambda: generate_uscc(rng),
        lambda: generate_uscc(rng).lower(), lambda: id15(rng),
        lambda: "E" + str(rng.randrange(10 ** 8)).zfill(8),
        lambda: "C1" + str(rng.randrange(10 ** 7)).zfill(7),
        lambda: "H" + str(rng.randrange(10 ** 10)).zfill(10),
        lambda: "010" + str(rng.randrange(2 * 10 ** 7, 10 ** 8)),
        lambda: "0571" + str(rng.randrange(2 * 10 ** 6, 10 ** 7)) + "ext12",
        lambda: str(rng.randrange(10 ** rng.randrange(1, 20))),
        lambda: pick(["身份证", "卡号", "护照", "通行证", "信用代码", "账号", "card", "ID No", "证件"]),
        lambda: pick(["，", "。", "；", "、", "：", "（", "）", " ", "-", "x", "X", "a", "·", "京A",
                      "粤B", "年", "转", "分机", "@", ".", "\u200b", "①", "…", "𠀀", "ｘ", "+"]),
        lambda: pick(["已电话回访", "联系", "备注", "号码", "编号"]),
    ]

    def frag():
        s = pick(makers)()
        return s.translate(FW) if rng.random() < 0.1 else s
    return ["".join(frag() for _ in range(rng.randrange(1, 7))) for _ in range(n)]


@pytest.mark.parametrize("ctx", [frozenset(), frozenset({"passport", "bank_card", "id15", "uscc"})])
@pytest.mark.parametrize("only_direct", [False, True])
def test_vector_path_equals_reference(ctx, only_direct):
    pos, neg = build(seed=13, n=30)
    texts = [t for t, _ in pos] + neg + _fuzz(5, 4000)
    reg = default_registry()
    fast = Scrubber(reg, context_types=ctx, only_direct=only_direct)
    ref = Scrubber(reg, context_types=ctx, only_direct=only_direct)
    s = pl.Series(texts)
    slow_idx, fast_idx = fast._split(s)
    assert len(fast_idx) > len(slow_idx)          # the vector path does the bulk
    before = s.to_list()
    assert fast.apply(s).to_list() == [ref.scrub_text(t) for t in texts]
    assert s.to_list() == before                  # input column untouched
    assert fast.counts == ref.counts
    found, rows = fast.count(s)
    assert found == ref.counts
    assert rows == [i for i, t in enumerate(texts) if find_hits(t, ref.dets, ctx)][:5]
