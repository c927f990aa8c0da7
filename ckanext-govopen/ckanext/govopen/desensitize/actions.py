"""Actions of the 脱敏 workflow (GUIDE §6.5, §6.7).

``govopen_desensitize_scan`` / ``_rules_update`` / ``_plan_submit`` /
``_plan_approve`` / ``_plan_reject`` / ``_run`` / ``_status`` /
``_history`` drive one resource through scan → confirm (submit) →
department approval → run → publish (review.py has the rules);
``govopen_desensitize_review_list`` is the reviewer's queue;
``govopen_desensitize_extract`` makes a per-grant extract and
``govopen_leak_trace`` names the grant a leaked file came from. The
chained ``datastore_create`` / ``datastore_upsert`` refuse originals, and
the chained ``package_update`` refuses to make a dataset public while an
original with personal data has no published derivative.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.govopen.access import grants, policy

from . import gate, jobs, keys, review, schema
from . import model as dz
from .plan import Plan
from .problems import DesensitizeError
from .registry import ckan_registry

ValidationError = tk.ValidationError


def _validate(data_dict, schema_fn, context):
    data, errors = tk.navl_validate(data_dict, schema_fn(), context)
    if errors:
        raise ValidationError(errors)
    return data


def _user_name(context) -> str | None:
    user = policy.user_from_context(context)
    return user.id if user is not None else context.get("user")


def _resource(resource_id: str) -> model.Resource:
    res = model.Resource.get(resource_id)
    if res is None or res.state != "active":
        raise tk.ObjectNotFound("资源不存在 / Resource not found")
    return res


def _require_file(res: model.Resource) -> None:
    if res.url_type != "upload" or jobs.file_format(res) is None:
        raise ValidationError({"resource_id": [
            "只能检测上传的表格文件（CSV、TSV、XLSX、XLS、JSON） / Only uploaded "
            "tabular files (CSV, TSV, XLSX, XLS, JSON) can be scanned"]})


# -------------------------------------------------------------------- scan
def govopen_desensitize_scan(context, data_dict):
    """(Re-)scan an uploaded resource in the background.

    :param resource_id: the uploaded original
    :returns: the scan job (``id``, ``status``, ``progress``)
    """
    data = _validate(data_dict, schema.resource_schema, context)
    tk.check_access("govopen_desensitize_scan", context, data)
    res = _resource(data["resource_id"])
    _require_file(res)
    row = dz.get_resource(res.id)
    if row is not None and row["role"] == dz.DERIVATIVE:
        raise ValidationError({"resource_id": [
            "脱敏衍生数据无需再检测 / A desensitized derivative is not scanned "
            "again"]})
    return jobs.start_scan(res.id, _user_name(context))


# ------------------------------------------------------------------- rules
def _apply_rules(plan: dict, data: dict) -> dict:
    """Column edits from the form or API: ``rules`` = {column: {operator,
    params?, type?}}; ``scrub``, ``quasi_identifiers``, ``k``,
    ``suppress_below_k``, ``max_suppression``."""
    plan = dict(plan)
    columns = {c: dict(r) for c, r in (plan.get("columns") or {}).items()}
    for col, edit in (data.get("rules") or {}).items():
        if not isinstance(edit, dict):
            edit = {"operator": str(edit)}
        rule = columns.get(col) or {"type": edit.get("type"),
                                    "operator": "keep", "params": {},
                                    "confidence": 1.0, "direct": False}
        if edit.get("operator"):
            rule["operator"] = str(edit["operator"])
        if "params" in edit:
            rule["params"] = schema.json_dict(edit["params"] or {})
        if edit.get("type"):
            rule["type"] = str(edit["type"])
        rule["source"] = "manual"
        columns[col] = rule
    plan["columns"] = columns
    for key in ("scrub", "quasi_identifiers", "k", "suppress_below_k",
                "max_suppression"):
        if key in data:
            plan[key] = data[key]
    return plan


def govopen_desensitize_rules_update(context, data_dict):
    """Edit and/or confirm the plan of a resource. Every call stores a new
    draft revision (so an approval always names the exact rules it covers,
    and editing an approved plan needs a new approval); ``confirm`` also
    submits it to the department reviewer (see
    ``govopen_desensitize_plan_approve``). Nothing is published before the
    approval.

    :param resource_id: the original
    :param plan: a whole plan (JSON), optional
    :param rules: ``{column: {"operator": …, "params": {…}}}``, optional
    :param scrub: free-text columns to scrub, optional
    :param quasi_identifiers: columns for the k-anonymity check, optional
    :param k: k-anonymity threshold, optional
    :param suppress_below_k: drop rows of quasi-identifier classes smaller
        than k (default true), optional
    :param max_suppression: the largest share of rows that may be dropped
        (0–1, default ``ckanext.govopen.desensitize.max_suppression``); a
        run that would drop more fails, optional
    :param confirm: confirm the rules and submit them for review (default
        false)
    :returns: ``{"plan": plan row}``
    """
    data = _validate(data_dict, schema.rules_update_schema, context)
    tk.check_access("govopen_desensitize_rules_update", context, data)
    res = _resource(data["resource_id"])
    current = dz.current_plan(res.id, lock=True) or dz.latest_plan(res.id)
    if current is None:
        raise ValidationError({"resource_id": [
            "该资源尚未完成检测 / The resource has not been scanned yet"]})
    base = data.get("plan") or current["plan"]
    edited = _apply_rules(base, data)
    edited["plan_id"] = current["plan_id"]
    edited["revision"] = int(current["revision"]) + 1
    try:
        plan_obj = Plan.from_dict(edited)
    except DesensitizeError as exc:
        raise ValidationError({"plan": [f"{exc.problem.zh} / {exc.problem.en}"]})
    cols = (current["plan"].get("source") or {}).get("columns")
    errors = [p for p in plan_obj.lint(ckan_registry(), cols)
              if p.severity == "error"]
    if errors:
        raise ValidationError({"plan": [f"{p.zh} / {p.en}" for p in errors]})
    plan_dict = plan_obj.to_dict()
    user = _user_name(context)
    row = dz.add_plan(resource_id=res.id, package_id=res.package_id,
                      plan=plan_dict, status=dz.DRAFT,
                      profile=current.get("profile"),
                      problems=[p.to_dict() for p in plan_obj.lint(
                          ckan_registry(), cols)],
                      created_by=user)
    review.record_edit(row, current, user)
    if data["confirm"]:
        row = review.submit(row, user)
    else:
        review.state_after(res.id, res.package_id, "scanned")
    dz.commit()
    return {"plan": dz.get_plan(row["id"])}


# ------------------------------------------------------------------ review
def _transition_error(exc: review.TransitionError) -> ValidationError:
    return ValidationError({exc.field: [f"{exc.zh} / {exc.en}"]})


def _reviewer(context) -> model.User:
    user = policy.user_from_context(context)
    if user is None:  # ignore_auth callers still need a named reviewer
        raise tk.NotAuthorized("审核须由具名的审核人完成 / A review needs a "
                               "named reviewer")
    return user


def _original_id(res: model.Resource) -> str:
    row = dz.get_resource(res.id) or {}
    if row.get("role") == dz.DERIVATIVE and row.get("source_id"):
        return row["source_id"]
    return res.id


def _locked_current(res: model.Resource, revision: int | None) -> dict:
    """The current revision, locked; ``revision`` (what the caller looked
    at) must still be current, so nobody approves rules they never saw."""
    row = dz.current_plan(res.id, lock=True)
    if row is None:
        model.Session.rollback()
        raise ValidationError({"resource_id": [
            "该资源没有脱敏方案 / The resource has no desensitization plan"]})
    if revision is not None and int(revision) != int(row["revision"]):
        model.Session.rollback()
        raise ValidationError({"revision": [
            f"方案已更新为第 {row['revision']} 版，请查看最新版本后再操作 / "
            f"The plan has changed to revision {row['revision']}; review the "
            "current revision first"]})
    return row


def govopen_desensitize_plan_submit(context, data_dict):
    """Submit the current revision (a draft, or a rejected one unchanged)
    to the department reviewer.

    :param resource_id: the original
    :param revision: the revision being submitted (optional; refused if it
        is no longer current)
    :returns: the plan row
    """
    data = _validate(data_dict, schema.plan_review_schema, context)
    tk.check_access("govopen_desensitize_plan_submit", context, data)
    res = _resource(data["resource_id"])
    row = _locked_current(res, data.get("revision"))
    try:
        row = review.submit(row, _user_name(context))
    except review.TransitionError as exc:
        model.Session.rollback()
        raise _transition_error(exc)
    dz.commit()
    return row


def govopen_desensitize_plan_approve(context, data_dict):
    """Approve the submitted revision (department reviewer: an admin of the
    provider organisation or a sysadmin, not its author) and, with ``run``,
    start the run that publishes the derivative.

    :param resource_id: the original
    :param revision: the revision reviewed (optional; refused if it is no
        longer current)
    :param reason: a comment (optional)
    :param run: start the run now (default true)
    :returns: ``{"plan": plan row, "job": run job or None}``
    """
    data = _validate(data_dict, schema.plan_review_schema, context)
    tk.check_access("govopen_desensitize_plan_approve", context, data)
    res = _resource(data["resource_id"])
    if data["run"] and not keys.configured():
        exc = keys.MasterKeyMissing()
        raise ValidationError({"master_key": [f"{exc.zh} / {exc.en}"]})
    user = _reviewer(context)
    row = _locked_current(res, data.get("revision"))
    try:
        row = review.approve(row, user, data.get("reason"))
    except review.TransitionError as exc:
        model.Session.rollback()
        raise _transition_error(exc)
    job = None
    if data["run"]:
        job = jobs.start_run(res.id, row, user.id)
    else:
        dz.commit()
    return {"plan": dz.get_plan(row["id"]), "job": job}


def govopen_desensitize_plan_reject(context, data_dict):
    """Return the submitted revision to the publisher with a reason.

    :param resource_id: the original
    :param reason: why (required)
    :param revision: the revision reviewed (optional)
    :returns: the plan row
    """
    data = _validate(data_dict, schema.plan_review_schema, context)
    tk.check_access("govopen_desensitize_plan_reject", context, data)
    res = _resource(data["resource_id"])
    row = _locked_current(res, data.get("revision"))
    try:
        row = review.reject(row, _reviewer(context),
                            data.get("reason") or "")
    except review.TransitionError as exc:
        model.Session.rollback()
        raise _transition_error(exc)
    dz.commit()
    return row


@tk.side_effect_free
def govopen_desensitize_history(context, data_dict):
    """Every plan transition (who, when, revision, reason) and every release
    (plan version, release id, key id, counts per type, k report) of a
    resource, oldest first.

    :param resource_id: the original or its derivative
    """
    data = _validate(data_dict, schema.resource_schema, context)
    tk.check_access("govopen_desensitize_history", context, data)
    return [review.event_dict(e) for e in dz.events_of(
        _original_id(_resource(data["resource_id"])))]


@tk.side_effect_free
def govopen_desensitize_review_list(context, data_dict):
    """Plans awaiting approval in the departments the user reviews (every
    department for sysadmins), oldest submission first. Each item says
    whether the user may approve it (``may_review``: false for their own
    submissions under the four-eyes rule).
    """
    tk.check_access("govopen_desensitize_review_list", context, data_dict)
    user = policy.user_from_context(context)
    out = []
    for row in dz.submitted_plans(review.reviewer_org_ids(user)):
        res = model.Resource.get(row["resource_id"])
        if res is None or res.state != "active":
            continue
        out.append({
            "plan_row_id": row["id"], "plan_id": row["plan_id"],
            "revision": row["revision"], "resource_id": res.id,
            "resource_name": res.name, "package_id": row["package_id"],
            "package_name": row["package_name"],
            "package_title": row["package_title"],
            "owner_org": row["owner_org"],
            "submitted_by": review.user_label(row["confirmed_by"]),
            "submitted_at": row["confirmed_at"],
            "may_review": not review.four_eyes_blocks(user, row),
        })
    return out


# --------------------------------------------------------------------- run
def govopen_desensitize_run(context, data_dict):
    """Run the approved plan again (new release).

    :param resource_id: the original
    :returns: the run job
    """
    data = _validate(data_dict, schema.resource_schema, context)
    tk.check_access("govopen_desensitize_run", context, data)
    res = _resource(data["resource_id"])
    plan_row = dz.current_plan(res.id)
    if plan_row is None or plan_row["status"] != dz.APPROVED:
        raise ValidationError({"plan": [
            "脱敏方案尚未获部门审核人批准 / The plan has not been approved by "
            "the department reviewer"]})
    if not keys.configured():
        exc = keys.MasterKeyMissing()
        raise ValidationError({"master_key": [f"{exc.zh} / {exc.en}"]})
    return jobs.start_run(res.id, plan_row, _user_name(context))


# ------------------------------------------------------------------ status
def _column_report(plan_row: dict | None, run_report: dict | None
                   ) -> list[dict[str, Any]]:
    profile = (plan_row or {}).get("profile") or {}
    plan = (plan_row or {}).get("plan") or {}
    rules = plan.get("columns") or {}
    run_cols = (run_report or {}).get("columns") or {}
    out = []
    for prof in profile.get("columns") or []:
        name = prof["name"]
        rule = rules.get(name) or {}
        run = run_cols.get(name) or {}
        detected = {t: int(round(s * prof.get("non_empty", 0)))
                    for t, s in (prof.get("shares") or {}).items()}
        out.append({
            "name": name, "name_zh": prof.get("name_zh"),
            "type": prof.get("type") or rule.get("type"),
            "confidence": prof.get("confidence"),
            "sampled": prof.get("non_empty", 0), "detected": detected,
            "text_hits": prof.get("text_hits") or run.get("text_hits") or {},
            "quasi": prof.get("quasi"), "sensitivity": prof.get("sensitivity"),
            "operator": rule.get("operator", "keep"),
            "params": rule.get("params") or {},
            "direct": bool(rule.get("direct")),
            "scrub": name in (plan.get("scrub") or []),
            "quasi_identifier": name in (plan.get("quasi_identifiers") or []),
            "transformed": run.get("transformed"),
            "in_output": run.get("in_output"),
            "samples": run.get("samples") or [],
        })
    return out


def _job_summary(job: dict | None) -> dict | None:
    if job is None:
        return None
    return {k: job.get(k) for k in ("id", "kind", "status", "progress",
                                    "problems", "created_at", "started_at",
                                    "finished_at")}


def _plan_summary(plan_row: dict | None) -> dict | None:
    if plan_row is None:
        return None
    out = {k: plan_row.get(k) for k in (
        "id", "plan_id", "revision", "status", "created_at", "created_by",
        "confirmed_by", "confirmed_at", "reviewed_by", "reviewed_at",
        "review_decision", "review_reason", "plan", "problems")}
    zh, en = review.STATUS_TEXT.get(plan_row["status"],
                                    (plan_row["status"],) * 2)
    out["status_text"] = {"zh": zh, "en": en}
    out["submitted_by_user"] = review.user_label(plan_row.get(
        "confirmed_by"))
    out["reviewed_by_user"] = review.user_label(plan_row.get("reviewed_by"))
    return out


def status_dict(res: model.Resource, user: Any = None) -> dict[str, Any]:
    """Everything the report page shows; ``user`` (model.User) adds what
    that user may do in the review."""
    row = dz.get_resource(res.id) or {}
    role, state = row.get("role"), row.get("state")
    source_id = row.get("source_id")
    original_id = source_id if role == dz.DERIVATIVE else res.id
    plan_row = dz.current_plan(original_id)
    run_job = dz.latest_job(original_id, "run")
    scan_job = dz.latest_job(original_id, "scan")
    run_report = (run_job or {}).get("report") if run_job else None
    release = dz.published_release(original_id) or dz.latest_release(
        original_id)
    text = gate.STATE_TEXT.get(state or "", None)
    return {
        "resource_id": res.id, "package_id": res.package_id,
        "tracked": bool(row), "role": role, "state": state,
        "state_text": {"zh": text[0], "en": text[1]} if text else None,
        "public": gate.is_public(res),
        "encoding": row.get("encoding"), "messages": row.get("message") or [],
        "derivative_id": row.get("derivative_id"), "source_id": source_id,
        "scan": _job_summary(scan_job), "run": _job_summary(run_job),
        "plan": _plan_summary(plan_row),
        "review": review.review_state(
            user, model.Package.get(res.package_id), plan_row),
        "history": [review.event_dict(e) for e in dz.events_of(
            original_id)],
        "profile": {k: v for k, v in ((plan_row or {}).get("profile")
                                      or {}).items() if k != "columns"},
        "columns": _column_report(plan_row, run_report),
        "k_anonymity": (run_report or {}).get("k_anonymity"),
        "verification": (run_report or {}).get("verification"),
        "release": release,
        "master_key_configured": keys.configured(),
    }


@tk.side_effect_free
def govopen_desensitize_status(context, data_dict):
    """State, jobs with progress, detection report, plan and release of a
    resource (an original or its derivative).

    :param resource_id: resource id
    """
    data = _validate(data_dict, schema.resource_schema, context)
    tk.check_access("govopen_desensitize_status", context, data)
    return status_dict(_resource(data["resource_id"]),
                       policy.user_from_context(context))


# ----------------------------------------------------------------- extract
def govopen_desensitize_extract(context, data_dict):
    """The per-grant extract of a resource: only the grant's approved data
    items, with grant- and recipient-keyed pseudonyms (GUIDE §6.7).

    :param grant_id: an active grant (see ``govopen_grant_create``)
    :param resource_id: a resource the grant covers
    :returns: the extract (id, sha256, rows, columns, manifest, download
        ``url``); the file itself is served at that url to the grantee
    """
    data = _validate(data_dict, schema.extract_schema, context)
    grant = grants.get(data["grant_id"])
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    tk.check_access("govopen_desensitize_extract", context, data)
    if not grant["active"]:
        raise ValidationError({"grant_id": [
            "授权已失效 / The grant is not active"]})
    try:
        row = jobs.extract_for_grant(grant, data["resource_id"],
                                     _user_name(context))
    except jobs.ExtractError as exc:
        raise ValidationError({"resource_id": [
            f"{exc.problem['zh']} / {exc.problem['en']}"]})
    except keys.MasterKeyMissing as exc:
        raise ValidationError({"master_key": [f"{exc.zh} / {exc.en}"]})
    return public_extract(row)


def public_extract(row: dict) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "path"}
    try:
        out["url"] = tk.url_for("govopen_desensitize.extract_download",
                                extract_id=row["id"], _external=True)
    except Exception:  # no request context (jobs, CLI)
        out["url"] = f"/govopen/desensitize/extract/{row['id']}"
    return out


# -------------------------------------------------------------- leak trace
def govopen_leak_trace(context, data_dict):
    """Name the grant a leaked file came from.

    :param upload: the leaked file (multipart upload)
    :param package_id: the dataset it is thought to come from (optional;
        without it, sysadmins and the authority search every extract)
    :param format: csv/tsv/xlsx/json if the file name does not say
    :returns: ``{"grant_id", "recipient_id", "method", "confidence",
        "extract_id", "scores", "problems"}``
    """
    data = _validate(data_dict, schema.leak_trace_schema, context)
    tk.check_access("govopen_leak_trace", context, data)
    upload = data["upload"]
    pkg_id = None
    if data.get("package_id"):
        pkg_id = model.Package.get(data["package_id"]).id
    rows = dz.extracts(pkg_id)
    try:
        key = keys.master_key()
    except keys.MasterKeyMissing as exc:
        raise ValidationError({"master_key": [f"{exc.zh} / {exc.en}"]})
    name = getattr(upload, "filename", None) or "leak.csv"
    ext = os.path.splitext(name)[1].lower() or ".csv"
    if data.get("format"):
        ext = "." + data["format"].lower().lstrip(".")
    tmp = tempfile.mkdtemp(prefix="trace-", dir=jobs.storage_dir("tmp"))
    path = os.path.join(tmp, "leak" + ext)
    try:
        stream = getattr(upload, "stream", upload)
        with open(path, "wb") as fh:
            if hasattr(stream, "read"):
                shutil.copyfileobj(stream, fh)
            else:
                raise ValidationError({"upload": [
                    "请上传文件 / Upload a file"]})
        from .trace import trace
        candidates = [{"grant_id": r["grant_id"],
                       "recipient_id": r["recipient_id"], "key": key,
                       "dataset_id": r["package_id"],
                       "release_id": r["release_id"],
                       "manifest": r["manifest"], "extract_id": r["id"]}
                      for r in rows]
        # one candidate per grant and release (extracts may repeat)
        seen, unique = set(), []
        for c in candidates:
            ident = (c["grant_id"], c["release_id"], c["manifest"]["sha256"])
            if ident not in seen:
                seen.add(ident)
                unique.append(c)
        result = trace(path, unique) if unique else {
            "grant_id": None, "scores": [], "method": None}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    found = next((c for c in unique if c["grant_id"] == result.get(
        "grant_id")), None) if unique else None
    return {"grant_id": result.get("grant_id"),
            "recipient_id": found["recipient_id"] if found else None,
            "extract_id": found["extract_id"] if found else None,
            "method": result.get("method"),
            "confidence": result.get("confidence", 0.0),
            "candidates": len(unique),
            "scores": result.get("scores", []),
            "problems": result.get("problems", [])}


# ----------------------------------------------------------- chained core
WITHHELD = ("原始数据含个人信息，不能载入数据存储；仅脱敏后的衍生数据可载入 / "
            "The original contains personal data and cannot be loaded into "
            "the DataStore; only the desensitized derivative can")


@tk.chained_action
def datastore_create(next_action, context, data_dict):
    if gate.refuses_datastore(data_dict.get("resource_id") or ""):
        raise ValidationError({"resource_id": [WITHHELD]})
    return next_action(context, data_dict)


@tk.chained_action
def datastore_upsert(next_action, context, data_dict):
    if gate.refuses_datastore(data_dict.get("resource_id") or ""):
        raise ValidationError({"resource_id": [WITHHELD]})
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action, context, data_dict):
    """Publication gate for datasets: going public is refused while an
    original with personal data has no published derivative."""
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name")
                            or "")
    going_public = (pkg is not None and pkg.private
                    and not tk.asbool(data_dict.get("private", pkg.private)))
    if going_public and not context.get(jobs.INTERNAL):
        open_type = data_dict.get("open_type") or policy.open_type_of(pkg)
        blocking = gate.blockers(pkg) if open_type == policy.UNIVERSAL else []
        if blocking:
            raise ValidationError({"private": [
                "含个人信息的原始数据尚未完成脱敏发布，数据集不能公开："
                + "；".join(b["zh"] for b in blocking)
                + " / The dataset cannot be made public until every original "
                "with personal data has a published desensitized derivative: "
                + "; ".join(b["en"] for b in blocking)]})
    return next_action(context, data_dict)


def get_actions() -> dict[str, Any]:
    from ckan.plugins import plugin_loaded
    out = {
        "govopen_desensitize_scan": govopen_desensitize_scan,
        "govopen_desensitize_rules_update": govopen_desensitize_rules_update,
        "govopen_desensitize_plan_submit": govopen_desensitize_plan_submit,
        "govopen_desensitize_plan_approve": govopen_desensitize_plan_approve,
        "govopen_desensitize_plan_reject": govopen_desensitize_plan_reject,
        "govopen_desensitize_history": govopen_desensitize_history,
        "govopen_desensitize_review_list": govopen_desensitize_review_list,
        "govopen_desensitize_run": govopen_desensitize_run,
        "govopen_desensitize_status": govopen_desensitize_status,
        "govopen_desensitize_extract": govopen_desensitize_extract,
        "govopen_leak_trace": govopen_leak_trace,
        "package_update": package_update,
    }
    if plugin_loaded("datastore"):
        out["datastore_create"] = datastore_create
        out["datastore_upsert"] = datastore_upsert
    return out
