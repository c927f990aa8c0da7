"""The publication gate (GUIDE §2 rule 4, §6.5 step 4).

``access/policy.py`` decides who gets data; for 普遍开放 datasets it asks its
``is_public_derivative`` hook whether a resource may go to the public, and
that hook calls :func:`is_public` here when ``govopen_desensitize`` is
loaded. The answer comes from ``govopen_desensitize_resource`` (not from
resource extras, which editors can change):

* ``original`` (any state): never public; the provider department, the
  authority and sysadmins still get it through the policy's staff rule.
* ``derivative``: public once its release is published (verification found
  no direct identifier and k passed).
* ``clean``: an upload whose scan found nothing to desensitize: public.
* untracked: public, except uploads flagged ``desensitize_role`` in their
  extras (original, or a "derivative" the workflow did not produce) and
  uploads of datasets that declare ``contains_personal_info`` (fail closed
  until scanned).

:func:`loader_allowed` is the DataStore gate: only derivatives and clean
uploads may be loaded.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from ckan import model

from . import model as dz

WITHHELD_MSG = ("含个人信息的原始数据仅数源单位可见，公众仅可获取脱敏后的衍生数据",
                "The original contains personal data and is visible to the "
                "provider department only; the public gets the desensitized "
                "derivative")


def _extras(resource: Union[model.Resource, dict]) -> dict:
    if isinstance(resource, model.Resource):
        return resource.extras or {}
    return resource


def _resource_obj(resource: Union[model.Resource, dict]
                  ) -> Optional[model.Resource]:
    if isinstance(resource, model.Resource):
        return resource
    rid = resource.get("id") if isinstance(resource, dict) else None
    return model.Resource.get(rid) if rid else None


def _pkg_obj(pkg: Any, res: Optional[model.Resource]
             ) -> Optional[model.Package]:
    if isinstance(pkg, model.Package):
        return pkg
    if res is not None:
        return model.Package.get(res.package_id)
    if isinstance(pkg, dict) and pkg.get("id"):
        return model.Package.get(pkg["id"])
    return None


def declares_personal_info(pkg: Optional[model.Package]) -> bool:
    if pkg is None:
        return False
    return str((pkg.extras or {}).get("contains_personal_info", "")).lower() \
        == "true"


def is_public(resource: Union[model.Resource, dict], pkg: Any = None) -> bool:
    """May this resource of a public 普遍开放 dataset go to everyone?"""
    res = _resource_obj(resource)
    if res is None:  # a bare dict, not a stored resource: flags only
        return _extras(resource).get("desensitize_role") != dz.ORIGINAL
    row = dz.get_resource(res.id)
    if row is not None:
        if row["role"] == dz.DERIVATIVE:
            return row["state"] in dz.PUBLIC_STATES
        return row["role"] == dz.CLEAN
    if _extras(res).get("desensitize_role") in (dz.ORIGINAL, dz.DERIVATIVE):
        return False
    if res.url_type == "upload" and declares_personal_info(_pkg_obj(pkg, res)):
        return False
    return True


def loader_allowed(resource_id: str) -> bool:
    """Only derivatives and clean uploads may enter the DataStore through
    the workflow (GUIDE §6.7 CKAN mapping: originals never)."""
    row = dz.get_resource(resource_id)
    if row is None:
        return False
    if row["role"] == dz.DERIVATIVE:
        return True
    return row["role"] == dz.CLEAN


def refuses_datastore(resource_id: str) -> bool:
    """DataStore writes refused for this resource (an original or an
    upload still waiting for its scan)."""
    row = dz.get_resource(resource_id)
    if row is not None:
        return row["role"] == dz.ORIGINAL
    res = model.Resource.get(resource_id)
    return res is not None and (res.extras or {}).get(
        "desensitize_role") == dz.ORIGINAL


def blockers(pkg: model.Package) -> list[dict[str, Any]]:
    """Originals of a dataset that keep it from being fully published, with
    a bilingual reason each (shown on the dataset and resource pages)."""
    out = []
    for row in dz.resources_of(pkg.id):
        if row["role"] != dz.ORIGINAL:
            continue
        deriv = dz.derivative_of(row["resource_id"])
        if deriv is not None and deriv["state"] in dz.PUBLIC_STATES:
            continue
        zh, en = STATE_TEXT.get(row["state"], STATE_TEXT["pending"])
        out.append({"resource_id": row["resource_id"], "state": row["state"],
                    "zh": zh, "en": en})
    return out


STATE_TEXT = {
    "pending": ("等待检测", "Waiting for the scan"),
    "scanning": ("正在检测", "Scanning"),
    "scanned": ("检测到个人信息，待确认脱敏规则并经部门审核批准后方可公开",
                "Personal data detected: confirm the rules and have the "
                "department reviewer approve them before it can be "
                "published"),
    "scan_failed": ("文件无法检测，请修正后重新上传",
                    "The file could not be scanned; fix it and upload again"),
    "submitted": ("规则已确认，等待部门审核人批准",
                  "Rules confirmed, awaiting the department reviewer's "
                  "approval"),
    "rejected": ("部门审核人退回了脱敏规则，请修改后重新提交",
                 "The department reviewer rejected the rules; edit and "
                 "submit them again"),
    "approved": ("规则已获批准，等待脱敏", "Rules approved, waiting for the run"),
    "running": ("正在脱敏", "Desensitizing"),
    "blocked": ("脱敏结果未通过校验，已阻止发布",
                "The desensitized file failed verification; publication "
                "blocked"),
    "run_failed": ("脱敏失败", "The run failed"),
    "published": ("已发布脱敏数据", "Desensitized data published"),
    "clean": ("未检测到个人信息", "No personal data detected"),
}
