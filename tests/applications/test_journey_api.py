"""The whole journey through the API only, with CKAN API tokens."""
import datetime
import io

import pytest
from sqlalchemy import text

from ckan import model

from . import world as world_mod
from .world import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(app, user, action, status=200, files=None, **data):
    headers = {"Authorization": user["token"]} if user else {}
    if files:
        form = {k: str(v) for k, v in data.items()}
        form.update({k: (io.BytesIO(body), name) for k, (name, body) in files.items()})
        resp = app.post(f"/api/3/action/{action}", data=form, headers=headers,
                        content_type="multipart/form-data", status=status)
    else:
        resp = app.post(f"/api/3/action/{action}", json=data, headers=headers,
                        status=status)
    body = resp.json
    return body["result"] if body["success"] else body["error"]


def download(app, user, pkg, status):
    res = pkg["resources"][0]
    return app.get(f"/dataset/{pkg['id']}/resource/{res['id']}/download",
                   headers={"Authorization": user["token"]}, status=status)


def test_journey_through_the_api(app):
    w = world_mod.build(with_tokens=True)
    u, pkg = w["users"], w["pkgs"]["a"]
    applicant, operator, reviewer = u["applicant"], u["operator"], u["reviewer"]

    # 1. profile with proof (multipart), verified by the operator
    prof = call(app, applicant, "govopen_applicant_profile_update",
                files={"proof_upload": ("营业执照.pdf", b"%PDF licence")},
                applicant_type="enterprise", org_name="榕溪数智科技有限公司",
                uscc=world_mod.ENTERPRISE_USCC, legal_rep="陈立", contact_name="王经办",
                contact_phone="13800138000", contact_email="wang@example.com")
    assert prof["status"] == "pending" and prof["proof_file"]
    # the applicant cannot verify anyone
    call(app, applicant, "govopen_applicant_verify", status=403,
         user_id=applicant["id"], verified=True)
    assert call(app, operator, "govopen_applicant_verify", user_id=applicant["id"],
                verified=True)["status"] == "verified"

    # 2. draft, commitment upload, submit
    today = datetime.date.today()
    draft = call(app, applicant, "govopen_application_create",
                 package_ids=[pkg["id"]], resource_ids=[pkg["resources"][0]["id"]],
                 data_items=["visit_id", "visit_count"], access_modes=["download", "api"],
                 purpose_category="commercial", scenario_name="门诊资源调度",
                 scenario_description="根据门诊量优化医疗资源配置。",
                 system_name="智慧医疗调度平台", period_start=today.isoformat(),
                 period_end=(today + datetime.timedelta(days=90)).isoformat(),
                 security_measures="加密存储、访问控制、日志审计", storage_location="政务云",
                 accept_agreement=True, accept_reports=True, accept_citation=True)
    assert draft["state"] == "draft"
    err = call(app, applicant, "govopen_application_submit", status=409, id=draft["id"])
    assert "commitment_file" in err
    call(app, applicant, "govopen_application_attach", id=draft["id"], kind="commitment",
         files={"upload": ("承诺书.pdf", b"%PDF signed")})
    sub = call(app, applicant, "govopen_application_submit", id=draft["id"])
    assert sub["state"] == "submitted" and sub["ref_no"].startswith("SQ")
    assert sub["deadline"]
    # other users cannot see it; the department cannot yet act
    call(app, u["outsider"], "govopen_application_show", status=403, id=sub["id"])
    call(app, reviewer, "govopen_application_review", status=409, id=sub["id"],
         decision="approve", version=sub["version"])

    # 3. formal check, 4. substantive review
    passed = call(app, operator, "govopen_application_review", id=sub["id"],
                  decision="pass", version=sub["version"])
    assert passed["state"] == "substantive_review"
    queue = call(app, reviewer, "govopen_application_list", scope="review")
    assert [a["id"] for a in queue["results"]] == [sub["id"]]
    assert call(app, u["reviewer_b"], "govopen_application_list",
                scope="review")["count"] == 0
    approved = call(app, reviewer, "govopen_application_review", id=sub["id"],
                    decision="approve", comment="同意", version=passed["version"])
    assert approved["state"] == "approved"
    download(app, applicant, pkg, 403)          # no grant before the agreement

    # 5. agreement → grants
    active = call(app, applicant, "govopen_application_agree", id=sub["id"],
                  accept_agreement=True)
    assert active["state"] == "active" and len(active["grant_ids"]) == 1
    grant = call(app, u["sysadmin"], "govopen_grant_show", id=active["grant_ids"][0])
    assert grant["source_application_id"] == sub["id"]
    assert sorted(grant["data_items"]) == ["visit_count", "visit_id"]
    body = download(app, applicant, pkg, 200).body
    assert "V001" in (body.decode() if isinstance(body, bytes) else body)
    check = call(app, applicant, "govopen_access_check",
                 resource_id=pkg["resources"][0]["id"])
    assert check["allowed"] is True

    # 6. usage report, visible to the department
    report = call(app, applicant, "govopen_application_report_create", id=sub["id"],
                  usage="用于门诊排班优化", outputs="调度模型", no_onward_transfer=True)
    assert report["usage"] == "用于门诊排班优化"
    shown = call(app, reviewer, "govopen_application_show", id=sub["id"])
    assert [r["usage"] for r in shown["reports"]] == ["用于门诊排班优化"]
    actions = [h["action"] for h in shown["history"]]
    assert actions == ["create", "submit", "pass", "approve", "agree", "report"]

    # 7. expiry: the period ends, the job runs, access is closed
    model.Session.execute(text(
        "UPDATE govopen_application SET valid_until = now() - interval '1 minute'"
        " WHERE id = :id"), {"id": sub["id"]})
    model.Session.commit()
    from ckanext.govopen.applications import jobs
    assert jobs.periodic()["expired"] == [sub["id"]]
    assert call(app, applicant, "govopen_application_show", id=sub["id"])["state"] == "expired"
    download(app, applicant, pkg, 403)
    notices = call(app, applicant, "govopen_application_notice_list")
    assert any("到期" in n["subject"] for n in notices)

    # 8. statistics
    stats = call(app, None, "govopen_application_stats", package_id=pkg["name"])
    assert stats["total"]["received"] == 1 and stats["total"]["approved"] == 1


