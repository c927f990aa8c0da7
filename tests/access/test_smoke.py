import pytest

from .world import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def test_world_builds(world, app):
    assert world["pkgs"]["a"]["open_type"] == "authorized"
