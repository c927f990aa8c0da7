"""Pages: 申请使用, 我的申请, review queues, detail with history, authority
overview and the applicant profile. Every page calls the same actions as the
API; every form carries a CSRF token."""
from __future__ import annotations

import os

from flask import Blueprint, request, send_file

from ckan.plugins import toolkit

from . import schema as sch
from . import states, workdays
from .actions import file_path

bp = Blueprint("govopen_applications", __name__)
h = toolkit.h


def _context() -> dict:
    user = toolkit.current_user
    if not user or not user.is_authenticated:
        return {"user": ""}
    return {"user": user.name, "auth_user_obj": user}


def _require_login():
    if not _context()["user"]:
        return toolkit.redirect_to("user.login", came_from=request.full_path)
    return None


def _act(name, data):
    return toolkit.get_action(name)(_context(), data)


def _flash_errors(exc: toolkit.ValidationError):
    for field, messages in (exc.error_dict or {}).items():
        for m in messages if isinstance(messages, list) else [messages]:
            h.flash_error(f"{field}: {m}" if field not in ("state", "conflict") else str(m))


def _form_data() -> dict:
    f = request.form
    data = {k: f.get(k) for k in f.keys()}
    for key in ("package_ids", "resource_ids", "data_items", "access_modes"):
        if key in f:
            data[key] = [v for v in f.getlist(key) if v]
    for key in sch.BOOL_FIELDS:
        data[key] = key in f and f.get(key) not in ("", "false", "0")
    extra = sch.as_list(f.get("extra_datasets"))
    if extra:
        data["package_ids"] = list(dict.fromkeys((data.get("package_ids") or []) + extra))
    data.pop("extra_datasets", None)
    data.pop("_ckan_phase", None)
    data.pop("csrf_token", None)
    for key in ("commitment_upload", "attachment_upload"):
        upload = request.files.get(key)
        if upload is not None and upload.filename:
            data[key] = upload
    return data


def _pkg_show(pid):
    return toolkit.get_action("package_show")({"ignore_auth": True}, {"id": pid})


def _packages_of(form):
    out = []
    for pid in form.get("package_ids") or []:
        try:
            out.append(_pkg_show(pid))
        except toolkit.ObjectNotFound:
            pass
    return out


def _render_form(form, packages, errors=None, app=None):
    return toolkit.render("govopen_applications/form.html", {
        "form": form, "packages": packages, "errors": errors or {}, "app": app,
        "purposes": sch.PURPOSES, "modes": sch.ACCESS_MODES,
        "max_days": toolkit.config.get("ckanext.govopen.applications.max_period_days"),
        "profile": _profile_or_none()})


def _profile_or_none():
    try:
        return _act("govopen_applicant_profile_show", {})
    except (toolkit.ObjectNotFound, toolkit.NotAuthorized):
        return None


def apply(id):
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        pkg = _pkg_show(id)
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, "数据集不存在 / Dataset not found")
    if pkg.get("open_type") != "authorized":
        return toolkit.abort(400, "该数据集不是授权开放数据，无需申请 / Not authorised data")
    if request.method == "GET":
        form = {"package_ids": [pkg["id"]], "access_modes": ["download"],
                "period_start": workdays.today().isoformat()}
        return _render_form(form, [pkg])
    data = _form_data()
    data.setdefault("package_ids", [pkg["id"]])
    try:
        app = _act("govopen_application_create", data)
    except toolkit.ValidationError as exc:
        form = sch.normalise_application(data)
        return _render_form(form, _packages_of(form) or [pkg], exc.error_dict)
    return _after_save(app, data)


def _after_save(app, data):
    if request.form.get("save") == "submit":
        try:
            app = _act("govopen_application_submit", {"id": app["id"]})
            h.flash_success(f"申请已提交，回执号 {app['ref_no']} / Submitted")
        except toolkit.ValidationError as exc:
            _flash_errors(exc)
            return toolkit.redirect_to("govopen_applications.edit", id=app["id"])
    else:
        h.flash_success("草稿已保存 / Draft saved")
    return toolkit.redirect_to("govopen_applications.read", id=app["id"])


def edit(id):
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        app = _act("govopen_application_show", {"id": id})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404)
    except toolkit.NotAuthorized:
        return toolkit.abort(403)
    if request.method == "GET":
        return _render_form(app["data"], _packages_of(app["data"]), app=app)
    data = _form_data()
    data["id"] = app["id"]
    try:
        app = _act("govopen_application_update", data)
    except toolkit.ValidationError as exc:
        form = sch.normalise_application(data, base=app["data"])
        return _render_form(form, _packages_of(form), exc.error_dict, app=app)
    except toolkit.NotAuthorized:
        return toolkit.abort(403)
    return _after_save(app, data)


def read(id):
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        app = _act("govopen_application_show", {"id": id})
    except toolkit.ObjectNotFound:
        return toolkit.abort(404, "申请不存在 / Application not found")
    except toolkit.NotAuthorized:
        return toolkit.abort(403, "无权查看该申请 / Not authorised")
    grants = []
    if app["state"] in (states.ACTIVE, states.EXPIRED, states.REVOKED, states.RENEWED):
        try:
            grants = toolkit.get_action("govopen_grant_list")(
                {"ignore_auth": True}, {"source_application_id": app["id"]})
            if isinstance(grants, dict):
                grants = grants.get("results", [])
        except Exception:
            grants = []
    return toolkit.render("govopen_applications/read.html", {
        "app": app, "grants": grants, "purposes": sch.PURPOSES, "modes": sch.ACCESS_MODES,
        "labels": states.LABELS})


