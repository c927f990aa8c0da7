"""开放清单 (open list) export: CSV (UTF-8 with BOM) and XLSX (write-only).

GUIDE rules 7 and 21: the published open list states, per dataset, the class,
conditions and update frequency.  Rows come from ``package_search`` run as the
anonymous public, so the list shows exactly what anyone may see; ``closed``
entries are included only when ``ckanext.govopen.list_closed`` is true.
Resource URLs are never exported: the access address is the dataset page.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from typing import IO, Any, Callable, Iterable, Iterator, Optional

from ckanext.govopen.catalog import freshness
from ckanext.govopen.schema import labels

log = logging.getLogger(__name__)

# (key, 中文, English).  Header cells read "中文 / English".
COLUMNS: list[tuple[str, str, str]] = [
    ("catalog_code", "信息资源代码", "Catalogue code"),
    ("title", "名称", "Title"),
    ("organization", "数源单位", "Source department"),
    ("domain", "领域", "Domain"),
    ("open_type", "开放类型", "Openness class"),
    ("open_condition", "开放条件", "Access conditions"),
    ("usage_requirements", "使用要求", "Usage requirements"),
    ("security_requirements", "安全保障措施", "Security requirements"),
    ("non_open_basis", "不予开放依据", "Legal basis for not opening"),
    ("update_frequency", "更新频率", "Update frequency"),
    ("first_published", "首次发布", "First published"),
    ("last_updated", "最近更新", "Last updated"),
    ("formats", "可机读格式", "Machine-readable formats"),
    ("url", "访问地址", "Access URL"),
]
FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_SIZE = 500
DEFAULT_MACHINE_READABLE = (
    "CSV TSV JSON JSONL GEOJSON XML XLSX XLS ODS RDF TTL JSON-LD API KML GPX "
    "SHP PARQUET").split()


def headers() -> list[str]:
    return [f"{zh} / {en}" for _k, zh, en in COLUMNS]


def _config(key: str, default=None):
    try:
        from ckan.plugins.toolkit import config
        value = config.get(key)
    except Exception:
        value = None
    return default if value is None else value


def list_closed() -> bool:
    from ckan.plugins.toolkit import asbool
    return asbool(_config("ckanext.govopen.list_closed", True))


def site_url() -> str:
    return str(_config("ckan.site_url", "") or "").rstrip("/")


def _machine_readable_formats() -> set[str]:
    value = _config("ckanext.govopen.machine_readable_formats")
    if isinstance(value, str):
        value = value.split()
    return {f.upper() for f in (value or DEFAULT_MACHINE_READABLE)}


def machine_readable_formats(pkg: dict) -> list[str]:
    """Distinct formats of the machine-readable resources, in order."""
    allowed = None
    out: list[str] = []
    for res in pkg.get("resources") or []:
        fmt = (res.get("format") or "").strip()
        if not fmt:
            continue
        flag = res.get("machine_readable")
        if flag in (None, ""):
            if allowed is None:
                allowed = _machine_readable_formats()
            ok = fmt.upper() in allowed
        else:
            ok = str(flag).lower() == "true"
        if ok and fmt.upper() not in (f.upper() for f in out):
            out.append(fmt.upper())
    return out


def last_update_date(pkg: dict) -> str:
    """The date shown as 最近更新 (same source order as the monitor)."""
    if pkg.get("data_updated"):
        return str(pkg["data_updated"])[:10]
    when, _src = freshness.last_data_update(pkg)
    return when.date().isoformat() if when else ""


def row_for(pkg: dict, lang: str = "zh_Hans_CN",
            base_url: Optional[str] = None) -> dict[str, str]:
    base = site_url() if base_url is None else base_url.rstrip("/")
    org = pkg.get("organization") or {}
    return {
        "catalog_code": pkg.get("catalog_code") or "",
        "title": pkg.get("title") or pkg.get("name") or "",
        "organization": org.get("title") or org.get("name") or "",
        "domain": labels.choice_label("domain", pkg.get("domain"), lang)
        if pkg.get("domain") else "",
        "open_type": labels.choice_label("open_type", pkg.get("open_type"),
                                         lang) if pkg.get("open_type") else "",
        "open_condition": pkg.get("open_condition") or "",
        "usage_requirements": pkg.get("usage_requirements") or "",
        "security_requirements": pkg.get("security_requirements") or "",
        "non_open_basis": pkg.get("non_open_basis") or "",
        "update_frequency": labels.choice_label(
            "update_frequency", pkg.get("update_frequency"), lang)
        if pkg.get("update_frequency") else "",
        "first_published": str(pkg.get("first_published") or "")[:10],
        "last_updated": last_update_date(pkg),
        "formats": "; ".join(machine_readable_formats(pkg)),
        "url": f"{base}/dataset/{pkg.get('name') or pkg.get('id')}",
    }


# ------------------------------------------------------------------ source
def public_packages(page_size: int = PAGE_SIZE,
                    include_closed: Optional[bool] = None,
                    search: Optional[Callable[..., dict]] = None
                    ) -> Iterator[dict]:
    """Every dataset the anonymous public can see, via ``package_search``.

    ``search`` defaults to the ``package_search`` action called with an
    explicitly anonymous context (never the current user's), so a logged-in
    operator downloading the list still gets the public list.
    """
    if include_closed is None:
        include_closed = list_closed()
    if search is None:
        from ckan.plugins import toolkit

        def search(**data_dict):
            context = {"user": "", "auth_user_obj": None,
                       "ignore_auth": False}
            return toolkit.get_action("package_search")(context, data_dict)

    fq = "+dataset_type:dataset"
    if not include_closed:
        fq += " -open_type:closed"
    sorts = ["catalog_code asc, name asc", "title_string asc", None]
    start = 0
    sort = sorts.pop(0)
    while True:
        params: dict[str, Any] = {"q": "", "fq": fq, "rows": page_size,
                                  "start": start, "include_private": False,
                                  "facet": "false"}
        if sort:
            params["sort"] = sort
        try:
            result = search(**params)
        except Exception as exc:  # backend without that sort field
            if start == 0 and sorts:
                log.info("open list: sort %r refused (%s), falling back",
                         sort, exc)
                sort = sorts.pop(0)
                continue
            raise
        batch = result.get("results") or []
        for pkg in batch:
            # belt and braces: the backend filter and the option must agree
            if not include_closed and pkg.get("open_type") == "closed":
                continue
            yield pkg
        start += len(batch)
        if not batch or start >= int(result.get("count") or 0):
            break


def rows(packages: Iterable[dict], lang: str = "zh_Hans_CN"
         ) -> Iterator[list[str]]:
    base = site_url()
    for pkg in packages:
        r = row_for(pkg, lang, base)
        yield [r[k] for k, _zh, _en in COLUMNS]


# ------------------------------------------------------------------ writers
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP CSV injection)."""
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


def write_csv(out: IO[bytes], data: Iterable[list[str]]) -> int:
    """UTF-8 with BOM (Excel opens it as UTF-8), CRLF rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="",
                            write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(headers())
        n = 0
        for row in data:
            writer.writerow([_csv_safe(v) for v in row])
            n += 1
        text.flush()
        return n
    finally:
        text.detach()


_WIDTHS = [22, 36, 24, 14, 12, 36, 30, 30, 30, 12, 14, 14, 18, 48]


def write_xlsx(out: Any, data: Iterable[list[str]],
               generated: Optional[dt.datetime] = None) -> int:
    """Write-only workbook (constant memory for large catalogues)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("开放清单")
    ws.freeze_panes = "A2"
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)

    def cell(value: str, font=None):
        c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value or ""))
        c.data_type = "s"  # never a formula, whatever the text starts with
        if font:
            c.font = font
        return c

    ws.append([cell(h, bold) for h in headers()])
    n = 0
    for row in data:
        ws.append([cell(v) for v in row])
        n += 1
    info = wb.create_sheet("说明 About")
    generated = generated or dt.datetime.now(dt.timezone.utc)
    info.append(["生成时间 / Generated", generated.isoformat(timespec="seconds")])
    info.append(["数据集数量 / Datasets", n])
    info.append(["来源 / Source", site_url() or ""])
    wb.save(out)
    return n


def export(fmt: str, out: Any, lang: str = "zh_Hans_CN",
           packages: Optional[Iterable[dict]] = None) -> int:
    """Write the open list in ``fmt`` to ``out`` (binary file or path)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS}")
    if packages is None:
        packages = public_packages()
    data = rows(packages, lang)
    if fmt == "csv":
        if isinstance(out, (str, bytes)) or hasattr(out, "__fspath__"):
            with open(out, "wb") as fh:
                return write_csv(fh, data)
        return write_csv(out, data)
    return write_xlsx(out, data)
