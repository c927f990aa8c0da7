"""The compiled scan must give exactly the reference scan's answers."""
import random
import unicodedata

import numpy as np
import polars as pl
import pytest

from ckanext.govopen.desensitize import runscan, synthetic as S
from ckanext.govopen.desensitize.detectors import Detector, find_hits
from ckanext.govopen.desensitize.jit import str_buffers, strings_from_buffer
from ckanext.govopen.desensitize.normtable import CHANGES, NEEDS_NORM, tables
from ckanext.govopen.desensitize.pseudonym import Keyring
from ckanext.govopen.desensitize.registry import default_registry
from ckanext.govopen.desensitize.scrub import Scrubber
from ckanext.govopen.desensitize.text import ZERO_WIDTH, normalize_with_map
from ckanext.govopen.identifiers import generate_uscc

from .corpus import FULLWIDTH as FW, RARE, bad_check, build, id15

# Characters that change under NFKC, are dropped, switch normalisation on,
# or count as letters for the case-insensitive credit-code pattern.
ODD = list(ZERO_WIDTH) + [
    "①", "⑴", "²", "𝟏", "８", "１", "Ｘ", "ｘ", "…", "℃", "㎡", "İ", "ı", "ſ", "\u212a",
    "\u212b", "ﬀ", "㏒", "＠", "．", "：", "（", "）", "－", "＋", "\u3000", "\ufdfa", "⒇", "㉑",
    "Ⅻ", "é", "e\u0301", "\u0301", "京", "Ａ", "粤", "转", "分机", "ext", "EXT", "(", ")", ".",
    ":", "@", " ", "-", "\uf900", "\u2f00"]
CIRCLED = dict(zip("123456789", "①②③④⑤⑥⑦⑧⑨"))
MATH = {str(d): chr(0x1D7CE + d) for d in range(10)}


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


def _unicode_fuzz(seed, n):
    """Identifier-laden texts with odd characters inserted anywhere, digits
    swapped for compatibility digits, and random code points."""
    rng = random.Random(seed)
    out = []
    for text in _fuzz(seed, n):
        chars = list(text)
        for _ in range(rng.randrange(0, 4)):
            c = rng.choice(ODD) if rng.random() < 0.8 else chr(rng.randrange(0x80, 0x30000))
            if 0xD800 <= ord(c[0]) < 0xE000:
                c = "x"
            chars.insert(rng.randrange(len(chars) + 1), c)
        table = rng.choice([CIRCLED, MATH, {}])
        if table:
            chars = [table.get(c, c) if rng.random() < 0.5 else c for c in chars]
        out.append("".join(chars))
    return out


def test_tables_reproduce_the_reference_normalisation():
    tb = tables()
    rng = random.Random(4)
    texts = _unicode_fuzz(3, 300) + ["".join(chr(rng.randrange(0x80, 0x30000)) for _ in range(20))
                                     for _ in range(300)]
    for text in texts:
        if 0xD800 <= min(map(ord, text), default=0) < 0xE000:
            continue
        norm, _ = normalize_with_map(text)
        needs = any(tb.flags[ord(c)] & NEEDS_NORM for c in text)
        mine = []
        for c in text:
            cp = ord(c)
            if needs and tb.flags[cp] & CHANGES:
                k = int(np.searchsorted(tb.exp_cp, cp))
                mine.extend(map(chr, tb.exp_data[tb.exp_off[k]:tb.exp_off[k + 1]]))
            else:
                mine.append(c)
        assert "".join(mine) == norm, repr(text)
    for cp in (0x212A, 0x130, 0x131, 0x17F):
        assert tb.flags[cp] & 4


def _scrubbers(ctx, only_direct, mode):
    reg = default_registry()
    kr = Keyring(b"k" * 32, ("ds", "r1"))
    return (Scrubber(reg, kr, mode, context_types=ctx, only_direct=only_direct),
            Scrubber(reg, kr, mode, context_types=ctx, only_direct=only_direct))


