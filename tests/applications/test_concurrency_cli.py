"""Two reviewers at once (two threads, two DB connections, committing
simultaneously): exactly one wins, the other gets a conflict. CLI commands."""
import threading

import pytest

from ckan import logic, model
from ckan.tests import helpers

from ckanext.govopen.applications import cli as app_cli

from .conftest import act, app_form
from .world import CORE_PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", CORE_PLUGINS),
              pytest.mark.usefixtures("with_plugins")]


def _race(app, calls):
    """Run each (user, data) call in its own thread and session."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, user, data):
        with app.flask_app.test_request_context():
            try:
                barrier.wait(timeout=10)
                out = helpers.call_action("govopen_application_review",
                                          {"user": user["name"], "ignore_auth": False},
                                          **data)
                results[i] = ("ok", out["state"])
            except logic.ValidationError as exc:
                results[i] = ("error", exc.error_dict)
            finally:
                model.Session.remove()

    threads = [threading.Thread(target=run, args=(i, user, data))
               for i, (user, data) in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_reviewers_at_once_one_winner(verified, app, round_):
    w, u = verified, verified["users"]
    a = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    a = act("govopen_application_submit", u["applicant"], id=a["id"])
    a = act("govopen_application_review", u["operator"], id=a["id"], decision="pass")
    model.Session.remove()
    results = _race(app, [
        (u["reviewer"], {"id": a["id"], "decision": "approve", "version": a["version"]}),
        (u["reviewer2"], {"id": a["id"], "decision": "reject", "comment": "不符合",
                          "version": a["version"]}),
    ])
    oks = [r for r in results if r and r[0] == "ok"]
    errors = [r for r in results if r and r[0] == "error"]
    assert len(oks) == 1 and len(errors) == 1, results
    assert "conflict" in errors[0][1]
    assert "操作冲突" in errors[0][1]["conflict"][0]
    final = act("govopen_application_show", u["applicant"], id=a["id"])
    assert final["state"] == oks[0][1]
    decisions = [h for h in final["history"] if h["action"] in ("approve", "reject")]
    assert len(decisions) == 1


def test_stale_version_is_a_conflict(verified):
    w, u = verified, verified["users"]
    a = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    a = act("govopen_application_submit", u["applicant"], id=a["id"])
    act("govopen_application_review", u["operator"], id=a["id"], decision="pass",
        version=a["version"])
    with pytest.raises(logic.ValidationError) as exc:
        act("govopen_application_review", u["operator"], id=a["id"], decision="return",
            comment="x", version=a["version"])
    assert "conflict" in exc.value.error_dict


def test_cli_remind_sync_and_enqueue(verified, cli):
    w, u = verified, verified["users"]
    a = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    act("govopen_application_submit", u["applicant"], id=a["id"])
    result = cli.invoke(app_cli.applications_remind, ["--sync"])
    assert result.exit_code == 0, result.output
    assert '"expired": []' in result.output
    result = cli.invoke(app_cli.applications_remind, [])
    assert result.exit_code == 0 and "enqueued job" in result.output
    jobs = helpers.call_action("job_list", {"ignore_auth": True})
    assert any("expiry and reminders" in (j["title"] or "") for j in jobs)
    helpers.call_action("job_clear", {"ignore_auth": True})
    result = cli.invoke(app_cli.applications_expire, [])
    assert result.exit_code == 0 and result.output.strip() == "[]"


def test_queue_filters_and_search(verified):
    w, u = verified, verified["users"]
    a = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    a = act("govopen_application_submit", u["applicant"], id=a["id"])
    found = act("govopen_application_list", u["operator"], scope="review", q=a["ref_no"])
    assert [x["id"] for x in found["results"]] == [a["id"]]
    assert act("govopen_application_list", u["operator"], scope="review",
               q="门诊资源调度")["count"] == 1
    assert act("govopen_application_list", u["operator"], scope="review",
               state="active")["count"] == 0
    assert act("govopen_application_list", u["operator"], scope="review",
               org_id=w["orgs"]["transport"]["name"])["count"] == 0
