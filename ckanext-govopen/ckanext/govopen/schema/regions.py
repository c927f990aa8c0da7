"""GB/T 2260 administrative division codes (行政区划代码), shipped as
``data/gb2260.csv`` (sources and date in ``data/README.md``).

Loaded once per process and cached; no CKAN imports apart from reading the
optional ``ckanext.govopen.region_codes_file`` override.
"""
from __future__ import annotations

import csv
import functools
import os
from typing import NamedTuple, Optional

DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "gb2260.csv")


class Region(NamedTuple):
    code: str
    name: str
    level: str      # province / city / county
    parent: str     # 6-digit parent code, '' for provinces


def _configured_file() -> str:
    try:
        from ckan.plugins.toolkit import config
        return config.get("ckanext.govopen.region_codes_file") or DEFAULT_FILE
    except Exception:  # outside an app context (pure tests, scripts)
        return DEFAULT_FILE


@functools.lru_cache(maxsize=4)
def load(path: str = DEFAULT_FILE) -> dict[str, Region]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row["code"]: Region(row["code"], row["name"],
                                    row.get("level", ""), row.get("parent", ""))
                for row in csv.DictReader(fh)}


def regions() -> dict[str, Region]:
    return load(_configured_file())


def get(code: Optional[str]) -> Optional[Region]:
    if not code:
        return None
    return regions().get(str(code).strip())


def is_valid(code: Optional[str]) -> bool:
    return get(code) is not None


def name(code: Optional[str]) -> str:
    r = get(code)
    return r.name if r else (code or "")


def full_name(code: Optional[str]) -> str:
    """省/市/县 path, e.g. 湖北省 仙桃市; skips 市辖区 placeholders."""
    parts = []
    r = get(code)
    seen = set()
    while r and r.code not in seen:
        seen.add(r.code)
        if r.name not in ("市辖区", "县") and "直辖县级" not in r.name:
            parts.append(r.name)
        r = get(r.parent)
    return " ".join(reversed(parts)) or (code or "")


def ancestors(code: str) -> list[str]:
    """Codes of the enclosing divisions (closest first), by the parent column
    and by the GB/T 2260 prefix structure (so codes missing from the list
    still nest correctly)."""
    out: list[str] = []
    r = get(code)
    seen = {code}
    while r and r.parent and r.parent not in seen:
        out.append(r.parent)
        seen.add(r.parent)
        r = get(r.parent)
    for prefix_code in (code[:4] + "00", code[:2] + "0000"):
        if prefix_code not in seen:
            out.append(prefix_code)
            seen.add(prefix_code)
    return out


def is_within(code: Optional[str], area: Optional[str]) -> bool:
    """True if ``code`` is ``area`` itself or one of its subdivisions."""
    if not code or not area:
        return False
    code, area = str(code).strip(), str(area).strip()
    if code == area:
        return True
    if len(code) != 6 or len(area) != 6:
        return False
    return area in ancestors(code)
