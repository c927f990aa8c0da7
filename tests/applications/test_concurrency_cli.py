"""Two reviewers at once (two OS processes, each with its own CKAN and
database connection, released together): exactly one wins, the other gets a
conflict. CLI commands."""
import json
import os
import subprocess
import sys
import time

import pytest

from ckan import logic, model
from ckan.tests import helpers

from ckanext.govopen.applications import cli as app_cli

from .conftest import act, app_form
from .world import CORE_PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", CORE_PLUGINS),
              pytest.mark.usefixtures("with_plugins")]


def _race(ini, calls, tmp_path):
    """Run each (user, data) review in its own OS process, released at the
    same moment once every process has loaded CKAN."""
    worker = os.path.join(os.path.dirname(__file__), "race_worker.py")
    go = tmp_path / "go"
    procs = []
    for i, (user, data) in enumerate(calls):
        ready = tmp_path / f"ready-{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, worker, ini, CORE_PLUGINS, user["name"],
             json.dumps(data), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 90
    while not all(r.exists() for r, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    results = []
    for _, proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        results.append(tuple(json.loads(out.strip().splitlines()[-1])))
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_reviewers_at_once_one_winner(verified, request, tmp_path, round_):
    w, u = verified, verified["users"]
    a = act("govopen_application_create", u["applicant"], **app_form(w["pkgs"]["a"]))
    a = act("govopen_application_submit", u["applicant"], id=a["id"])
    a = act("govopen_application_review", u["operator"], id=a["id"], decision="pass")
    model.Session.remove()
    results = _race(request.config.getoption("ckan_ini"), [
        (u["reviewer"], {"id": a["id"], "decision": "approve", "version": a["version"]}),
        (u["reviewer2"], {"id": a["id"], "decision": "reject", "comment": "不符合",
                          "version": a["version"]}),
    ], tmp_path)
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
