"""Synthetic row generators, one per kind of dataset.

Each kind declares its columns once (``Col``: the GUIDE §4.4 data-item
subfields) and a generator ``fn(rng, n, ctx) -> list[list]``. The loader turns
the columns into ``data_items`` and the rows into CSV/JSON files, so the data
dictionary always matches the published headers.

Every value is synthetic: names come from a surname + given-name pool,
ID numbers and 统一社会信用代码 from ``ckanext.govopen.identifiers`` (valid
check characters, seeded random), bank cards with a valid Luhn digit.
"""
from __future__ import annotations

import dataclasses
import datetime
import random
from typing import Any, Callable

from ckanext.govopen.identifiers import generate_uscc

from . import city as C

NONE, QUASI, DIRECT, SENSITIVE, CONFIDENTIAL = (
    "none", "quasi_identifier", "direct_identifier", "sensitive",
    "confidential")


@dataclasses.dataclass(frozen=True)
class Col:
    name_en: str
    name_zh: str
    data_type: str = "string"  # string integer decimal date datetime boolean
    length: int | None = None
    description: str = ""
    sensitivity: str = NONE

    def as_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "name_en": self.name_en, "name_zh": self.name_zh,
            "data_type": self.data_type, "sensitivity": self.sensitivity,
        }
        if self.length is not None:
            item["length"] = self.length
        if self.description:
            item["description"] = self.description
        return item


@dataclasses.dataclass(frozen=True)
class Ctx:
    """Generation context: the period the data covers (inclusive)."""
    start: datetime.date
    end: datetime.date


@dataclasses.dataclass(frozen=True)
class Kind:
    key: str
    columns: tuple[Col, ...]
    fn: Callable[[random.Random, int, Ctx], list[list[Any]]]

    @property
    def personal(self) -> bool:
        return any(c.sensitivity in (DIRECT, SENSITIVE) for c in self.columns)

    def rows(self, rng: random.Random, n: int, ctx: Ctx) -> list[list[Any]]:
        rows = self.fn(rng, n, ctx)
        width = len(self.columns)
        assert all(len(r) == width for r in rows), self.key
        return rows


KINDS: dict[str, Kind] = {}


def kind(key: str, *columns: Col):
    def register(fn):
        KINDS[key] = Kind(key, tuple(columns), fn)
        return fn
    return register


# ---------------------------------------------------------------- helpers

def _days(ctx: Ctx) -> list[datetime.date]:
    n = (ctx.end - ctx.start).days + 1
    return [ctx.start + datetime.timedelta(days=i) for i in range(n)]


