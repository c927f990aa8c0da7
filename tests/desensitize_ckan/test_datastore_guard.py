"""No DataStore predicates on masked columns of desensitized derivatives
(GUIDE §6.7 CKAN mapping): filters, sort, q, full_text and distinct are
refused with a bilingual error naming the column; kept columns stay
queryable and the provider department keeps full querying."""
import datetime as dt
import json
from urllib.parse import quote

import pytest

from ckan import model
from ckan.tests import helpers
import ckan.plugins.toolkit as tk

from ckanext.govopen.desensitize.datastore_guard import plan_masks

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]

MASKED = "身份证号"          # pseudonymised by the proposed plan
KEPT = "性别"
AUTH = dict(open_condition="签订协议", usage_requirements="不得转让",
            security_requirements="等保二级",
            eligible_applicants=["research_institution"])


def _published(w, name, code, **kw):
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], name, code, **kw)
    rows = W.people_rows(40, seed=11)
    res = W.act("resource_create", u["publisher"], package_id=pkg["id"],
                name="办件明细", format="CSV",
                upload=W.upload(W.csv_bytes(W.E2E_HEADER, rows, "gbk"),
                                "cases.csv"))
    W.drain()
    W.confirm_and_approve(res["id"], u["publisher"], u["dept_admin"])
    W.drain()
    W.act("package_patch", u["sysadmin"], id=pkg["id"], private=False)
    st = W.act("govopen_desensitize_status", u["publisher"],
               resource_id=res["id"])
    assert st["state"] == "published"
    model.Session.remove()
    return pkg, res, st["derivative_id"], rows


def _search(user, **kw):
    return helpers.call_action("datastore_search", W.ctx(user), **kw)


def _refused(user, column, **kw):
    with pytest.raises(tk.ValidationError) as exc:
        _search(user, **kw)
    text = json.dumps(exc.value.error_dict, ensure_ascii=False)
    assert column in text and "已脱敏" in text and "desensitized" in text
    return exc.value.error_dict


def test_masked_columns_refuse_predicates_kept_ones_do_not(world):
    u = world["users"]
    _pkg, _res, deriv, rows = _published(world, "guard", "303001/000601")
    anon = None
    base = {"resource_id": deriv}
    males = sum(1 for r in rows if r[3] == "男")
    one_token = _search(u["publisher"], limit=1, **base)["records"][0][MASKED]

    for who in (anon, u["citizen"], u["other_dept"]):
        assert "filters" in _refused(who, MASKED, filters={MASKED: one_token},
                                     **base)
        _refused(who, MASKED, filters={"$or": [{KEPT: "男"},
                                               {MASKED: one_token}]}, **base)
        _refused(who, MASKED, filters=json.dumps([{MASKED: {"gte": "A"}}]),
                 **base)
        for sort in (MASKED, f"{MASKED} desc", f'"{MASKED}" desc nulls last',
                     f"_id, {MASKED}", [KEPT, MASKED]):
            assert "sort" in _refused(who, MASKED, sort=sort, **base)
        assert "q" in _refused(who, MASKED, q={MASKED: one_token}, **base)
        assert "q" in _refused(who, MASKED, q=json.dumps({MASKED: "ID"}),
                               **base)
        # a whole-row search touches every column, the masked ones too
        assert "q" in _refused(who, MASKED, q="男", **base)
        assert "q" in _refused(who, MASKED, q="12345", **base)
        assert "full_text" in _refused(who, MASKED, full_text="男", **base)
        assert "distinct" in _refused(who, MASKED, distinct=True, **base)
        _refused(who, MASKED, distinct="true", fields=[KEPT, MASKED], **base)

        # kept columns and _id stay queryable
        found = _search(who, filters={KEPT: "男"}, limit=1000, **base)
        assert found["total"] == males
        assert _search(who, q={KEPT: "男"}, **base)["total"] == males
        found = _search(who, distinct=True, fields=KEPT, sort=KEPT, **base)
        assert [r[KEPT] for r in found["records"]] == ["女", "男"]
        assert _search(who, sort=f"{KEPT} desc, _id", **base)["records"]
        assert _search(who, filters={"_id": {"lte": 5}}, **base)["total"] == 5
        # projecting a masked column is no predicate
        found = _search(who, fields=[MASKED], limit=3, **base)
        assert list(found["records"][0]) == [MASKED]
        assert _search(who, q="", sort="", **base)["total"] == 40

    # the provider department and the authority query freely
    for who in ("publisher", "dept_admin", "authority", "sysadmin"):
        found = _search(u[who], filters={MASKED: one_token}, sort=MASKED,
                        **base)
        assert found["total"] >= 1
        assert _search(u[who], distinct=True, fields=MASKED,
                       **base)["total"] >= 1


