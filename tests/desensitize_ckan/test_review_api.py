"""Department-reviewer approval of 脱敏 plans (GUIDE §6.5 step 3; §2 rule
20: nobody approves their own request), through CKAN's actions with real
jobs."""
import datetime as dt
import json

import pytest

from ckan import model
from ckan.tests import helpers
import ckan.plugins.toolkit as tk

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]

SELF_APPROVAL = "ckanext.govopen.desensitize.allow_self_approval"


def _scanned(w, name, code, uploader="publisher", **kw):
    u = w["users"]
    pkg = W.dataset(w["orgs"]["provider"], u["sysadmin"], name, code, **kw)
    res = W.act("resource_create", u[uploader], package_id=pkg["id"],
                name="办件明细", format="CSV",
                upload=W.upload(W.csv_bytes(W.E2E_HEADER,
                                            W.people_rows(30, seed=7),
                                            "gbk"), "cases.csv"))
    assert W.drain() == 1
    return pkg, res


def _status(u, res):
    return W.act("govopen_desensitize_status", u, resource_id=res["id"])


def _text(exc):
    return json.dumps(exc.value.error_dict, ensure_ascii=False)


def _bilingual(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and " / " in text


def test_nothing_is_published_before_approval(world):
    w = world
    u = w["users"]
    pkg, res = _scanned(w, "before-approval", "303001/000501")
    out = W.act("govopen_desensitize_rules_update", u["publisher"],
                resource_id=res["id"], confirm=True)
    assert out["plan"]["status"] == "submitted"
    assert W.drain() == 0  # no run queued
    st = _status(u["publisher"], res)
    assert st["state"] == "submitted"
    assert st["derivative_id"] is None and st["release"] is None
    assert st["public"] is False
    assert st["review"] == {"reviewer": False, "may_review": False,
                            "four_eyes_blocked": False,
                            "self_approval_allowed": False}
    # the run cannot be forced, and the dataset cannot go public
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_run", u["publisher"], resource_id=res["id"])
    assert "批准" in _text(exc) and "approved" in _text(exc)
    with pytest.raises(tk.ValidationError):
        W.act("package_patch", u["publisher"], id=pkg["id"], private=False)
    assert model.Session.query(model.Resource).filter_by(
        package_id=pkg["id"], state="active").count() == 1
    model.Session.remove()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_show", W.ctx(None), id=res["id"])

    # the reviewer sees it as approvable; approval runs and publishes
    st = _status(u["dept_admin"], res)
    assert st["review"]["may_review"] is True
    job = W.act("govopen_desensitize_plan_approve", u["dept_admin"],
                resource_id=res["id"])["job"]
    assert job["status"] == "queued"
    assert W.drain() == 1
    st = _status(u["publisher"], res)
    assert st["state"] == "published" and st["derivative_id"]
    W.act("package_patch", u["publisher"], id=pkg["id"], private=False)


def test_only_department_admins_review(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "who-reviews", "303001/000502")
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], confirm=True)
    # the publisher (an editor), another department's admin, the authority,
    # a citizen and anonymous users are no reviewers
    for who in ("publisher", "other_admin", "other_dept", "authority",
                "citizen"):
        for action in ("govopen_desensitize_plan_approve",
                       "govopen_desensitize_plan_reject"):
            with pytest.raises(tk.NotAuthorized) as exc:
                W.act(action, u[who], resource_id=res["id"], reason="x")
            assert _bilingual(str(exc.value))
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_plan_approve", None, resource_id=res["id"])
    assert _status(u["publisher"], res)["plan"]["status"] == "submitted"
    # a sysadmin reviews any department
    out = W.act("govopen_desensitize_plan_approve", u["sysadmin"],
                resource_id=res["id"], run=False)
    assert out["plan"]["status"] == "approved" and out["job"] is None


