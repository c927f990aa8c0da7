"""Index maintenance (ckan search-index …), secrets kept out of the index,
and hostile or malformed queries answered with a clear 400."""
import json

import pytest
from sqlalchemy import text

import ckan.lib.search as search
from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from conftest import SEARCH_ONLY

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_ONLY),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def count(**params):
    return helpers.call_action("package_search", **params)["count"]


def index_rows():
    with model.meta.engine.connect() as conn:
        return conn.execute(text(
            "SELECT stored::text || coalesce(data_dict, '') || "
            "coalesce(validated_data_dict, '') || search_text || tsv::text "
            "FROM govopen_search_index")).scalars().all()


class TestSearchIndexCommands:
    def test_clear_rebuild_check_show(self, cli, catalogue, ckan_config):
        assert count() == 4
        result = cli.invoke(ckan_cli, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert count() == 0
        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert "Packages not indexed = 4 out of 4" in result.output
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert count() == 4
        assert count(q="公交") == 2
        result = cli.invoke(ckan_cli, ["search-index", "show", "bus-routes"])
        assert result.exit_code == 0 and "榕溪市公交线路信息" in result.output
        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert "Packages not indexed = 0 out of 4" in result.output

    def test_rebuild_fast(self, cli, catalogue):
        search.clear_all()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild-fast"])
        assert result.exit_code == 0, result.output
        assert count() == 4

    def test_rebuild_removes_orphans(self, cli, catalogue):
        # An index entry whose dataset no longer exists (e.g. a database
        # restored from an older dump) is cleared by a rebuild.
        with model.meta.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO govopen_search_index SELECT 'ghost-index', "
                "'ghost', 'ghost', site_id, title_sort, metadata_created, "
                "metadata_modified, jsonb_set(stored, '{id}', '[\"ghost\"]'), tsv, "
                "search_text, data_dict, validated_data_dict, indexed_at, "
                "jsonb_set(filters, '{id}', '[\"ghost\"]'), state, capacity, "
                "dataset_type, permission_labels FROM govopen_search_index "
                "WHERE name = 'schools'"))
        assert count() == 5
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert count() == 4

    def test_single_dataset_reindex_and_delete(self, catalogue):
        helpers.call_action("package_patch", id="schools",
                            title="中小学校与幼儿园名录")
        assert count(q="幼儿园") == 1
        helpers.call_action("package_delete", id="schools")
        assert count(q="幼儿园") == 0


class TestSecretsStayOutOfTheIndex:
    def test_restricted_resource_urls_are_not_indexed(self):
        org = factories.Organization()
        factories.Dataset(
            owner_org=org["id"], name="licensed",
            extras=[{"key": "open_type", "value": "authorized"}],
            resources=[{"url": "http://secret.invalid/raw-registry.csv",
                        "format": "CSV"}])
        factories.Dataset(
            owner_org=org["id"], name="open",
            resources=[{"url": "http://public.invalid/open.csv",
                        "format": "CSV"}])
        rows = "\n".join(index_rows())
        assert "secret.invalid" not in rows
        assert "public.invalid" in rows
        for params in ({"q": "res_url:*secret*"}, {"fq": "urls:*secret*"},
                       {"q": "secret.invalid"}):
            assert count(**params) == 0, params
        hits = helpers.call_action("package_search", q="name:licensed",
                                   fl="res_url,urls,data_dict")["results"]
        assert "secret.invalid" not in json.dumps(hits)

    def test_password_like_keys_are_never_stored(self):
        org = factories.Organization()
        factories.Dataset(owner_org=org["id"], extras=[
            {"key": "ftp_password", "value": "hunter2-Xyz"},
            {"key": "api_key", "value": "k-123456789"}])
        rows = "\n".join(index_rows())
        assert "hunter2-Xyz" not in rows and "k-123456789" not in rows


HOSTILE = [
    ("q", "title:("),
    ("q", 'title:"unclosed'),
    ("q", "name:[a TO"),
    ("q", "metadata_modified:[NOW-1FORTNIGHT TO NOW]"),
    ("q", "num_resources:[x TO 5]"),
    ("q", "{!lucene}title:x"),
    ("fq", "tags:(a OR"),
    ("fq", "tags:]["),
    ("sort", "title_string sideways"),
    ("sort", "name; DROP TABLE package"),
    ("q", "a " * 5000),
    ("facet.field", '["tags; DROP TABLE package"]'),
]


@pytest.mark.parametrize("param,value", HOSTILE,
                         ids=[f"{p}-{v[:24]}" for p, v in HOSTILE])
def test_hostile_queries_get_a_clear_400(app, catalogue, param, value):
    resp = app.get("/api/3/action/package_search", query_string={param: value})
    assert resp.status_code in (400, 409), resp.body
    error = resp.json["error"]
    assert error["__type"] in ("Search Query Error", "Validation Error",
                               "Search Error")
    # Tables survive, search still works.
    assert count() == 4


def test_chinese_error_message_for_malformed_query(app, catalogue):
    resp = app.get("/api/3/action/package_search",
                   query_string={"q": "title:("}, status=400)
    assert "无法解析搜索语句" in resp.json["error"]["message"]


def test_injection_text_is_just_searched(catalogue):
    assert count(q="'; DROP TABLE package; --") == 0
    assert count(q='" OR 1=1 --') == 0
    assert count() == 4


def test_dataset_page_reports_bad_query_without_500(app, catalogue):
    resp = app.get("/dataset/", query_string={"q": "title:("}, status=400)
    assert "title:(" in resp.body or "Invalid search query" in resp.body \
        or "无效" in resp.body
