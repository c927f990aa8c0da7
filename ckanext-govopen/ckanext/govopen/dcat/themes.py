"""Vocabularies the portal publishes for its DCAT output.

* ``<base>/dcat/themes``        skos:ConceptScheme of the 22 数据领域 (GUIDE
  §4.5), one skos:Concept per code at ``<base>/dcat/themes/<code>`` with
  zh and en prefLabels (read from the dataset schema, not copied here) and a
  skos:closeMatch to the nearest EU data theme.
* ``<base>/dcat/regions/<code>`` dct:Location per GB/T 2260 code, named from
  the schema's region list, with dct:isPartOf its enclosing divisions.

``<base>`` is dcat's catalogue URI (``ckanext.dcat.base_uri`` or
``ckan.site_url``), so these URIs are as stable as the dataset URIs.
"""
from __future__ import annotations

from typing import Optional

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS as DCT, RDF, SKOS

from ckanext.govopen.dcat import mappings
from ckanext.govopen.schema import labels, regions

LANG_TAGS = {"zh_Hans_CN": "zh", "en": "en"}
SCHEME_TITLE = {"zh": "数据领域", "en": "Data domains"}
REGIONS_TITLE = {"zh": "行政区划（GB/T 2260）",
                 "en": "Administrative divisions (GB/T 2260)"}


def base_uri(base: Optional[str] = None) -> str:
    if base is None:
        from ckanext.dcat.utils import catalog_uri
        base = catalog_uri()
    return base.rstrip("/")


def scheme_uri(base: Optional[str] = None) -> URIRef:
    return URIRef(f"{base_uri(base)}/dcat/themes")


def theme_uri(code, base: Optional[str] = None) -> URIRef:
    return URIRef(f"{base_uri(base)}/dcat/themes/{code}")


def regions_scheme_uri(base: Optional[str] = None) -> URIRef:
    return URIRef(f"{base_uri(base)}/dcat/regions")


def region_uri(code, base: Optional[str] = None) -> URIRef:
    return URIRef(f"{base_uri(base)}/dcat/regions/{code}")


def domains() -> dict[str, dict[str, str]]:
    """{code: {lang: label}} from the dataset schema's ``domain`` choices."""
    return labels.choices("domain")


def _code_after(uri, prefix: str) -> Optional[str]:
    text = str(uri or "")
    if text.startswith(prefix + "/"):
        code = text[len(prefix) + 1:].strip("/")
        return code or None
    return None


def code_from_theme_uri(uri, base: Optional[str] = None) -> Optional[str]:
    code = _code_after(uri, str(scheme_uri(base)))
    return code if code in domains() else None


def code_from_region_uri(uri, base: Optional[str] = None) -> Optional[str]:
    code = _code_after(uri, str(regions_scheme_uri(base)))
    return code if code and code.isdigit() and len(code) == 6 else None


def _bind(g: Graph) -> Graph:
    g.bind("skos", SKOS)
    g.bind("dct", DCT)
    return g


def add_concept(g: Graph, code: str, base: Optional[str] = None,
                with_scheme_links: bool = True) -> URIRef:
    """Describe one domain concept in ``g`` (used by the profile too)."""
    labels_ = domains().get(str(code))
    concept = theme_uri(code, base)
    scheme = scheme_uri(base)
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.notation, Literal(str(code))))
    g.add((concept, SKOS.inScheme, scheme))
    if with_scheme_links:
        g.add((concept, SKOS.topConceptOf, scheme))
    for key, tag in LANG_TAGS.items():
        if labels_ and labels_.get(key):
            g.add((concept, SKOS.prefLabel, Literal(labels_[key], lang=tag)))
    eu = mappings.DOMAIN_TO_EU_THEME.get(str(code))
    if eu and with_scheme_links:
        g.add((concept, SKOS.closeMatch, URIRef(mappings.DATA_THEME + eu)))
    return concept


def _add_scheme_header(g: Graph, base: Optional[str]) -> URIRef:
    scheme = scheme_uri(base)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for tag, text in SCHEME_TITLE.items():
        g.add((scheme, DCT.title, Literal(text, lang=tag)))
        g.add((scheme, SKOS.prefLabel, Literal(text, lang=tag)))
    return scheme


def scheme_graph(base: Optional[str] = None) -> Graph:
    """The whole concept scheme (served at ``/dcat/themes``)."""
    g = _bind(Graph())
    scheme = _add_scheme_header(g, base)
    for code in domains():
        concept = add_concept(g, code, base)
        g.add((scheme, SKOS.hasTopConcept, concept))
    return g


def concept_graph(code: str, base: Optional[str] = None) -> Optional[Graph]:
    if str(code) not in domains():
        return None
    g = _bind(Graph())
    _add_scheme_header(g, base)
    add_concept(g, str(code), base)
    return g


def add_region(g: Graph, code: str, base: Optional[str] = None,
               with_parents: bool = True) -> Optional[URIRef]:
    """dct:Location for a region code (named from the GB/T 2260 list)."""
    code = str(code or "").strip()
    if not (code.isdigit() and len(code) == 6):
        return None
    ref = region_uri(code, base)
    g.add((ref, RDF.type, DCT.Location))
    g.add((ref, SKOS.notation, Literal(code)))
    g.add((ref, SKOS.inScheme, regions_scheme_uri(base)))
    region = regions.get(code)
    if region:
        g.add((ref, SKOS.prefLabel, Literal(region.name, lang="zh")))
        full = regions.full_name(code)
        if full and full != region.name:
            g.add((ref, SKOS.altLabel, Literal(full, lang="zh")))
    else:
        g.add((ref, SKOS.prefLabel, Literal(f"行政区划 {code}", lang="zh")))
    if with_parents:
        parent = region.parent if region else None
        if parent:
            g.add((ref, DCT.isPartOf, region_uri(parent, base)))
    return ref


def region_graph(code: str, base: Optional[str] = None) -> Optional[Graph]:
    if not regions.get(code):
        return None
    g = _bind(Graph())
    scheme = regions_scheme_uri(base)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    for tag, text in REGIONS_TITLE.items():
        g.add((scheme, DCT.title, Literal(text, lang=tag)))
    add_region(g, code, base)
    for parent in regions.ancestors(code):
        if regions.get(parent):
            add_region(g, parent, base)
    return g