def test_four_eyes(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "four-eyes", "303001/000503")
    # an admin who confirms the plan cannot approve it
    W.act("govopen_desensitize_rules_update", u["dept_admin"],
          resource_id=res["id"], confirm=True)
    with pytest.raises(tk.NotAuthorized) as exc:
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"])
    assert "不能批准" in str(exc.value) and "four-eyes" in str(exc.value)
    st = _status(u["dept_admin"], res)
    assert st["review"]["four_eyes_blocked"] is True
    assert st["review"]["may_review"] is False
    # the department's other admin may
    W.act("govopen_desensitize_plan_approve", u["dept_admin2"],
          resource_id=res["id"], run=False)

    # editing counts as authoring: the admin edits, the publisher submits
    # the unchanged revision, and the admin still may not approve it
    W.act("govopen_desensitize_rules_update", u["dept_admin"],
          resource_id=res["id"], rules={"性别": {"operator": "keep"}})
    W.act("govopen_desensitize_plan_submit", u["publisher"],
          resource_id=res["id"])
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"])
    # a sysadmin is bound too
    W.act("govopen_desensitize_rules_update", u["sysadmin"],
          resource_id=res["id"], confirm=True)
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_plan_approve", u["sysadmin"],
              resource_id=res["id"])
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"], run=False)


@pytest.mark.ckan_config(SELF_APPROVAL, "true")
def test_self_approval_when_configured(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "one-person", "303001/000504")
    W.act("govopen_desensitize_rules_update", u["dept_admin"],
          resource_id=res["id"], confirm=True)
    assert _status(u["dept_admin"], res)["review"]["may_review"] is True
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"])
    assert W.drain() == 1
    history = W.act("govopen_desensitize_history", u["dept_admin"],
                    resource_id=res["id"])
    approved = [e for e in history if e["action"] == "approved"]
    assert approved[-1]["details"] == {"self_approved": True}
    # the option does not make publishers reviewers
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], confirm=True)
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_plan_approve", u["publisher"],
              resource_id=res["id"])


def test_reject_needs_a_reason_and_returns_the_plan(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "rejected", "303001/000505")
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], confirm=True)
    for reason in (None, "", "   "):
        kw = {} if reason is None else {"reason": reason}
        with pytest.raises(tk.ValidationError) as exc:
            W.act("govopen_desensitize_plan_reject", u["dept_admin"],
                  resource_id=res["id"], **kw)
        assert "reason" in exc.value.error_dict
        assert "理由" in _text(exc) and "needs a reason" in _text(exc)
    why = "性别与办理事项组合过细，请将办理事项泛化"
    out = W.act("govopen_desensitize_plan_reject", u["dept_admin"],
                resource_id=res["id"], reason=why)
    assert out["status"] == "rejected" and out["review_reason"] == why
    st = _status(u["publisher"], res)
    assert st["state"] == "rejected"
    assert st["plan"]["reviewed_by"] == u["dept_admin"]["id"]
    # a rejected plan cannot be approved or rejected again
    for action in ("govopen_desensitize_plan_approve",
                   "govopen_desensitize_plan_reject"):
        with pytest.raises(tk.ValidationError) as exc:
            W.act(action, u["dept_admin2"], resource_id=res["id"],
                  reason="again")
        assert _bilingual(exc.value.error_dict["plan"][0])
    assert W.drain() == 0
    # the publisher edits and submits; the revision changes, and the
    # reviewer's approval of a revision they did not see is refused
    rev = st["plan"]["revision"]
    out = W.act("govopen_desensitize_rules_update", u["publisher"],
                resource_id=res["id"], confirm=True,
                rules={"办理事项": {"operator": "suppress",
                                "params": {"mode": "drop"}}})
    assert out["plan"]["revision"] == rev + 1
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"], revision=rev)
    assert "revision" in exc.value.error_dict
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"], revision=rev + 1)
    assert W.drain() == 1
    st = _status(u["publisher"], res)
    assert st["state"] == "published"
    assert st["release"]["plan_revision"] == rev + 1


