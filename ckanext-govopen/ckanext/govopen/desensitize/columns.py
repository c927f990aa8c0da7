"""Column classification (GUIDE §6.1 "Classifying a column").

A column is of type T if at least 90% of its non-empty sampled values pass
T's validator, or if the header names T and at least 50% pass. Names and
addresses have no reliable pattern, so they are recognised by header,
surname share and place-name hints. Free-text columns are found by header
and by identifiers turning up inside longer values.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .detectors import Detector, find_hits

SAMPLE_SIZE = 10_000
STRICT_SHARE = 0.9
HEADER_SHARE = 0.5

NAME_HEADERS = ("姓名", "名字", "联系人", "申请人", "法定代表人", "法人代表", "负责人", "户主",
                "当事人", "经办人", "被申请人", "患者", "学生姓名", "person_name", "full_name",
                "name_zh", "contact_name", "xm")
ADDRESS_HEADERS = ("地址", "住址", "户籍", "居住地", "住所", "通讯地址", "家庭住址", "所在地",
                   "address", "addr", "dz")
FREE_TEXT_HEADERS = ("备注", "说明", "事由", "描述", "内容", "情况", "意见", "摘要", "详情",
                     "remark", "remarks", "note", "notes", "comment", "comments", "description",
                     "memo", "bz")
# Quasi-identifiers proposed from headers (GUIDE §6.4), with a safe default.
QUASI_HEADERS = {
    "birth_date": (("出生日期", "出生年月", "生日", "birth", "birthday", "dob", "csrq"),
                   "generalize", {"kind": "date", "level": "year"}),
    "age": (("年龄", "age", "nl"), "generalize", {"kind": "age", "width": 10}),
    "gender": (("性别", "gender", "sex", "xb"), "keep", {}),
    "ethnicity": (("民族", "ethnicity", "nation"), "keep", {}),
    "occupation": (("职业", "工作单位", "单位", "occupation", "employer"), "keep", {}),
    "postcode": (("邮编", "邮政编码", "postcode", "zip"), "truncate", {"length": 4}),
}

_ADDRESS_HINT = re.compile(r"省|自治区|市|区|县|旗|镇|乡|街道|村|路|街|巷|弄|号|栋|幢|单元|室|组")
_CJK = re.compile(r"^[\u3400-\u9fff·]{2,5}$")


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    text = resources.files(__package__).joinpath("surnames.txt").read_text("utf-8")
    singles, compounds = set(), set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if " " in line:  # compound surnames are space-separated pairs
            compounds.update(line.split())
        else:
            singles.update(line)
    return frozenset(singles), frozenset(compounds)


def looks_like_name(value: str) -> bool:
    if not _CJK.match(value):
        return False
    singles, compounds = surnames()
    if value[:2] in compounds:
        return 3 <= len(value) <= 5
    return value[0] in singles and 2 <= len(value) <= 4


@lru_cache(maxsize=1)
def _py_whitespace() -> str:
    """The characters ``str.strip()`` removes (Python's whitespace differs
    from polars' default, e.g. U+001C-U+001F)."""
    return "".join(c for c in map(chr, range(0x3100)) if c.isspace())


@lru_cache(maxsize=1)
def _surname_series():
    import polars as pl
    singles, compounds = surnames()
    return pl.Series(sorted(singles), dtype=pl.String), pl.Series(sorted(compounds), dtype=pl.String)


def name_counts(s) -> tuple[int, int]:
    """(values for which :func:`looks_like_name` holds, non-empty values)
    of a polars String Series, after ``strip()``: the numbers ``classify``
    computes for the person-name detector, as one vectorised pass."""
    import polars as pl
    singles, compounds = _surname_series()
    v = pl.col("v").str.strip_chars(_py_whitespace())
    n = v.str.len_chars()
    compound = v.str.head(2).is_in(compounds.implode())
    ok = (v.str.contains("^[\u3400-\u9fff·]{2,5}$")
          & pl.when(compound).then(n.is_between(3, 5))
          .otherwise(v.str.head(1).is_in(singles.implode()) & n.is_between(2, 4)))
    row = s.rename("v").to_frame().select(ok=ok.fill_null(False).sum(),
                                          non_empty=(v.str.len_bytes() > 0).fill_null(False).sum())
    return int(row["ok"][0]), int(row["non_empty"][0])


def looks_like_address(value: str) -> bool:
    return len(value) >= 5 and len(set(_ADDRESS_HINT.findall(value))) >= 2


def column_detectors() -> list[Detector]:
    return [
        Detector("person_name", "姓名", "Person name", None, value_check=looks_like_name,
                 header_hints=NAME_HEADERS, order=200, token_prefix="NAME"),
        Detector("address", "地址", "Address", None, value_check=looks_like_address,
                 header_hints=ADDRESS_HEADERS, direct=False, order=210, token_prefix="ADDR"),
    ]


def normalize_header(h: str) -> str:
    return unicodedata.normalize("NFKC", h.lstrip("\ufeff")).strip().lower()


def header_matches(header: str, hints) -> bool:
    h = normalize_header(header)
    tokens = set(re.split(r"[^0-9a-z]+", h))
    for hint in hints:
        if hint.isascii():
            if hint == h or hint in tokens:
                return True
        elif hint in h:
            return True
    return False


@dataclass
class ColumnProfile:
    name: str
    non_empty: int = 0
    type: str | None = None
    confidence: float = 0.0
    shares: dict[str, float] = field(default_factory=dict)
    header_types: list[str] = field(default_factory=list)
    free_text: bool = False
    text_hits: dict[str, int] = field(default_factory=dict)
    quasi: str | None = None
    sensitivity: str | None = None  # from the schema's data_items
    name_zh: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], {})}


