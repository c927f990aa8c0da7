"""Pages of the 脱敏 workflow: the detection report and rules form of a
resource (with the department reviewer's approve / reject form and the
review and release history), the reviewer's queue, the JSON status (polled
by the resource page), the grantee's extract download and the leak-trace
form."""
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
    data["suppress_below_k"] = bool(form.get("suppress_below_k"))
    pct = (form.get("max_suppression_pct") or "").strip()
    if pct:
        try:
            data["max_suppression"] = float(pct) / 100
        except ValueError:
            errors.append("最大抑制比例须为数字 / The largest suppressed "
                          "share must be a number")
    return {"data": data, "errors": errors}


NOTICES = {
    "draft": "草稿已保存 / Draft saved",
    "submitted": ("规则已确认并提交部门审核人批准 / Rules confirmed and "
                  "submitted to the department reviewer"),
    "approved": ("已批准，正在生成脱敏数据 / Approved; the desensitized file "
                 "is being produced"),
    "approved_norun": "已批准 / Approved",
    "rejected": "已退回发布人员 / Returned to the publisher",
}


def _messages(exc: tk.ValidationError) -> list[str]:
    return [m for ms in exc.error_dict.values()
            for m in (ms if isinstance(ms, list) else [str(ms)])]


def _render_report(res, pkg, context, errors, notice):
    try:
        status = tk.get_action("govopen_desensitize_status")(
            context, {"resource_id": res.id})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc))
    pkg_dict = tk.get_action("package_show")(context, {"id": pkg.id})
    res_dict = next((r for r in pkg_dict["resources"] if r["id"] == res.id),
                    {"id": res.id, "name": res.name})
    return tk.render("govopen_desensitize/report.html", {
        "pkg_dict": pkg_dict, "package": pkg_dict, "res": res_dict,
        "resource": res_dict, "status": status, "errors": errors,
        "notice": notice})


@blueprint.route("/dataset/<id>/resource/<resource_id>/desensitize",
                 methods=["GET", "POST"])
def report(id: str, resource_id: str):
    res, pkg = _resource_of(id, resource_id)
    context = _context()
    errors: list[str] = []
    if request.method == "POST":
        parsed = _form_rules(request.form)
        errors = parsed["errors"]
        confirm = request.form.get("action") == "confirm"
        if not errors:
            try:
                tk.get_action("govopen_desensitize_rules_update")(
                    context, dict(parsed["data"], resource_id=res.id,
                                  confirm=confirm))
            except tk.NotAuthorized as exc:
                return tk.abort(403, str(exc))
            except tk.ValidationError as exc:
                errors.extend(_messages(exc))
        if not errors:
            return tk.redirect_to("govopen_desensitize.report", id=id,
                                  resource_id=resource_id,
                                  done="submitted" if confirm else "draft")
    return _render_report(res, pkg, context, errors,
                          NOTICES.get(request.args.get("done") or ""))


@blueprint.route("/dataset/<id>/resource/<resource_id>/desensitize/review",
                 methods=["POST"])
def review_decision(id: str, resource_id: str):
    """The department reviewer's approve / reject buttons."""
    res, pkg = _resource_of(id, resource_id)
    context = _context()
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        return tk.abort(400, "未知的审核操作 / Unknown review decision")
    data = {"resource_id": res.id,
            "reason": request.form.get("reason") or ""}
    if request.form.get("revision"):
        data["revision"] = request.form["revision"]
    try:
        out = tk.get_action(f"govopen_desensitize_plan_{decision}")(
            context, data)
    except tk.NotAuthorized as exc:
        return _render_report(res, pkg, context, [str(exc)], None)
    except tk.ValidationError as exc:
        return _render_report(res, pkg, context, _messages(exc), None)
    done = "rejected" if decision == "reject" else (
        "approved" if out.get("job") else "approved_norun")
    return tk.redirect_to("govopen_desensitize.report", id=id,
                          resource_id=resource_id, done=done)


@blueprint.route("/govopen/desensitize/review")
def review_queue():
    """Plans awaiting the current user's approval."""
    context = _context()
    try:
        items = tk.get_action("govopen_desensitize_review_list")(context, {})
    except tk.NotAuthorized:
        return tk.redirect_to("user.login")
    return tk.render("govopen_desensitize/review_queue.html",
                     {"items": items})


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
