"""Pure tests of the catalogue validators, code list, labels and index hook
(no CKAN app needed)."""
import datetime
import json

import pytest
import yaml

from ckan.lib.navl.dictization_functions import Invalid, missing

from ckanext.govopen.identifiers import generate_uscc
from ckanext.govopen.schema import helpers, indexing, labels, regions
from ckanext.govopen.schema import validators as v
from ckanext.govopen.schema.reclassify import direction

import random

GOOD_USCC = generate_uscc(random.Random(1), region="110105")


def _bilingual(exc):
    text = str(exc.value.error if hasattr(exc.value, "error") else exc.value)
    assert " / " in text
    zh, en = text.split(" / ", 1)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), text
    assert en.isascii() or any(c.isalpha() for c in en), text
    return text


class TestUscc:
    def test_valid(self):
        assert v.govopen_uscc(GOOD_USCC) == GOOD_USCC
        assert v.govopen_uscc(GOOD_USCC.lower()) == GOOD_USCC

    def test_bad_check_character(self):
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        wrong = alphabet[(alphabet.index(GOOD_USCC[-1]) + 1) % 31]
        with pytest.raises(Invalid) as exc:
            v.govopen_uscc(GOOD_USCC[:-1] + wrong)
        text = _bilingual(exc)
        assert "校验位" in text and "check character" in text

    def test_length_and_alphabet(self):
        with pytest.raises(Invalid) as exc:
            v.govopen_uscc("12345")
        assert "18" in _bilingual(exc)
        with pytest.raises(Invalid):
            v.govopen_uscc(GOOD_USCC[:5] + "O" + GOOD_USCC[6:])

    def test_empty_passes_through(self):
        assert v.govopen_uscc("") == ""
        assert v.govopen_uscc(missing) is missing


class TestRegions:
    def test_code_list_shipped(self):
        data = regions.regions()
        assert len(data) > 3000
        assert data["110000"].name == "北京市"
        assert data["110105"].level == "county"
        assert data["429004"].name == "仙桃市"

    def test_validator(self):
        assert v.govopen_region_code("330106") == "330106"
        with pytest.raises(Invalid) as exc:
            v.govopen_region_code("999999")
        text = _bilingual(exc)
        assert "未知的行政区划代码" in text and "Unknown administrative" in text
        with pytest.raises(Invalid):
            v.govopen_region_code("11010")

    def test_within(self):
        assert regions.is_within("110105", "110000")
        assert regions.is_within("330106", "330100")
        assert regions.is_within("330100", "330100")
        assert regions.is_within("429004", "420000")
        assert not regions.is_within("330106", "330200")
        assert not regions.is_within("110000", "110105")
        assert regions.full_name("330106") == "浙江省 杭州市 西湖区"