def test_illegal_transitions(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "transitions", "303001/000506")
    # a draft cannot be approved or rejected
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"])
    assert "尚未提交" in _text(exc) and "not been submitted" in _text(exc)
    W.act("govopen_desensitize_plan_submit", u["publisher"],
          resource_id=res["id"])
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_plan_submit", u["publisher"],
              resource_id=res["id"])
    assert "已提交" in _text(exc) and "already submitted" in _text(exc)
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"], run=False)
    for action, who in (("govopen_desensitize_plan_approve", "dept_admin2"),
                        ("govopen_desensitize_plan_submit", "publisher")):
        with pytest.raises(tk.ValidationError) as exc:
            W.act(action, u[who], resource_id=res["id"])
        assert "已获批准" in _text(exc) and "already approved" in _text(exc)
    # not a number
    with pytest.raises(tk.ValidationError) as exc:
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"], revision="latest")
    assert _bilingual(exc.value.error_dict["revision"][0])


def test_editing_after_approval_needs_a_new_approval(world):
    w = world
    u = w["users"]
    pkg, res = _scanned(w, "re-edit", "303001/000507")
    W.confirm_and_approve(res["id"], u["publisher"], u["dept_admin"])
    assert W.drain() == 1
    W.act("package_patch", u["publisher"], id=pkg["id"], private=False)
    first = _status(u["publisher"], res)
    deriv_id = first["derivative_id"]

    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], rules={"性别": {"operator": "suppress",
                                             "params": {"mode": "drop"}}})
    st = _status(u["publisher"], res)
    assert st["plan"]["status"] == "draft"
    # the release already published stays public, from the approved rules
    assert st["state"] == "published"
    assert st["release"]["id"] == first["release"]["id"]
    model.Session.remove()
    helpers.call_action("resource_show", W.ctx(None), id=deriv_id)
    # but the new rules do not run before their own approval
    with pytest.raises(tk.ValidationError):
        W.act("govopen_desensitize_run", u["publisher"], resource_id=res["id"])
    with pytest.raises(tk.ValidationError):
        W.act("govopen_desensitize_plan_approve", u["dept_admin"],
              resource_id=res["id"])
    W.act("govopen_desensitize_plan_submit", u["publisher"],
          resource_id=res["id"])
    # editing a submitted plan withdraws it: a new draft revision
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], k=3)
    assert _status(u["publisher"], res)["plan"]["status"] == "draft"
    W.act("govopen_desensitize_plan_submit", u["publisher"],
          resource_id=res["id"])
    W.act("govopen_desensitize_plan_approve", u["dept_admin2"],
          resource_id=res["id"])
    assert W.drain() == 1
    st = _status(u["publisher"], res)
    assert st["state"] == "published" and st["derivative_id"] == deriv_id
    assert st["release"]["id"] != first["release"]["id"]
    assert st["release"]["plan_revision"] == st["plan"]["revision"]
    found = helpers.call_action("datastore_search", W.ctx(None),
                                resource_id=deriv_id)
    assert "性别" not in [f["id"] for f in found["fields"]]

    # every transition is in the history, in order, with who and revision
    history = W.act("govopen_desensitize_history", u["dept_admin"],
                    resource_id=res["id"])
    steps = [(e["action"], e["revision"]) for e in history]
    assert [a for a, _r in steps] == [
        "proposed", "edited", "submitted", "approved", "published",
        "edited", "submitted", "edited", "submitted", "approved",
        "published"]
    assert [r for _a, r in steps] == [1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4]
    by = {e["action"]: e for e in history}
    assert by["approved"]["actor"] == u["dept_admin2"]["id"]
    assert by["approved"]["from_status"] == "submitted"
    assert history[5]["from_status"] == "approved"  # the reset is recorded
    # the §6.5 audit record of each release
    published = [e for e in history if e["action"] == "published"]
    for event in published:
        d = event["details"]
        rel = W.act("govopen_desensitize_status", u["publisher"],
                    resource_id=res["id"])["release"] if event is \
            published[-1] else first["release"]
        assert d["release_id"] == rel["id"] and d["key_id"] == rel["key_id"]
        assert d["counts"]["types"]["id18"] == 30
        assert d["k_anonymity"]["evaluated"] is True
        assert d["verification_ok"] is True
        assert d["approved_by"] in (u["dept_admin"]["id"],
                                    u["dept_admin2"]["id"])
    # the history is the department's: staff read it (the derivative's id
    # works too), others do not
    for who in ("publisher", "authority"):
        assert W.act("govopen_desensitize_history", u[who],
                     resource_id=deriv_id) == history
    for who in ("citizen", "other_dept"):
        with pytest.raises(tk.NotAuthorized):
            W.act("govopen_desensitize_history", u[who], resource_id=res["id"])


