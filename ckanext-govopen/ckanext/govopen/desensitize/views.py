"""Pages of the 脱敏 workflow: the detection report and rules form of a
resource, its JSON status (polled by the resource page), the grantee's
extract download and the leak-trace form."""
from __future__ import annotations

import json
import os
from typing import Any

import flask
from flask import Blueprint

from ckan import model
from ckan.common import current_user, request
import ckan.plugins.toolkit as tk

from ckanext.govopen.access import grants, policy

from . import model as dz

blueprint = Blueprint("govopen_desensitize", __name__)


def _context() -> dict[str, Any]:
    return {"user": current_user.name if current_user.is_authenticated
            else "", "auth_user_obj": current_user}


def _resource_of(id: str, resource_id: str):
    res = model.Resource.get(resource_id)
    pkg = model.Package.get(id)
    if res is None or pkg is None or res.package_id != pkg.id or \
            res.state != "active":
        return tk.abort(404, "资源不存在 / Resource not found")
    return res, pkg


def _form_rules(form) -> dict[str, Any]:
    """Rules from the report form: ``col-<i>`` names a column, ``op-<i>``
    its operator and ``params-<i>`` its parameters (JSON)."""
    rules: dict[str, Any] = {}
    errors = []
    i = 0
    while f"col-{i}" in form:
        col = form[f"col-{i}"]
        op = form.get(f"op-{i}")
        params = (form.get(f"params-{i}") or "").strip()
        edit: dict[str, Any] = {"operator": op} if op else {}
        if params:
            try:
                edit["params"] = json.loads(params)
            except ValueError:
                errors.append(f"{col}: 参数须为 JSON / parameters must be "
                              "JSON")
        if edit:
            rules[col] = edit
        i += 1
    data = {"rules": rules, "scrub": form.getlist("scrub"),
            "quasi_identifiers": form.getlist("qi")}
    if form.get("k"):
        data["k"] = form["k"]
    return {"data": data, "errors": errors}


@blueprint.route("/dataset/<id>/resource/<resource_id>/desensitize",
                 methods=["GET", "POST"])
def report(id: str, resource_id: str):
    res, pkg = _resource_of(id, resource_id)
    context = _context()
    errors: list[str] = []
    notice = None
    if request.method == "POST":
        parsed = _form_rules(request.form)
        errors = parsed["errors"]
        confirm = request.form.get("action") == "confirm"
        if not errors:
            try:
                out = tk.get_action("govopen_desensitize_rules_update")(
                    context, dict(parsed["data"], resource_id=res.id,
                                  confirm=confirm))
                notice = ("规则已确认，正在生成脱敏数据 / Rules confirmed; the "
                          "desensitized file is being produced") if confirm \
                    else ("草稿已保存 / Draft saved")
                if out.get("job") and out["job"]["status"] == "failed":
                    notice = None
            except tk.NotAuthorized as exc:
                return tk.abort(403, str(exc))
            except tk.ValidationError as exc:
                for msgs in exc.error_dict.values():
                    errors.extend(msgs if isinstance(msgs, list)
                                  else [str(msgs)])
        if not errors:
            return tk.redirect_to("govopen_desensitize.report", id=id,
                                  resource_id=resource_id, saved=1)
    try:
        status = tk.get_action("govopen_desensitize_status")(
            context, {"resource_id": res.id})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    if request.args.get("saved"):
        notice = "已保存 / Saved"
    pkg_dict = tk.get_action("package_show")(context, {"id": pkg.id})
    res_dict = next((r for r in pkg_dict["resources"] if r["id"] == res.id),
                    {"id": res.id, "name": res.name})
    return tk.render("govopen_desensitize/report.html", {
        "pkg_dict": pkg_dict, "package": pkg_dict, "res": res_dict,
        "resource": res_dict, "status": status, "errors": errors,
        "notice": notice})


@blueprint.route("/dataset/<id>/resource/<resource_id>/desensitize/scan",
                 methods=["POST"])
def rescan(id: str, resource_id: str):
    res, _pkg = _resource_of(id, resource_id)
    try:
        tk.get_action("govopen_desensitize_scan")(_context(),
                                                  {"resource_id": res.id})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(
            m for ms in exc.error_dict.values() for m in ms))
    return tk.redirect_to("govopen_desensitize.report", id=id,
                          resource_id=resource_id)


@blueprint.route("/dataset/<id>/resource/<resource_id>/desensitize/status")
def status_json(id: str, resource_id: str):
    res, _pkg = _resource_of(id, resource_id)
    try:
        status = tk.get_action("govopen_desensitize_status")(
            _context(), {"resource_id": res.id})
    except tk.NotAuthorized:
        return flask.jsonify({"success": False, "error": "forbidden"}), 403
    resp = flask.jsonify({"success": True, "result": status})
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@blueprint.route("/govopen/desensitize/extract/<extract_id>")
def extract_download(extract_id: str):
    """The grantee (while the grant is active) or grant managers download a
    per-grant extract."""
    from ckanext.govopen.access.auth import can_manage_grants
    row = dz.get_extract(extract_id)
    if row is None or not os.path.exists(row["path"]):
        return tk.abort(404, "文件不存在 / No such file")
    user = policy.user_object(current_user)
    grant = grants.get(row["grant_id"])
    pkg = model.Package.get(row["package_id"])
    allowed = user is not None and grant is not None and (
        (grant["user_id"] == user.id and grant["active"])
        or can_manage_grants(user, pkg))
    if not allowed:
        return tk.abort(403, "无权获取该授权数据 / Not allowed to get this "
                             "extract")
    res = model.Resource.get(row["resource_id"])
    base = os.path.splitext((res.url or "data").rsplit("/", 1)[-1])[0] \
        if res is not None else "data"
    resp = flask.send_file(row["path"], as_attachment=True,
                           download_name=f"{base}-grant-{row['grant_id'][:8]}"
                                         ".csv",
                           mimetype="text/csv")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@blueprint.route("/dataset/<id>/leak-trace", methods=["GET", "POST"])
def leak_trace(id: str):
    pkg = model.Package.get(id)
    if pkg is None:
        return tk.abort(404, "数据集不存在 / Dataset not found")
    context = _context()
    try:
        tk.check_access("govopen_leak_trace", context, {"package_id": pkg.id})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    result, errors = None, []
    if request.method == "POST":
        try:
            result = tk.get_action("govopen_leak_trace")(context, {
                "package_id": pkg.id, "upload": request.files.get("upload")})
        except tk.ValidationError as exc:
            errors = [m for ms in exc.error_dict.values() for m in
                      (ms if isinstance(ms, list) else [str(ms)])]
    pkg_dict = tk.get_action("package_show")(context, {"id": pkg.id})
    return tk.render("govopen_desensitize/leak_trace.html", {
        "pkg_dict": pkg_dict, "result": result, "errors": errors})
