"""Background jobs of the 脱敏 workflow (GUIDE §6.5), run by CKAN's RQ
workers (``ckan jobs worker govopen_desensitize``).

* :func:`scan_job`: profile the original, store the detection report and
  the proposed plan as a draft; a file without anything to desensitize
  becomes ``clean`` (public), anything else stays a private original.
* :func:`run_job`: apply the approved plan (confirmed by the publisher,
  approved by the department reviewer: review.py), verify the derivative
  (the engine re-scans it), publish it as a separate resource and load it,
  and only it, into the DataStore. Leftover identifiers or a failed k check
  block publication. Either outcome goes to the event log with the plan
  version, release id, key id, counts per type and the k report.
* :func:`load_datastore`: the only loader of this deployment; it refuses
  anything but derivatives and clean uploads.
* :func:`extract_for_grant`: the per-grant extract of a resource.

Jobs never raise for bad input: problems (zh/en) go to the job row, and the
original file is only ever read.
"""
from __future__ import annotations

import csv
import logging
import os
import shutil
import tempfile
import time
from typing import Any, Optional

from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.lib import uploader
import ckan.plugins.toolkit as tk

from ckanext.govopen.schema import stored

from . import engine, gate, keys
from . import model as dz
from .extract import make_grant_extract, sha256_file
from .registry import ckan_registry

log = logging.getLogger(__name__)

INTERNAL = "govopen_desensitize_internal"
FORMATS = {"csv": "csv", "tsv": "tsv", "txt": "csv", "xlsx": "xlsx",
           "xls": "xls", "json": "json", "ndjson": "ndjson",
           "jsonl": "ndjson"}
LOAD_BATCH = 5000


# ------------------------------------------------------------------ config
def queue_name() -> str:
    return tk.config.get("ckanext.govopen.desensitize.queue") or \
        "govopen_desensitize"


def inline_jobs() -> bool:
    return tk.asbool(tk.config.get("ckanext.govopen.desensitize.inline_jobs",
                                   False))


def default_k() -> int:
    return tk.asint(tk.config.get("ckanext.govopen.desensitize.k", 5))


def max_suppression() -> float:
    return float(tk.config.get("ckanext.govopen.desensitize.max_suppression", 0.05))


def memory_limit_mb() -> int:
    return tk.asint(tk.config.get("ckanext.govopen.desensitize.memory_limit_mb", 1024))


def storage_dir(*parts: str) -> str:
    base = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    path = os.path.join(base, "govopen_desensitize", *parts)
    os.makedirs(path, exist_ok=True)
    return path


# ----------------------------------------------------------------- helpers
def site_context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True, INTERNAL: True}


def upload_path(resource_id: str) -> Optional[str]:
    up = uploader.get_resource_uploader({"id": resource_id,
                                         "url_type": "upload"})
    path = up.get_path(resource_id)
    return path if path and os.path.exists(path) else None


def file_format(res: model.Resource) -> Optional[str]:
    """Engine format of an upload, from its format field or file name;
    None when the workflow does not handle it (PDF, images …)."""
    fmt = (res.format or "").strip().lower().lstrip(".")
    if fmt in FORMATS:
        return FORMATS[fmt]
    ext = os.path.splitext((res.url or "").rsplit("/", 1)[-1])[1]
    return FORMATS.get(ext.lower().lstrip("."))


def needs_desensitizing(plan: dict, pkg: model.Package) -> bool:
    """Anything to transform or scrub, or personal data declared?"""
    if gate.declares_personal_info(pkg):
        return True
    if plan.get("scrub"):
        return True
    return any(r.get("operator") != "keep" or r.get("direct")
               for r in (plan.get("columns") or {}).values())


def _fail(job_id: str, problems: list[dict], status: str = "failed",
          report: Optional[dict] = None) -> None:
    dz.update_job(job_id, status=status, problems=problems, report=report,
                  finished_at=dz.now())


