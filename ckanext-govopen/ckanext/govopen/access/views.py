"""Views: the guarded download (wrapping core's view for every dataset
type), signed downloads, the link proxy and the access-log pages."""
from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional

import flask
from flask import Blueprint

from ckan import model
from ckan.common import current_user, request
from ckan.lib import uploader
import ckan.plugins.toolkit as tk

from . import delivery, files, item_files, log, policy, signing

blueprint = Blueprint("govopen_access", __name__)


def _current_user() -> Optional[model.User]:
    return policy.user_object(current_user)


def _method() -> str:
    return "api" if request.headers.get("Authorization") else "ui"


# ------------------------------------------------------------ link proxy
def proxy_link(res: model.Resource, name: Optional[str] = None):
    """Fetch a link resource server-side and relay it, so the grantee never
    sees the external URL. Errors never echo the URL."""
    import requests
    timeout = tk.asint(tk.config.get("ckanext.govopen.access.proxy_timeout",
                                     20))
    limit = tk.asint(tk.config.get("ckanext.govopen.access.proxy_max_bytes",
                                   104857600))
    try:
        upstream = requests.get(res.url, stream=True, timeout=timeout)
    except requests.RequestException:
        return tk.abort(502, "数据源暂不可用 / The data source is unavailable")
    if upstream.status_code >= 400:
        upstream.close()
        return tk.abort(502, "数据源暂不可用 / The data source is unavailable")

    def body():
        sent = 0
        try:
            for chunk in upstream.iter_content(65536):
                sent += len(chunk)
                if sent > limit:
                    break
                yield chunk
        finally:
            upstream.close()

    resp = flask.Response(flask.stream_with_context(body()),
                          content_type=upstream.headers.get(
                              "Content-Type", "application/octet-stream"))
    filename = (name or res.name or res.id).replace('"', "")
    resp.headers.set("Content-Disposition", "attachment",
                     filename=filename)
    length = upstream.headers.get("Content-Length")
    if length and length.isdigit() and int(length) <= limit:
        resp.headers["Content-Length"] = length
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _upload_size(res: model.Resource) -> Optional[int]:
    try:
        upload = uploader.get_resource_uploader({"id": res.id,
                                                 "url_type": "upload"})
        path = upload.get_path(res.id)
        return os.path.getsize(path) if path and os.path.exists(path) else None
    except Exception:
        return None


def _serve_upload(res: model.Resource, filename: Optional[str],
                  grant_id: Optional[str] = None,
                  items: Optional[frozenset] = None):
    """The upload; for a grantee, the file a delivery provider makes for
    the grant (e.g. a desensitized per-grant extract), else, if the grant
    lists data items, a copy with only those columns."""
    path = None
    if grant_id:
        try:
            path = delivery.file_for_grant(grant_id, res)
        except delivery.DeliveryRefused as e:
            return tk.abort(409, str(e))
    if path:
        base = (filename or res.name or res.id).rsplit(".", 1)[0]
        resp = flask.send_file(path, download_name=f"{base}.csv",
                               as_attachment=True, mimetype="text/csv")
        resp.headers["Cache-Control"] = "private, no-store"
        return resp
    upload = uploader.get_resource_uploader({"id": res.id,
                                             "url_type": "upload"})
    path = upload.get_path(res.id)
    if not path or not os.path.exists(path):
        return tk.abort(404, "没有可下载的文件 / No download is available")
    name = filename or (res.url or "").rsplit("/", 1)[-1] or res.id
    if grant_id and items is not None:
        try:
            limited = item_files.limited_copy(
                res, path, policy.item_columns(res.package, items))
        except item_files.ItemsRefused as e:
            return tk.abort(409, str(e))
        resp = flask.send_file(limited, download_name=name,
                               as_attachment=True,
                               mimetype="text/csv; charset=utf-8")
        # a temporary file has no path: tell the client (and the log) its size
        resp.content_length = os.fstat(limited.fileno()).st_size
    else:
        resp = flask.send_file(path, download_name=name, as_attachment=True)
        if res.mimetype:
            resp.headers["Content-Type"] = res.mimetype
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _grant_args(res: model.Resource, filename: Optional[str],
                decision: policy.Decision) -> tuple:
    if decision.code != "grant":
        return res, filename
    return res, filename, decision.grant_id, decision.data_items


