"""Activity permission labels follow the dataset (ckan/ckan#7885).

With ``list_closed = false`` a 不予开放 dataset is hidden from everyone but
its department and the authority. Its activities written while it was
普遍开放 were labelled ``public``; once it is closed they must not show its
title in any activity list or page, and once it is opened again they come
back (history from a private period stays hidden)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from ckan import model
from ckan.tests import helpers

from . import world as W
from .mini import h, mini
from .world import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.ckan_config("ckanext.govopen.list_closed", "false"),
              pytest.mark.usefixtures("with_plugins", "clean_db")]

TITLE = "传染病个案登记"


def _lists(app, m, actor):
    """Every activity list and page an actor can reach, as one text."""
    hd = {} if actor == "anonymous" else h(m, actor)
    editor = m["users"]["editor"]
    bodies = []
    for action, params in (
            ("recently_changed_packages_activity_list", {}),
            ("organization_activity_list", {"id": "rx-health"}),
            ("user_activity_list", {"id": editor["id"]}),
            ("dashboard_activity_list", {})):
        resp = app.get(f"/api/3/action/{action}", query_string=params,
                       headers=hd)
        if resp.status_code == 200:
            bodies.append(resp.get_data(as_text=True))
    for url in ("/organization/activity/rx-health",
                f"/user/activity/{editor['name']}", "/dashboard/"):
        resp = app.get(url, headers=hd)
        if resp.status_code == 200:
            bodies.append(resp.get_data(as_text=True))
    return " ".join(bodies)


def _labels(pkg_id):
    return [r[0] for r in model.Session.execute(text(
        "SELECT permission_labels FROM activity WHERE object_id = :id"
        " ORDER BY timestamp"), {"id": pkg_id})]


def test_reclassified_dataset_disappears_from_activity(app):
    m = mini()
    editor = m["users"]["editor"]
    pkg = W._dataset(m["provider"], "case-register", TITLE, "302001/000109",
                     "universal", [{"name": "登记表", "format": "CSV",
                                    "url_type": "upload", "url": "r.csv"}],
                     _user=editor["name"])
    helpers.call_action("package_patch", {"user": editor["name"]},
                        id=pkg["id"], notes="每日更新的传染病个案登记数据，按区县汇总。")
    # the citizen follows the dataset, so it reaches their dashboard
    helpers.call_action("follow_dataset", {
        "user": m["users"]["citizen"]["name"]}, id=pkg["id"])
    for actor in ("anonymous", "citizen", "editor"):
        assert TITLE in _lists(app, m, actor), actor
    assert all(labels == ["public"] for labels in _labels(pkg["id"]))

    helpers.call_action("package_patch", {"user": m["sys"]["name"]},
                        id=pkg["id"], open_type="closed",
                        non_open_basis="《传染病防治法》第十二条",
                        reclassification_reason="含个人健康信息 / health data")
    for actor in ("anonymous", "citizen", "other_editor", "grantee"):
        assert TITLE not in _lists(app, m, actor), actor
    for actor in ("editor", "authority"):
        assert TITLE in _lists(app, m, actor), actor
    labels = _labels(pkg["id"])
    assert len(labels) >= 3 and all("public" not in lb for lb in labels)

    # opened again: the public history is public again
    helpers.call_action("package_patch", {"user": m["sys"]["name"]},
                        id=pkg["id"], open_type="universal",
                        reclassification_reason="已脱敏 / desensitized")
    assert TITLE in _lists(app, m, "anonymous")
    # ...except the activity written while it was closed
    labels = _labels(pkg["id"])
    assert [("public" in lb) for lb in labels].count(False) == 1


def test_private_period_stays_hidden_and_bulk_toggle_relabels(app):
    m = mini()
    editor = m["users"]["editor"]
    draft = TITLE + "（内部稿）"
    pkg = W._dataset(m["provider"], "case-register", draft, "302001/000109",
                     "universal", [{"name": "登记表", "format": "CSV",
                                    "url_type": "upload", "url": "r.csv"}],
                     _user=editor["name"], private=True)
    helpers.call_action("package_patch", {"user": editor["name"]},
                        id=pkg["id"], title=TITLE)
    assert TITLE not in _lists(app, m, "anonymous")
    # the department publishes it with the organisation's bulk action
    helpers.call_action("bulk_update_public", {"user": editor["name"]},
                        datasets=[pkg["id"]], org_id=m["provider"]["id"])
    body = _lists(app, m, "anonymous")
    assert TITLE in body and "内部稿" not in body
    assert "内部稿" in _lists(app, m, "editor")
    # and hides it again: every activity follows at once
    helpers.call_action("bulk_update_private", {"user": editor["name"]},
                        datasets=[pkg["id"]], org_id=m["provider"]["id"])
    assert TITLE not in _lists(app, m, "anonymous")
    assert TITLE in _lists(app, m, "editor")
