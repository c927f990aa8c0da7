import pytest

from ckan.tests import factories

SEARCH_ONLY = "govopen_search"


@pytest.fixture
def org():
    return factories.Organization(name="rx-transport", title="榕溪市交通运输局")


@pytest.fixture
def catalogue(org):
    """A small catalogue with Chinese titles, tags, notes and resources."""
    made = {}

    def ds(key, **kw):
        kw.setdefault("owner_org", org["id"])
        made[key] = factories.Dataset(**kw)

    ds("bus", name="bus-routes", title="榕溪市公交线路信息",
       notes="全市常规公交线路的起终点站、站点数与首末班时间。",
       tags=[{"name": "交通"}, {"name": "公交"}],
       resources=[{"url": "http://example.invalid/bus.csv", "format": "CSV",
                   "name": "线路表"}])
    ds("air", name="air-quality", title="环境空气质量小时数据",
       notes="各监测站逐小时 PM2.5、PM10 与 AQI。",
       tags=[{"name": "环境"}],
       resources=[{"url": "http://example.invalid/aqi.json", "format": "JSON"}])
    ds("metro", name="metro-flow", title="轨道交通客流统计",
       notes="地铁各站进出站客流，可与公交换乘数据关联分析。",
       tags=[{"name": "交通"}],
       resources=[{"url": "http://example.invalid/m.csv", "format": "CSV"}])
    ds("school", name="schools", title="中小学校名录",
       notes="学校名称、地址与办学性质。", tags=[{"name": "教育"}])
    return made