# ------------------------------------------------------ guarded download
def guard_download(original: Callable) -> Callable:
    """Wrap core's ``<type>_resource.download`` view: match the resource
    to the dataset in the URL, ask the policy, log restricted accesses and
    proxy link resources of authorized data for grantees."""

    @functools.wraps(original)
    def download(package_type: str, id: str, resource_id: str,
                 filename: Optional[str] = None, **kw: Any):
        res = model.Resource.get(resource_id)
        pkg = model.Package.get(id)
        if (res is None or res.state != "active" or pkg is None
                or pkg.id != res.package_id):
            return tk.abort(404, "资源不存在 / Resource not found")
        user = _current_user()
        decision = policy.decide(user, res, "download")
        if not decision.allowed:
            if decision.code in ("closed", "private") and not pkg.private:
                return tk.abort(403, decision.reason)
            return tk.abort(404 if pkg.private else 403, decision.reason)
        if decision.code == "universal":
            return original(package_type=package_type, id=id,
                            resource_id=resource_id, filename=filename, **kw)
        if res.url_type == "upload":
            resp = _serve_upload(*_grant_args(res, filename, decision))
            nbytes = resp.content_length or _upload_size(res)
        elif decision.code == "grant":
            resp = proxy_link(res, filename)
            nbytes = resp.content_length
        else:
            resp = original(package_type=package_type, id=id,
                            resource_id=resource_id, filename=filename, **kw)
            nbytes = None
        if decision.open_type in policy.RESTRICTED and \
                request.method != "HEAD":
            log.record(user=user, resource=res, package=pkg,
                       decision=decision, channel="download",
                       method=_method(), nbytes=nbytes)
        return resp

    download.govopen_guarded = True  # type: ignore[attr-defined]
    return download


def _validation_text(err: tk.ValidationError) -> str:
    messages = []
    for value in (err.error_dict or {}).values():
        messages.extend(value if isinstance(value, list) else [str(value)])
    return "; ".join(str(m) for m in messages) or \
        "请求参数无效 / Invalid request parameters"


def deny_cleanly(original: Callable) -> Callable:
    """Views that do not catch NotAuthorized or ValidationError (datatables
    ajax, the DataStore dump when a grant's data items refuse a parameter)
    answer 403/400 with the reason instead of failing."""

    @functools.wraps(original)
    def view(*args: Any, **kw: Any):
        try:
            return original(*args, **kw)
        except tk.NotAuthorized:
            return tk.abort(403, "无权获取该数据 / Not allowed to get this data")
        except tk.ObjectNotFound:
            return tk.abort(404, "资源不存在 / Resource not found")
        except tk.ValidationError as err:
            return tk.abort(400, _validation_text(err))

    view.govopen_guarded = True  # type: ignore[attr-defined]
    return view


def guard_dump(original: Callable) -> Callable:
    """``/datastore/dump/<rid>``: deny cleanly, and keep the request
    context while the body streams. Core fetches the pages after the first
    one while the response is being sent; inside the request they are
    checked as the same user and logged as the same access."""
    view = deny_cleanly(original)

    @functools.wraps(original)
    def dump(*args: Any, **kw: Any):
        resp = view(*args, **kw)
        if isinstance(resp, flask.Response) and not resp.is_sequence:
            resp.response = flask.stream_with_context(resp.response)
        return resp

    dump.govopen_guarded = True  # type: ignore[attr-defined]
    return dump


