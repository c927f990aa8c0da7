"""The fictional city 榕溪市 and the vocabulary its synthetic data is built from.

榕溪市 does not exist. It borrows the GB/T 2260 codes of 福州市 (350100) and
its districts so that ``region_code`` and the first six digits of synthetic
ID numbers look right, but every district, road, place and person name below
is invented or generic. All characters are in GBK so any column can be written
to a GBK file.
"""
from __future__ import annotations

import datetime
import random

from ckanext.govopen.identifiers import generate_id18, luhn_check_digit

CITY = "榕溪市"
PROVINCE = "闽江省"  # fictional province name used in addresses
CITY_CODE = "350100"
PLATE_PREFIX = "闽A"
AREA_CODE = "0591"
EMAIL_DOMAIN = "rongxi.gov.example"

# (GB/T 2260 code of 福州市's district, fictional name): 6 市辖区 and 2 县
DISTRICTS = [
    ("350102", "榕城区"), ("350103", "溪东区"), ("350104", "南台区"),
    ("350105", "马江区"), ("350111", "晋北区"), ("350112", "长湖区"),
    ("350121", "侯官县"), ("350122", "连川县"),
]
DISTRICT_NAMES = [d[1] for d in DISTRICTS]
DISTRICT_BY_NAME = dict((n, c) for c, n in DISTRICTS)

STREETS = {
    "榕城区": ["东街街道", "南街街道", "温泉街道", "鼓东街道", "华大街道"],
    "溪东区": ["宁化街道", "新港街道", "后洲街道", "茶亭街道"],
    "南台区": ["仓前街道", "对湖街道", "盖山镇", "城门镇", "金山街道"],
    "马江区": ["罗星街道", "马尾镇", "亭江镇"],
    "晋北区": ["王庄街道", "象园街道", "新店镇", "岳峰镇", "鼓山镇"],
    "长湖区": ["吴航街道", "航城街道", "营前街道", "湖南镇"],
    "侯官县": ["甘蔗街道", "上街镇", "南通镇", "青口镇"],
    "连川县": ["凤城镇", "敖江镇", "琯头镇", "丹阳镇"],
}

ROADS = [
    "榕华路", "五一中路", "八一七北路", "湖东路", "华林路", "江滨大道",
    "福马路", "工业路", "杨桥路", "白马路", "国货路", "六一路", "鼓屏路",
    "北环路", "南江滨西大道", "金山大道", "首山路", "溪源路", "梅峰路",
    "连江北路", "长湖中路", "航城大道", "上街大道", "学府路", "乌山路",
    "西二环路", "东二环路", "晋安河路", "浦上大道", "马江大道", "青洲路",
    "凤城大道", "吴航路", "新港路", "茶亭街", "洪山路", "铜盘路", "温泉路",
]

PLACES = [
    "火车站", "南站", "万象城", "西湖公园", "左海公园", "三坊七巷", "东街口",
    "五一广场", "省体育中心", "大学城", "海峡会展中心", "金山公园", "鼓山",
    "闽江公园", "奥体中心", "博物院", "人民医院", "中医院", "儿童医院",
    "市政府", "汽车北站", "新区管委会", "软件园", "科技园", "物流园",
    "湖滨花园", "榕溪大学", "师范学院", "江滨公园", "森林公园", "机场",
    "高新区", "滨海新城", "长湖机场", "马江码头", "溪源江", "金融街",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付"
    "方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫"]
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华文"
    "辉鹏飞玲丹萍鑫宇浩然子涵欣怡梓轩一诺雨桐思远俊杰晓东志强海燕春梅"
    "佳琪婷婷雪梅红霞晨阳嘉怡文博宏伟国庆立新永明淑珍凤英玉兰德华振华"
)

COMPANY_WORDS = [
    "榕信", "溪源", "闽海", "恒达", "鑫隆", "华润", "宏图", "聚力", "新航",
    "海峡", "天和", "博远", "安泰", "众诚", "瑞丰", "金桥", "永兴", "泰和",
    "智远", "青山", "明辉", "盛世", "同创", "德润", "嘉禾", "立信", "长青",
]
COMPANY_TRADES = [
    ("科技", "软件和信息技术服务业"), ("贸易", "批发业"), ("餐饮管理", "餐饮业"),
    ("建设工程", "房屋建筑业"), ("物流", "道路运输业"), ("食品", "食品制造业"),
    ("电子", "计算机、通信和其他电子设备制造业"), ("医药", "医药制造业"),
    ("纺织", "纺织业"), ("汽车服务", "机动车、电子产品和日用产品修理业"),
    ("文化传媒", "广播、电视、电影和录音制作业"), ("环保科技", "生态保护和环境治理业"),
    ("机械", "通用设备制造业"), ("新材料", "化学原料和化学制品制造业"),
    ("物业管理", "房地产业"), ("教育咨询", "教育"),
]
COMPANY_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]

MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138",
                   "139", "150", "151", "152", "155", "156", "157", "158",
                   "159", "176", "177", "180", "181", "186", "187", "188",
                   "189", "191", "198", "199"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O (GA 36-2018)


def person_name(rng: random.Random) -> str:
    surname = (rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.03
               else rng.choice(SURNAMES))
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return surname + given


def birth_date(rng: random.Random, min_age: int = 18, max_age: int = 80,
               as_of: datetime.date = datetime.date(2025, 1, 1)
               ) -> datetime.date:
    days = rng.randrange(min_age * 365 + 5, max_age * 365)
    return as_of - datetime.timedelta(days=days)


def id_number(rng: random.Random, district_code: str | None = None,
              birth: datetime.date | None = None,
              male: bool | None = None) -> str:
    """Synthetic 居民身份证号 with a valid MOD 11-2 check character."""
    region = district_code or rng.choice(DISTRICTS)[0]
    return generate_id18(rng, region, birth, male)


def sex_of_id(id18: str) -> str:
    return "男" if int(id18[16]) % 2 else "女"


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"{AREA_CODE}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7)}"


def bank_card(rng: random.Random) -> str:
    """A 19-digit UnionPay-style (62…) number with a valid Luhn digit."""
    partial = "621" + "".join(str(rng.randrange(10)) for _ in range(15))
    return partial + luhn_check_digit(partial)


def district(rng: random.Random) -> tuple[str, str]:
    return rng.choice(DISTRICTS)


def address(rng: random.Random, district_name: str | None = None,
            home: bool = False, street: str | None = None) -> str:
    d = district_name or rng.choice(DISTRICT_NAMES)
    street = street or rng.choice(STREETS[d])
    road = rng.choice(ROADS)
    text = f"{CITY}{d}{street}{road}{rng.randrange(1, 400)}号"
    if home:
        text += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室"
    return text


def plate(rng: random.Random, new_energy: bool = False) -> str:
    if new_energy:
        return PLATE_PREFIX + rng.choice("DF") + f"{rng.randrange(10**5):05d}"
    chars = [rng.choice(PLATE_LETTERS + "0123456789") for _ in range(5)]
    if not any(c.isdigit() for c in chars):
        chars[-1] = str(rng.randrange(10))
    return PLATE_PREFIX + "".join(chars)


def company_name(rng: random.Random, trade: tuple[str, str] | None = None
                 ) -> str:
    trade = trade or rng.choice(COMPANY_TRADES)
    return (f"{CITY}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS)}"
            f"{trade[0]}{rng.choice(COMPANY_FORMS)}")


def lon_lat(rng: random.Random) -> tuple[float, float]:
    return (round(119.20 + rng.random() * 0.45, 6),
            round(25.90 + rng.random() * 0.25, 6))