def test_review_queue_lists_the_reviewers_departments(world):
    w = world
    u = w["users"]
    _pkg, res = _scanned(w, "queue", "303001/000508")
    other_pkg = W.dataset(w["orgs"]["other"], u["sysadmin"], "queue-tax",
                          "303002/000508")
    other = W.act("resource_create", u["other_dept"],
                  package_id=other_pkg["id"], name="纳税人", format="CSV",
                  upload=W.upload(W.csv_bytes(W.E2E_HEADER,
                                              W.people_rows(20, seed=8)),
                                  "tax.csv"))
    W.drain()
    W.act("govopen_desensitize_rules_update", u["dept_admin"],
          resource_id=res["id"], confirm=True)
    W.act("govopen_desensitize_rules_update", u["other_dept"],
          resource_id=other["id"], confirm=True)

    def queue(who):
        return {i["resource_id"]: i for i in W.act(
            "govopen_desensitize_review_list", u[who])}

    mine = queue("dept_admin")
    assert list(mine) == [res["id"]]
    assert mine[res["id"]]["may_review"] is False  # their own submission
    assert mine[res["id"]]["submitted_by"]["id"] == u["dept_admin"]["id"]
    assert queue("dept_admin2")[res["id"]]["may_review"] is True
    assert list(queue("other_admin")) == [other["id"]]
    assert set(queue("sysadmin")) == {res["id"], other["id"]}
    assert queue("publisher") == {} and queue("citizen") == {}
    with pytest.raises(tk.NotAuthorized):
        W.act("govopen_desensitize_review_list", None)
    W.act("govopen_desensitize_plan_approve", u["dept_admin2"],
          resource_id=res["id"], run=False)
    assert queue("dept_admin2") == {}


def test_grantees_get_nothing_without_an_approved_plan(world, app):
    w = world
    u = w["users"]
    auth = dict(open_condition="签订协议", usage_requirements="不得转让",
                security_requirements="等保二级",
                eligible_applicants=["research_institution"])
    pkg, res = _scanned(w, "grant-wait", "303001/000509",
                        open_type="authorized", **auth)
    now = dt.datetime.utcnow()
    grant = W.act("govopen_grant_create", u["dept_admin"],
                  user_id=u["grantee"]["id"], package_id=pkg["id"],
                  valid_from=(now - dt.timedelta(days=1)).isoformat(),
                  valid_until=(now + dt.timedelta(days=30)).date().isoformat())
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], confirm=True)

    def refused():
        with pytest.raises(tk.ValidationError) as exc:
            W.act("govopen_desensitize_extract", u["grantee"],
                  grant_id=grant["id"], resource_id=res["id"])
        assert "审核批准" in _text(exc) and "approved" in _text(exc)

    refused()  # submitted, not approved
    W.act("govopen_desensitize_plan_approve", u["dept_admin"],
          resource_id=res["id"])
    W.drain()
    W.act("package_patch", u["sysadmin"], id=pkg["id"], private=False)
    ext = W.act("govopen_desensitize_extract", u["grantee"],
                grant_id=grant["id"], resource_id=res["id"])
    assert ext["rows"] == 30
    url = f"/dataset/{pkg['id']}/resource/{res['id']}/download"
    auth_header = {"Authorization": u["grantee"]["token"]}
    assert app.get(url, headers=auth_header).status_code == 200
    # edited rules await approval: the download is refused, never the
    # original upload in its place
    W.act("govopen_desensitize_rules_update", u["publisher"],
          resource_id=res["id"], rules={"性别": {"operator": "suppress"}})
    refused()
    r = app.get(url, headers=auth_header)
    assert r.status_code == 409
    assert "审核批准" in r.get_data(as_text=True)