@pytest.mark.parametrize("mode", ["tag", "pseudonymize"])
@pytest.mark.parametrize("ctx", [frozenset(), frozenset({"passport", "bank_card", "id15", "uscc"})])
@pytest.mark.parametrize("only_direct", [False, True])
def test_kernel_equals_reference(ctx, only_direct, mode):
    pos, neg = build(seed=13, n=30)
    texts = [t for t, _ in pos] + neg + _fuzz(5, 3000) + _unicode_fuzz(9, 3000) + [
        "", "已电话回访，群众满意", f"{RARE[0]}{S.mobile(random.Random(1))}{RARE[1]}"]
    fast, ref = _scrubbers(ctx, only_direct, mode)
    s = pl.Series(texts + [None])
    _, _, res, slow = fast._scan(s)
    assert len(slow) < len(texts) / 4            # the kernel decides the bulk
    before = s.to_list()
    assert fast.apply(s).to_list() == [ref.scrub_text(t) for t in texts] + [None]
    assert s.to_list() == before                  # input column untouched
    assert fast.counts == ref.counts
    found, rows = fast.count(s)
    assert found == ref.counts
    assert rows == [i for i, t in enumerate(texts) if find_hits(t, ref.dets, ctx)][:5]


def test_every_hit_cell_is_decided_or_sent_to_the_reference():
    """Cells the kernel calls empty really hold nothing (no silent misses,
    including compatibility digits the old prefilter did not know)."""
    texts = _unicode_fuzz(21, 4000) + ["①③⑧①②③④⑤⑥⑦⑧，", "１９２．１６８．１．１", "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖，"]
    reg = default_registry()
    dets = [d for d in reg.text_detectors if d.direct]
    sc = Scrubber(reg, only_direct=True)
    _, _, res, slow = sc._scan(pl.Series(texts))
    decided = set(res.cell.tolist()) | set(slow.tolist())
    for i, t in enumerate(texts):
        if find_hits(t, dets):
            assert i in decided, repr(t)
    assert {len(texts) - 3, len(texts) - 2, len(texts) - 1} <= decided


def test_plugin_detector_cells_take_the_reference_path():
    reg = default_registry()
    reg.add_detector(Detector("staff_no", "工号", "Staff number", r"GH[0-9]{6}", prefilter="GH[0-9]"))
    sc = Scrubber(reg)
    s = pl.Series(["工号GH123456", "电话13812345678", "无"])
    assert sc.apply(s).to_list() == ["工号〔工号〕", "电话〔手机号〕", "无"]
    reg.add_detector(Detector("loose", "宽松", "Loose", r"ZZ"))  # no prefilter: every cell
    sc = Scrubber(reg)
    assert sc.apply(pl.Series(["aZZb", ""])).to_list() == ["a〔宽松〕b", ""]
    assert len(sc._scan(pl.Series(["aZZb", "", "x"]))[3]) == 2


def test_buffers_round_trip():
    s = pl.Series(["a", None, "", "中文𠀀", "x" * 1000])
    data, off = str_buffers(s)
    assert off.tolist() == [0, 1, 1, 1, 11, 1011]
    assert strings_from_buffer(data, off).to_list() == ["a", "", "", "中文𠀀", "x" * 1000]
    assert str_buffers(pl.Series([], dtype=pl.String))[1].tolist() == [0]
    assert unicodedata.normalize("NFKC", "①") == "1"


def test_cached_tables_equal_freshly_built_ones():
    from ckanext.govopen.desensitize import normtable
    fresh, cached = normtable._build(), normtable.tables()
    for f in ("flags", "exp_cp", "exp_off", "exp_data"):
        assert np.array_equal(getattr(fresh, f), getattr(cached, f)), f
    assert fresh.max_per_byte == cached.max_per_byte


def test_dates_times_ranges_and_decimals_stay_with_the_kernel():
    """Separators that no identifier format can use between so few digits
    do not send cells to the Python reference, and the answers still equal
    it (including the ten-digit forms that must go there)."""
    rng = random.Random(8)
    m = S.mobile(rng)
    plain = ["2023-05-12", "2023-05-12 10:30:00", "10:30", "1000-2000", "30-39", "3.5万元",
             "第(1)条", "共 12 34 56 份", "v1.2", "a:b:c", "12:30:45", "1998-2001年",
             "2023-05-12 联系" + m, "(第3条) 身份证" + S.id18(rng)]
    tricky = [f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86{m}", f"(010)62345678", "010-62345678-12",
              f"0106234567ext.12", "fe80::1", "1:2:3:4:5:6:7:8", "1.2.3.4", "a@b.cn",
              f"({m})", "京A12345", f"{m}转12"]
    for ctx in (frozenset(), frozenset({"bank_card"})):
        fast, ref = _scrubbers(ctx, False, "tag")
        s = pl.Series(plain + tricky)
        _, _, res, slow = fast._scan(s)
        assert not set(slow.tolist()) & set(range(len(plain))), [plain[i] for i in slow if i < len(plain)]
        assert set(range(len(plain), len(plain) + len(tricky))) <= set(slow.tolist())
        assert fast.apply(s).to_list() == [ref.scrub_text(t) for t in plain + tricky]