def test_http_refusals_are_clean(world, app):
    _pkg, res, deriv, rows = _published(world, "guard-http", "303001/000602")
    # the Action API answers 409 with the bilingual message, never 500
    r = app.get(f"/api/3/action/datastore_search?resource_id={deriv}"
                f"&sort={quote(MASKED)}")
    assert r.status_code == 409
    body = r.get_json()
    assert body["success"] is False
    msg = json.dumps(body["error"], ensure_ascii=False)
    assert MASKED in msg and "已脱敏" in msg and "desensitized" in msg
    r = app.post("/api/3/action/datastore_search", json={
        "resource_id": deriv, "filters": {MASKED: "x"}})
    assert r.status_code == 409
    ok = app.get(f"/api/3/action/datastore_search?resource_id={deriv}"
                 f"&filters={quote(json.dumps({KEPT: '女'}))}")
    assert ok.status_code == 200

    # /datastore/dump pages through datastore_search: its parameters are
    # checked before the download starts
    for query in (f"q={quote('男')}", f"sort={quote(MASKED)}",
                  f"filters={quote(json.dumps({MASKED: 'x'}))}",
                  f"distinct=true&fields={quote(MASKED)}"):
        r = app.get(f"/datastore/dump/{deriv}?{query}")
        assert r.status_code == 400, query
        text = r.get_data(as_text=True)
        assert "已脱敏" in text and "desensitized" in text
        for row in rows:
            assert row[1] not in text
    r = app.get(f"/datastore/dump/{deriv}?filters="
                f"{quote(json.dumps({KEPT: '男'}))}&sort={quote(KEPT)}")
    assert r.status_code == 200
    assert len(r.get_data(as_text=True).strip().splitlines()) == 1 + sum(
        1 for x in rows if x[3] == "男")
    assert app.get(f"/datastore/dump/{deriv}").status_code == 200

    # datastore_search_sql stays disabled (ckan.datastore.sqlsearch.enabled
    # is off), so SQL cannot route around the guard
    sql = f'SELECT * FROM "{deriv}" ORDER BY "{MASKED}"'
    r = app.get(f"/api/3/action/datastore_search_sql?sql={quote(sql)}")
    assert r.status_code in (400, 404)
    assert "records" not in r.get_data(as_text=True)
    with pytest.raises(KeyError):
        tk.get_action("datastore_search_sql")


@pytest.mark.ckan_config("ckan.datastore.sqlsearch.enabled", "true")
def test_sql_search_if_enabled_cannot_read_derivatives(world):
    u = world["users"]
    _pkg, _res, deriv, _rows = _published(world, "guard-sql",
                                          "303001/000603")
    sql = f'SELECT "{KEPT}" FROM "{deriv}" ORDER BY "{MASKED}"'
    for who in (None, u["citizen"]):
        with pytest.raises(tk.NotAuthorized) as exc:
            helpers.call_action("datastore_search_sql", W.ctx(who), sql=sql)
        assert "SQL" in str(exc.value) and "desensitized" in str(exc.value)
    found = helpers.call_action("datastore_search_sql",
                                W.ctx(u["publisher"]), sql=sql)
    assert len(found["records"]) == 40


def test_aliases_are_guarded_too(world):
    u = world["users"]
    _pkg, _res, deriv, _rows = _published(world, "guard-alias",
                                          "303001/000604")
    alias = f"cases_{deriv[:8]}"  # the DataStore outlives clean_db
    helpers.call_action("datastore_create", W.ctx(u["sysadmin"]),
                        resource_id=deriv, aliases=alias, force=True)
    _refused(None, MASKED, resource_id=alias, sort=MASKED)
    assert _search(None, resource_id=alias, sort=KEPT)["total"] == 40


def test_grantees_cannot_filter_masked_columns(world):
    """Composes with the access module's datastore_search chain: the grant
    lets the grantee read the derivative, this guard still refuses
    predicates on its masked columns."""
    u = world["users"]
    pkg, _res, deriv, _rows = _published(world, "guard-grant",
                                         "303001/000605",
                                         open_type="authorized", **AUTH)
    with pytest.raises(tk.NotAuthorized):
        _search(u["grantee"], resource_id=deriv)
    now = dt.datetime.utcnow()
    W.act("govopen_grant_create", u["dept_admin"],
          user_id=u["grantee"]["id"], package_id=pkg["id"],
          valid_from=(now - dt.timedelta(days=1)).isoformat(),
          valid_until=(now + dt.timedelta(days=30)).date().isoformat())
    model.Session.remove()
    assert _search(u["grantee"], resource_id=deriv,
                   filters={KEPT: "女"})["total"] > 0
    _refused(u["grantee"], MASKED, resource_id=deriv, sort=MASKED)
    _refused(u["grantee"], MASKED, resource_id=deriv, q="女")


def test_which_operators_mask():
    plan = {"columns": {
        "kept": {"operator": "keep"},
        "id": {"operator": "pseudonymize"},
        "masked": {"operator": "mask", "params": {"keep_first": 3}},
        "short": {"operator": "truncate"},
        "age": {"operator": "generalize", "params": {"kind": "age"}},
        "amount": {"operator": "noise"},
        "note": {"operator": "replace", "params": {"value": "*"}},
        "blank": {"operator": "suppress", "params": {"mode": "value"}},
        "phone": {"operator": "suppress", "params": {"mode": "drop"}},
        "name": {"operator": "suppress"},
        "plugin": {"operator": "tag"},
    }, "scrub": ["remark"]}
    masked, present = plan_masks(plan)
    assert masked == {"id", "masked", "short", "age", "amount", "note",
                      "blank", "phone", "name", "plugin", "remark"}
    # dropped columns are not in the table, so whole-row search ignores them
    assert present == masked - {"phone", "name"}
    assert plan_masks({"columns": {"a": {"operator": "keep"}}}) == (
        frozenset(), frozenset())
