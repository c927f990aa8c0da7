"""Published vocabularies: the 数据领域 concept scheme and region locations.

* ``/dcat/themes`` (``.ttl``, ``.jsonld``, ``.rdf``)   the SKOS scheme
* ``/dcat/themes/<code>``                              one concept
* ``/dcat/regions/<code>``                             a GB/T 2260 Location

Turtle by default; JSON-LD or RDF/XML by extension, ``?format=`` or the
``Accept`` header.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request

from ckanext.govopen.dcat import themes

vocab = Blueprint("govopen_dcat_vocab", __name__)

FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json; charset=utf-8"),
    "rdf": ("pretty-xml", "application/rdf+xml; charset=utf-8"),
}
_ACCEPT = {
    "text/turtle": "ttl", "application/x-turtle": "ttl",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdf",
}


def _negotiate(ext: str | None) -> str:
    if ext:
        if ext not in FORMATS:
            abort(404)
        return ext
    fmt = request.args.get("format")
    if fmt:
        fmt = {"turtle": "ttl", "json-ld": "jsonld", "xml": "rdf"}.get(
            fmt, fmt)
        if fmt not in FORMATS:
            abort(400, "unsupported format")
        return fmt
    best = request.accept_mimetypes.best_match(list(_ACCEPT))
    if best and request.accept_mimetypes[best] > request.accept_mimetypes[
            "text/turtle"]:
        return _ACCEPT[best]
    return "ttl"


def _respond(graph, fmt: str) -> Response:
    rdflib_format, mimetype = FORMATS[fmt]
    if fmt == "jsonld":
        body = graph.serialize(format=rdflib_format, auto_compact=True)
    else:
        body = graph.serialize(format=rdflib_format)
    response = Response(body, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@vocab.route("/dcat/themes")
@vocab.route("/dcat/themes.<ext>")
def theme_scheme(ext: str | None = None):
    return _respond(themes.scheme_graph(), _negotiate(ext))


def _vocabulary_item(code: str, build):
    """One concept of a published vocabulary; ``code.ext`` picks the format."""
    code, _, ext = code.partition(".")
    graph = build(code)
    if graph is None:
        abort(404)
    return _respond(graph, _negotiate(ext or None))


@vocab.route("/dcat/themes/<code>")
def theme_concept(code: str):
    return _vocabulary_item(code, themes.concept_graph)


@vocab.route("/dcat/regions/<code>")
def region(code: str):
    return _vocabulary_item(code, themes.region_graph)


def get_blueprints():
    return [vocab]