class TestFormats:
    @pytest.mark.parametrize("phone", [
        "13812345678", "+86 138-1234-5678", "010-12345678", "0571-87654321",
        "(0571)87654321", "0571-87654321-123", "12345", "400-800-1234",
        "0571 8765 4321 转 88"])
    def test_phone_ok(self, phone):
        assert v.govopen_phone(phone) == phone

    @pytest.mark.parametrize("phone", ["12812345678", "1381234567", "abc",
                                       "87654321", "0571-1234567"])
    def test_phone_bad(self, phone):
        with pytest.raises(Invalid) as exc:
            v.govopen_phone(phone)
        assert "电话" in _bilingual(exc)

    def test_email(self):
        assert v.govopen_email("data@hz.gov.cn") == "data@hz.gov.cn"
        for bad in ("data@", "data.gov.cn", "a..b@x.cn", "a@b"):
            with pytest.raises(Invalid) as exc:
                v.govopen_email(bad)
            assert "邮箱" in _bilingual(exc)

    def test_dates(self):
        assert v.govopen_isodate("2024-01-05") == "2024-01-05"
        assert v.govopen_isodate("2024-01-05T10:00:00") == "2024-01-05"
        with pytest.raises(Invalid):
            v.govopen_isodate("05/01/2024")
        tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
        with pytest.raises(Invalid) as exc:
            v.govopen_not_future(tomorrow)
        assert "未来" in _bilingual(exc) or "今天" in str(exc.value)
        assert v.govopen_not_future("2020-01-01") == "2020-01-01"

    def test_catalog_code_default_pattern(self):
        assert v.govopen_catalog_code("301001/000001") == "301001/000001"
        assert v.govopen_catalog_code("1010010A3/12") == "1010010A3/12"
        for bad in ("401001/1", "30100/1", "301001-000001", "301001/"):
            with pytest.raises(Invalid) as exc:
                v.govopen_catalog_code(bad)
            assert "信息资源代码" in _bilingual(exc)

    def test_related_codes(self):
        assert v.govopen_catalog_code_list('["301001/1", "201002/22"]')
        with pytest.raises(Invalid):
            v.govopen_catalog_code_list('["301001/1", "bad"]')

    def test_misc(self):
        assert v.govopen_boolean_string(True) == "true"
        assert v.govopen_boolean_string("否") == "false"
        with pytest.raises(Invalid):
            v.govopen_boolean_string("maybe")
        assert v.govopen_non_negative_int("12") == "12"
        with pytest.raises(Invalid):
            v.govopen_non_negative_int("-1")
        assert v.govopen_snake_case("plate_no") == "plate_no"
        with pytest.raises(Invalid):
            v.govopen_snake_case("Plate No")
        assert v.govopen_domain_alias("99") == "22"
        with pytest.raises(Invalid):
            v.govopen_min_length(20)("太短")
        assert v.is_machine_readable("csv") and v.is_machine_readable(".XLSX")
        assert not v.is_machine_readable("PDF")
        assert v.is_machine_readable("HTML", "api")


class TestRulesWithoutDb:
    """govopen_dataset_rules on a flattened dict of a new dataset in a
    private draft (no DB look-ups needed)."""

    def _run(self, **fields):
        data = {("private",): True, ("state",): "draft"}
        data.update({(k,): val for k, val in fields.items()})
        errors = {k: [] for k in data}
        v.govopen_dataset_rules(("__after",), data, errors, {})
        return data, {k: e for k, e in errors.items() if e}

    def test_closed_needs_basis(self):
        _, errors = self._run(open_type="closed", share_type="unconditional")
        assert list(errors) == [("non_open_basis",)]
        assert "不予开放依据" in errors[("non_open_basis",)][0]
        assert "legal basis" in errors[("non_open_basis",)][0]
        _, errors = self._run(open_type="closed", share_type="unconditional",
                              non_open_basis="《数据安全法》第二十一条")
        assert not errors

    def test_authorized_needs_conditions(self):
        _, errors = self._run(open_type="authorized", share_type="unconditional")
        assert set(errors) == {("open_condition",), ("eligible_applicants",),
                               ("usage_requirements",), ("security_requirements",)}
        _, errors = self._run(
            open_type="authorized", share_type="unconditional",
            open_condition="签订协议", eligible_applicants='["research_institution"]',
            usage_requirements="仅限科研", security_requirements="等保三级")
        assert not errors

    def test_share_condition(self):
        for share in ("conditional", "none"):
            _, errors = self._run(open_type="universal", share_type=share)
            assert list(errors) == [("share_condition",)]

    def test_temporal_order(self):
        _, errors = self._run(open_type="universal", share_type="unconditional",
                              temporal_start="2024-02-01", temporal_end="2024-01-01")
        assert list(errors) == [("temporal_end",)]

    def test_set_field_updates_extras(self):
        data = {("extras", 0, "key"): "a", ("extras", 0, "value"): "1"}
        v.set_field(data, "a", "2")
        v.set_field(data, "b", "3")
        assert data[("extras", 0, "value")] == "2"
        assert data[("extras", 1, "key")] == "b" and data[("b",)] == "3"


def test_direction():
    from ckanext.govopen.schema.validators import OPEN_RANK, SHARE_RANK
    assert direction("universal", "authorized", OPEN_RANK) == 1
    assert direction("authorized", "closed", OPEN_RANK) == 1
    assert direction("closed", "universal", OPEN_RANK) == -1
    assert direction("unconditional", "none", SHARE_RANK) == 1
    assert direction(None, "closed", OPEN_RANK) == 0


