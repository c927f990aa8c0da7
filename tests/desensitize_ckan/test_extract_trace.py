"""Per-grant extracts of 授权开放 data and leak tracing (GUIDE §6.7)."""
import csv
import datetime as dt
import io
import random

import pytest

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.govopen.desensitize import synthetic as S

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]

HEADER = ["name", "id_number", "phone", "member_no", "gender", "amount"]
ITEMS = [
    {"name_en": "name", "name_zh": "姓名", "data_type": "string",
     "sensitivity": "direct_identifier"},
    {"name_en": "id_number", "name_zh": "身份证号", "data_type": "string",
     "sensitivity": "direct_identifier"},
    {"name_en": "phone", "name_zh": "手机号", "data_type": "string",
     "sensitivity": "direct_identifier"},
    {"name_en": "member_no", "name_zh": "会员编号", "data_type": "string",
     "sensitivity": "direct_identifier"},
    {"name_en": "gender", "name_zh": "性别", "data_type": "string",
     "sensitivity": "quasi_identifier"},
    {"name_en": "amount", "name_zh": "补贴金额", "data_type": "decimal",
     "sensitivity": "none"},
]
AUTH = dict(open_condition="签订协议，仅用于科研分析",
            usage_requirements="不得向第三方提供",
            security_requirements="等保二级以上系统",
            eligible_applicants=["research_institution"])


def rows(n=80, seed=9):
    rng = random.Random(seed)
    return [[S.person_name(rng), S.id18(rng), S.mobile(rng),
             f"HY{rng.randrange(10**7):07d}", rng.choice("男女"),
             f"{rng.randrange(100, 5000)}.{rng.randrange(100):02d}"]
            for _ in range(n)]


def read_csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_grant_extract_traced_back_to_its_grant(world, app):
    w = world
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], "subsidy",
                    "303001/000201", open_type="authorized", items=ITEMS,
                    **AUTH)
    data = rows()
    res = W.act("resource_create", u["publisher"], package_id=pkg["id"],
                name="补贴发放", format="CSV",
                upload=W.upload(W.csv_bytes(HEADER, data), "subsidy.csv"))
    W.drain()
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    ops = {c["name"]: c for c in st["columns"]}
    # the data item's sensitivity alone makes member_no a direct identifier
    assert ops["member_no"]["operator"] == "suppress"
    assert ops["id_number"]["operator"] == "pseudonymize"
    # nothing reaches a grantee before the department reviewer approves
    W.confirm_and_approve(res["id"], u["publisher"], u["dept_admin"])
    W.drain()
    now = dt.datetime.utcnow()
    sys_ctx = {"user": u["sysadmin"]["name"], "ignore_auth": False}
    grants = {}
    for who in ("grantee", "grantee2"):
        grants[who] = W.act(
            "govopen_grant_create", u["dept_admin"], user_id=u[who]["id"],
            package_id=pkg["id"], data_items=["id_number", "gender", "amount"],
            valid_from=(now - dt.timedelta(days=1)).isoformat(),
            valid_until=(now + dt.timedelta(days=30)).date().isoformat())
    # nobody else gets an extract of someone's grant
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_extract", u["grantee2"],
              grant_id=grants["grantee"]["id"], resource_id=res["id"])
    files = {}
    for who in ("grantee", "grantee2"):
        ext = W.act("govopen_desensitize_extract", u[who],
                    grant_id=grants[who]["id"], resource_id=res["id"])
        assert ext["columns"] == ["id_number", "gender", "amount"]
        assert ext["rows"] == 80 and "path" not in ext
        assert ext["manifest"]["grant_id"] == grants[who]["id"]
        r = app.get(f"/govopen/desensitize/extract/{ext['id']}",
                    headers={"Authorization": u[who]["token"]})
        assert r.status_code == 200
        files[who] = r.data.decode("utf-8")
        # the other grantee and anonymous users cannot download it
        other = "grantee2" if who == "grantee" else "grantee"
        assert app.get(f"/govopen/desensitize/extract/{ext['id']}",
                       headers={"Authorization": u[other]["token"]}
                       ).status_code == 403
        assert app.get(f"/govopen/desensitize/extract/{ext['id']}"
                       ).status_code == 403
    for who, text in files.items():
        table = read_csv(text)
        assert table[0] == ["id_number", "gender", "amount"]
        for row in data:
            assert row[1] not in text and row[0] not in text and \
                row[2] not in text and row[3] not in text
    # Once the 授权开放 dataset is public (metadata only), the ordinary
    # download URL gives a grantee the same per-grant extract, never the
    # original upload.
    W.act("package_patch", u["sysadmin"], id=pkg["id"], private=False)
    r = app.get(f"/dataset/{pkg['id']}/resource/{res['id']}/download",
                headers={"Authorization": u["grantee"]["token"]})
    assert r.status_code == 200
    assert read_csv(r.data.decode("utf-8")) == read_csv(files["grantee"])
    assert data[0][1] not in r.data.decode("utf-8")
    ids1 = {r[0] for r in read_csv(files["grantee"])[1:]}
    ids2 = {r[0] for r in read_csv(files["grantee2"])[1:]}
    assert not ids1 & ids2  # per-recipient pseudonyms

    # a leaked subset: 25 rows, shuffled, one column dropped, re-saved
    leaked = read_csv(files["grantee2"])[1:]
    random.Random(3).shuffle(leaked)
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(["证件号", "金额"])
    wr.writerows([[r[0], r[2]] for r in leaked[:25]])
    leak = buf.getvalue().encode("utf-8")

    for tracer in ("publisher", "authority"):
        out = W.act("govopen_leak_trace", u[tracer], package_id=pkg["id"],
                    upload=W.upload(leak, "leak.csv"))
        assert out["grant_id"] == grants["grantee2"]["id"]
        assert out["recipient_id"] == u["grantee2"]["id"]
        assert out["method"] == "token_tags" and out["confidence"] > 0.9
    # the whole extract, unchanged: matched by its manifest's SHA-256
    out = W.act("govopen_leak_trace", u["authority"],
                upload=W.upload(files["grantee"].encode("utf-8"), "x.csv"))
    assert out["grant_id"] == grants["grantee"]["id"]
    assert out["method"] == "sha256"
    # the public derivative names no grant
    model.Session.remove()
    deriv = st_deriv = W.act("govopen_desensitize_status", u["publisher"],
                             resource_id=res["id"])["derivative_id"]
    from ckanext.govopen.desensitize.jobs import upload_path
    with open(upload_path(deriv), "rb") as fh:
        out = W.act("govopen_leak_trace", u["publisher"],
                    package_id=pkg["id"], upload=W.upload(fh.read(), "d.csv"))
    assert out["grant_id"] is None and st_deriv
    # tracing is for the provider and the authority only
    for who in ("citizen", "grantee", "other_dept"):
        with pytest.raises(tk.NotAuthorized):
            W.act("govopen_leak_trace", u[who], package_id=pkg["id"],
                  upload=W.upload(leak, "leak.csv"))
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_leak_trace", u["publisher"],
              upload=W.upload(leak, "leak.csv"))
    # a revoked grant gets no extract
    W.act("govopen_grant_revoke", u["dept_admin"], id=grants["grantee"]["id"],
          reason="违约 / breach")
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_extract", u["grantee"],
              grant_id=grants["grantee"]["id"], resource_id=res["id"])
    del sys_ctx
