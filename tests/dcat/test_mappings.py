"""Pure tests: code <-> URI tables, phone URIs, the SKOS theme scheme."""
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.govopen.dcat import mappings, themes
from ckanext.govopen.schema import labels

BASE = "https://data.example.gov.cn"


def test_access_rights_follow_open_type():
    assert mappings.OPEN_TYPE_TO_ACCESS_RIGHT == {
        "universal": mappings.ACCESS_RIGHT + "PUBLIC",
        "authorized": mappings.ACCESS_RIGHT + "RESTRICTED",
        "closed": mappings.ACCESS_RIGHT + "NON_PUBLIC",
    }
    for code, uri in mappings.OPEN_TYPE_TO_ACCESS_RIGHT.items():
        assert mappings.ACCESS_RIGHT_TO_OPEN_TYPE[uri] == code


def test_every_schema_frequency_has_an_eu_uri_that_round_trips():
    schema_values = set(labels.choices("update_frequency"))
    assert schema_values == set(mappings.FREQUENCY_TO_URI)
    for code, uri in mappings.FREQUENCY_TO_URI.items():
        assert uri.startswith(
            "http://publications.europa.eu/resource/authority/frequency/")
        assert mappings.URI_TO_FREQUENCY[uri] == code
    assert mappings.FREQUENCY_TO_URI["semiannual"].endswith("/ANNUAL_2")
    assert mappings.FREQUENCY_TO_URI["static"].endswith("/NEVER")
    assert mappings.URI_TO_FREQUENCY[mappings.FREQUENCY + "CONT"] == "realtime"


def test_tel_uri_round_trip():
    assert mappings.tel_uri("0591-87654321") == "tel:+86-591-87654321"
    assert mappings.tel_uri("010 6512 3456") == "tel:+86-10-65123456"
    assert mappings.tel_uri("+86 138 0013 8000") == "tel:+86-138-0013-8000"
    assert mappings.tel_uri("0591-87654321转123") == \
        "tel:+86-591-87654321;ext=123"
    assert mappings.tel_uri("not a phone") is None
    for phone in ("0591-87654321", "13800138000", "010-65123456",
                  "0591-87654321转123"):
        assert mappings.phone_from_tel(mappings.tel_uri(phone)) == phone


def test_formats_map_to_eu_file_types_and_back():
    ft, media = mappings.eu_format("csv")
    assert ft.endswith("/file-type/CSV") and media.endswith("/text/csv")
    assert mappings.format_from_uri(ft) == "CSV"
    assert mappings.format_from_uri(media) == "CSV"
    assert mappings.eu_format("API") == (None, None)


def test_theme_scheme_has_22_concepts_with_zh_and_en_labels():
    g = themes.scheme_graph(BASE)
    scheme = URIRef(BASE + "/dcat/themes")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    concepts = set(g.objects(scheme, SKOS.hasTopConcept))
    assert len(concepts) == 22
    c6 = URIRef(BASE + "/dcat/themes/6")
    assert c6 in concepts
    assert (c6, SKOS.prefLabel, Literal("交通运输", lang="zh")) in g
    assert (c6, SKOS.prefLabel, Literal("Transport", lang="en")) in g
    assert (c6, SKOS.notation, Literal("6")) in g
    assert (c6, SKOS.inScheme, scheme) in g
    for c in concepts:
        langs = {lit.language for lit in g.objects(c, SKOS.prefLabel)}
        assert langs == {"zh", "en"}
    assert themes.code_from_theme_uri(str(c6), BASE) == "6"
    assert themes.code_from_theme_uri(BASE + "/dcat/themes/99", BASE) is None


def test_region_location_is_named_from_gb2260():
    g = themes.region_graph("350102", BASE)
    ref = URIRef(BASE + "/dcat/regions/350102")
    names = {str(o) for o in g.objects(ref, SKOS.prefLabel)}
    assert names == {"鼓楼区"}
    assert (ref, SKOS.notation, Literal("350102")) in g
    parent = URIRef(BASE + "/dcat/regions/350100")
    assert (parent, SKOS.prefLabel, Literal("福州市", lang="zh")) in g
    assert themes.region_graph("999999", BASE) is None