class TestLabelsAndSchema:
    def test_dataset_yaml_fields_and_codes(self):
        with open(labels.os.path.join(labels.HERE, "dataset.yaml"), encoding="utf-8") as fh:
            schema = yaml.safe_load(fh)
        names = [f["field_name"] for f in schema["dataset_fields"]]
        for required in ("open_type", "share_type", "domain", "update_frequency",
                         "region_code", "provider_code", "catalog_code",
                         "catalog_class", "data_items", "contains_personal_info",
                         "non_open_basis", "open_condition", "eligible_applicants",
                         "usage_requirements", "security_requirements",
                         "share_condition", "share_mode", "security_level",
                         "first_published", "data_updated", "temporal_start",
                         "temporal_end", "record_count", "contact_name",
                         "contact_phone", "contact_email", "license_id",
                         "related_codes", "priority", "desensitization_plan"):
            assert required in names, required
        assert list(labels.choices("domain")) == [str(i) for i in range(1, 23)]
        assert list(labels.choices("open_type")) == ["universal", "authorized", "closed"]
        assert list(labels.choices("share_type")) == ["unconditional", "conditional", "none"]
        assert list(labels.choices("update_frequency")) == [
            "realtime", "daily", "weekly", "monthly", "quarterly", "semiannual",
            "annual", "irregular", "static"]
        assert list(labels.choices("eligible_applicants")) == list(v.APPLICANT_TYPES)
        assert list(labels.choices("sensitivity")) == [
            "none", "quasi_identifier", "direct_identifier", "sensitive", "confidential"]
        assert list(labels.choices("access_mode", "resource_fields")) == [
            "download", "api", "sandbox"]

    def test_every_label_bilingual(self):
        for fname, sections in (("dataset.yaml", ("dataset_fields", "resource_fields")),
                                ("organization.yaml", ("fields",))):
            with open(labels.os.path.join(labels.HERE, fname), encoding="utf-8") as fh:
                schema = yaml.safe_load(fh)
            fields = [f for s in sections for f in schema[s]]
            fields += [sf for f in fields for sf in f.get("repeating_subfields", [])]
            for f in fields:
                assert set(f["label"]) == {"zh_Hans_CN", "en"}, f["field_name"]
                if "help_text" in f:
                    assert set(f["help_text"]) == {"zh_Hans_CN", "en"}, f["field_name"]
                for c in f.get("choices", []):
                    assert isinstance(c["value"], str) and c["value"].isascii()
                    if f["field_name"] != "api_method":
                        assert set(c["label"]) == {"zh_Hans_CN", "en"}, f["field_name"]

    def test_labels(self):
        assert labels.choice_label("domain", "6") == "交通运输"
        assert labels.choice_label("domain", "6", "en") == "Transport"
        assert labels.choice_label("open_type", "authorized") == "授权开放"
        assert labels.choice_label("org_type", "admin_organ", section="fields",
                                   schema_file="organization.yaml") == "行政机关"
        assert helpers.govopen_facet_label("region_code", "330106") == "浙江省 杭州市 西湖区"
        assert helpers.govopen_facet_label("update_frequency", "monthly") == "每月"
        assert helpers.govopen_facet_label("tags", "交通") == "交通"


def test_before_dataset_index():
    items = [{"name_en": "plate_no", "name_zh": "车牌号", "data_type": "string",
              "sensitivity": "quasi_identifier"},
             {"name_en": "owner_name", "name_zh": "车主姓名"}]
    pkg = {"data_items": json.dumps(items, ensure_ascii=False),
           "extras_open_type": "universal", "domain": "6",
           "eligible_applicants": '["enterprise"]',
           "validated_data_dict": json.dumps({"update_frequency": "monthly"})}
    out = indexing.before_dataset_index(pkg)
    assert out["data_item_names"] == ["车牌号", "plate_no", "车主姓名", "owner_name"]
    assert out["open_type"] == "universal" and out["domain"] == "6"
    assert out["update_frequency"] == "monthly"
    assert out["eligible_applicants"] == ["enterprise"]
