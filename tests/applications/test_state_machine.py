"""The state machine without the access plugin: eligibility, reasons,
illegal transitions, several departments, authority decision, visibility,
deadlines on the Chinese calendar, statistics, notices."""
import datetime as dt

import pytest
from freezegun import freeze_time

from ckan import logic
from ckan.tests import helpers

from ckanext.govopen.applications import states

from .conftest import act, app_form, profile
from .world import CORE_PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", CORE_PLUGINS),
              pytest.mark.usefixtures("with_plugins")]

VE = logic.ValidationError
NA = logic.NotAuthorized


def submitted(w, pkg_keys=("a",), **kw):
    u = w["users"]
    form = app_form(w["pkgs"][pkg_keys[0]], **kw)
    form["package_ids"] = [w["pkgs"][k]["id"] for k in pkg_keys]
    app = act("govopen_application_create", u["applicant"], **form)
    return act("govopen_application_submit", u["applicant"], id=app["id"])


def test_ineligible_applicant_refused(verified):
    w, u = verified, verified["users"]
    app = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["r"]))
    with pytest.raises(VE) as exc:
        act("govopen_application_submit", u["applicant"], id=app["id"])
    text = exc.value.error_dict["applicant_type"][0]
    assert "只接受以下主体申请：科研机构" in text and "not eligible" in text
    assert act("govopen_application_show", u["applicant"], id=app["id"])["state"] == "draft"


def test_unverified_or_missing_profile_refused(world):
    u, pkg = world["users"], world["pkgs"]["a"]
    app = act("govopen_application_create", u["applicant"], **app_form(pkg))
    with pytest.raises(VE) as exc:
        act("govopen_application_submit", u["applicant"], id=app["id"])
    assert "Complete your applicant profile" in exc.value.error_dict["applicant"][0]
    profile(u["applicant"])
    with pytest.raises(VE) as exc:
        act("govopen_application_submit", u["applicant"], id=app["id"])
    assert "尚未通过实名认证" in exc.value.error_dict["applicant"][0]
    # a rejected profile stays refused; rejecting needs a reason
    with pytest.raises(VE):
        act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"],
            verified=False)
    p = act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"],
            verified=False, reason="营业执照模糊")
    assert p["status"] == "rejected"
    with pytest.raises(NA):
        act("govopen_applicant_verify", u["reviewer"], user_id=u["applicant"]["id"])


@pytest.mark.ckan_config("ckanext.govopen.applications.require_verification", "false")
def test_verification_can_be_switched_off(world):
    u, pkg = world["users"], world["pkgs"]["a"]
    profile(u["applicant"])
    app = act("govopen_application_create", u["applicant"], **app_form(pkg))
    assert act("govopen_application_submit", u["applicant"], id=app["id"])["state"] == "submitted"


def test_profile_validation(world):
    with pytest.raises(VE) as exc:
        profile(world["users"]["person"], uscc="91350100MA2XXXXXX0", contact_email="x@")
    errors = exc.value.error_dict
    assert "GB 32100" in errors["uscc"][0] and "contact_email" in errors
    # a natural person needs no organisation fields or proof
    p = profile(world["users"]["person"], applicant_type="natural_person", org_name="",
                uscc="", legal_rep="", proof_upload=None)
    assert p["status"] == "pending" and not p["proof_required"]


def test_form_validation(verified):
    w, u = verified, verified["users"]
    with pytest.raises(VE) as exc:
        act("govopen_application_create", u["applicant"], **app_form(
            w["pkgs"]["a"], data_items=["no_such_item"], period_end="2099-01-01"))
    assert {"data_items", "period_end"} <= set(exc.value.error_dict)
    app = act("govopen_application_create", u["applicant"],
              package_ids=[w["pkgs"]["a"]["id"]])            # a bare draft saves
    with pytest.raises(VE) as exc:
        act("govopen_application_submit", u["applicant"], id=app["id"])
    assert {"scenario_name", "system_name", "commitment_file", "accept_agreement",
            "security_measures", "data_items"} <= set(exc.value.error_dict)


def test_reasons_required(verified):
    w, u = verified, verified["users"]
    app = submitted(w)
    with pytest.raises(VE) as exc:
        act("govopen_application_review", u["operator"], id=app["id"], decision="return")
    assert "A reason is required" in exc.value.error_dict["comment"][0]
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    for decision in ("reject", "request_info"):
        with pytest.raises(VE):
            act("govopen_application_review", u["reviewer"], id=app["id"],
                decision=decision, comment="  ")
    shown = act("govopen_application_show", u["reviewer"], id=app["id"])
    assert shown["state"] == "substantive_review"
    rejected = act("govopen_application_review", u["reviewer"], id=app["id"],
                   decision="reject", comment="用途与数据无关，不符合最小必要原则")
    assert rejected["state"] == "rejected"
    assert rejected["history"][-1]["comment"].startswith("用途与数据无关")
    assert rejected["history"][-1]["actor"] == u["reviewer"]["name"]


