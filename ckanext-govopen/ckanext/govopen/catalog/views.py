"""Stable download URLs of the 开放清单: ``/open-list.csv``, ``/open-list.xlsx``."""
from __future__ import annotations

import datetime as dt
import tempfile

from flask import Blueprint, request, send_file

from ckanext.govopen.catalog import openlist

open_list = Blueprint("govopen_open_list", __name__)


def _download(fmt: str):
    lang = request.args.get("lang") or "zh_Hans_CN"
    if lang not in ("zh_Hans_CN", "en"):
        lang = "zh_Hans_CN"
    # Spooled: small lists stay in memory, large ones go to disk.
    buf = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    openlist.export(fmt, buf, lang)
    buf.seek(0)
    stamp = dt.date.today().isoformat()
    response = send_file(
        buf, mimetype=openlist.MIMETYPES[fmt], as_attachment=True,
        download_name=f"open-list-{stamp}.{fmt}", max_age=0)
    # RFC 6266 / 5987: a Chinese file name for browsers that use it.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=open-list-{stamp}.{fmt}; "
        f"filename*=UTF-8''%E5%BC%80%E6%94%BE%E6%B8%85%E5%8D%95-{stamp}.{fmt}")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@open_list.route("/open-list.csv")
def open_list_csv():
    return _download("csv")


@open_list.route("/open-list.xlsx")
def open_list_xlsx():
    return _download("xlsx")


def get_blueprints():
    return [open_list]