def test_revocation_effective_on_next_request(app):
    w = world_mod.build(with_tokens=True)
    u, pkg = w["users"], w["pkgs"]["a"]
    from .conftest import act, app_form, profile
    profile(u["applicant"])
    act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"])
    a = act("govopen_application_create", u["applicant"], **app_form(pkg))
    act("govopen_application_submit", u["applicant"], id=a["id"])
    act("govopen_application_review", u["operator"], id=a["id"], decision="pass")
    act("govopen_application_review", u["reviewer"], id=a["id"], decision="approve")
    act("govopen_application_agree", u["applicant"], id=a["id"], accept_agreement=True)
    download(app, u["applicant"], pkg, 200)
    err = call(app, u["reviewer"], "govopen_application_revoke", status=409, id=a["id"])
    assert "reason" in err
    call(app, u["outsider"], "govopen_application_revoke", status=403, id=a["id"],
         reason="x")
    revoked = call(app, u["reviewer"], "govopen_application_revoke", id=a["id"],
                   reason="发现向第三方转交数据")
    assert revoked["state"] == "revoked"
    download(app, u["applicant"], pkg, 403)
    check = call(app, u["applicant"], "govopen_access_check",
                 resource_id=pkg["resources"][0]["id"])
    assert check["allowed"] is False


def test_renewal_and_pages(app):
    w = world_mod.build(with_tokens=True)
    u, pkg = w["users"], w["pkgs"]["a"]
    from .conftest import act, app_form, profile
    profile(u["applicant"])
    act("govopen_applicant_verify", u["operator"], user_id=u["applicant"]["id"])
    a = act("govopen_application_create", u["applicant"], **app_form(pkg))
    act("govopen_application_submit", u["applicant"], id=a["id"])
    act("govopen_application_review", u["operator"], id=a["id"], decision="pass")
    act("govopen_application_review", u["reviewer"], id=a["id"], decision="approve")
    a = act("govopen_application_agree", u["applicant"], id=a["id"], accept_agreement=True)
    old_grant = a["grant_ids"][0]
    # renewal: answers carried over, shortened review without formal check
    r = call(app, u["applicant"], "govopen_application_renew", id=a["id"],
             period_end=(datetime.date.today() + datetime.timedelta(days=300)).isoformat())
    assert r["state"] == "draft" and r["renewal_of"] == a["id"]
    assert r["data"]["system_name"] == a["data"]["system_name"]
    call(app, u["applicant"], "govopen_application_attach", id=r["id"], kind="commitment",
         files={"upload": ("承诺书.pdf", b"%PDF")})
    r = call(app, u["applicant"], "govopen_application_submit", id=r["id"])
    assert r["state"] == "substantive_review"
    call(app, u["reviewer"], "govopen_application_review", id=r["id"], decision="approve")
    r = call(app, u["applicant"], "govopen_application_agree", id=r["id"],
             accept_agreement=True)
    assert r["state"] == "active"
    old = call(app, u["applicant"], "govopen_application_show", id=a["id"])
    assert old["state"] == "renewed"
    assert call(app, u["sysadmin"], "govopen_grant_show", id=old_grant)["revoked_at"]
    download(app, u["applicant"], pkg, 200)          # the new grant serves

    # pages render for each role
    h = {"Authorization": u["applicant"]["token"]}
    assert "我的申请" in app.get("/dashboard/applications", headers=h).body
    body = app.get(f"/applications/{r['id']}", headers=h).body
    assert "办理进度" in body and "签署开放利用协议" in body
    assert "申请使用" in app.get(f"/dataset/{pkg['name']}/apply", headers=h).body
    assert "申请主体信息" in app.get("/applications/profile", headers=h).body
    op = {"Authorization": u["operator"]["token"]}
    assert "合计" in app.get("/applications/overview", headers=op).body
    assert "审核队列" in app.get("/applications/review", headers=op).body
    app.get("/applications/overview", headers={"Authorization": u["reviewer"]["token"]},
            status=403)
    app.get(f"/applications/{r['id']}", headers={"Authorization": u["outsider"]["token"]},
            status=403)