# ----------------------------------------------------------------- enqueue
def enqueue(job: dict[str, Any]) -> dict[str, Any]:
    """Queue a job row (or run it now with ``inline_jobs``). Commits."""
    fn = {"scan": scan_job, "run": run_job}[job["kind"]]
    dz.commit()
    if inline_jobs():
        fn(job["id"])
        return dz.get_job(job["id"])
    rq_job = tk.enqueue_job(fn, [job["id"]], queue=queue_name(),
                            title=f"govopen desensitize {job['kind']} "
                                  f"{job['resource_id']}")
    dz.update_job(job["id"], rq_job_id=rq_job.id)
    dz.commit()
    return dz.get_job(job["id"])


def start_scan(resource_id: str, user: Optional[str] = None) -> dict:
    res = model.Resource.get(resource_id)
    dz.set_resource(resource_id, res.package_id, role=dz.ORIGINAL,
                    state="pending", message=[])
    job = dz.add_job(kind="scan", resource_id=resource_id,
                     package_id=res.package_id, created_by=user)
    return enqueue(job)


def start_run(resource_id: str, plan_row: dict, user: Optional[str] = None
              ) -> dict:
    res = model.Resource.get(resource_id)
    dz.set_resource(resource_id, res.package_id, state=dz.APPROVED)
    job = dz.add_job(kind="run", resource_id=resource_id,
                     package_id=res.package_id, plan_row_id=plan_row["id"],
                     created_by=user)
    return enqueue(job)


# -------------------------------------------------------------------- scan
def scan_job(job_id: str) -> None:
    job = dz.get_job(job_id)
    if job is None:
        return
    res = model.Resource.get(job["resource_id"])
    if res is None or res.state != "active":
        _fail(job_id, [{"code": "not_found", "zh": "资源不存在",
                        "en": "Resource not found", "severity": "error"}])
        dz.commit()
        return
    pkg = model.Package.get(res.package_id)
    dz.update_job(job_id, status="running", started_at=dz.now(),
                  progress=0.05)
    dz.set_resource(res.id, pkg.id, state="scanning")
    dz.commit()
    path = upload_path(res.id)
    fmt = file_format(res)
    if path is None:
        result = {"ok": False, "problems": [{
            "code": "missing_file", "zh": "找不到上传的文件",
            "en": "The uploaded file is missing", "severity": "error"}]}
    else:
        try:
            result = engine.scan(path, registry=ckan_registry(),
                                 data_items=stored.data_items(pkg), fmt=fmt,
                                 k=default_k(), workdir=storage_dir("tmp"),
                                 memory_limit_mb=memory_limit_mb(),
                                 max_suppression=max_suppression())
        except Exception as exc:  # engine promises not to raise; be sure
            log.exception("scan of %s failed", res.id)
            result = {"ok": False, "problems": [{
                "code": "internal", "zh": "检测过程出错",
                "en": f"The scan failed: {type(exc).__name__}",
                "severity": "error"}]}
    if not result.get("ok"):
        dz.set_resource(res.id, pkg.id, role=dz.ORIGINAL,
                        state="scan_failed", message=result["problems"])
        _fail(job_id, result["problems"], report={"profile": None})
        dz.commit()
        return
    plan = result["plan"]
    previous = dz.latest_plan(res.id)
    plan["plan_id"] = previous["plan_id"] if previous else dz.new_id()
    plan["revision"] = previous["revision"] + 1 if previous else 1
    plan_row = dz.add_plan(resource_id=res.id, package_id=pkg.id, plan=plan,
                           status=dz.DRAFT, profile=result["profile"],
                           problems=result["problems"],
                           created_by=job["created_by"])
    dz.add_event(resource_id=res.id, package_id=pkg.id, action="proposed",
                 plan_row=plan_row, to_status=dz.DRAFT,
                 actor=job["created_by"],
                 details={"job_id": job_id, "encoding": result["profile"].get(
                     "encoding")})
    encoding = result["profile"].get("encoding")
    if needs_desensitizing(plan, pkg):
        dz.set_resource(res.id, pkg.id, role=dz.ORIGINAL, state="scanned",
                        encoding=encoding, message=result["problems"])
    else:
        dz.set_resource(res.id, pkg.id, role=dz.CLEAN, state="clean",
                        encoding=encoding, message=result["problems"])
    dz.update_job(job_id, status="done", progress=1.0, finished_at=dz.now(),
                  plan_row_id=plan_row["id"], problems=result["problems"],
                  report={"profile": result["profile"]})
    dz.commit()
    _patch_resource(res.id, encoding=encoding or res.extras.get("encoding"),
                    desensitize_role=dz.get_resource(res.id)["role"])
    if dz.get_resource(res.id)["role"] == dz.CLEAN and path:
        load_datastore(res.id, path, fmt=fmt)