def test_illegal_transitions(verified):
    w, u = verified, verified["users"]
    app = submitted(w)
    with pytest.raises(VE) as exc:                 # department before formal check
        act("govopen_application_review", u["reviewer"], id=app["id"], decision="approve")
    assert "not allowed" in exc.value.error_dict["state"][0]
    with pytest.raises(VE):                        # agreement before approval
        act("govopen_application_agree", u["applicant"], id=app["id"], accept_agreement=True)
    with pytest.raises(VE):                        # editing a submitted application
        act("govopen_application_update", u["applicant"], id=app["id"], scenario_name="x")
    with pytest.raises(NA):                        # only the applicant submits
        act("govopen_application_withdraw", u["operator"], id=app["id"])
    with pytest.raises(NA):                        # a department cannot run the formal check
        act("govopen_application_review", u["reviewer"], id=app["id"], decision="pass")
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    with pytest.raises(VE):                        # formal check twice
        act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    with pytest.raises(VE):
        act("govopen_application_revoke", u["reviewer"], id=app["id"], reason="x")
    act("govopen_application_withdraw", u["applicant"], id=app["id"], reason="不再需要")
    for name, kw in (("govopen_application_submit", {}),
                     ("govopen_application_withdraw", {})):
        with pytest.raises(VE):
            act(name, u["applicant"], id=app["id"], **kw)
    with pytest.raises(VE):
        act("govopen_application_review", u["reviewer"], id=app["id"],
            decision="approve")
    assert [h["action"] for h in act("govopen_application_show", u["applicant"],
                                     id=app["id"])["history"]] == [
        "create", "submit", "pass", "withdraw"]


def test_return_and_more_information_cycles(verified):
    w, u = verified, verified["users"]
    app = submitted(w)
    app = act("govopen_application_review", u["operator"], id=app["id"],
              decision="return", comment="承诺书未盖章")
    assert app["state"] == "returned"
    act("govopen_application_update", u["applicant"], id=app["id"],
        scenario_description="补充：仅统计分析，不做个体识别。")
    app = act("govopen_application_submit", u["applicant"], id=app["id"])
    assert app["state"] == "submitted" and app["history"][-1]["action"] == "resubmit"
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    app = act("govopen_application_review", u["reviewer"], id=app["id"],
              decision="request_info", comment="请说明存储加密方式")
    assert app["state"] == "more_info"
    act("govopen_application_update", u["applicant"], id=app["id"],
        security_measures="SM4 加密存储")
    app = act("govopen_application_submit", u["applicant"], id=app["id"])
    assert app["state"] == "substantive_review"
    app = act("govopen_application_review", u["reviewer2"], id=app["id"], decision="approve")
    assert app["state"] == "approved"
    assert [h["action"] for h in app["history"]] == [
        "create", "submit", "return", "update", "resubmit", "pass", "request_info",
        "update", "respond", "approve"]
    # the applicant may still withdraw before accepting the agreement
    assert act("govopen_application_withdraw", u["applicant"], id=app["id"])["state"] == "withdrawn"


@pytest.mark.ckan_config("ckanext.govopen.applications.final_approval", "true")
def test_several_departments_then_authority(verified):
    w, u = verified, verified["users"]
    app = submitted(w, pkg_keys=("a", "b"), data_items=["visit_id"])
    assert len(app["organizations"]) == 2
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    # each department sees it in its queue
    for reviewer in ("reviewer", "reviewer_b"):
        queue = act("govopen_application_list", u[reviewer], scope="review")
        assert [a["id"] for a in queue["results"]] == [app["id"]]
    with pytest.raises(NA):
        act("govopen_application_review", u["reviewer"], id=app["id"], decision="approve",
            org_id=w["orgs"]["transport"]["id"])
    app = act("govopen_application_review", u["reviewer"], id=app["id"], decision="approve")
    assert app["state"] == "substantive_review"
    with pytest.raises(VE) as exc:                 # the department already decided
        act("govopen_application_review", u["reviewer2"], id=app["id"], decision="approve")
    assert "conflict" in exc.value.error_dict
    app = act("govopen_application_review", u["reviewer_b"], id=app["id"], decision="approve")
    assert app["state"] == "final_review"
    with pytest.raises(NA):
        act("govopen_application_review", u["reviewer"], id=app["id"], decision="approve")
    app = act("govopen_application_review", u["operator"], id=app["id"], decision="approve")
    assert app["state"] == "approved"
    assert sorted(r["decision"] for r in app["reviews"]) == ["approved", "approved"]


def test_visibility(verified):
    w, u = verified, verified["users"]
    app = submitted(w)
    draft = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    for user in ("outsider", "reviewer_b", "reviewer"):      # department: not before the check
        with pytest.raises(NA):
            act("govopen_application_show", u[user], id=app["id"])
    with pytest.raises(NA):
        act("govopen_application_show", u["operator"], id=draft["id"])
    act("govopen_application_show", u["operator"], id=app["id"])
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    act("govopen_application_show", u["reviewer"], id=app["id"])
    with pytest.raises(NA):
        act("govopen_application_show", u["reviewer_b"], id=app["id"])
    assert act("govopen_application_list", u["outsider"])["count"] == 0
    assert act("govopen_application_list", u["outsider"], scope="review")["count"] == 0
    assert act("govopen_application_list", u["applicant"])["count"] == 2
    with pytest.raises(NA):
        helpers.call_action("govopen_application_list", {"user": "", "ignore_auth": False})
    with pytest.raises(NA):
        act("govopen_applicant_profile_show", u["outsider"], user_id=u["applicant"]["id"])
    assert act("govopen_applicant_profile_show", u["operator"],
               user_id=u["applicant"]["name"])["status"] == "verified"


