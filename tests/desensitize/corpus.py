"""Labelled synthetic corpus: (text, expected hits as (type, surface)) pairs.

All identifiers come from seeded generators; "invalid" ones are valid ones
with a broken check character or date, so they look exactly like the real
thing to a loose regex.
"""
from __future__ import annotations

import datetime
import random

from ckanext.govopen.identifiers import (
    generate_id18, generate_uscc, id18_check_char, luhn_check_digit,
)
from ckanext.govopen.desensitize import synthetic as S

FULLWIDTH = str.maketrans("0123456789-+X", "０１２３４５６７８９－＋Ｘ")
RARE = ["𠀀", "𪚥", "䶵", "㐀", "𠮷"]  # four-byte GB18030 / CJK extension characters


def bad_check(id18: str) -> str:
    c = id18[-1]
    for alt in "0123456789X":
        if alt != c:
            return id18[:-1] + alt
    raise AssertionError


def id_with_x(rng: random.Random) -> str:
    while True:
        v = generate_id18(rng, rng.choice(S.REGIONS))
        if v.endswith("X"):
            return v


def id15(rng: random.Random) -> str:
    b = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 50))
    return f"{rng.choice(S.REGIONS)}{b:%y%m%d}{rng.randrange(1000):03d}"


def build(seed: int = 7, n: int = 60) -> tuple[list, list]:
    """Returns (positives, negatives): positives are (text, [(type, surface)]),
    negatives are texts in which nothing may be found."""
    rng = random.Random(seed)
    pos, neg = [], []
    for _ in range(n):
        i = S.id18(rng)
        x = id_with_x(rng)
        m = S.mobile(rng)
        u = generate_uscc(rng)
        card = S.bank_card(rng)
        rare = rng.choice(RARE)
        p15 = id15(rng)
        pos += [
            (f"申请人身份证号{i}已核验", [("id18", i)]),
            (f"证件{x.lower()}（小写x）", [("id18", x.lower())]),
            (f"号码{x.translate(FULLWIDTH)}全角", [("id18", x.translate(FULLWIDTH))]),
            (f"旧身份证号{p15}", [("id15", p15)]),
            (f"电话{m[:3]}-{m[3:7]}-{m[7:]}", [("mobile", f"{m[:3]}-{m[3:7]}-{m[7:]}")]),
            (f"tel {m[:3]} {m[3:7]} {m[7:]}", [("mobile", f"{m[:3]} {m[3:7]} {m[7:]}")]),
            (f"+86 {m}", [("mobile", f"+86 {m}")]),
            (f"手机{m.translate(FULLWIDTH)}", [("mobile", m.translate(FULLWIDTH))]),
            (f"{rare}{m}{rare}", [("mobile", m)]),
            (f"{rare}{i}", [("id18", i)]),
            (f"单位代码{u}", [("uscc", u)]),
            (f"银行卡{card}", [("bank_card", card)]),
            (f"转账至{card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}",
             [("bank_card", f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}")]),
            (f"联系{m}或{i}", [("mobile", m), ("id18", i)]),
        ]
        neg += [
            f"身份证号{bad_check(i)}",                      # checksum-invalid
            f"订单号9{i}",                                   # glued to a digit
            f"编号{i}7",
            f"ref{i}",                                       # glued to letters
            f"流水{m}0",                                     # 12 digits is not a mobile
            f"单据号{p15}",                                  # 15 digits without keyword
            f"号码{bad_check(u) if u[-1] != 'Y' else u[:-1] + 'X'}",
            f"卡号{card[:-1]}{(int(card[-1]) + 1) % 10}",    # Luhn fails
            f"金额{rng.randrange(10**6)}.{rng.randrange(100):02d}元",
            f"时间 {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
            f"{rare}{bad_check(i)}{rare}",
        ]
    pos += [
        ("010-62345678 转 12", [("landline", "010-62345678")]),
        ("座机(0571)87654321", [("landline", "(0571)87654321")]),
        ("邮箱 Zhang.San@Example.com.cn。", [("email", "Zhang.San@Example.com.cn")]),
        ("来源 192.168.10.3 与 2001:db8::8a2e:370:7334", [("ipv4", "192.168.10.3"),
                                                     ("ipv6", "2001:db8::8a2e:370:7334")]),
        ("车牌京A12345、新能源粤BD12345", [("plate", "京A12345"), ("plate", "粤BD12345")]),
        ("护照号码E12345678", [("passport", "E12345678")]),
        ("港澳通行证C12345678", [("hk_macau_permit", "C12345678")]),
    ]
    neg += ["编号E12345678", "版本 1.2.3", "999.1.1.1", "12:30:45", "a:b:c", "京ABCDEF"]
    return pos, neg