def _patch_resource(resource_id: str, **values: Any) -> Optional[str]:
    """resource_patch as the site user; returns an error text instead of
    raising (a dataset that fails validation must not fail the job)."""
    try:
        tk.get_action("resource_patch")(site_context(),
                                        dict(values, id=resource_id))
        return None
    except tk.ValidationError as exc:
        model.Session.rollback()
        log.warning("resource_patch %s: %s", resource_id, exc.error_dict)
        return str(exc.error_dict)


# --------------------------------------------------------------------- run
class _Progress:
    """Throttled progress writes (the engine calls from its threads)."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        t = time.monotonic()
        if t - self.last < 0.5 and fraction < 1.0:
            return
        self.last = t
        try:
            dz.set_job_progress(self.job_id, 0.05 + 0.8 * fraction)
        except Exception:  # progress is best effort
            log.debug("progress write failed", exc_info=True)


def summarize(report: dict) -> dict:
    """Counts per detected type and operator (for the release row)."""
    counts: dict[str, Any] = {"types": {}, "operators": {}, "text_hits": {}}
    for col in (report.get("columns") or {}).values():
        if col.get("type"):
            counts["types"][col["type"]] = counts["types"].get(
                col["type"], 0) + int(col.get("transformed") or 0)
        if col.get("operator"):
            counts["operators"][col["operator"]] = counts["operators"].get(
                col["operator"], 0) + 1
        for t, n in (col.get("text_hits") or {}).items():
            counts["text_hits"][t] = counts["text_hits"].get(t, 0) + n
    return counts


def run_job(job_id: str) -> None:
    job = dz.get_job(job_id)
    if job is None:
        return
    res = model.Resource.get(job["resource_id"])
    plan_row = dz.get_plan(job["plan_row_id"] or "")
    if res is None or res.state != "active" or plan_row is None \
            or plan_row["status"] != dz.APPROVED:
        # also when the rules were edited after the approval: the new
        # revision needs its own
        _fail(job_id, [{"code": "not_approved",
                        "zh": "没有经部门审核批准的脱敏规则",
                        "en": "There is no plan approved by the department "
                              "reviewer",
                        "severity": "error"}])
        dz.commit()
        return
    pkg = model.Package.get(res.package_id)
    dz.update_job(job_id, status="running", started_at=dz.now(),
                  progress=0.05)
    dz.set_resource(res.id, pkg.id, state="running")
    dz.commit()
    try:
        key = keys.master_key()
    except keys.MasterKeyMissing as exc:
        dz.set_resource(res.id, pkg.id, state="run_failed",
                        message=[exc.problem()])
        _fail(job_id, [exc.problem()])
        _run_event(res, plan_row, job, "run_failed", problems=[exc.problem()])
        dz.commit()
        return
    path = upload_path(res.id)
    release_id = dz.new_id()
    workdir = tempfile.mkdtemp(prefix="run-", dir=storage_dir("tmp"))
    base = os.path.splitext((res.url or res.id).rsplit("/", 1)[-1])[0]
    out_path = os.path.join(workdir, f"{base or 'data'}-desensitized.csv")
    try:
        if path is None:
            report = {"ok": False, "problems": [{
                "code": "missing_file", "zh": "找不到上传的文件",
                "en": "The uploaded file is missing", "severity": "error"}]}
        else:
            report = engine.run(path, plan_row["plan"], out_path, key=key,
                                scope=(pkg.id, release_id),
                                registry=ckan_registry(),
                                progress=_Progress(job_id),
                                fmt=file_format(res), workdir=workdir,
                                memory_limit_mb=memory_limit_mb())
        if not report.get("ok"):
            dz.set_resource(res.id, pkg.id, state="run_failed",
                            message=report["problems"])
            _fail(job_id, report["problems"], report=report)
            _run_event(res, plan_row, job, "run_failed",
                       problems=report["problems"])
            dz.commit()
            return
        release = dz.add_release(
            id=release_id, resource_id=res.id, package_id=pkg.id,
            job_id=job_id, plan_row_id=plan_row["id"],
            plan_id=plan_row["plan_id"], plan_revision=plan_row["revision"],
            key_id=report.get("key_id"), sha256=sha256_file(out_path),
            rows_in=report.get("rows_in"), rows_out=report.get("rows_out"),
            counts=summarize(report), k_anonymity=report.get("k_anonymity"),
            publishable=bool(report.get("publishable")), published=False,
            created_by=job["created_by"])
        if not report.get("publishable"):
            dz.set_resource(res.id, pkg.id, state="blocked",
                            message=report["problems"])
            _fail(job_id, report["problems"], status="blocked",
                  report=report)
            _run_event(res, plan_row, job, "blocked", release=release,
                       report=report)
            dz.commit()
            return
        dz.update_job(job_id, progress=0.9)
        dz.commit()
        deriv_id = publish_derivative(res, pkg, out_path, plan_row, release,
                                      report)
        dz.update_release(release_id, derivative_id=deriv_id, published=True)
        dz.set_resource(res.id, pkg.id, state="published",
                        derivative_id=deriv_id, message=report["problems"])
        dz.update_job(job_id, status="done", progress=1.0, report=report,
                      problems=report["problems"], finished_at=dz.now())
        _run_event(res, plan_row, job, "published",
                   release=dz.get_release(release_id), report=report)
        dz.commit()
        _set_dataset_plan(pkg, plan_row["plan_id"])
        load_datastore(deriv_id, out_path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_event(res: model.Resource, plan_row: dict, job: dict, action: str,
               release: Optional[dict] = None, report: Optional[dict] = None,
               problems: Optional[list] = None) -> None:
    """The §6.5 audit record of a run: plan version, release id, key id,
    counts per type and the k report (blocked runs too: they show why)."""
    details: dict[str, Any] = {"job_id": job["id"],
                               "approved_by": plan_row.get("reviewed_by")}
    if release is not None:
        details.update({k: release.get(k) for k in (
            "key_id", "sha256", "rows_in", "rows_out", "counts",
            "k_anonymity", "derivative_id")})
        details["release_id"] = release["id"]
    if report is not None:
        details["verification_ok"] = bool(
            (report.get("verification") or {}).get("ok"))
    if problems:
        details["problems"] = problems
    dz.add_event(resource_id=res.id, package_id=res.package_id,
                 action=action, plan_row=plan_row, actor=job["created_by"],
                 details=details)


def publish_derivative(res: model.Resource, pkg: model.Package,
                       out_path: str, plan_row: dict, release: dict,
                       report: dict) -> str:
    """Create the derivative resource (or replace its file) as the site
    user; the role is recorded before the file becomes visible."""
    existing = dz.derivative_of(res.id)
    name = os.path.basename(out_path)
    fields = {
        "name": f"{res.name or name}（脱敏）",
        "format": "CSV", "access_mode": "download", "encoding": "UTF-8",
        "desensitized": "true", "record_count": str(report.get("rows_out")),
        "desensitize_role": dz.DERIVATIVE, "desensitize_source": res.id,
        "desensitize_plan_id": plan_row["plan_id"],
        "desensitize_plan_revision": str(plan_row["revision"]),
        "desensitize_release_id": release["id"],
        "description": (res.description or "") and
        f"{res.description}\n\n（脱敏衍生数据 / desensitized derivative）",
    }
    ctx = site_context()
    with open(out_path, "rb") as fh:
        upload = FileStorage(stream=fh, filename=name,
                             content_type="text/csv")
        if existing is not None and model.Resource.get(
                existing["resource_id"]) is not None and model.Resource.get(
                existing["resource_id"]).state == "active":
            deriv_id = existing["resource_id"]
            dz.set_resource(deriv_id, pkg.id, role=dz.DERIVATIVE,
                            state="updating", source_id=res.id)
            dz.commit()
            tk.get_action("resource_patch")(ctx, dict(
                fields, id=deriv_id, url=name, url_type="upload",
                upload=upload))
        else:
            out = tk.get_action("resource_create")(ctx, dict(
                fields, package_id=pkg.id, url=name, url_type="upload",
                upload=upload))
            deriv_id = out["id"]
    dz.set_resource(deriv_id, pkg.id, role=dz.DERIVATIVE, state="published",
                    source_id=res.id, encoding="UTF-8", message=[])
    dz.commit()
    return deriv_id


def _set_dataset_plan(pkg: model.Package, plan_id: str) -> None:
    if (pkg.extras or {}).get("desensitization_plan") == plan_id:
        return
    try:
        tk.get_action("package_patch")(site_context(), {
            "id": pkg.id, "desensitization_plan": plan_id})
    except tk.ValidationError as exc:
        model.Session.rollback()
        log.warning("could not record the plan on %s: %s", pkg.id,
                    exc.error_dict)


# --------------------------------------------------------------- DataStore
def load_datastore(resource_id: str, path: str, fmt: Optional[str] = None
                   ) -> dict[str, Any]:
    """Load a derivative (UTF-8 CSV) or a clean upload into the DataStore
    with ``datastore_create`` + batched ``datastore_upsert``. Refuses
    originals. Returns ``{"loaded": bool, "rows": n, "reason": …}``."""
    from ckan.plugins import plugin_loaded
    if not plugin_loaded("datastore"):
        return {"loaded": False, "rows": 0, "reason": "datastore not loaded"}
    if not gate.loader_allowed(resource_id):
        return {"loaded": False, "rows": 0, "reason": gate.WITHHELD_MSG[1]}
    row = dz.get_resource(resource_id)
    if row["role"] == dz.CLEAN and fmt not in (None, "csv"):
        return {"loaded": False, "rows": 0,
                "reason": "only CSV uploads are loaded"}
    ctx = site_context()
    encoding = "utf-8-sig"
    if row["role"] == dz.CLEAN and (row.get("encoding") or "").upper() in (
            "GBK", "GB18030", "GB2312"):
        encoding = "gb18030"
    rows = 0
    with open(path, newline="", encoding=encoding) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            return {"loaded": False, "rows": 0, "reason": "empty file"}
        fields = [{"id": h, "type": "text"} for h in header]
        try:
            tk.get_action("datastore_delete")(dict(ctx), {
                "resource_id": resource_id, "force": True})
        except tk.ObjectNotFound:
            pass
        tk.get_action("datastore_create")(dict(ctx), {
            "resource_id": resource_id, "force": True, "fields": fields,
            "records": []})
        batch: list[dict] = []
        for record in reader:
            batch.append(dict(zip(header, record)))
            if len(batch) >= LOAD_BATCH:
                _upsert(ctx, resource_id, batch)
                rows += len(batch)
                batch = []
        if batch:
            _upsert(ctx, resource_id, batch)
            rows += len(batch)
    return {"loaded": True, "rows": rows}


def _upsert(ctx: dict, resource_id: str, records: list[dict]) -> None:
    tk.get_action("datastore_upsert")(dict(ctx), {
        "resource_id": resource_id, "force": True, "method": "insert",
        "records": records})


# ---------------------------------------------------------------- extracts
class ExtractError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.problem = {"code": code, "zh": zh, "en": en, "severity": "error"}


def extract_for_grant(grant: dict[str, Any], resource: Any,
                      created_by: Optional[str] = None) -> dict[str, Any]:
    """The per-grant extract of ``resource`` (id, dict or model.Resource)
    for ``grant`` (a grant dict from the access module): only the grant's
    approved data items, pseudonymised with grant- and recipient-keyed
    tokens (GUIDE §6.7). Reuses an extract of the same grant and release.
    Returns the extract row (``path`` is the file to serve). Raises
    :class:`ExtractError` (bilingual) or :class:`keys.MasterKeyMissing`."""
    if isinstance(resource, model.Resource):
        res = resource
    else:
        rid = resource.get("id") if isinstance(resource, dict) else resource
        res = model.Resource.get(rid or "")
    if res is None or res.state != "active" or \
            res.package_id != grant.get("package_id"):
        raise ExtractError("not_found", "资源不属于该授权的数据集",
                           "The resource is not in the grant's dataset")
    if grant.get("resource_ids") and res.id not in grant["resource_ids"]:
        raise ExtractError("not_covered", "授权不包含该资源",
                           "The grant does not cover this resource")
    plan_row = dz.approved_plan(res.id)
    if plan_row is None:
        tracked = dz.get_resource(res.id)
        if tracked is not None and tracked["role"] == dz.ORIGINAL:
            # personal data found and no approved rules (yet, or any more
            # after an edit): never fall back to the upload itself
            raise ExtractError("not_approved",
                               "该资源的脱敏方案尚未获部门审核批准，暂不能提供授权数据",
                               "The resource's desensitization plan has not "
                               "been approved by the department reviewer; "
                               "no extract can be made yet")
        raise ExtractError("no_confirmed_plan",
                           "该资源没有已批准的脱敏规则，无法生成授权数据",
                           "The resource has no approved plan; no extract "
                           "can be made")
    key = keys.master_key()
    path = upload_path(res.id)
    if path is None:
        raise ExtractError("missing_file", "找不到上传的文件",
                           "The uploaded file is missing")
    release = dz.published_release(res.id) or dz.latest_release(res.id)
    release_id = release["id"] if release else f"plan-{plan_row['id']}"
    existing = dz.extract_for(grant["id"], res.id, release_id)
    if existing is not None and existing["manifest"].get("plan_revision") \
            == plan_row["revision"] and os.path.exists(existing["path"]):
        return existing
    plan = plan_row["plan"]
    output = [c for c in (plan.get("source") or {}).get("columns") or []]
    approved = list(grant.get("data_items") or []) or None
    if approved is not None:
        approved = [c for c in approved if c in output] or []
        if not approved:
            raise ExtractError("no_columns",
                               "授权的信息项在该资源中不存在",
                               "None of the granted data items is a column "
                               "of this resource")
    extract_id = dz.new_id()
    out_dir = storage_dir("extracts", grant["id"])
    out_path = os.path.join(out_dir, f"{extract_id}.csv")
    # make_grant_extract guesses the format from the file name; CKAN stores
    # uploads without one, so the engine reads the original via a symlink.
    link_dir = tempfile.mkdtemp(prefix="extract-", dir=storage_dir("tmp"))
    try:
        link = os.path.join(link_dir, "source." + (file_format(res) or "csv"))
        os.symlink(path, link)
        result = make_grant_extract(
            link, plan, out_path, grant_id=grant["id"],
            recipient_id=grant["user_id"], master_key=key,
            dataset_id=res.package_id, release_id=release_id,
            approved_columns=approved, registry=ckan_registry())
    finally:
        shutil.rmtree(link_dir, ignore_errors=True)
    if not result.get("ok"):
        probs = (result.get("report") or {}).get("problems") or []
        first = probs[0] if probs else {"zh": "生成失败", "en": "failed"}
        raise ExtractError(first.get("code", "extract_failed"),
                           first.get("zh", ""), first.get("en", ""))
    manifest = result["manifest"]
    row = dz.add_extract(
        id=extract_id, grant_id=grant["id"], recipient_id=grant["user_id"],
        resource_id=res.id, package_id=res.package_id, release_id=release_id,
        plan_id=plan_row["plan_id"], plan_revision=plan_row["revision"],
        key_id=manifest.get("key_id"), sha256=manifest["sha256"],
        rows=manifest.get("rows"), columns=manifest.get("columns"),
        manifest=manifest, path=out_path, created_by=created_by)
    dz.commit()
    return row