def test_nobody_reviews_their_own_application(world):
    u = world["users"]
    profile(u["reviewer"])
    act("govopen_applicant_verify", u["operator"], user_id=u["reviewer"]["id"])
    app = act("govopen_application_create", u["reviewer"], **app_form(world["pkgs"]["a"]))
    act("govopen_application_submit", u["reviewer"], id=app["id"])
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    with pytest.raises(NA):
        act("govopen_application_review", u["reviewer"], id=app["id"], decision="approve")


def test_deadlines_on_the_chinese_calendar_and_overdue(world):
    u, pkg = world["users"], world["pkgs"]["a"]
    # Sunday 2024-09-29 (调休 working day), 10:00 Beijing time
    with freeze_time("2024-09-29 02:00:00"):
        profile(u["applicant"])
        act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"])
        app = act("govopen_application_create", u["applicant"], **app_form(pkg))
        app = act("govopen_application_submit", u["applicant"], id=app["id"])
        assert app["deadline"] == "2024-10-11"           # skips National Day
        assert not app["overdue"]
    with freeze_time("2024-10-14 02:00:00"):              # past the formal deadline
        shown = act("govopen_application_show", u["operator"], id=app["id"])
        assert shown["overdue"] is True
        queue = act("govopen_application_list", u["operator"], scope="review", overdue=True)
        assert [a["id"] for a in queue["results"]] == [app["id"]]
        from ckanext.govopen.applications import jobs
        sent = jobs.remind()
        assert sent["overdue"] == 1
        notices = act("govopen_application_notice_list", u["operator"])
        assert any("已超期" in n["subject"] for n in notices)
    with freeze_time("2024-10-11 02:00:00"):
        app = act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
        assert app["deadline"] == "2024-10-24"           # counts Saturday 2024-10-12


def test_statistics(world):
    u, w = world["users"], world
    with freeze_time("2024-09-27 02:00:00"):
        profile(u["applicant"])
        act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"])
        a1 = submitted(w)
        a2 = submitted(w, pkg_keys=("a", "b"), data_items=["visit_id"])
        draft = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
        act("govopen_application_review", u["operator"], id=a1["id"], decision="pass")
    with freeze_time("2024-10-08 02:00:00"):
        a3 = submitted(w)
        act("govopen_application_review", u["operator"], id=a3["id"], decision="pass")
    with freeze_time("2024-10-10 02:00:00"):
        act("govopen_application_review", u["reviewer"], id=a3["id"], decision="reject",
            comment="超出最小必要范围")
        act("govopen_application_withdraw", u["applicant"], id=a2["id"])
    with freeze_time("2024-10-12 02:00:00"):
        act("govopen_application_review", u["reviewer"], id=a1["id"], decision="approve")
    stats = helpers.call_action("govopen_application_stats", {"user": ""},
                                package_id=w["pkgs"]["a"]["name"])["total"]
    assert (stats["received"], stats["approved"], stats["rejected"], stats["withdrawn"]) \
        == (3, 1, 1, 1)
    # a1: 09-27 → 10-12 = 7 working days; a3: 10-08 → 10-10 = 2
    assert stats["max_processing_workdays"] == 7
    assert stats["avg_processing_workdays"] == 4.5
    per_org = helpers.call_action("govopen_application_stats", {"user": ""},
                                  org_id=w["orgs"]["transport"]["name"])
    assert per_org["total"]["received"] == 1 and per_org["total"]["withdrawn"] == 1
    assert per_org["total"]["avg_processing_workdays"] is None
    assert draft["id"] not in str(stats)


def test_notices_and_mail_failure_does_not_break(verified):
    """smtp.server points at a closed port in tests: transitions still work,
    in-app notices are written in Chinese."""
    w, u = verified, verified["users"]
    app = submitted(w)
    ops = act("govopen_application_notice_list", u["operator"])
    assert any("待形式审查" in n["subject"] for n in ops)
    mine = act("govopen_application_notice_list", u["applicant"], mark_read=True)
    assert any("已提交" in n["subject"] and app["ref_no"] in n["subject"] for n in mine)
    act("govopen_application_review", u["operator"], id=app["id"], decision="pass")
    assert any("待实质审核" in n["subject"] for n in
               act("govopen_application_notice_list", u["reviewer"]))
    assert act("govopen_application_notice_list", u["reviewer_b"]) == []


def test_state_table_is_consistent():
    for action, (sources, target, actor) in states.TRANSITIONS.items():
        assert set(sources) <= set(states.STATES)
        assert target is None or target in states.STATES
    assert not states.can("agree", states.SUBMITTED)
    assert states.can("withdraw", states.APPROVED)
    assert not states.can("withdraw", states.ACTIVE)
