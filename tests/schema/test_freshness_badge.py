"""The 更新及时性 badge of govopen_catalog on the schema's dataset page."""
import bs4
import pytest

from test_followups import PLUGINS, dept  # noqa: F401 (fixture)
from test_schema_integration import create, dataset_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS + " govopen_catalog"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def test_dataset_page_shows_freshness_badge(app, dept):
    pkg = create(dept["editor"], dataset_dict(dept["org"]))
    body = app.get("/dataset/" + pkg["name"]).body
    badge = bs4.BeautifulSoup(body, "html.parser").select_one(
        ".govopen-freshness-block [data-freshness]")
    assert badge is not None
    soup = bs4.BeautifulSoup(body, "html.parser")
    # the catalogue blocks render once (no duplicated heading, badge, tables)
    assert len(soup.select("[data-freshness]")) == 1
    assert len(soup.select("#govopen-basic")) == 1
    assert len(soup.select(".primary h1")) == 1
    # monthly data whose resource was just added
    assert badge["data-freshness"] == "fresh"
    assert "最近更新" in badge.get_text()
