"""Pattern detectors for identifiers in text (GUIDE §6.1).

Each detector has a broad regex for recall and a validator for precision
(checksums come from :mod:`ckanext.govopen.identifiers`). Every pattern is
guarded so it cannot start or end inside a longer run of ASCII letters or
digits: a valid ID glued to other digits is an order number, not an ID.

Detectors whose format collides with ordinary numbers (15-digit IDs,
passports, bank cards outside BIN 62) only fire when a keyword precedes the
match or when the column header already says what the column holds.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ckanext.govopen.identifiers import (
    id15_to_id18, is_valid_id15, is_valid_id18, is_valid_uscc, luhn_valid,
)

from .text import normalize_with_map, to_original

B = r"(?<![0-9A-Za-z])"
E = r"(?![0-9A-Za-z])"
KEYWORD_WINDOW = 24

# China mobile segments (MIIT numbering plan, as in libphonenumber's CN
# mobile pattern, simplified to 3-digit prefixes).
MOBILE_SEGMENTS = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in "012356789"]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in "012345678"]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in "0123589"] + ["196", "197"]
)

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"


@dataclass
class Detector:
    """``name`` is the type code used in plans and reports."""
    name: str
    label_zh: str
    label_en: str
    pattern: str | None
    validate: Callable[[str], bool] = lambda s: True
    canonical: Callable[[str], str] = lambda s: s
    needs_keyword: Callable[[str], bool] = lambda s: False
    keywords: tuple[str, ...] = ()
    header_hints: tuple[str, ...] = ()
    direct: bool = True
    order: int = 100
    token_prefix: str = "X"
    flags: int = 0
    gate: str | None = None  # cheap regex that must occur before running ``pattern``
    # Rust-regex prefilter for the streaming engine (plugins); None means the
    # engine cannot skip cells for this detector and scans all of them.
    prefilter: str | None = None
    # Whole-cell predicate for column-only types (names, addresses).
    value_check: Callable[[str], bool] | None = None
    default_operator: str | None = None
    default_params: dict = field(default_factory=dict)
    _rx: re.Pattern | None = field(default=None, repr=False, compare=False)
    _gate: re.Pattern | None = field(default=None, repr=False, compare=False)

    @property
    def rx(self) -> re.Pattern:
        if self._rx is None:
            self._rx = re.compile(self.pattern, self.flags)
            self._gate = re.compile(self.gate) if self.gate else None
        return self._rx

    def gate_ok(self, norm: str) -> bool:
        self.rx  # compiles the gate too
        return self._gate is None or self._gate.search(norm) is not None

    def accepts(self, cand: str, keyword_ok: bool) -> bool:
        if not self.validate(cand):
            return False
        return keyword_ok or not self.needs_keyword(cand)

    def matches_value(self, value: str, header_ok: bool) -> bool:
        """Whole-cell check used to classify columns."""
        if self.value_check is not None:
            return self.value_check(value.strip())
        if self.pattern is None:
            return False
        m = self.rx.fullmatch(value.strip())
        return bool(m) and self.accepts(m.group(0), header_ok)


@dataclass
class Hit:
    start: int
    end: int
    type: str
    value: str  # normalised candidate as matched


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _uscc_ok(s: str) -> bool:
    s = s.upper()
    # An all-digit code that is also a valid ID number is almost surely an ID
    # (1 in 31 IDs passes the GB 32100 check by chance), so the ID wins.
    return is_valid_uscc(s) and not is_valid_id18(s)


_ID_SHAPE = re.compile(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]")


def _id_shaped(s: str) -> bool:
    """A mistyped ID number must not be reported as a credit code, so
    ID-shaped digit strings count as USCC only with a keyword or header."""
    return bool(_ID_SHAPE.fullmatch(s.upper()))


def canonical_id(s: str) -> str:
    s = s.upper()
    return id15_to_id18(s) if len(s) == 15 else s


def canonical_phone(s: str) -> str:
    d = _digits(s)
    for p in ("0086", "86"):
        if len(d) == 11 + len(p) and d.startswith(p):
            return d[len(p):]
    return d


def _mobile_ok(s: str) -> bool:
    d = canonical_phone(s)
    return len(d) == 11 and d[:3] in MOBILE_SEGMENTS


def _card_ok(s: str) -> bool:
    d = _digits(s)
    return 16 <= len(d) <= 19 and luhn_valid(d)


def _email_ok(s: str) -> bool:
    local, _, domain = s.rpartition("@")
    return (0 < len(local) <= 64 and not local.startswith(".")
            and not local.endswith(".") and ".." not in s and len(domain) <= 253)


def _ipv4_ok(s: str) -> bool:
    try:
        ipaddress.IPv4Address(s)
        return True
    except ValueError:
        return False


def _ipv6_ok(s: str) -> bool:
    try:
        ip = ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return not ip.is_unspecified


def _plate_ok(s: str) -> bool:
    tail = s[2:].lstrip("·• ")
    return sum(c.isdigit() for c in tail) >= 2


_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_USCC_CH = "0-9A-HJ-NP-RTUW-Y"


def builtin_detectors() -> list[Detector]:
    """Detection order from GUIDE §6.1: USCC, 18-digit ID, bank card, mobile,
    landline, 15-digit ID; then the formats that cannot collide with them."""
    id_kw = ("身份证", "证件", "公民身份", "身份号", "证号", "idcard", "id card", "id no", "id_no")
    return [
        Detector("uscc", "统一社会信用代码", "Unified social credit code",
                 B + rf"[{_USCC_CH}]{{2}}[0-9]{{6}}[{_USCC_CH}]{{10}}" + E,
                 validate=_uscc_ok, canonical=str.upper, direct=False, order=10,
                 needs_keyword=_id_shaped,
                 keywords=("信用代码", "社会信用", "统一代码", "单位代码", "机构代码", "uscc"),
                 header_hints=("统一社会信用代码", "信用代码", "社会信用", "uscc", "credit_code"),
                 token_prefix="ORG", flags=re.I, gate=r"[0-9A-Za-z]{18}"),
        Detector("id18", "居民身份证号", "Resident ID number (18 digits)",
                 B + rf"[1-9][0-9]{{5}}(?:18|19|20)[0-9]{{2}}{_DATE}[0-9]{{3}}[0-9Xx]" + E,
                 validate=lambda s: is_valid_id18(s.upper()), canonical=canonical_id,
                 order=20, keywords=id_kw,
                 header_hints=("身份证", "证件号", "公民身份号码", "身份号码", "id_card", "idcard", "id_no", "sfzh"),
                 token_prefix="ID", gate=r"[0-9]{17}"),
        Detector("bank_card", "银行卡号", "Bank card number",
                 B + r"[1-9][0-9]{3}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?" + E,
                 validate=_card_ok, canonical=_digits,
                 needs_keyword=lambda s: not _digits(s).startswith("62"),
                 keywords=("银行卡", "卡号", "账号", "帐号", "银行", "账户", "card", "account", "acct"),
                 header_hints=("银行卡", "卡号", "账号", "帐号", "bank_card", "card_no", "account_no"),
                 order=30, token_prefix="CARD", gate=r"[0-9]{4}"),
        Detector("mobile", "手机号", "Mobile phone number",
                 B + r"(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}" + E,
                 validate=_mobile_ok, canonical=canonical_phone, order=40,
                 header_hints=("手机", "电话", "联系方式", "mobile", "phone", "tel", "sjhm"),
                 token_prefix="TEL", gate=r"1[3-9][0-9]"),
        Detector("landline", "固定电话", "Landline number",
                 r"(?<![0-9A-Za-z(])(?:\((?:010|02[0-9]|0[3-9][0-9]{2})\)|0(?:10|2[0-9]|[3-9][0-9]{2}))"
                 r"[ -]?[2-9][0-9]{6,7}(?:(?:-|转|分机|ext\.?)[0-9]{1,5})?" + E,
                 canonical=_digits, order=50,
                 header_hints=("电话", "座机", "固话", "联系电话", "landline", "phone", "tel"),
                 token_prefix="TEL", gate=r"0[0-9]{2}"),
        Detector("id15", "身份证号（15位）", "Legacy ID number (15 digits)",
                 B + rf"[1-9][0-9]{{5}}[0-9]{{2}}{_DATE}[0-9]{{3}}" + E,
                 validate=is_valid_id15, canonical=canonical_id,
                 needs_keyword=lambda s: True, keywords=id_kw,
                 header_hints=("身份证", "证件号", "公民身份号码", "身份号码", "id_card", "idcard", "id_no", "sfzh"),
                 order=60, token_prefix="ID", gate=r"[0-9]{15}"),
        Detector("email", "电子邮箱", "E-mail address",
                 r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
                 r"\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])",
                 validate=_email_ok, canonical=str.lower, order=70,
                 header_hints=("邮箱", "电子邮件", "email", "e_mail", "mail"), token_prefix="MAIL",
                 gate="@"),
        Detector("ipv4", "IPv4 地址", "IPv4 address",
                 r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])",
                 validate=_ipv4_ok, order=80, header_hints=("ip", "ip地址", "ip_address"),
                 token_prefix="IP", gate=r"[0-9]\.[0-9]"),
        Detector("ipv6", "IPv6 地址", "IPv6 address",
                 r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})?"
                 r"(?![0-9A-Za-z:])",
                 validate=_ipv6_ok, canonical=str.lower, order=81,
                 header_hints=("ip", "ipv6", "ip地址", "ip_address"), token_prefix="IP",
                 gate=r":[0-9A-Fa-f]*:"),
        Detector("plate", "车牌号", "Licence plate",
                 rf"(?<![A-Za-z0-9])[{PLATE_PROVINCES}][A-HJ-NP-Z][·• ]?"
                 r"(?:[A-HJ-NP-Z0-9]{6}|[A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{4}[挂学警港澳])(?![A-Za-z0-9])",
                 validate=_plate_ok, canonical=lambda s: re.sub(r"[·• ]", "", s), order=90,
                 header_hints=("车牌", "号牌", "plate"), token_prefix="CAR",
                 gate=f"[{PLATE_PROVINCES}][A-Z]"),
        Detector("passport", "护照号", "Passport number",
                 B + r"(?:[EGDSP][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})" + E,
                 canonical=str.upper, needs_keyword=lambda s: True,
                 keywords=("护照", "passport", "证件"),
                 header_hints=("护照", "passport"), order=95, token_prefix="PP",
                 gate=r"[A-Z][0-9A-Z][0-9]{6}"),
        Detector("hk_macau_permit", "港澳通行证/回乡证号", "HK/Macau travel permit number",
                 B + r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?)" + E,
                 canonical=str.upper, needs_keyword=lambda s: True,
                 keywords=("通行证", "港澳", "回乡证", "permit"),
                 header_hints=("通行证", "回乡证", "permit"), order=96, token_prefix="PP",
                 gate=r"[A-Z][0-9A-Z][0-9]{6}"),
    ]


def _keyword_before(norm: str, start: int, keywords: Iterable[str]) -> bool:
    window = norm[max(0, start - KEYWORD_WINDOW):start].lower()
    return any(k in window for k in keywords)


def find_hits(text: str, detectors: list[Detector],
              context_types: frozenset[str] = frozenset()) -> list[Hit]:
    """All validated identifiers in ``text``, overlaps resolved longest-first
    (ties go to detection order). ``context_types`` are types whose keyword
    requirement is met by the column header. Spans index the original text."""
    norm, starts = normalize_with_map(text)
    cands = []
    for det in detectors:
        if det.pattern is None or not det.gate_ok(norm):
            continue
        for m in det.rx.finditer(norm):
            cand = m.group(0)
            kw_ok = det.name in context_types or (
                bool(det.keywords) and _keyword_before(norm, m.start(), det.keywords))
            if det.accepts(cand, kw_ok):
                cands.append((m.start(), m.end(), det.order, det.name, cand))
    if not cands:
        return []
    cands.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    hits = []
    for a, b, _, name, cand in cands:
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        taken.append((a, b))
        oa, ob = to_original((a, b), starts)
        hits.append(Hit(oa, ob, name, cand))
    hits.sort(key=lambda h: h.start)
    return hits


def replace_hits(text: str, hits: list[Hit], render: Callable[[Hit], str]) -> str:
    if not hits:
        return text
    parts, pos = [], 0
    for h in hits:
        parts.append(text[pos:h.start])
        parts.append(render(h))
        pos = h.end
    parts.append(text[pos:])
    return "".join(parts)


# Used by the streaming engine to skip cells that cannot hold any built-in
# identifier: a 7+ digit run (separators allowed; full-width digits
# included because the engine prefilters before normalising), an @, an IP
# shape, or a plate prefix. Rust-regex syntax (polars).
PREFILTER = (
    r"(?:[0-9０-９][ \-－\u3000\u200b-\u200d\ufeff]{0,2}){7}"
    r"|[@＠]|[0-9]\.[0-9]{1,3}\.[0-9]|[0-9A-Fa-f]*:[0-9A-Fa-f]*:"
    rf"|[{PLATE_PROVINCES}][A-HJ-NP-ZＡ-Ｚ]"
)
