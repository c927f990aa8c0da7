"""Chinese full-text search through CKAN's package_search contract."""
import pytest

from ckan.tests import factories, helpers

from conftest import SEARCH_ONLY

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_ONLY),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def names(**params):
    result = helpers.call_action("package_search", **params)
    return [r["name"] for r in result["results"]]


@pytest.mark.parametrize("word,expected", [
    ("公交", {"bus-routes", "metro-flow"}),      # title and notes
    ("空气", {"air-quality"}),                   # two-character word
    ("空气质量", {"air-quality"}),
    ("线路", {"bus-routes"}),
    ("学校", {"schools"}),
    ("PM2.5", {"air-quality"}),                  # ASCII compound code
    ("aqi", {"air-quality"}),
    ("地铁", {"metro-flow"}),
    ("火车", set()),
])
def test_any_chinese_word_finds_its_dataset(catalogue, word, expected):
    assert set(names(q=word)) == expected


def test_title_outranks_description(catalogue):
    # 公交 is in the title of bus-routes, only in the notes of metro-flow.
    assert names(q="公交") == ["bus-routes", "metro-flow"]


def test_tags_are_searchable_and_weighted(catalogue):
    assert set(names(q="教育")) == {"schools"}


def test_synonyms_expand(catalogue):
    # 公共交通 is configured as a synonym of 公交.
    assert "bus-routes" in names(q="公共交通")


def test_words_are_anded(catalogue):
    assert names(q="公交 线路") == ["bus-routes"]
    assert names(q="公交 空气") == []


def test_required_and_excluded_terms(catalogue):
    assert names(q="交通 -地铁") == ["bus-routes"]
    assert set(names(q="+交通")) >= {"bus-routes", "metro-flow"}


def test_phrase_matches_contiguous_text_only(catalogue):
    assert names(q='"公交线路"') == ["bus-routes"]
    assert names(q='"线路公交"') == []


def test_fielded_queries(catalogue):
    assert names(q="title:公交") == ["bus-routes"]
    assert names(q="notes:换乘") == ["metro-flow"]
    assert names(q="title:换乘") == []
    assert set(names(q="tags:交通")) == {"bus-routes", "metro-flow"}
    assert names(q='title:"空气质量" OR name:schools', sort="name asc") == [
        "air-quality", "schools"]


def test_wildcards(catalogue):
    assert names(q="name:bus*") == ["bus-routes"]
    assert names(q="name:?chools") == ["schools"]
    assert names(q="title:空气*") == ["air-quality"]
    assert set(names(q="tags:交*")) == {"bus-routes", "metro-flow"}


def test_single_character_falls_back_to_substring(catalogue):
    assert names(q="铁") == ["metro-flow"]


def test_data_item_style_extras_are_searchable():
    org = factories.Organization()
    factories.Dataset(owner_org=org["id"], name="plates", title="车辆登记",
                      extras=[{"key": "columns", "value": "车牌号 车辆类型"}])
    assert names(q="车牌号") == ["plates"]


def test_resource_names_are_searchable(catalogue):
    assert names(q="线路表") == ["bus-routes"]
