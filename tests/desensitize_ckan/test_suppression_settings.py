"""The site default and per-plan settings of record suppression (k) reach
the plan through the CKAN actions."""
import pytest
import ckan.plugins.toolkit as tk

from . import world as W

pytestmark = [pytest.mark.ckan_config("ckan.plugins", W.PLUGINS),
              *[pytest.mark.ckan_config(k, v) for k, v in W.CONFIG]]


@pytest.mark.ckan_config("ckanext.govopen.desensitize.max_suppression", "0.2")
def test_site_default_and_plan_edits(world):
    u = world["users"]
    res = W.personal_upload(world, "k-settings", "303001/000179", "utf-8",
                            n=30, seed=5)
    assert W.drain() == 1
    st = W.act("govopen_desensitize_status", u["publisher"], resource_id=res["id"])
    assert st["plan"]["plan"]["max_suppression"] == 0.2
    assert st["plan"]["plan"]["suppress_below_k"] is True

    for bad in ("1.5", "-0.1", "许多"):
        with pytest.raises(tk.ValidationError) as exc:
            W.act("govopen_desensitize_rules_update", u["publisher"],
                  resource_id=res["id"], max_suppression=bad)
        assert "0 到 1" in str(exc.value.error_dict) and "between 0 and 1" in \
            str(exc.value.error_dict)
    out = W.act("govopen_desensitize_rules_update", u["publisher"],
                resource_id=res["id"], max_suppression="0.01",
                suppress_below_k="false")
    assert out["plan"]["plan"]["max_suppression"] == 0.01
    assert out["plan"]["plan"]["suppress_below_k"] is False
