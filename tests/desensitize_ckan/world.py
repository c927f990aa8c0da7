"""Data and helpers of the CKAN 脱敏 tests: a provider department (a
publisher and two admins, who are its reviewers), another department, the
authority, and synthetic people files (every identifier comes
from ckanext.govopen.desensitize.synthetic / ckanext.govopen.identifiers)."""
from __future__ import annotations

import csv
import io
import os
import random

from werkzeug.datastructures import FileStorage

from ckan.tests import factories, helpers

from ckanext.govopen.desensitize import synthetic as S
from ckanext.govopen.identifiers import generate_uscc
from site_plugins import SITE_PLUGINS

_names = SITE_PLUGINS.split()
if "govopen_access" not in _names:
    _names.insert(_names.index("govopen_schema") + 1, "govopen_access")
if "govopen_desensitize" not in _names:
    _names.insert(_names.index("govopen_access") + 1, "govopen_desensitize")
if "datastore" not in _names:
    _names.append("datastore")
PLUGINS = " ".join(_names)
EXAMPLE_PLUGINS = PLUGINS.replace(
    "govopen_desensitize", "govopen_desensitize govopen_desensitize_example", 1)

QUEUE = f"dz-test-{os.getpid()}"
MASTER_KEY = "9f" * 32
PASSWORD = "Test-Pass-2024!"
RNG = random.Random(6606)

# Jobs run inside the pytest process here, which also parents the browser:
# the job memory limit (RSS of the process tree) is tested on its own.
CONFIG = [("ckanext.govopen.desensitize.master_key", MASTER_KEY),
          ("ckanext.govopen.desensitize.queue", QUEUE),
          ("ckanext.govopen.desensitize.memory_limit_mb", "0")]

E2E_HEADER = ["姓名", "身份证号", "手机号", "性别", "办理事项"]
ITEMS_UNIVERSAL = [
    {"name_en": "gender", "name_zh": "性别", "data_type": "string",
     "sensitivity": "quasi_identifier"},
    {"name_en": "matter", "name_zh": "办理事项", "data_type": "string",
     "sensitivity": "none"},
]


def people_rows(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append([S.person_name(rng), S.id18(rng), S.mobile(rng),
                     rng.choice("男女"),
                     rng.choice(("居住证办理", "社保转移", "户籍迁入"))])
    return rows


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename,
                       content_type="text/csv")


def org(name, title, users=(), **kw):
    return factories.Organization(
        name=name, title=title, users=list(users),
        provider_code=generate_uscc(RNG, region="350100", authority="1",
                                    body_type="1"),
        region_code="350100", org_level="city", org_type="admin_organ",
        contact_name="林数据", contact_phone="0591-87654321",
        contact_email=f"{name}@rongxi.gov.example", **kw)


def dataset(owner, sysadmin, name, code, open_type="universal",
            items=None, **kw):
    data = dict(
        name=name, title=f"政务服务办件-{name}", owner_org=owner["id"],
        notes="政务服务中心办件明细，含办事人信息，按月更新，用于脱敏流程测试。",
        catalog_code=code, domain="3", open_type=open_type,
        share_type="unconditional", update_frequency="monthly",
        first_published="2024-01-15", contains_personal_info="true",
        license_id="cc-by", region_code="350102", record_count="60",
        data_items=items or ITEMS_UNIVERSAL, private=True)
    data.update(kw)
    return helpers.call_action("package_create", {"user": sysadmin["name"]},
                               **data)


def build() -> dict:
    users = {
        "publisher": factories.UserWithToken(password=PASSWORD),
        "dept_admin": factories.UserWithToken(password=PASSWORD),
        "dept_admin2": factories.UserWithToken(password=PASSWORD),
        "authority": factories.UserWithToken(password=PASSWORD),
        "citizen": factories.UserWithToken(password=PASSWORD),
        "grantee": factories.UserWithToken(password=PASSWORD),
        "grantee2": factories.UserWithToken(password=PASSWORD),
        "other_dept": factories.UserWithToken(password=PASSWORD),
        "sysadmin": factories.SysadminWithToken(password=PASSWORD),
    }
    provider = org("rx-gov-service", "榕溪市政务服务中心", [
        {"name": users["publisher"]["name"], "capacity": "editor"},
        {"name": users["dept_admin"]["name"], "capacity": "admin"},
        {"name": users["dept_admin2"]["name"], "capacity": "admin"}])
    users["other_admin"] = factories.UserWithToken(password=PASSWORD)
    other = org("rx-tax", "榕溪市税务局", [
        {"name": users["other_dept"]["name"], "capacity": "editor"},
        {"name": users["other_admin"]["name"], "capacity": "admin"}])
    authority = org("rx-bigdata", "榕溪市大数据管理局", [
        {"name": users["authority"]["name"], "capacity": "member"}],
        is_authority="true")
    return {"users": users, "orgs": {"provider": provider, "other": other,
                                     "authority": authority}}


def drain() -> int:
    """Run every queued job of the test queue in this process (rq's
    SimpleWorker, burst mode): the jobs run exactly as a worker runs them,
    minus the fork."""
    import rq
    from ckan.lib import jobs as ckan_jobs
    queue = ckan_jobs.get_queue(QUEUE)
    n = 0
    while queue.count:
        n += queue.count
        rq.SimpleWorker([queue], connection=queue.connection).work(
            burst=True, with_scheduler=False)
    return n


def ctx(user) -> dict:
    return {"user": user["name"], "ignore_auth": False} if user else \
        {"user": "", "ignore_auth": False}


def act(action, user, **kw):
    return helpers.call_action(action, ctx(user), **kw)


def confirm_and_approve(resource_id, publisher, reviewer, **rules):
    """The publisher confirms the rules, the department reviewer approves
    them (GUIDE §6.5 step 3); returns the queued run job."""
    act("govopen_desensitize_rules_update", publisher,
        resource_id=resource_id, confirm=True, **rules)
    return act("govopen_desensitize_plan_approve", reviewer,
               resource_id=resource_id)["job"]


def personal_upload(world: dict, name: str, code: str, encoding: str = "gbk",
                    n: int = 40, seed: int = 3) -> dict:
    """A universal dataset with one uploaded CSV of people (names, IDs,
    phones), as the publisher uploads it; returns the resource."""
    u = world["users"]
    pkg = dataset(world["orgs"]["provider"], u["sysadmin"], name, code)
    return act("resource_create", u["publisher"], package_id=pkg["id"],
               name="办件明细", format="CSV",
               upload=upload(csv_bytes(E2E_HEADER, people_rows(n, seed=seed),
                                       encoding), "办件.csv"))
