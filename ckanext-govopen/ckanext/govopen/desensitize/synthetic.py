"""Synthetic people for tests and benchmarks.

Every identifier is generated with :mod:`ckanext.govopen.identifiers` from a
seeded RNG; none belongs to a real person. Phone numbers use the 1XX-0000
to 1XX-9999 blocks at random, plate numbers and names are random picks.
"""
from __future__ import annotations

import datetime
import random

from ckanext.govopen.identifiers import generate_id18, luhn_check_digit

REGIONS = ("110105", "310104", "330106", "440305", "510107", "420111", "610113", "370102")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强文博子涵"
ADDRESS = ("浙江省杭州市西湖区文三路{n}号", "北京市海淀区中关村大街{n}号", "上海市浦东新区张江路{n}弄",
           "广东省深圳市南山区科技园{n}栋", "四川省成都市武侯区人民南路{n}号")
MOBILE_PREFIX = ("138", "139", "150", "186", "177", "199", "135", "188")


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(COMPOUND) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def id18(rng: random.Random) -> str:
    return generate_id18(rng, rng.choice(REGIONS))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIX) + f"{rng.randrange(10**8):08d}"


def bank_card(rng: random.Random, bin6: str = "622202") -> str:
    body = bin6 + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn_check_digit(body)


def address(rng: random.Random) -> str:
    return rng.choice(ADDRESS).format(n=rng.randrange(1, 400))


def birth(rng: random.Random) -> datetime.date:
    return datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))


REMARKS = ("已电话回访，群众满意", "申请材料齐全，按期办结", "需补充材料后再次受理", "现场核查无异常",
           "转交街道办处理", "2023年5月已复核")


def remark(rng: random.Random, p_phone: float = 0.15, p_id: float = 0.05) -> str:
    base = rng.choice(REMARKS)
    r = rng.random()
    if r < p_phone:
        return f"{base}，联系电话{mobile(rng)}"
    if r < p_phone + p_id:
        return f"{base}，身份证{id18(rng)}"
    return base


def row(rng: random.Random) -> list[str]:
    return [id18(rng), person_name(rng), mobile(rng), address(rng),
            f"{rng.randrange(100, 100000)}.{rng.randrange(100):02d}", remark(rng)]


HEADER = ["身份证号", "姓名", "手机号", "住址", "金额", "备注"]