ACTIONS = {
    "submit": "govopen_application_submit",
    "withdraw": "govopen_application_withdraw",
    "review": "govopen_application_review",
    "agree": "govopen_application_agree",
    "report": "govopen_application_report_create",
    "revoke": "govopen_application_revoke",
    "renew": "govopen_application_renew",
}


def act(id, name):
    redirect = _require_login()
    if redirect:
        return redirect
    if name not in ACTIONS:
        return toolkit.abort(404)
    data = {k: request.form.get(k) for k in request.form.keys() if k != "csrf_token"}
    data["id"] = id
    try:
        result = _act(ACTIONS[name], data)
        h.flash_success("操作成功 / Done")
        if name == "renew":
            return toolkit.redirect_to("govopen_applications.edit", id=result["id"])
    except toolkit.ValidationError as exc:
        _flash_errors(exc)
    except toolkit.NotAuthorized as exc:
        h.flash_error(str(exc) or "无权操作 / Not authorised")
    except toolkit.ObjectNotFound:
        return toolkit.abort(404)
    return toolkit.redirect_to("govopen_applications.read", id=id)


def my_applications():
    redirect = _require_login()
    if redirect:
        return redirect
    result = _act("govopen_application_list", {"scope": "mine"})
    notices = _act("govopen_application_notice_list", {"limit": 20})
    return toolkit.render("govopen_applications/dashboard.html", {
        "apps": result["results"], "notices": notices, "profile": _profile_or_none()})


def review_queue():
    redirect = _require_login()
    if redirect:
        return redirect
    filters = {k: request.args.get(k) for k in ("state", "org_id", "overdue", "q")
               if request.args.get(k)}
    result = _act("govopen_application_list", dict(filters, scope="review"))
    return toolkit.render("govopen_applications/review_queue.html", {
        "apps": result["results"], "count": result["count"], "filters": filters,
        "labels": states.LABELS})


def overview():
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        toolkit.check_access("govopen_applicant_profile_list", _context(), {})
    except toolkit.NotAuthorized:
        return toolkit.abort(403, "仅限数据主管部门 / Data authority only")
    stats = _act("govopen_application_stats", {})
    overdue = _act("govopen_application_list", {"scope": "all", "overdue": True})
    return toolkit.render("govopen_applications/overview.html", {
        "stats": stats, "overdue": overdue["results"]})


def profile():
    redirect = _require_login()
    if redirect:
        return redirect
    errors, form = {}, None
    if request.method == "POST":
        data = {k: request.form.get(k) for k in request.form.keys() if k != "csrf_token"}
        upload = request.files.get("proof_upload")
        if upload is not None and upload.filename:
            data["proof_upload"] = upload
        try:
            _act("govopen_applicant_profile_update", data)
            h.flash_success("申请主体信息已保存，等待平台审核 / Saved, awaiting verification")
            return toolkit.redirect_to("govopen_applications.profile")
        except toolkit.ValidationError as exc:
            errors, form = exc.error_dict, data
    current = _profile_or_none()
    return toolkit.render("govopen_applications/profile.html", {
        "profile": current, "form": form or current or {}, "errors": errors,
        "types": {k: v for k, v in sch.APPLICANT_TYPES.items() if k in sch.applicant_types()}})


def profiles():
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        items = _act("govopen_applicant_profile_list",
                     {"status": request.args.get("status", "pending")
                      if request.args.get("status") != "all" else None})
    except toolkit.NotAuthorized:
        return toolkit.abort(403, "仅限平台运营单位 / Operator only")
    return toolkit.render("govopen_applications/profiles.html", {"profiles": items})


def verify(user_id):
    redirect = _require_login()
    if redirect:
        return redirect
    try:
        _act("govopen_applicant_verify", {
            "user_id": user_id, "verified": request.form.get("verified", "true"),
            "reason": request.form.get("reason")})
        h.flash_success("已处理 / Done")
    except toolkit.ValidationError as exc:
        _flash_errors(exc)
    except toolkit.NotAuthorized:
        return toolkit.abort(403)
    return toolkit.redirect_to("govopen_applications.profiles")


def download_file(id, ref):
    redirect = _require_login()
    if redirect:
        return redirect
    context = _context()
    if id == "profiles":
        owner = ref.split("/", 1)[0]
        user = toolkit.current_user
        if owner != user.id:
            try:
                toolkit.check_access("govopen_applicant_profile_list", context, {})
            except toolkit.NotAuthorized:
                return toolkit.abort(403)
        path = file_path(f"profiles/{ref}")
    else:
        try:
            app = _act("govopen_application_show", {"id": id})
        except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
            return toolkit.abort(403)
        path = file_path(f"{app['id']}/{ref}")
    if not os.path.exists(path):
        return toolkit.abort(404)
    return send_file(path, as_attachment=True,
                     download_name=os.path.basename(path).split("_", 1)[-1])


bp.add_url_rule("/dataset/<id>/apply", view_func=apply, methods=["GET", "POST"])
bp.add_url_rule("/dashboard/applications", view_func=my_applications,
                endpoint="dashboard")
bp.add_url_rule("/applications/review", view_func=review_queue, endpoint="review")
bp.add_url_rule("/applications/overview", view_func=overview)
bp.add_url_rule("/applications/profile", view_func=profile, methods=["GET", "POST"])
bp.add_url_rule("/applications/profiles", view_func=profiles)
bp.add_url_rule("/applications/profiles/<user_id>/verify", view_func=verify,
                methods=["POST"])
bp.add_url_rule("/applications/<id>", view_func=read)
bp.add_url_rule("/applications/<id>/edit", view_func=edit, methods=["GET", "POST"])
bp.add_url_rule("/applications/<id>/action/<name>", view_func=act, methods=["POST"])
bp.add_url_rule("/applications/<id>/file/<path:ref>", view_func=download_file)


def get_blueprints():
    return [bp]
