"""fq forms, facets, sorting, paging and visibility — what CKAN's UI, API,
scheming and dcat send to package_search."""
import pytest

from ckan import logic
from ckan.tests import factories, helpers

from conftest import SEARCH_ONLY

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_ONLY),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def search(**params):
    return helpers.call_action("package_search", **params)


def names(**params):
    return [r["name"] for r in search(**params)["results"]]


@pytest.mark.parametrize("fq,expected", [
    ('tags:"交通"', {"bus-routes", "metro-flow"}),
    (' tags:"交通" res_format:"CSV"', {"bus-routes", "metro-flow"}),
    ('res_format:"JSON"', {"air-quality"}),
    ('organization:"rx-transport"', {"bus-routes", "air-quality",
                                     "metro-flow", "schools"}),
    ('-tags:"交通"', {"air-quality", "schools"}),
    ('tags:("教育" OR "环境")', {"air-quality", "schools"}),
    ('+tags:"交通" -name:metro-flow', {"bus-routes"}),
    ("res_format:*", {"bus-routes", "air-quality", "metro-flow"}),
    ("metadata_modified:[NOW-1DAY TO NOW]", {"bus-routes", "air-quality",
                                             "metro-flow", "schools"}),
    ("metadata_modified:[* TO 2000-01-01T00:00:00Z]", set()),
    ("num_resources:[1 TO *]", {"bus-routes", "air-quality", "metro-flow"}),
    ("num_resources:{1 TO *]", set()),
    ('capacity:"public"', {"bus-routes", "air-quality", "metro-flow",
                           "schools"}),
    ("dataset_type:dataset -dataset_type:harvest", {
        "bus-routes", "air-quality", "metro-flow", "schools"}),
])
def test_fq_forms(catalogue, fq, expected):
    assert set(names(fq=fq, rows=100)) == expected


def test_owner_org_fq_as_organization_pages_send(catalogue, org):
    assert len(names(fq=f' owner_org:"{org["id"]}"', rows=100)) == 4


def test_fq_list_is_anded(catalogue):
    assert names(fq_list=['tags:"交通"', 'res_format:"CSV"', "name:bus*"]) \
        == ["bus-routes"]


def test_facets_count_values(catalogue):
    result = search(**{"facet.field": '["tags", "res_format", "organization"]'})
    facets = result["search_facets"]
    tags = {i["name"]: i["count"] for i in facets["tags"]["items"]}
    assert tags == {"交通": 2, "公交": 1, "环境": 1, "教育": 1}
    formats = {i["name"]: i["count"] for i in facets["res_format"]["items"]}
    assert formats == {"CSV": 2, "JSON": 1}
    assert facets["organization"]["items"][0]["count"] == 4


def test_facets_follow_the_query(catalogue):
    facets = search(q="公交", **{"facet.field": '["tags"]'})["search_facets"]
    assert {i["name"]: i["count"] for i in facets["tags"]["items"]} == {
        "交通": 2, "公交": 1}


def test_facet_limit_and_mincount(catalogue):
    raw = search(**{"facet.field": '["tags"]', "facet.limit": 1})["facets"]
    assert raw["tags"] == {"交通": 2}
    raw = search(**{"facet.field": '["tags"]', "facet.mincount": 2})["facets"]
    assert raw["tags"] == {"交通": 2}


@pytest.mark.parametrize("sort,expected", [
    ("name asc", ["air-quality", "bus-routes", "metro-flow", "schools"]),
    ("name desc", ["schools", "metro-flow", "bus-routes", "air-quality"]),
    ("metadata_created asc", ["bus-routes", "air-quality", "metro-flow",
                              "schools"]),
    ("metadata_modified desc", ["schools", "metro-flow", "air-quality",
                                "bus-routes"]),
])
def test_sorting(catalogue, sort, expected):
    assert names(sort=sort) == expected


def test_title_sort_is_stable_and_reversible(catalogue):
    asc = names(sort="title_string asc")
    assert asc == list(reversed(names(sort="title_string desc")))
    assert len(asc) == 4


def test_paging_visits_every_dataset_once(org):
    for i in range(23):
        factories.Dataset(owner_org=org["id"], name=f"page-{i:02d}",
                          title=f"分页测试 {i}")
    seen = []
    for start in range(0, 30, 7):
        seen += names(q="分页", rows=7, start=start, sort="name asc")
    assert seen == [f"page-{i:02d}" for i in range(23)]
    assert search(q="分页", rows=0)["count"] == 23
    assert search(q="分页", rows=0)["results"] == []


@pytest.mark.ckan_config("ckan.search.rows_max", "5")
def test_rows_capped_by_rows_max(org):
    for i in range(8):
        factories.Dataset(owner_org=org["id"])
    assert len(search(rows=50)["results"]) == 5


def test_fl_returns_stored_fields(catalogue):
    result = search(q="name:bus-routes", fl="name,title,tags")["results"]
    assert result == [{"name": "bus-routes", "title": "榕溪市公交线路信息",
                       "tags": ["交通", "公交"]}]
    assert search(q="name:bus-routes", fl="id")["results"] == [
        {"id": catalogue["bus"]["id"]}]


class TestVisibility:
    """Private, draft and deleted datasets, per user, in rows and counts."""

    @pytest.fixture
    def setup(self):
        member = factories.User()
        outsider = factories.User()
        org = factories.Organization(users=[{"name": member["name"],
                                             "capacity": "editor"}])
        factories.Dataset(owner_org=org["id"], name="open-one",
                          tags=[{"name": "可见"}])
        factories.Dataset(owner_org=org["id"], name="private-one",
                          private=True, tags=[{"name": "隐藏"}])
        factories.Dataset(owner_org=org["id"], name="draft-one",
                          state="draft", user=member)
        return member, outsider

    def _search(self, user, **params):
        context = {"user": user["name"] if user else "", "ignore_auth": False}
        return logic.get_action("package_search")(context, dict(
            params, **{"facet.field": '["tags"]'}))

    def test_anonymous_sees_public_only_even_in_counts(self, setup):
        result = self._search(None, include_private=True, include_drafts=True)
        assert [r["name"] for r in result["results"]] == ["open-one"]
        assert result["count"] == 1
        assert "隐藏" not in result["facets"]["tags"]

    def test_outsider_gets_no_private_dataset(self, setup):
        _, outsider = setup
        result = self._search(outsider, include_private=True)
        assert result["count"] == 1

    def test_member_sees_private_with_include_private(self, setup):
        member, _ = setup
        result = self._search(member, include_private=True)
        assert {r["name"] for r in result["results"]} == {"open-one",
                                                          "private-one"}
        assert result["facets"]["tags"] == {"可见": 1, "隐藏": 1}
        assert self._search(member, include_private=False)["count"] == 1

    def test_drafts_only_for_their_creator(self, setup):
        member, outsider = setup
        assert "draft-one" in {r["name"] for r in self._search(
            member, include_drafts=True)["results"]}
        assert "draft-one" not in {r["name"] for r in self._search(
            outsider, include_drafts=True)["results"]}

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
    def test_deleted_only_with_include_deleted_for_sysadmin(self, setup):
        org = factories.Organization()
        gone = factories.Dataset(owner_org=org["id"], name="gone-one")
        helpers.call_action("package_delete", id=gone["id"])
        sysadmin = factories.Sysadmin()
        assert "gone-one" not in {r["name"] for r in self._search(
            sysadmin, include_private=True)["results"]}
        assert "gone-one" in {r["name"] for r in self._search(
            sysadmin, include_deleted=True)["results"]}
