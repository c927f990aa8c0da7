"""Pure tests of the declared demo catalogue, departments and loader helpers."""
import collections
import datetime
import os
import re
import stat

from ckanext.govopen.demo import catalogue, departments, load, rows
from ckanext.govopen.identifiers import is_valid_uscc
from ckanext.govopen.schema import validators as v

CODE = re.compile(r"^[1-3]\d{5}[0-9A-Za-z]*/\d{1,12}$")


def test_size_and_departments():
    assert len(catalogue.DATASETS) >= 40
    orgs = {e.org for e in catalogue.DATASETS}
    assert len(orgs) >= 8
    for short in ("交通运输局", "市场监督管理局", "生态环境局", "卫生健康委员会", "教育局",
                  "气象局", "人力资源和社会保障局", "统计局", "公安局", "大数据管理局"):
        org = next(o for o in departments.ORGS if o["title"].endswith(short))
        assert org["name"] in orgs


def test_every_open_and_share_class_and_many_domains():
    assert {e.open_type for e in catalogue.DATASETS} == {"universal", "authorized", "closed"}
    assert {e.share_type for e in catalogue.DATASETS} == {"unconditional", "conditional", "none"}
    domains = {e.domain for e in catalogue.DATASETS}
    assert len(domains) >= 10
    assert domains <= {str(i) for i in range(1, 23)}
    # authorized datasets that are public (non-personal) exist too
    assert any(e.open_type == "authorized" and not e.private for e in catalogue.DATASETS)


def test_catalog_codes_unique_and_well_formed():
    codes = list(catalogue.CATALOG_CODES.values())
    assert len(codes) == len(set(codes)) == len(catalogue.DATASETS)
    assert all(CODE.match(c) for c in codes)
    for e in catalogue.DATASETS:
        code = catalogue.CATALOG_CODES[e.name]
        assert code[0] == catalogue.PART_DIGIT[e.part]
        assert code[3:6] == departments.ORG_BY_NAME[e.org]["dept_code"]


def test_declared_rules_hold():
    assert catalogue.check_catalogue() == []


def test_personal_data_never_public():
    personal = [e for e in catalogue.DATASETS if e.personal]
    assert len(personal) >= 5
    for e in personal:
        assert e.private, e.name
    cols = {c.name_zh for e in personal for c in e.kind.columns}
    assert {"姓名", "身份证号", "手机号", "住址"} <= cols


def test_search_words_present():
    text = collections.Counter()
    for e in catalogue.DATASETS:
        for word in ("公交", "公共交通", "空气", "车牌号", "PM2.5"):
            if word in e.title + e.notes and not e.private:
                text[word] += 1
    assert text["公交"] >= 4 and text["空气"] >= 3 and text["车牌号"] >= 2
    assert text["公共交通"] >= 2 and text["PM2.5"] >= 1


def test_package_dict_follows_the_schema_vocabulary():
    as_of = datetime.date(2025, 7, 1)
    for e in catalogue.DATASETS:
        pkg = catalogue.package_dict(e, as_of, 10)
        assert pkg["open_type"] in v.OPEN_RANK and pkg["share_type"] in v.SHARE_RANK
        assert v.govopen_uscc(pkg["provider_code"]) == pkg["provider_code"]
        v.govopen_catalog_code(pkg["catalog_code"])
        v.govopen_region_code(pkg["region_code"])
        v.govopen_phone(pkg["contact_phone"])
        v.govopen_email(pkg["contact_email"])
        v.govopen_not_future(pkg["first_published"])
        assert pkg["contains_personal_info"] is e.personal
        for item in pkg["data_items"]:
            v.govopen_snake_case(item["name_en"])
            assert item["data_type"] in ("string", "integer", "decimal", "date",
                                         "datetime", "boolean")
            assert item["sensitivity"] in ("none", "quasi_identifier", "direct_identifier",
                                           "sensitive", "confidential")
        if "temporal_start" in pkg:
            assert pkg["temporal_start"] <= pkg["temporal_end"] < as_of.isoformat()
        if pkg["open_type"] == "authorized":
            assert set(pkg["eligible_applicants"]) <= set(v.APPLICANT_TYPES)


def test_organisations():
    codes = [o["provider_code"] for o in departments.ORGS]
    assert len(set(codes)) == len(codes)
    for o in departments.ORGS:
        assert is_valid_uscc(o["provider_code"], strict_org_code=True)
        assert o["provider_code"][:2] == ("91" if o["org_type"] == "public_enterprise" else "11")
        assert o["provider_code"][2:8] == o["region_code"] == "350100"
        assert o["org_level"] == "city"
        v.govopen_phone(o["contact_phone"])
        v.govopen_email(o["contact_email"])
    assert [o["name"] for o in departments.ORGS if o["is_authority"]] == ["rx-dsjj"]
    # stable between imports (seeded)
    assert departments.organizations() == departments.ORGS


def test_users():
    kinds = collections.Counter(u["kind"] for u in departments.USERS)
    n = len(departments.ORGS)
    assert kinds == {"sysadmin": 1, "org_admin": n, "org_editor": n,
                     "citizen": 1, "enterprise": 1}
    names = [u["name"] for u in departments.USERS]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_-]{2,100}", x) for x in names)
    assert all("password" not in u for u in departments.USERS)


def test_strong_password():
    pws = {load.strong_password() for _ in range(50)}
    assert len(pws) == 50
    for pw in pws:
        assert len(pw) >= 16
        assert re.search(r"[a-z]", pw) and re.search(r"[A-Z]", pw)
        assert re.search(r"\d", pw) and re.search(r"[^A-Za-z0-9]", pw)


def test_credentials_file_is_private_and_appended(tmp_path):
    path = tmp_path / "var" / "demo-credentials.txt"
    load._append_credentials(str(path), ["  sysadmin rx-sysadmin pw1"], "http://x")
    load._append_credentials(str(path), ["  citizen rx-citizen pw2"], "http://x")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert text.count("# site:") == 1
    assert "rx-sysadmin pw1" in text and "rx-citizen pw2" in text


def test_repo_root_and_default_credentials_path():
    root = load.repo_root()
    assert os.path.isfile(os.path.join(root, "setup.py"))
    assert load.default_credentials_file() == os.path.join(root, "var", "demo-credentials.txt")


def test_quick_subset_covers_each_access_kind():
    quick = load.selected_entries(quick=True)
    assert {e.open_type for e in quick} == {"universal", "authorized", "closed"}
    assert any(e.private for e in quick) and any(not e.private for e in quick)
    assert all(k in rows.KINDS for e in quick for k in (r.kind for r in e.resources))
