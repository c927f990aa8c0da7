import pytest
from ckan.tests import factories, helpers


@pytest.mark.ckan_config("ckan.plugins", "govopen_search")
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_smoke():
    org = factories.Organization()
    factories.Dataset(title="榕溪市公交线路信息", notes="全市公交线路", owner_org=org["id"], tags=[{"name": "交通"}])
    factories.Dataset(title="环境空气质量小时数据", notes="PM2.5 等", owner_org=org["id"])
    r = helpers.call_action("package_search", q="公交")
    assert r["count"] == 1, r
    r = helpers.call_action("package_search", q="空气", **{"facet.field": ["tags", "organization"]})
    assert r["count"] == 1
    r = helpers.call_action("package_search", fq='tags:"交通"', **{"facet.field": '["tags"]'})
    print(r["search_facets"])
    assert r["count"] == 1