def _months(ctx: Ctx) -> list[str]:
    out, y, m = [], ctx.start.year, ctx.start.month
    while (y, m) <= (ctx.end.year, ctx.end.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _quarters(ctx: Ctx) -> list[str]:
    seen: list[str] = []
    for ym in _months(ctx):
        q = f"{ym[:4]}Q{(int(ym[5:]) - 1) // 3 + 1}"
        if q not in seen:
            seen.append(q)
    return seen


def _years(ctx: Ctx) -> list[int]:
    return list(range(ctx.start.year, ctx.end.year + 1))


def _date_in(rng: random.Random, ctx: Ctx) -> datetime.date:
    return ctx.start + datetime.timedelta(
        days=rng.randrange((ctx.end - ctx.start).days + 1))


def _past(rng: random.Random, ctx: Ctx, years: int = 15) -> datetime.date:
    return ctx.end - datetime.timedelta(days=rng.randrange(30, 365 * years))


def _uscc(rng: random.Random, district: str | None = None,
          authority: str = "9", body: str = "1") -> str:
    code = district or rng.choice(C.DISTRICTS)[0]
    return generate_uscc(rng, code, authority, body)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


D_DISTRICT = Col("district", "所属区县", "string", 10,
                 "榕溪市辖区县名称")
D_DISTRICT_CODE = Col("district_code", "区县代码", "string", 6,
                      "GB/T 2260 行政区划代码")
C_USCC = Col("uscc", "统一社会信用代码", "string", 18, "GB 32100-2015")
C_NAME_P = Col("name", "姓名", "string", 20, "", DIRECT)
C_ID = Col("id_number", "身份证号", "string", 18, "居民身份证号码", DIRECT)
C_MOBILE = Col("mobile", "手机号", "string", 11, "", DIRECT)
C_HOME = Col("home_address", "住址", "string", 100, "居住地址", QUASI)
C_SEX = Col("sex", "性别", "string", 2, "男/女", QUASI)

# ---------------------------------------------------------------- transport

BUS_OPERATORS = ["榕溪市公共交通集团有限公司第一分公司",
                 "榕溪市公共交通集团有限公司第二分公司",
                 "榕溪市公共交通集团有限公司第三分公司",
                 "榕溪市长湖公交有限公司", "榕溪市侯官城乡公交有限公司"]


def _route_names(n: int) -> list[str]:
    names = [f"{i}路" for i in range(1, n + 1)]
    for i in range(0, n, 9):
        names[i] = f"K{i + 1}路"
    for i in range(4, n, 13):
        names[i] = f"夜{i + 1}路"
    return names


@kind("bus_routes",
      Col("route_no", "线路名称", "string", 10, "公交线路编号，如 1路、K10路、夜5路"),
      Col("start_stop", "起点站", "string", 40),
      Col("end_stop", "终点站", "string", 40),
      Col("direction_count", "运营方向数", "integer", 1),
      Col("length_km", "线路长度", "decimal", 6, "单位：公里"),
      Col("stop_count", "站点数", "integer", 3),
      Col("first_bus", "首班时间", "string", 5, "HH:MM"),
      Col("last_bus", "末班时间", "string", 5, "HH:MM"),
      Col("fare_yuan", "票价", "decimal", 4, "单位：元；分段计价线路为最高票价"),
      Col("air_conditioned", "是否空调车", "boolean", 1),
      Col("vehicle_count", "配车数", "integer", 3),
      Col("operator", "运营单位", "string", 60))
def _bus_routes(rng, n, ctx):
    rows = []
    for route in _route_names(n):
        a, b = rng.sample(C.PLACES, 2)
        night = route.startswith("夜")
        first = rng.randrange(21 * 60, 22 * 60) if night else rng.randrange(330, 420)
        last = rng.randrange(60, 150) if night else rng.randrange(21 * 60, 23 * 60)
        rows.append([route, a, b, rng.choice([2, 2, 2, 1]),
                     round(rng.uniform(6, 38), 1), rng.randrange(12, 58),
                     _hm(first), _hm(last), rng.choice([1, 1, 2, 2, 3]),
                     "true" if rng.random() < 0.9 else "false",
                     rng.randrange(6, 40), rng.choice(BUS_OPERATORS)])
    return rows


@kind("bus_stops",
      Col("stop_id", "站点编号", "string", 10),
      Col("stop_name", "站点名称", "string", 40),
      D_DISTRICT,
      Col("road", "所在道路", "string", 40),
      Col("longitude", "经度", "decimal", 10, "WGS-84"),
      Col("latitude", "纬度", "decimal", 10, "WGS-84"),
      Col("routes", "途经线路", "string", 200, "以“;”分隔"),
      Col("has_shelter", "是否有候车亭", "boolean", 1),
      Col("has_e_board", "是否有电子站牌", "boolean", 1))
def _bus_stops(rng, n, ctx):
    routes = _route_names(180)
    rows = []
    for i in range(n):
        d = rng.choice(C.DISTRICT_NAMES)
        road = rng.choice(C.ROADS)
        name = rng.choice([road + "口", rng.choice(C.PLACES),
                           road + rng.choice(["东", "西", "南", "北"]),
                           rng.choice(C.STREETS[d]).replace("街道", "")
                           + rng.choice(["站", "路口", "小区"])])
        lon, lat = C.lon_lat(rng)
        rows.append([f"RX{i + 1:06d}", name, d, road, lon, lat,
                     ";".join(rng.sample(routes, rng.randrange(1, 7))),
                     "true" if rng.random() < 0.7 else "false",
                     "true" if rng.random() < 0.4 else "false"])
    return rows


@kind("bus_ic",
      Col("stat_date", "统计日期", "date", 10, "YYYY-MM-DD"),
      Col("route_no", "线路名称", "string", 10),
      Col("swipe_total", "公交IC卡刷卡量", "integer", 8, "当日刷卡总次数"),
      Col("swipe_elderly", "老年卡刷卡量", "integer", 8),
      Col("swipe_student", "学生卡刷卡量", "integer", 8),
      Col("qr_code_rides", "扫码乘车次数", "integer", 8),
      Col("transfer_rides", "换乘优惠次数", "integer", 8))
def _bus_ic(rng, n, ctx):
    days = _days(ctx)
    routes = _route_names(max(1, n // len(days) + 1))
    base = {r: rng.randrange(800, 12000) for r in routes}
    rows = []
    for day in days:
        weekend = day.weekday() >= 5
        for r in routes:
            if len(rows) >= n:
                return rows
            total = int(base[r] * (0.75 if weekend else 1) * rng.uniform(.85, 1.15))
            rows.append([day.isoformat(), r, total, int(total * rng.uniform(.08, .2)),
                         0 if weekend else int(total * rng.uniform(.03, .12)),
                         int(total * rng.uniform(.3, .6)),
                         int(total * rng.uniform(.05, .15))])
    return rows


@kind("bus_arrivals",
      Col("record_time", "采集时间", "datetime", 19),
      Col("route_no", "线路名称", "string", 10),
      Col("direction", "方向", "string", 4, "上行/下行"),
      Col("vehicle_no", "车辆自编号", "string", 8),
      Col("plate_no", "车牌号", "string", 8, "公交运营车辆号牌"),
      Col("stop_name", "到达站点", "string", 40),
      Col("arrive_delay_s", "晚点秒数", "integer", 5, "负数为早到"),
      Col("load_rate", "满载率", "decimal", 4, "0-1.2"))
def _bus_arrivals(rng, n, ctx):
    routes = _route_names(120)
    fleet = {}
    t = datetime.datetime.combine(ctx.end, datetime.time(6, 0))
    rows = []
    for i in range(n):
        r = rng.choice(routes)
        vno = f"{rng.randrange(1, 40):02d}{rng.randrange(100):02d}"
        plate = fleet.setdefault((r, vno), C.plate(rng, new_energy=True))
        t += datetime.timedelta(seconds=rng.randrange(3, 20))
        rows.append([t.isoformat(sep=" "), r, rng.choice(["上行", "下行"]), vno,
                     plate, rng.choice(C.PLACES), rng.randrange(-60, 600),
                     round(rng.uniform(0.1, 1.15), 2)])
    return rows


@kind("taxi_vehicles",
      Col("plate_no", "车牌号", "string", 8, "机动车号牌号码"),
      Col("company", "所属企业", "string", 60),
      Col("company_uscc", "企业统一社会信用代码", "string", 18),
      Col("vehicle_model", "车辆品牌型号", "string", 40),
      Col("fuel_type", "燃料类型", "string", 10, "纯电动/汽油/天然气/混合动力"),
      Col("licence_no", "道路运输证号", "string", 20),
      Col("register_date", "注册日期", "date", 10),
      Col("status", "营运状态", "string", 6))
def _taxi_vehicles(rng, n, ctx):
    companies = [(C.company_name(rng, ("出租汽车", "道路运输业")), _uscc(rng))
                 for _ in range(14)]
    models = ["比亚迪 秦EV", "比亚迪 e5", "吉利 帝豪EV", "广汽 埃安S", "大众 朗逸",
              "丰田 卡罗拉双擎", "北汽 EU5"]
    rows, seen = [], set()
    while len(rows) < n:
        ev = rng.random() < 0.7
        p = C.plate(rng, new_energy=ev)
        if p in seen:
            continue
        seen.add(p)
        comp = rng.choice(companies)
        rows.append([p, comp[0], comp[1], rng.choice(models),
                     "纯电动" if ev else rng.choice(["汽油", "天然气", "混合动力"]),
                     f"闽交运管榕字{350100000000 + rng.randrange(10**6)}",
                     _past(rng, ctx, 8).isoformat(),
                     rng.choice(["营运"] * 9 + ["停运"])])
    return rows


@kind("parking_lots",
      Col("lot_name", "停车场名称", "string", 60),
      D_DISTRICT,
      Col("address", "地址", "string", 100),
      Col("lot_type", "停车场类型", "string", 10, "路内/路外/立体"),
      Col("berths", "泊位数", "integer", 5),
      Col("ev_charging_berths", "充电泊位数", "integer", 4),
      Col("fee_standard", "收费标准", "string", 100),
      Col("open_hours", "开放时间", "string", 20),
      Col("longitude", "经度", "decimal", 10), Col("latitude", "纬度", "decimal", 10))
def _parking(rng, n, ctx):
    rows = []
    for i in range(n):
        d = rng.choice(C.DISTRICT_NAMES)
        b = rng.randrange(20, 1500)
        lon, lat = C.lon_lat(rng)
        rows.append([f"{rng.choice(C.PLACES)}{rng.choice(['', '东', '西', '地下'])}"
                     f"停车场{i % 7 + 1 if i % 3 else ''}",
                     d, C.address(rng, d), rng.choice(["路外", "路外", "立体", "路内"]),
                     b, int(b * rng.uniform(0, .3)),
                     f"首小时{rng.choice([3, 4, 5, 6])}元，之后每小时{rng.choice([1, 2, 3])}元",
                     rng.choice(["00:00-24:00", "07:00-22:00", "06:30-23:00"]),
                     lon, lat])
    return rows


@kind("transport_licences",
      Col("licence_no", "经营许可证号", "string", 20),
      Col("enterprise_name", "企业名称", "string", 60),
      C_USCC,
      Col("business_scope", "经营范围", "string", 100),
      Col("issue_date", "发证日期", "date", 10),
      Col("valid_until", "有效期至", "date", 10),
      Col("vehicle_count", "车辆数", "integer", 5),
      D_DISTRICT)
def _transport_licences(rng, n, ctx):
    scopes = ["道路普通货物运输", "道路旅客运输（班车客运）", "道路危险货物运输",
              "机动车维修（一类）", "机动车维修（二类）", "机动车驾驶员培训",
              "网络预约出租汽车经营", "巡游出租汽车经营"]
    rows = []
    for i in range(n):
        issued = _past(rng, ctx, 6)
        dname = rng.choice(C.DISTRICT_NAMES)
        rows.append([f"闽交运管许可榕字{350100 + i:06d}号",
                     C.company_name(rng, ("运输", "道路运输业")),
                     _uscc(rng, C.DISTRICT_BY_NAME[dname]),
                     rng.choice(scopes), issued.isoformat(),
                     issued.replace(year=issued.year + 4).isoformat()
                     if not (issued.month == 2 and issued.day == 29)
                     else (issued + datetime.timedelta(days=1461)).isoformat(),
                     rng.randrange(1, 300), dname])
    return rows


@kind("ride_hailing_drivers",
      C_NAME_P, C_SEX, C_ID, C_MOBILE,
      Col("plate_no", "车牌号", "string", 8, "驾驶车辆号牌", QUASI),
      Col("platform", "服务平台", "string", 30),
      Col("certificate_no", "从业资格证号", "string", 18, "与身份证号相同", DIRECT),
      Col("issue_date", "发证日期", "date", 10),
      C_HOME)
def _ride_hailing(rng, n, ctx):
    platforms = ["榕e行", "溪快车", "海峡出行", "闽约车", "城际快车"]
    rows = []
    for _ in range(n):
        male = rng.random() < 0.9
        idn = C.id_number(rng, birth=C.birth_date(rng, 22, 60, ctx.end), male=male)
        rows.append([C.person_name(rng), "男" if male else "女", idn, C.mobile(rng),
                     C.plate(rng, new_energy=rng.random() < 0.8),
                     rng.choice(platforms), idn, _past(rng, ctx, 6).isoformat(),
                     C.address(rng, home=True)])
    return rows


@kind("bus_od",
      Col("stat_hour", "统计时段", "datetime", 19, "小时起点"),
      Col("origin_stop", "上车站点", "string", 40),
      Col("destination_stop", "下车站点", "string", 40),
      Col("trips", "出行人次", "integer", 6, "由刷卡和扫码记录推算，少于5人次的组合不发布"),
      Col("avg_travel_min", "平均出行时长", "decimal", 5, "分钟"),
      Col("transfer_share", "换乘比例", "decimal", 4, "0-1"))
def _bus_od(rng, n, ctx):
    stops = [p + s for p in C.PLACES for s in ("", "东", "北")]
    rows = []
    t = datetime.datetime.combine(ctx.start, datetime.time(6))
    while len(rows) < n:
        for _ in range(rng.randrange(20, 60)):
            a, b = rng.sample(stops, 2)
            rows.append([t.isoformat(sep=" "), a, b, rng.randrange(5, 400),
                         round(rng.uniform(8, 75), 1), round(rng.uniform(0, .45), 2)])
        t += datetime.timedelta(hours=1)
        if t.hour == 23:
            t += datetime.timedelta(hours=7)
    return rows[:n]


# ---------------------------------------------------------------- market

ENTITY_TYPES = ["有限责任公司(自然人投资或控股)", "有限责任公司(法人独资)",
                "股份有限公司(非上市)", "个人独资企业", "普通合伙企业", "农民专业合作社"]


@kind("market_entities",
      Col("entity_name", "企业名称", "string", 80),
      C_USCC,
      Col("entity_type", "企业类型", "string", 40),
      Col("industry", "所属行业", "string", 40, "国民经济行业分类门类/大类"),
      Col("registered_capital", "注册资本", "decimal", 14, "单位：万元人民币"),
      Col("established", "成立日期", "date", 10),
      Col("registration_authority", "登记机关", "string", 40),
      Col("status", "登记状态", "string", 10, "存续/在业/注销/吊销"),
      Col("address", "住所", "string", 100))
def _market_entities(rng, n, ctx):
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        trade = rng.choice(C.COMPANY_TRADES)
        rows.append([C.company_name(rng, trade), _uscc(rng, C.DISTRICT_BY_NAME[dname]),
                     rng.choice(ENTITY_TYPES), trade[1],
                     rng.choice([10, 50, 100, 200, 500, 1000, 3000, 5000]),
                     _past(rng, ctx, 20).isoformat(),
                     f"榕溪市{dname}市场监督管理局",
                     rng.choice(["存续"] * 8 + ["注销", "吊销"]),
                     C.address(rng, dname)])
    return rows


@kind("food_licences",
      Col("licence_no", "许可证编号", "string", 14, "JY + 14 位数字"),
      Col("operator_name", "经营者名称", "string", 80),
      C_USCC,
      Col("business_type", "主体业态", "string", 30),
      Col("business_items", "经营项目", "string", 100),
      Col("premises", "经营场所", "string", 100),
      Col("issue_date", "发证日期", "date", 10),
      Col("valid_until", "有效期至", "date", 10),
      D_DISTRICT)
def _food_licences(rng, n, ctx):
    types = ["餐饮服务经营者", "食品销售经营者", "单位食堂", "中央厨房", "集体用餐配送单位"]
    items = ["预包装食品销售（含冷藏冷冻食品）", "热食类食品制售", "冷食类食品制售",
             "糕点类食品制售", "自制饮品制售", "散装食品销售"]
    shops = ["餐饮店", "小吃店", "便利店", "超市", "茶饮店", "食堂", "面馆", "烘焙坊"]
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        issued = _past(rng, ctx, 5)
        rows.append([f"JY{23501 * 10**9 + rng.randrange(10**9):014d}",
                     f"{dname}{rng.choice(C.COMPANY_WORDS)}{rng.choice(shops)}",
                     _uscc(rng, C.DISTRICT_BY_NAME[dname], "9", "2"),
                     rng.choice(types), "；".join(rng.sample(items, 2)),
                     C.address(rng, dname), issued.isoformat(),
                     (issued + datetime.timedelta(days=1826)).isoformat(), dname])
    return rows


@kind("admin_penalties",
      Col("decision_no", "行政处罚决定书文号", "string", 40),
      Col("party_name", "行政相对人名称", "string", 80),
      Col("party_uscc", "统一社会信用代码", "string", 18),
      Col("violation", "违法行为类型", "string", 60),
      Col("basis", "处罚依据", "string", 100),
      Col("penalty", "处罚内容", "string", 100),
      Col("fine_yuan", "罚款金额", "decimal", 12, "单位：元"),
      Col("decision_date", "处罚决定日期", "date", 10),
      Col("authority", "处罚机关", "string", 40))
def _penalties(rng, n, ctx):
    cases = [("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条"),
             ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条"),
             ("未按规定公示年度报告", "《企业信息公示暂行条例》第十七条"),
             ("计量器具未按规定检定", "《中华人民共和国计量法》第二十六条"),
             ("价格违法行为", "《中华人民共和国价格法》第四十二条"),
             ("销售不合格产品", "《中华人民共和国产品质量法》第五十条")]
    rows = []
    for i in range(n):
        v = rng.choice(cases)
        fine = rng.choice([2000, 5000, 10000, 20000, 50000, 100000])
        d = _date_in(rng, ctx)
        dname = rng.choice(C.DISTRICT_NAMES)
        rows.append([f"榕{dname[:2]}市监处罚〔{d.year}〕{i + 1}号", C.company_name(rng),
                     _uscc(rng, C.DISTRICT_BY_NAME[dname]), v[0], v[1],
                     f"警告；罚款{fine}元", fine, d.isoformat(),
                     f"榕溪市{dname}市场监督管理局"])
    return rows


@kind("abnormal_operations",
      Col("entity_name", "企业名称", "string", 80), C_USCC,
      Col("listed_reason", "列入经营异常名录原因", "string", 80),
      Col("listed_date", "列入日期", "date", 10),
      Col("removed_date", "移出日期", "date", 10, "空值表示尚未移出"),
      Col("authority", "作出决定机关", "string", 40))
def _abnormal(rng, n, ctx):
    reasons = ["未依照规定的期限公示年度报告", "通过登记的住所或者经营场所无法联系",
               "公示企业信息隐瞒真实情况、弄虚作假", "未在责令的期限内公示有关企业信息"]
    rows = []
    for _ in range(n):
        listed = _date_in(rng, ctx)
        removed = ""
        if rng.random() < .35:
            removed = min(ctx.end, listed + datetime.timedelta(days=rng.randrange(10, 300))).isoformat()
        rows.append([C.company_name(rng), _uscc(rng), rng.choice(reasons),
                     listed.isoformat(), removed, "榕溪市市场监督管理局"])
    return rows


@kind("legal_reps",
      Col("entity_name", "企业名称", "string", 80), C_USCC,
      Col("legal_rep_name", "法定代表人姓名", "string", 20, "", DIRECT),
      Col("legal_rep_id", "法定代表人身份证号", "string", 18, "", DIRECT),
      Col("legal_rep_mobile", "法定代表人手机号", "string", 11, "", DIRECT),
      Col("liaison_name", "联络员姓名", "string", 20, "", DIRECT),
      Col("liaison_mobile", "联络员手机号", "string", 11, "", DIRECT),
      Col("liaison_id", "联络员身份证号", "string", 18, "", DIRECT),
      Col("address", "住所", "string", 100))
def _legal_reps(rng, n, ctx):
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        rows.append([C.company_name(rng), _uscc(rng, C.DISTRICT_BY_NAME[dname]),
                     C.person_name(rng), C.id_number(rng, birth=C.birth_date(rng, 25, 70, ctx.end)),
                     C.mobile(rng), C.person_name(rng), C.mobile(rng),
                     C.id_number(rng, birth=C.birth_date(rng, 20, 60, ctx.end)),
                     C.address(rng, dname)])
    return rows


@kind("quality_checks",
      Col("batch_no", "抽检批次号", "string", 20),
      Col("product", "产品名称", "string", 40),
      Col("manufacturer", "生产企业", "string", 80),
      Col("manufacturer_uscc", "生产企业统一社会信用代码", "string", 18),
      Col("spec_model", "规格型号", "string", 30),
      Col("sample_date", "抽样日期", "date", 10),
      Col("result", "检验结论", "string", 6, "合格/不合格"),
      Col("failed_items", "不合格项目", "string", 60))
def _quality(rng, n, ctx):
    products = [("电动自行车", "整车质量"), ("儿童玩具", "小零件"), ("电线电缆", "导体电阻"),
                ("插座", "防触电保护"), ("学生文具", "可迁移元素"), ("瓶装饮用水", "菌落总数"),
                ("化肥", "总养分"), ("安全帽", "冲击吸收性能")]
    rows = []
    for i in range(n):
        p = rng.choice(products)
        ok = rng.random() < 0.88
        rows.append([f"RXCC{ctx.end.year}{i + 1:05d}", p[0], C.company_name(rng), _uscc(rng),
                     f"{rng.choice('ABCDEFGH')}-{rng.randrange(10, 999)}",
                     _date_in(rng, ctx).isoformat(), "合格" if ok else "不合格",
                     "" if ok else p[1]])
    return rows


@kind("annual_finance",
      Col("report_year", "年报年度", "integer", 4),
      Col("entity_name", "企业名称", "string", 80), C_USCC,
      Col("total_assets_10k", "资产总额", "decimal", 14, "万元", CONFIDENTIAL),
      Col("total_liabilities_10k", "负债总额", "decimal", 14, "万元", CONFIDENTIAL),
      Col("revenue_10k", "营业总收入", "decimal", 14, "万元", CONFIDENTIAL),
      Col("net_profit_10k", "净利润", "decimal", 14, "万元", CONFIDENTIAL),
      Col("tax_paid_10k", "纳税总额", "decimal", 12, "万元", CONFIDENTIAL),
      Col("employees", "从业人数", "integer", 6))
def _annual_finance(rng, n, ctx):
    rows = []
    year = ctx.end.year - 1
    for _ in range(n):
        assets = rng.uniform(50, 80000)
        rev = assets * rng.uniform(.3, 2.0)
        rows.append([year, C.company_name(rng), _uscc(rng), round(assets, 2),
                     round(assets * rng.uniform(.1, .8), 2), round(rev, 2),
                     round(rev * rng.uniform(-.08, .15), 2), round(rev * rng.uniform(.01, .06), 2),
                     rng.randrange(3, 3000)])
    return rows


# ---------------------------------------------------------------- environment

AQI_STATIONS = [("榕城区", "五四北站"), ("榕城区", "鼓山站"), ("溪东区", "快安站"),
                ("南台区", "师大站"), ("南台区", "紫阳站"), ("马江区", "马江站"),
                ("晋北区", "洋里站"), ("晋北区", "杨桥西站"), ("长湖区", "航城站"),
                ("侯官县", "甘蔗站"), ("连川县", "凤城站")]

_IAQI = [(0, 0), (50, 35), (100, 75), (150, 115), (200, 150), (300, 250),
         (400, 350), (500, 500)]


def _aqi_from_pm25(pm25: float) -> int:
    for (i_lo, c_lo), (i_hi, c_hi) in zip(_IAQI, _IAQI[1:]):
        if pm25 <= c_hi:
            return round(i_lo + (i_hi - i_lo) * (pm25 - c_lo) / (c_hi - c_lo))
    return 500


def _aqi_level(aqi: int) -> str:
    for limit, name in ((50, "优"), (100, "良"), (150, "轻度污染"),
                        (200, "中度污染"), (300, "重度污染")):
        if aqi <= limit:
            return name
    return "严重污染"


def _air(rng: random.Random, seasonal: float) -> list:
    pm25 = max(3.0, rng.gauss(26 * seasonal, 10))
    pm10 = pm25 * rng.uniform(1.3, 2.0)
    o3 = max(10, rng.gauss(90, 30) / seasonal)
    aqi = max(_aqi_from_pm25(pm25), round(pm10 / 3), round(o3 / 3.2))
    primary = "" if aqi <= 50 else ("PM2.5" if _aqi_from_pm25(pm25) == aqi
                                    else rng.choice(["PM10", "O3"]))
    return [aqi, _aqi_level(aqi), primary, round(pm25), round(pm10),
            round(rng.uniform(2, 12)), round(rng.uniform(8, 55)),
            round(rng.uniform(0.3, 1.4), 1), round(o3)]


AIR_COLS = (Col("aqi", "空气质量指数（AQI）", "integer", 3, "HJ 633-2012"),
            Col("aqi_level", "空气质量级别", "string", 4, "优/良/轻度污染/中度污染/重度污染/严重污染"),
            Col("primary_pollutant", "首要污染物", "string", 8, "AQI≤50 时为空"),
            Col("pm25", "PM2.5浓度", "integer", 4, "微克/立方米"),
            Col("pm10", "PM10浓度", "integer", 4, "微克/立方米"),
            Col("so2", "二氧化硫浓度", "integer", 4, "微克/立方米"),
            Col("no2", "二氧化氮浓度", "integer", 4, "微克/立方米"),
            Col("co", "一氧化碳浓度", "decimal", 4, "毫克/立方米"),
            Col("o3", "臭氧浓度", "integer", 4, "微克/立方米"))


def _season(day: datetime.date) -> float:
    return {12: 1.5, 1: 1.6, 2: 1.4, 3: 1.2, 11: 1.3}.get(day.month, 0.85)


@kind("aqi_hourly",
      Col("monitor_time", "监测时间", "datetime", 19),
      D_DISTRICT, Col("station", "监测站点", "string", 20), *AIR_COLS)
def _aqi_hourly(rng, n, ctx):
    hours = n // len(AQI_STATIONS) + 1
    t0 = datetime.datetime.combine(ctx.end, datetime.time(23)) - datetime.timedelta(hours=hours - 1)
    rows = []
    for h in range(hours):
        t = t0 + datetime.timedelta(hours=h)
        for dname, st in AQI_STATIONS:
            if len(rows) < n:
                rows.append([t.isoformat(sep=" "), dname, st] + _air(rng, _season(t.date())))
    return rows


@kind("aqi_daily",
      Col("stat_date", "日期", "date", 10), *AIR_COLS)
def _aqi_daily(rng, n, ctx):
    return [[d.isoformat()] + _air(rng, _season(d)) for d in _days(ctx)][-n:]


@kind("pm25_monthly",
      Col("month", "月份", "string", 7, "YYYY-MM"), D_DISTRICT, D_DISTRICT_CODE,
      Col("pm25_avg", "PM2.5月均浓度", "decimal", 5, "微克/立方米"),
      Col("pm10_avg", "PM10月均浓度", "decimal", 5, "微克/立方米"),
      Col("good_days_ratio", "空气质量优良天数比例", "decimal", 5, "%"),
      Col("aqi_rank", "全市排名", "integer", 2))
def _pm25_monthly(rng, n, ctx):
    rows = []
    for ym in _months(ctx):
        s = _season(datetime.date(int(ym[:4]), int(ym[5:]), 1))
        vals = [(max(8, rng.gauss(24 * s, 4)), code, dn) for code, dn in C.DISTRICTS]
        for rank, (pm, code, dn) in enumerate(sorted(vals), 1):
            rows.append([ym, dn, code, round(pm, 1), round(pm * rng.uniform(1.4, 1.9), 1),
                         round(min(100, 100 - (pm - 15) * rng.uniform(.2, .6)), 1), rank])
    return rows[-n:]


@kind("surface_water",
      Col("month", "监测月份", "string", 7), Col("river", "河流/湖库", "string", 20),
      Col("section", "监测断面", "string", 30), D_DISTRICT,
      Col("water_class", "水质类别", "string", 4, "GB 3838-2002 Ⅰ～劣Ⅴ类"),
      Col("do_mg_l", "溶解氧", "decimal", 5, "mg/L"),
      Col("codmn_mg_l", "高锰酸盐指数", "decimal", 5, "mg/L"),
      Col("nh3n_mg_l", "氨氮", "decimal", 5, "mg/L"),
      Col("tp_mg_l", "总磷", "decimal", 5, "mg/L"),
      Col("meets_target", "是否达标", "boolean", 1))
def _surface_water(rng, n, ctx):
    sections = [("闽江", "竹岐", "侯官县"), ("闽江", "解放大桥", "溪东区"),
                ("闽江", "马江", "马江区"), ("溪源江", "溪源", "晋北区"),
                ("晋安河", "连潘", "晋北区"), ("乌龙江", "峡南", "南台区"),
                ("敖江", "塘坂", "连川县"), ("大樟溪", "永泰交界", "侯官县"),
                ("东湖", "湖心", "长湖区"), ("白马河", "洪山桥", "榕城区")]
    classes = ["Ⅱ类", "Ⅱ类", "Ⅲ类", "Ⅲ类", "Ⅲ类", "Ⅳ类", "Ⅴ类"]
    rows = []
    for ym in _months(ctx):
        for river, sec, dn in sections:
            wc = rng.choice(classes)
            rows.append([ym, river, sec, dn, wc, round(rng.uniform(4.5, 9), 2),
                         round(rng.uniform(1.2, 6), 2), round(rng.uniform(.05, 1.6), 3),
                         round(rng.uniform(.02, .3), 3),
                         "true" if wc in ("Ⅱ类", "Ⅲ类") else "false"])
    return rows[-n:]


@kind("key_polluters",
      Col("entity_name", "单位名称", "string", 80), C_USCC,
      Col("category", "重点排污单位类别", "string", 20, "水/大气/土壤/声/其他"),
      Col("industry", "行业类别", "string", 40),
      Col("main_pollutants", "主要污染物", "string", 60),
      Col("permit_no", "排污许可证编号", "string", 22),
      Col("online_monitoring", "是否安装在线监测", "boolean", 1),
      D_DISTRICT, Col("address", "地址", "string", 100))
def _polluters(rng, n, ctx):
    cats = [("水环境", "化学需氧量;氨氮;总磷"), ("大气环境", "二氧化硫;氮氧化物;颗粒物"),
            ("土壤环境", "重金属"), ("环境风险", "挥发性有机物")]
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        trade = rng.choice(C.COMPANY_TRADES)
        cat = rng.choice(cats)
        uscc = _uscc(rng, C.DISTRICT_BY_NAME[dname])
        rows.append([C.company_name(rng, trade), uscc, cat[0], trade[1], cat[1],
                     f"{uscc}{rng.randrange(1, 3):03d}{rng.choice('PVRQ')}",
                     "true" if rng.random() < .75 else "false", dname,
                     C.address(rng, dname)])
    return rows


@kind("eia_approvals",
      Col("project_name", "建设项目名称", "string", 100),
      Col("developer", "建设单位", "string", 80),
      Col("developer_uscc", "建设单位统一社会信用代码", "string", 18),
      Col("eia_type", "环评文件类型", "string", 10, "报告书/报告表"),
      Col("approval_no", "批复文号", "string", 40),
      Col("approval_date", "批复日期", "date", 10),
      Col("investment_10k", "总投资", "decimal", 12, "万元"),
      D_DISTRICT)
def _eia(rng, n, ctx):
    kinds = ["年产{}万件{}生产线项目", "{}片区{}综合开发项目", "{}污水处理厂{}提标改造工程",
             "{}变电站{}扩建工程", "{}物流园{}仓储项目"]
    things = ["汽车零部件", "电子元器件", "安置房", "二期", "110千伏", "冷链", "食品"]
    rows = []
    for i in range(n):
        d = _date_in(rng, ctx)
        dname = rng.choice(C.DISTRICT_NAMES)
        tmpl = rng.choice(kinds)
        name = tmpl.format(rng.choice([dname, rng.randrange(5, 200)]), rng.choice(things))
        rows.append([name, C.company_name(rng), _uscc(rng, C.DISTRICT_BY_NAME[dname]),
                     rng.choice(["报告书", "报告表", "报告表"]),
                     f"榕环评〔{d.year}〕{i + 1}号", d.isoformat(),
                     round(rng.uniform(200, 250000), 1), dname])
    return rows


@kind("emission_hourly",
      Col("monitor_time", "监测时间", "datetime", 19),
      Col("entity_name", "单位名称", "string", 80),
      Col("uscc", "统一社会信用代码", "string", 18),
      Col("outlet_no", "排放口编号", "string", 10),
      Col("particulate_mg_m3", "颗粒物折算浓度", "decimal", 7, "mg/m³"),
      Col("so2_mg_m3", "二氧化硫折算浓度", "decimal", 7, "mg/m³"),
      Col("nox_mg_m3", "氮氧化物折算浓度", "decimal", 7, "mg/m³"),
      Col("flow_m3_h", "标干流量", "integer", 9, "m³/h"),
      Col("exceeds_limit", "是否超标", "boolean", 1))
def _emission(rng, n, ctx):
    plants = [(C.company_name(rng, rng.choice(C.COMPANY_TRADES[4:14])), _uscc(rng),
               f"DA{rng.randrange(1, 9):03d}") for _ in range(max(1, n // 72 + 1))]
    rows = []
    t0 = datetime.datetime.combine(ctx.end, datetime.time(0)) - datetime.timedelta(hours=71)
    for name, code, outlet in plants:
        for h in range(72):
            if len(rows) >= n:
                break
            nox = round(max(1, rng.gauss(60, 25)), 2)
            rows.append([(t0 + datetime.timedelta(hours=h)).isoformat(sep=" "), name, code, outlet,
                         round(max(.1, rng.gauss(8, 3)), 2), round(max(.1, rng.gauss(20, 10)), 2),
                         nox, rng.randrange(20000, 400000), "true" if nox > 150 else "false"])
    rows.sort()
    return rows


# ---------------------------------------------------------------- health

@kind("medical_institutions",
      Col("institution_name", "医疗机构名称", "string", 80),
      Col("registration_no", "登记号", "string", 30),
      Col("institution_type", "机构类别", "string", 30),
      Col("grade", "等级", "string", 10, "三级甲等…未定级"),
      Col("ownership", "经营性质", "string", 10, "非营利性/营利性"),
      Col("beds", "核定床位数", "integer", 5),
      Col("departments", "诊疗科目", "string", 200),
      Col("phone", "联系电话", "string", 20, "单位对外服务电话"),
      D_DISTRICT, Col("address", "地址", "string", 100))
def _medical(rng, n, ctx):
    types = [("医院", "综合医院", ["三级甲等", "三级乙等", "二级甲等", "二级乙等"], (200, 2500)),
             ("中医院", "中医医院", ["三级甲等", "二级甲等"], (100, 1200)),
             ("社区卫生服务中心", "社区卫生服务中心", ["未定级"], (0, 60)),
             ("卫生院", "乡镇卫生院", ["一级甲等", "未定级"], (10, 80)),
             ("口腔门诊部", "门诊部", ["未定级"], (0, 0)),
             ("诊所", "诊所", ["未定级"], (0, 0))]
    subjects = ["内科", "外科", "妇产科", "儿科", "眼科", "耳鼻咽喉科", "口腔科", "皮肤科",
                "精神科", "传染科", "急诊医学科", "康复医学科", "医学检验科", "医学影像科", "中医科"]
    rows = []
    for i in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        t = rng.choices(types, weights=[2, 1, 3, 2, 4, 8])[0]
        place = rng.choice(C.STREETS[dname]).replace("街道", "").replace("镇", "")
        name = (f"{C.CITY}{dname}{place}{t[0]}" if t[0] in ("社区卫生服务中心", "卫生院")
                else f"{C.CITY}{rng.choice(C.COMPANY_WORDS)}{t[0]}")
        rows.append([name, f"PDY{rng.randrange(10**7):07d}{C.DISTRICT_BY_NAME[dname]}{i % 10}A1001",
                     t[1], rng.choice(t[2]), rng.choice(["非营利性", "非营利性", "营利性"]),
                     rng.randint(*t[3]), ";".join(rng.sample(subjects, rng.randrange(2, 9))),
                     C.landline(rng), dname, C.address(rng, dname)])
    return rows


@kind("vaccination_sites",
      Col("site_name", "接种门诊名称", "string", 80),
      Col("site_type", "门诊类型", "string", 20, "儿童/成人/狂犬病暴露处置/产科"),
      Col("service_hours", "服务时间", "string", 60),
      Col("vaccines", "可接种疫苗", "string", 120),
      Col("phone", "咨询电话", "string", 20), D_DISTRICT,
      Col("address", "地址", "string", 100))
def _vaccination(rng, n, ctx):
    vacc = ["乙肝疫苗", "卡介苗", "脊灰疫苗", "百白破疫苗", "麻腮风疫苗", "流感疫苗",
            "HPV疫苗", "狂犬病疫苗", "肺炎球菌疫苗", "带状疱疹疫苗"]
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        place = rng.choice(C.STREETS[dname]).replace("街道", "").replace("镇", "")
        rows.append([f"{dname}{place}社区卫生服务中心预防接种门诊",
                     rng.choice(["儿童", "成人", "狂犬病暴露处置", "产科"]),
                     rng.choice(["周一至周五 08:00-11:30 14:30-17:00", "周二、周四、周六上午"]),
                     "、".join(rng.sample(vacc, rng.randrange(3, 8))),
                     C.landline(rng), dname, C.address(rng, dname)])
    return rows


@kind("health_resources",
      Col("year", "年份", "integer", 4), D_DISTRICT, D_DISTRICT_CODE,
      Col("institutions", "医疗卫生机构数", "integer", 5),
      Col("beds", "床位数", "integer", 6),
      Col("licensed_doctors", "执业（助理）医师数", "integer", 6),
      Col("registered_nurses", "注册护士数", "integer", 6),
      Col("outpatient_visits_10k", "诊疗人次", "decimal", 8, "万人次"),
      Col("beds_per_1000", "每千人口床位数", "decimal", 5))
def _health_resources(rng, n, ctx):
    rows = []
    for y in _years(ctx):
        for code, dn in C.DISTRICTS:
            beds = rng.randrange(800, 9000)
            rows.append([y, dn, code, rng.randrange(80, 700), beds, int(beds * rng.uniform(.3, .5)),
                         int(beds * rng.uniform(.4, .7)), round(rng.uniform(80, 900), 1),
                         round(rng.uniform(4, 9), 2)])
    return rows[-n:]


@kind("outpatient_records",
      Col("visit_no", "就诊流水号", "string", 20),
      Col("patient_name", "姓名", "string", 20, "", DIRECT),
      Col("id_number", "身份证号", "string", 18, "", DIRECT),
      C_SEX,
      Col("age", "年龄", "integer", 3, "", QUASI),
      Col("mobile", "手机号", "string", 11, "", DIRECT),
      Col("home_address", "住址", "string", 100, "", QUASI),
      Col("visit_time", "就诊时间", "datetime", 19, "", QUASI),
      Col("hospital", "就诊机构", "string", 60),
      Col("department", "科室", "string", 20),
      Col("diagnosis", "诊断", "string", 60, "ICD-10 名称", SENSITIVE),
      Col("remark", "备注", "string", 100, "自由文本，可能含联系电话"))
def _outpatient(rng, n, ctx):
    diag = [("呼吸内科", "急性上呼吸道感染"), ("心血管内科", "原发性高血压"),
            ("内分泌科", "2型糖尿病"), ("儿科", "支气管炎"), ("消化内科", "慢性胃炎"),
            ("骨科", "腰椎间盘突出"), ("皮肤科", "湿疹"), ("眼科", "结膜炎")]
    hospitals = ["榕溪市第一医院", "榕溪市中医院", "榕溪市儿童医院", "榕溪市第二医院"]
    rows = []
    for i in range(n):
        born = C.birth_date(rng, 1, 90, ctx.end)
        idn = C.id_number(rng, birth=born)
        dep, dg = rng.choice(diag)
        t = datetime.datetime.combine(_date_in(rng, ctx), datetime.time(rng.randrange(8, 17), rng.randrange(60)))
        remark = rng.choice(["", "", "", "复诊", f"家属电话{C.mobile(rng)}", "医保结算"])
        rows.append([f"MZ{t:%Y%m%d}{i:06d}", C.person_name(rng), idn, C.sex_of_id(idn),
                     (ctx.end - born).days // 365, C.mobile(rng), C.address(rng, home=True),
                     t.isoformat(sep=" "), rng.choice(hospitals), dep, dg, remark])
    return rows


# ---------------------------------------------------------------- education

@kind("schools",
      Col("school_name", "学校名称", "string", 60),
      Col("school_code", "学校标识码", "string", 10),
      Col("school_type", "办学类型", "string", 20),
      Col("ownership", "举办者类型", "string", 10, "公办/民办"),
      Col("students", "在校生数", "integer", 5),
      Col("teachers", "专任教师数", "integer", 4),
      Col("classes", "班级数", "integer", 3),
      Col("phone", "联系电话", "string", 20), D_DISTRICT,
      Col("address", "地址", "string", 100))
def _schools(rng, n, ctx):
    types = [("小学", (300, 3000)), ("初级中学", (400, 2500)), ("完全中学", (1200, 4000)),
             ("九年一贯制学校", (600, 3000)), ("高级中学", (1000, 3500))]
    rows = []
    for i in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        t = rng.choices(types, weights=[6, 3, 1, 1, 1])[0]
        base = rng.choice(C.ROADS + C.STREETS[dname])
        base = base.replace("街道", "").replace("镇", "").replace("大道", "").replace("路", "")
        st = rng.randint(*t[1])
        suffix = {"小学": "小学", "初级中学": "中学", "完全中学": "中学",
                  "九年一贯制学校": "学校", "高级中学": "高级中学"}[t[0]]
        rows.append([f"榕溪市{dname}{base}{suffix}" if rng.random() < .5
                     else f"榕溪市第{i + 1}{suffix}", f"21{rng.randrange(10**8):08d}",
                     t[0], rng.choice(["公办"] * 5 + ["民办"]), st, st // rng.randrange(12, 17),
                     st // rng.randrange(40, 48) + 1, C.landline(rng), dname,
                     C.address(rng, dname)])
    return rows


@kind("kindergartens",
      Col("name", "幼儿园名称", "string", 60),
      Col("category", "办园性质", "string", 20, "公办/普惠性民办/民办"),
      Col("grade", "等级", "string", 10, "省示范/市级/区级/未评级"),
      Col("classes", "班级数", "integer", 3),
      Col("children", "在园幼儿数", "integer", 4),
      Col("monthly_fee", "保育教育费", "decimal", 7, "元/月"),
      Col("phone", "联系电话", "string", 20), D_DISTRICT,
      Col("address", "地址", "string", 100))
def _kindergartens(rng, n, ctx):
    rows = []
    for _ in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        cat = rng.choice(["公办", "公办", "普惠性民办", "民办"])
        cls = rng.randrange(3, 18)
        rows.append([f"榕溪市{dname}{rng.choice(C.COMPANY_WORDS)}幼儿园", cat,
                     rng.choice(["省示范", "市级", "区级", "未评级"]), cls,
                     cls * rng.randrange(22, 34),
                     {"公办": 480, "普惠性民办": 900, "民办": 2200}[cat] + rng.randrange(0, 300, 10),
                     C.landline(rng), dname, C.address(rng, dname)])
    return rows


@kind("enrolment_zones",
      Col("school_year", "学年", "string", 9), Col("school_name", "学校名称", "string", 60),
      Col("stage", "学段", "string", 4, "小学/初中"), D_DISTRICT,
      Col("zone_streets", "对口片区", "string", 200, "道路及门牌号范围"),
      Col("planned_places", "招生计划数", "integer", 4))
def _zones(rng, n, ctx):
    rows = []
    for i in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        roads = rng.sample(C.ROADS, 3)
        zone = "；".join(f"{r}{a}-{a + rng.randrange(10, 200)}号"
                        for r in roads for a in [rng.randrange(1, 200)])
        y = ctx.end.year
        rows.append([f"{y}-{y + 1}", f"榕溪市{dname}第{i % 30 + 1}{rng.choice(['小学', '中学'])}",
                     rng.choice(["小学", "初中"]), dname, zone, rng.randrange(90, 720, 45)])
    return rows


@kind("student_aid",
      Col("student_name", "学生姓名", "string", 20, "", DIRECT),
      Col("id_number", "身份证号", "string", 18, "", DIRECT), C_SEX,
      Col("school", "就读学校", "string", 60, "", QUASI),
      Col("grade", "年级", "string", 10, "", QUASI),
      Col("aid_type", "资助项目", "string", 30),
      Col("amount_yuan", "资助金额", "decimal", 8, "元"),
      Col("guardian_name", "监护人姓名", "string", 20, "", DIRECT),
      Col("guardian_mobile", "监护人手机号", "string", 11, "", DIRECT),
      Col("home_address", "家庭住址", "string", 100, "", QUASI),
      Col("difficulty", "家庭经济困难类型", "string", 20, "", SENSITIVE))
def _student_aid(rng, n, ctx):
    aids = [("国家助学金", 2000), ("营养改善计划", 1000), ("家庭经济困难寄宿生生活补助", 1250),
            ("免学费", 2000)]
    diff = ["建档立卡脱贫家庭", "最低生活保障家庭", "特困供养学生", "孤儿", "残疾学生", "其他困难"]
    rows = []
    for _ in range(n):
        born = C.birth_date(rng, 7, 18, ctx.end)
        idn = C.id_number(rng, birth=born)
        a = rng.choice(aids)
        age = (ctx.end - born).days // 365
        rows.append([C.person_name(rng), idn, C.sex_of_id(idn),
                     f"榕溪市第{rng.randrange(1, 60)}{'小学' if age < 13 else '中学'}",
                     f"{max(1, age - 6)}年级", a[0], a[1], C.person_name(rng), C.mobile(rng),
                     C.address(rng, home=True), rng.choice(diff)])
    return rows


# ---------------------------------------------------------------- weather

WX_STATIONS = [("58847", "榕溪国家基本气象站", "榕城区"), ("58843", "连川站", "连川县"),
               ("58844", "侯官站", "侯官县"), ("58848", "长湖站", "长湖区"),
               ("58849", "马江站", "马江区"), ("58941", "晋北站", "晋北区"),
               ("58942", "南台站", "南台区"), ("58845", "溪源站", "溪东区")]


@kind("weather_daily",
      Col("station_id", "区站号", "string", 5), Col("station_name", "站名", "string", 20),
      Col("obs_date", "观测日期", "date", 10),
      Col("temp_avg", "日平均气温", "decimal", 5, "℃"),
      Col("temp_max", "日最高气温", "decimal", 5, "℃"),
      Col("temp_min", "日最低气温", "decimal", 5, "℃"),
      Col("precip_mm", "日降水量", "decimal", 6, "毫米，20-20时"),
      Col("rh_avg", "平均相对湿度", "integer", 3, "%"),
      Col("wind_avg", "平均风速", "decimal", 4, "米/秒"),
      Col("wind_dir_max", "最大风速风向", "string", 4, "16 方位"),
      Col("sunshine_h", "日照时数", "decimal", 4, "小时"))
def _weather_daily(rng, n, ctx):
    import math
    dirs = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW",
            "W", "WNW", "NW", "NNW"]
    rows = []
    for d in _days(ctx):
        base = 20.5 - 9 * math.cos((d.timetuple().tm_yday - 20) / 365 * 2 * math.pi)
        for sid, sname, _ in WX_STATIONS:
            avg = base + rng.gauss(0, 1.8)
            rain = 0.0 if rng.random() < .6 else round(rng.expovariate(1 / 12), 1)
            rows.append([sid, sname, d.isoformat(), round(avg, 1),
                         round(avg + rng.uniform(3, 8), 1), round(avg - rng.uniform(2, 6), 1),
                         rain, rng.randrange(55, 98), round(rng.uniform(.8, 4.5), 1),
                         rng.choice(dirs), round(0 if rain > 20 else rng.uniform(0, 11), 1)])
    return rows[-n:]


@kind("weather_warnings",
      Col("issue_time", "发布时间", "datetime", 19),
      Col("warning_type", "预警类型", "string", 10),
      Col("level", "预警级别", "string", 4, "蓝色/黄色/橙色/红色"),
      Col("area", "发布区域", "string", 60),
      Col("content", "预警内容", "string", 300),
      Col("lifted_time", "解除时间", "datetime", 19))
def _warnings(rng, n, ctx):
    types = [("暴雨", "预计未来6小时内{}将出现50毫米以上降水，请注意防范城市内涝。"),
             ("台风", "受台风影响，{}沿海将出现8级以上大风，请做好防台风准备。"),
             ("高温", "预计{}最高气温将升至37℃以上，请注意防暑降温。"),
             ("雷电", "{}未来2小时将出现雷电活动，并可能伴有短时强降水和大风。"),
             ("大雾", "{}将出现能见度小于500米的雾，请注意交通安全。"),
             ("寒潮", "受强冷空气影响，{}气温将下降10℃以上。")]
    rows = []
    for _ in range(n):
        t = datetime.datetime.combine(_date_in(rng, ctx), datetime.time(rng.randrange(24), rng.randrange(60)))
        ty = rng.choice(types)
        area = "、".join(rng.sample(C.DISTRICT_NAMES, rng.randrange(1, 5)))
        rows.append([t.isoformat(sep=" "), ty[0], rng.choice(["蓝色", "黄色", "黄色", "橙色", "红色"]),
                     area, f"榕溪市气象台发布{ty[0]}预警信号：" + ty[1].format(area),
                     (t + datetime.timedelta(hours=rng.randrange(2, 48))).isoformat(sep=" ")])
    rows.sort()
    return rows


@kind("climate_monthly",
      Col("month", "月份", "string", 7), Col("station_name", "站名", "string", 20),
      Col("temp_avg", "月平均气温", "decimal", 5, "℃"),
      Col("temp_anomaly", "气温距平", "decimal", 5, "℃，相对1991-2020年常年值"),
      Col("precip_mm", "月降水量", "decimal", 6, "毫米"),
      Col("precip_anomaly_pct", "降水距平百分率", "decimal", 6, "%"),
      Col("sunshine_h", "月日照时数", "decimal", 6, "小时"),
      Col("rain_days", "降水日数", "integer", 2))
def _climate(rng, n, ctx):
    import math
    rows = []
    for ym in _months(ctx):
        m = int(ym[5:])
        base = 20.5 - 9 * math.cos((m - 1.3) / 12 * 2 * math.pi)
        for _, sname, _ in WX_STATIONS:
            rows.append([ym, sname, round(base + rng.gauss(0, .8), 1), round(rng.gauss(.4, .9), 1),
                         round(max(5, rng.gauss(130 if 4 <= m <= 9 else 60, 50)), 1),
                         round(rng.gauss(0, 30), 1), round(rng.uniform(60, 230), 1),
                         rng.randrange(3, 24)])
    return rows[-n:]


# ---------------------------------------------------------------- employment

@kind("job_postings",
      Col("post_id", "岗位编号", "string", 14), Col("employer", "招聘单位", "string", 80),
      Col("employer_uscc", "单位统一社会信用代码", "string", 18),
      Col("position", "岗位名称", "string", 40), Col("headcount", "招聘人数", "integer", 4),
      Col("education", "学历要求", "string", 10),
      Col("salary_min", "月薪下限", "integer", 6, "元"),
      Col("salary_max", "月薪上限", "integer", 6, "元"),
      Col("work_place", "工作地点", "string", 20),
      Col("publish_date", "发布日期", "date", 10),
      Col("contact_phone", "招聘咨询电话", "string", 20, "单位人事部门座机"))
def _jobs(rng, n, ctx):
    pos = [("软件开发工程师", 8000), ("销售代表", 4500), ("会计", 5000), ("普工", 4200),
           ("餐厅服务员", 3800), ("快递员", 6000), ("护士", 5500), ("电工", 6000),
           ("仓库管理员", 4500), ("客服专员", 4000), ("幼儿教师", 4200), ("数据分析师", 9000)]
    rows = []
    for i in range(n):
        p = rng.choice(pos)
        low = int(p[1] * rng.uniform(.8, 1.1)) // 100 * 100
        rows.append([f"RXJ{ctx.end:%Y%m}{i:05d}", C.company_name(rng), _uscc(rng), p[0],
                     rng.randrange(1, 30), rng.choice(["不限", "高中", "大专", "本科", "硕士"]),
                     low, low + rng.randrange(5, 40) * 100, rng.choice(C.DISTRICT_NAMES),
                     _date_in(rng, ctx).isoformat(), C.landline(rng)])
    return rows


@kind("training_institutions",
      Col("name", "培训机构名称", "string", 80), C_USCC,
      Col("licence_no", "办学许可证号", "string", 20),
      Col("programmes", "培训项目", "string", 120),
      Col("subsidised", "是否补贴性培训定点机构", "boolean", 1),
      Col("phone", "联系电话", "string", 20), D_DISTRICT,
      Col("address", "地址", "string", 100))
def _training(rng, n, ctx):
    progs = ["电工", "焊工", "育婴员", "保育师", "中式烹调师", "美容师", "养老护理员",
             "电子商务师", "网约配送员", "汽车维修工", "茶艺师", "家政服务员"]
    rows = []
    for i in range(n):
        dname = rng.choice(C.DISTRICT_NAMES)
        rows.append([f"榕溪市{rng.choice(C.COMPANY_WORDS)}职业培训学校",
                     _uscc(rng, C.DISTRICT_BY_NAME[dname], "5", "2"),
                     f"{C.DISTRICT_BY_NAME[dname]}{i + 1:04d}0000{rng.randrange(10, 99)}",
                     "、".join(rng.sample(progs, rng.randrange(2, 6))),
                     "true" if rng.random() < .6 else "false", C.landline(rng), dname,
                     C.address(rng, dname)])
    return rows


@kind("social_insurance_stats",
      Col("month", "月份", "string", 7),
      Col("insurance_type", "险种", "string", 20),
      Col("insured_persons", "参保人数", "integer", 9, "人"),
      Col("new_insured", "本月新增参保人数", "integer", 7),
      Col("fund_income_10k", "基金收入", "decimal", 12, "万元"),
      Col("fund_expense_10k", "基金支出", "decimal", 12, "万元"))
def _si_stats(rng, n, ctx):
    types = [("企业职工基本养老保险", 3100000), ("城乡居民基本养老保险", 1400000),
             ("职工基本医疗保险", 2900000), ("失业保险", 1800000), ("工伤保险", 2000000)]
    rows = []
    for k, ym in enumerate(_months(ctx)):
        for t, base in types:
            persons = int(base * (1 + .003 * k) * rng.uniform(.995, 1.005))
            inc = persons * rng.uniform(.025, .06)
            rows.append([ym, t, persons, int(persons * rng.uniform(.002, .008)),
                         round(inc, 1), round(inc * rng.uniform(.7, 1.05), 1)])
    return rows[-n:]


@kind("insured_persons",
      Col("name", "姓名", "string", 20, "", DIRECT), C_ID, C_SEX, C_MOBILE,
      Col("home_address", "住址", "string", 100, "户籍或居住地址", QUASI),
      Col("employer", "参保单位", "string", 80, "", QUASI),
      Col("employer_uscc", "参保单位统一社会信用代码", "string", 18),
      Col("insurance_types", "参保险种", "string", 60),
      Col("start_month", "参保起始年月", "string", 7, "", QUASI),
      Col("contribution_base", "缴费基数", "integer", 6, "元/月", SENSITIVE),
      Col("bank_card", "社保卡金融账户", "string", 19, "银行卡号", DIRECT))
def _insured(rng, n, ctx):
    employers = [(C.company_name(rng), _uscc(rng)) for _ in range(60)]
    rows = []
    for _ in range(n):
        born = C.birth_date(rng, 18, 60, ctx.end)
        idn = C.id_number(rng, birth=born)
        e = rng.choice(employers)
        start = _past(rng, ctx, 20)
        rows.append([C.person_name(rng), idn, C.sex_of_id(idn), C.mobile(rng),
                     C.address(rng, home=True), e[0], e[1],
                     "养老;医疗;失业;工伤" if rng.random() < .8 else "养老;医疗",
                     f"{start:%Y-%m}", rng.randrange(4000, 24000, 50), C.bank_card(rng)])
    return rows


@kind("unemployment_registrations",
      Col("reg_no", "登记编号", "string", 16),
      Col("name", "姓名", "string", 20, "", DIRECT), C_ID, C_SEX,
      Col("age", "年龄", "integer", 3, "", QUASI),
      Col("education", "文化程度", "string", 10, "", QUASI), C_MOBILE, C_HOME,
      Col("reg_date", "失业登记日期", "date", 10),
      Col("last_occupation", "原从事职业", "string", 30, "", QUASI),
      Col("job_seeking", "求职意向", "string", 30),
      Col("difficulty_group", "就业困难人员类别", "string", 20, "空值表示非就业困难人员", SENSITIVE))
def _unemployment(rng, n, ctx):
    occ = ["普工", "营业员", "司机", "文员", "厨师", "保安", "建筑工人", "会计", "程序员"]
    groups = ["", "", "", "大龄失业人员", "残疾人", "零就业家庭成员", "低保家庭成员", "长期失业人员"]
    rows = []
    for i in range(n):
        born = C.birth_date(rng, 18, 60, ctx.end)
        idn = C.id_number(rng, birth=born)
        d = _date_in(rng, ctx)
        rows.append([f"SY{d:%Y%m}{i:06d}", C.person_name(rng), idn, C.sex_of_id(idn),
                     (ctx.end - born).days // 365, rng.choice(["初中", "高中", "中专", "大专", "本科"]),
                     C.mobile(rng), C.address(rng, home=True), d.isoformat(), rng.choice(occ),
                     rng.choice(occ), rng.choice(groups)])
    return rows


# ---------------------------------------------------------------- statistics

@kind("gdp_quarterly",
      Col("quarter", "季度", "string", 6, "YYYYQn，累计值"), D_DISTRICT, D_DISTRICT_CODE,
      Col("gdp_100m", "地区生产总值", "decimal", 10, "亿元"),
      Col("primary_100m", "第一产业增加值", "decimal", 10, "亿元"),
      Col("secondary_100m", "第二产业增加值", "decimal", 10, "亿元"),
      Col("tertiary_100m", "第三产业增加值", "decimal", 10, "亿元"),
      Col("growth_pct", "同比增长", "decimal", 5, "%，按不变价格计算"))
def _gdp(rng, n, ctx):
    base = {code: rng.uniform(150, 700) for code, _ in C.DISTRICTS}
    rows = []
    for k, q in enumerate(_quarters(ctx)):
        qn = int(q[-1])
        for code, dn in C.DISTRICTS:
            g = base[code] * qn * (1 + .055 * (k // 4)) * rng.uniform(.98, 1.02)
            p = g * rng.uniform(.02, .12)
            s = g * rng.uniform(.3, .45)
            rows.append([q, dn, code, round(g, 2), round(p, 2), round(s, 2),
                         round(g - p - s, 2), round(rng.uniform(3.5, 7.5), 1)])
    return rows[-n:]


@kind("population_annual",
      Col("year", "年份", "integer", 4), D_DISTRICT, D_DISTRICT_CODE,
      Col("resident_10k", "常住人口", "decimal", 7, "万人，年末"),
      Col("urban_pct", "城镇化率", "decimal", 5, "%"),
      Col("births", "出生人口", "integer", 6, "人"),
      Col("deaths", "死亡人口", "integer", 6, "人"),
      Col("aged_60_plus_pct", "60岁及以上人口占比", "decimal", 5, "%"))
def _population(rng, n, ctx):
    base = {code: rng.uniform(25, 110) for code, _ in C.DISTRICTS}
    rows = []
    for k, y in enumerate(_years(ctx)):
        for code, dn in C.DISTRICTS:
            p = base[code] * (1 + .01 * k)
            rows.append([y, dn, code, round(p, 2),
                         round(rng.uniform(45, 98) if code < "350120" else rng.uniform(40, 65), 1),
                         int(p * rng.uniform(60, 100)), int(p * rng.uniform(50, 75)),
                         round(16 + .5 * k + rng.uniform(-2, 2), 1)])
    return rows[-n:]


@kind("cpi_monthly",
      Col("month", "月份", "string", 7), Col("category", "类别", "string", 20),
      Col("yoy_index", "同比指数", "decimal", 6, "上年同月=100"),
      Col("mom_index", "环比指数", "decimal", 6, "上月=100"),
      Col("ytd_index", "累计指数", "decimal", 6, "上年同期=100"))
def _cpi(rng, n, ctx):
    cats = ["居民消费价格总指数", "食品烟酒", "衣着", "居住", "生活用品及服务",
            "交通通信", "教育文化娱乐", "医疗保健", "其他用品及服务"]
    rows = []
    for ym in _months(ctx):
        for c in cats:
            rows.append([ym, c, round(rng.gauss(100.6, 1.2), 1), round(rng.gauss(100.0, .5), 1),
                         round(rng.gauss(100.5, .8), 1)])
    return rows[-n:]


@kind("enterprise_survey",
      Col("survey_year", "调查年度", "integer", 4),
      Col("entity_name", "企业名称", "string", 80, "", CONFIDENTIAL),
      C_USCC, Col("industry", "行业", "string", 40),
      Col("revenue_10k", "营业收入", "decimal", 12, "万元", CONFIDENTIAL),
      Col("profit_10k", "利润总额", "decimal", 12, "万元", CONFIDENTIAL),
      Col("employees", "从业人员期末人数", "integer", 6, "", CONFIDENTIAL),
      Col("rd_expense_10k", "研发费用", "decimal", 10, "万元", CONFIDENTIAL),
      Col("energy_tce", "综合能源消费量", "decimal", 10, "吨标准煤", CONFIDENTIAL))
def _survey(rng, n, ctx):
    rows = []
    for _ in range(n):
        trade = rng.choice(C.COMPANY_TRADES)
        rev = rng.uniform(2000, 500000)
        rows.append([ctx.end.year, C.company_name(rng, trade), _uscc(rng), trade[1], round(rev, 1),
                     round(rev * rng.uniform(-.05, .15), 1), rng.randrange(20, 5000),
                     round(rev * rng.uniform(0, .06), 1), round(rev * rng.uniform(.01, .3), 1)])
    return rows


# ---------------------------------------------------------------- public security

@kind("police_stations",
      Col("name", "派出所名称", "string", 40), D_DISTRICT,
      Col("jurisdiction", "管辖范围", "string", 120),
      Col("services", "办理业务", "string", 120),
      Col("office_hours", "办公时间", "string", 60),
      Col("phone", "户籍咨询电话", "string", 20),
      Col("address", "地址", "string", 100))
def _police(rng, n, ctx):
    rows = []
    for i in range(n):
        dname = C.DISTRICT_NAMES[i % len(C.DISTRICT_NAMES)]
        streets = C.STREETS[dname]
        s = streets[i // len(C.DISTRICT_NAMES) % len(streets)]
        rows.append([f"榕溪市公安局{dname}分局{s.replace('街道', '').replace('镇', '')}派出所"
                     + ("" if i < 40 else f"第{i // 40 + 1}警务室"), dname,
                     f"{s}辖区", "户口登记;居民身份证受理;居住证办理;无犯罪记录证明",
                     "周一至周五 08:30-12:00 14:30-17:30；周六上午", C.landline(rng),
                     C.address(rng, dname)])
    return rows


@kind("traffic_violations",
      Col("record_no", "违法记录编号", "string", 20),
      Col("plate_no", "车牌号", "string", 8, "机动车号牌号码", DIRECT),
      Col("plate_type", "号牌种类", "string", 10),
      Col("driver_name", "驾驶人姓名", "string", 20, "", DIRECT),
      Col("driver_id", "驾驶证号", "string", 18, "即身份证号", DIRECT),
      Col("driver_mobile", "驾驶人手机号", "string", 11, "", DIRECT),
      Col("violation_time", "违法时间", "datetime", 19, "", QUASI),
      Col("location", "违法地点", "string", 60, "", QUASI),
      Col("violation_code", "违法代码", "string", 5),
      Col("violation", "违法行为", "string", 60),
      Col("points", "记分", "integer", 2), Col("fine_yuan", "罚款金额", "integer", 5, "元"),
      Col("handled", "是否已处理", "boolean", 1))
def _violations(rng, n, ctx):
    acts = [("1625", "驾驶机动车违反道路交通信号灯通行", 6, 200),
            ("1352", "超过规定时速10%以上未达20%", 0, 200),
            ("1039", "机动车违反规定停放、临时停车", 0, 150),
            ("1345", "不按规定使用安全带", 0, 50), ("1223", "驾车时有拨打接听手持电话", 3, 100),
            ("1344", "不按导向车道行驶", 2, 100)]
    rows = []
    for i in range(n):
        t = datetime.datetime.combine(_date_in(rng, ctx), datetime.time(rng.randrange(24), rng.randrange(60)))
        a = rng.choice(acts)
        ev = rng.random() < .3
        idn = C.id_number(rng, birth=C.birth_date(rng, 20, 70, ctx.end))
        rows.append([f"3501{t:%y%m%d}{i:08d}", C.plate(rng, ev), "新能源小型汽车" if ev else "小型汽车",
                     C.person_name(rng), idn, C.mobile(rng), t.isoformat(sep=" "),
                     f"{rng.choice(C.ROADS)}与{rng.choice(C.ROADS)}交叉口", a[0], a[1], a[2], a[3],
                     "true" if rng.random() < .7 else "false"])
    return rows


@kind("traffic_accident_stats",
      Col("month", "月份", "string", 7), D_DISTRICT, D_DISTRICT_CODE,
      Col("accidents", "事故起数", "integer", 5),
      Col("deaths", "死亡人数", "integer", 4), Col("injuries", "受伤人数", "integer", 5),
      Col("property_loss_yuan", "直接财产损失", "integer", 9, "元"),
      Col("ev_involved", "涉及电动自行车起数", "integer", 4))
def _accidents(rng, n, ctx):
    rows = []
    for ym in _months(ctx):
        for code, dn in C.DISTRICTS:
            a = rng.randrange(8, 80)
            rows.append([ym, dn, code, a, rng.randrange(0, max(1, a // 10)), int(a * rng.uniform(.8, 1.4)),
                         a * rng.randrange(2000, 9000), int(a * rng.uniform(.2, .5))])
    return rows[-n:]


@kind("household_population",
      Col("year", "年份", "integer", 4), D_DISTRICT,
      Col("street", "街道（乡镇）", "string", 20),
      Col("households", "户数", "integer", 7),
      Col("population", "户籍人口", "integer", 8),
      Col("male", "男性", "integer", 8), Col("female", "女性", "integer", 8),
      Col("moved_in", "迁入人口", "integer", 6), Col("moved_out", "迁出人口", "integer", 6))
def _household(rng, n, ctx):
    rows = []
    for y in _years(ctx):
        for dn, streets in C.STREETS.items():
            for s in streets:
                pop = rng.randrange(20000, 160000)
                male = int(pop * rng.uniform(.49, .52))
                rows.append([y, dn, s, int(pop / rng.uniform(2.4, 3.1)), pop, male, pop - male,
                             rng.randrange(300, 4000), rng.randrange(200, 3000)])
    return rows[-n:]


# ---------------------------------------------------------------- civil affairs

@kind("subsistence_allowance",
      Col("household_head", "户主姓名", "string", 20, "", DIRECT), C_ID,
      Col("members", "保障人口数", "integer", 2, "", QUASI),
      Col("street", "所属街道（乡镇）", "string", 20, "", QUASI),
      C_HOME, C_MOBILE,
      Col("monthly_amount", "月保障金额", "integer", 6, "元", SENSITIVE),
      Col("bank_card", "发放银行卡号", "string", 19, "", DIRECT),
      Col("start_month", "纳入保障年月", "string", 7),
      Col("category", "保障类别", "string", 10, "城市低保/农村低保", SENSITIVE))
def _dibao(rng, n, ctx):
    rows = []
    for _ in range(n):
        dn = rng.choice(C.DISTRICT_NAMES)
        idn = C.id_number(rng, C.DISTRICT_BY_NAME[dn], C.birth_date(rng, 25, 85, ctx.end))
        m = rng.choice([1, 1, 2, 2, 3, 4])
        street = rng.choice(C.STREETS[dn])
        rows.append([C.person_name(rng), idn, m, street,
                     C.address(rng, dn, home=True, street=street), C.mobile(rng), m * rng.choice([760, 830]),
                     C.bank_card(rng), f"{_past(rng, ctx, 8):%Y-%m}",
                     "城市低保" if C.DISTRICT_BY_NAME[dn] < "350120" else "农村低保"])
    return rows


@kind("elderly_care",
      Col("name", "机构名称", "string", 80), C_USCC,
      Col("facility_type", "机构类型", "string", 20),
      Col("beds", "床位数", "integer", 5), Col("nursing_beds", "护理型床位数", "integer", 5),
      Col("star_rating", "星级评定", "string", 6),
      Col("monthly_fee_from", "月收费起", "integer", 6, "元"),
      Col("phone", "联系电话", "string", 20), D_DISTRICT,
      Col("address", "地址", "string", 100))
def _elderly(rng, n, ctx):
    rows = []
    for _ in range(n):
        dn = rng.choice(C.DISTRICT_NAMES)
        t = rng.choice(["养老院", "社区居家养老服务照料中心", "护理院", "老年公寓"])
        beds = rng.randrange(10, 600)
        rows.append([f"榕溪市{dn}{rng.choice(C.COMPANY_WORDS)}{t}",
                     _uscc(rng, C.DISTRICT_BY_NAME[dn], rng.choice("15"), "2"), t, beds,
                     int(beds * rng.uniform(.3, .8)), rng.choice(["一星", "二星", "三星", "四星", "未评定"]),
                     rng.randrange(1800, 8000, 100), C.landline(rng), dn, C.address(rng, dn)])
    return rows


# ---------------------------------------------------------------- data authority

@kind("service_halls",
      Col("name", "服务场所名称", "string", 60),
      Col("level", "层级", "string", 10, "市级/区县级/街道/社区"), D_DISTRICT,
      Col("windows", "综合受理窗口数", "integer", 4),
      Col("self_service_terminals", "自助终端数", "integer", 4),
      Col("office_hours", "办公时间", "string", 60),
      Col("phone", "咨询电话", "string", 20), Col("address", "地址", "string", 100),
      Col("longitude", "经度", "decimal", 10), Col("latitude", "纬度", "decimal", 10))
def _halls(rng, n, ctx):
    rows = []
    for i in range(n):
        dn = rng.choice(C.DISTRICT_NAMES)
        s = rng.choice(C.STREETS[dn])
        lvl = "市级" if i == 0 else rng.choice(["区县级", "街道", "街道", "社区", "社区"])
        name = {"市级": "榕溪市民服务中心", "区县级": f"{dn}政务服务中心",
                "街道": f"{s}便民服务中心",
                "社区": f"{s}{rng.choice(C.COMPANY_WORDS)}社区党群服务站"}[lvl]
        lon, lat = C.lon_lat(rng)
        rows.append([name, lvl, dn, rng.randrange(2, 120) if lvl != "社区" else rng.randrange(1, 4),
                     rng.randrange(1, 40), "工作日 08:30-17:30；周六延时服务", C.landline(rng),
                     C.address(rng, dn), lon, lat])
    return rows


@kind("service_items",
      Col("item_code", "事项编码", "string", 30),
      Col("item_name", "事项名称", "string", 100),
      Col("item_type", "事项类型", "string", 10, "行政许可/行政确认/公共服务…"),
      Col("department", "实施主体", "string", 40),
      Col("legal_limit_days", "法定办结时限", "integer", 3, "工作日"),
      Col("promised_days", "承诺办结时限", "integer", 3, "工作日"),
      Col("online_level", "网办深度", "string", 10, "一至四级"),
      Col("visits_required", "到现场次数", "integer", 1),
      Col("fee", "是否收费", "boolean", 1))
def _items(rng, n, ctx):
    depts = ["交通运输局", "市场监督管理局", "生态环境局", "卫生健康委员会", "教育局",
             "人力资源和社会保障局", "公安局", "民政局", "自然资源和规划局", "住房和城乡建设局"]
    verbs = ["核发", "备案", "变更登记", "注销", "年度检验", "补办", "认定", "审批", "查询", "证明开具"]
    objs = ["道路运输经营许可证", "食品经营许可证", "排污许可证", "医师执业证书", "教师资格",
            "职业技能等级证书", "居民身份证", "最低生活保障", "建设工程规划许可证",
            "商品房预售许可证", "就业失业登记", "社会保险关系转移", "出租汽车驾驶员从业资格证"]
    types = ["行政许可", "行政确认", "公共服务", "其他行政权力"]
    rows = []
    for i in range(n):
        legal = rng.choice([5, 10, 15, 20, 30, 60])
        rows.append([f"11350100{rng.randrange(10**8):08d}{i:06d}",
                     rng.choice(objs) + rng.choice(verbs), rng.choice(types),
                     "榕溪市" + rng.choice(depts), legal, max(1, legal // rng.choice([2, 3, 4])),
                     rng.choice(["一级", "二级", "三级", "四级", "四级"]), rng.choice([0, 0, 0, 1]),
                     "false" if rng.random() < .95 else "true"])
    return rows


@kind("open_list",
      Col("catalog_code", "信息资源代码", "string", 30),
      Col("title", "数据集名称", "string", 100),
      Col("provider", "数源单位", "string", 40),
      Col("domain", "数据领域", "string", 10, "GUIDE §4.5 数据领域名称"),
      Col("open_type", "开放属性", "string", 10, "普遍开放/授权开放"),
      Col("update_frequency", "更新周期", "string", 10, "实时/每日/每周/每月/每季度/每半年/每年/不定期/不更新"),
      Col("open_condition", "开放条件", "string", 200))
def _open_list(rng, n, ctx):
    # filled from the catalogue by catalogue.open_list_rows(); see load.py
    raise NotImplementedError("open_list rows come from the catalogue")