def install_download_guard(app: Any) -> None:
    """Replace every ``*resource.download`` view (all dataset types), guard
    the 2.12 file routes, and make the datatables views and the DataStore
    dump deny cleanly."""
    for endpoint, func in list(app.view_functions.items()):
        if getattr(func, "govopen_guarded", False):
            continue
        if endpoint.endswith("resource.download"):
            app.view_functions[endpoint] = guard_download(func)
        elif endpoint in files.VIEW_GUARDS:
            app.view_functions[endpoint] = files.VIEW_GUARDS[endpoint](func)
        elif endpoint == "datastore.dump":
            app.view_functions[endpoint] = guard_dump(func)
        elif endpoint.startswith("datatablesview.") or \
                endpoint == "resource_proxy.proxy_view":
            app.view_functions[endpoint] = deny_cleanly(func)


# ------------------------------------------------------- signed download
@blueprint.route("/govopen/download/<token>")
def signed_download(token: str):
    try:
        user_id, resource_id = signing.verify(token)
    except signing.BadToken:
        return tk.abort(403, "下载链接无效或已过期 / The download link is "
                             "invalid or has expired")
    user = model.User.get(user_id)
    res = model.Resource.get(resource_id)
    if user is None or user.state != "active" or res is None \
            or res.state != "active":
        return tk.abort(403, "下载链接无效 / The download link is invalid")
    decision = policy.decide(user, res, "download")
    if not decision.allowed:
        return tk.abort(403, decision.reason)
    pkg = model.Package.get(res.package_id)
    if res.url_type == "upload":
        resp = _serve_upload(*_grant_args(res, None, decision))
        nbytes = resp.content_length or _upload_size(res)
    else:
        resp = proxy_link(res)
        nbytes = resp.content_length
    if decision.open_type in policy.RESTRICTED and request.method != "HEAD":
        log.record(user=user, resource=res, package=pkg, decision=decision,
                   channel="download", method="signed_link", nbytes=nbytes)
    return resp


@blueprint.route("/dataset/<id>/resource/<resource_id>/signed-link",
                 methods=["POST"])
def signed_link(id: str, resource_id: str):
    try:
        link = tk.get_action("govopen_download_link_create")(
            {}, {"resource_id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(403, "无权获取该数据 / Not allowed to get this data")
    import datetime as dt
    link["expires_iso"] = dt.datetime.utcfromtimestamp(
        link["expires"]).isoformat(timespec="seconds")
    return tk.render("govopen_access/signed_link.html",
                     {"link": link, "pkg_id": id})


# ------------------------------------------------------------ access log
def _log_params() -> dict[str, Any]:
    params = {k: request.args.get(k) for k in
              ("owner_org", "package_id", "resource_id", "user_id")
              if request.args.get(k)}
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    params.update(limit=50, offset=(page - 1) * 50)
    return params


def _access_log(owner_org: Optional[str] = None, csv: bool = False):
    params = _log_params()
    if owner_org:
        params["owner_org"] = owner_org
    try:
        if csv:
            params.pop("limit"), params.pop("offset")
            out = tk.get_action("govopen_access_log_list")(
                {}, dict(params, format="csv"))
            resp = flask.Response(out["csv"],
                                  content_type="text/csv; charset=utf-8")
            resp.headers.set("Content-Disposition", "attachment",
                             filename="govopen-access-log.csv")
            return resp
        out = tk.get_action("govopen_access_log_list")({}, params)
    except tk.NotAuthorized as err:
        return tk.abort(403, str(err) or "Not authorized")
    page = params["offset"] // 50 + 1
    return tk.render("govopen_access/access_log.html", {
        "entries": out["results"], "count": out["count"], "page": page,
        "params": {k: v for k, v in params.items()
                   if k not in ("limit", "offset")},
        "owner_org": owner_org})


@blueprint.route("/dashboard/access-log")
def dashboard_access_log():
    return _access_log()


@blueprint.route("/dashboard/access-log.csv")
def dashboard_access_log_csv():
    return _access_log(csv=True)


@blueprint.route("/organization/<id>/access-log")
def org_access_log(id: str):
    return _access_log(owner_org=id)


@blueprint.route("/organization/<id>/access-log.csv")
def org_access_log_csv(id: str):
    return _access_log(owner_org=id, csv=True)