def classify(name: str, values: list[str | None], detectors: list[Detector],
             data_item: dict | None = None) -> ColumnProfile:
    prof = ColumnProfile(name)
    labels = [name]
    if data_item:
        prof.sensitivity = data_item.get("sensitivity")
        prof.name_zh = data_item.get("name_zh")
        if prof.name_zh:
            labels.append(prof.name_zh)
    vals = [v.strip() for v in values[:SAMPLE_SIZE] if v is not None and v.strip()]
    prof.non_empty = len(vals)
    hdr = {d.name for d in detectors if any(header_matches(l, d.header_hints) for l in labels)}
    prof.header_types = sorted(hdr)
    if vals:
        best = None
        for det in detectors:
            ok = sum(det.matches_value(v, det.name in hdr) for v in vals)
            share = ok / len(vals)
            if ok:
                prof.shares[det.name] = round(share, 4)
            need = HEADER_SHARE if det.name in hdr else STRICT_SHARE
            if share >= need and (best is None or share > best[1]):
                best = (det.name, share)
        if best:
            prof.type, prof.confidence = best[0], round(best[1], 4)
        if any(t in hdr for t in ("id18", "id15", "bank_card")) and looks_numeric_id(vals):
            prof.warnings.append("numeric_ids")
    for qtype, (hints, _, _) in QUASI_HEADERS.items():
        if any(header_matches(l, hints) for l in labels):
            prof.quasi = qtype
            break
    if prof.type is None:
        textual = any(header_matches(l, FREE_TEXT_HEADERS) for l in labels)
        ctx = frozenset(hdr)
        hits: dict[str, int] = {}
        pattern_dets = [d for d in detectors if d.pattern]
        for v in vals[:2000] if pattern_dets else ():
            for h in find_hits(v, pattern_dets, ctx):
                hits[h.type] = hits.get(h.type, 0) + 1
        prof.text_hits = hits
        # Scrub declared remark columns and any column hiding identifiers.
        prof.free_text = textual or bool(hits)
    return prof


def looks_numeric_id(vals: list[str]) -> bool:
    """Spreadsheets turn 18-digit IDs into floats like 1.10105E+17."""
    sci = sum(bool(re.fullmatch(r"\d(?:\.\d+)?[eE]\+?1[5-9]", v)) for v in vals)
    return sci >= max(1, len(vals) // 10)
