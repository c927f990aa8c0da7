"""``govopen_dcat``: DCAT-AP 3 profile for the govopen catalogue schema.

Chain it after ``euro_dcat_ap_3``::

    ckanext.dcat.rdf.profiles = euro_dcat_ap_3 govopen_dcat

(it also works alone: it then runs the DCAT-AP 3 base itself).  On top of
DCAT-AP 3 it publishes

* ``dct:identifier``        the 信息资源代码 (``catalog_code``),
* ``dct:accessRights``      EU access-right URI from ``open_type``,
* ``dct:accrualPeriodicity`` EU frequency URI from ``update_frequency``,
* ``dcat:theme``            concept of the portal's 数据领域 scheme
  (``/dcat/themes``), ``dct:spatial`` a Location per GB/T 2260 code
  (``/dcat/regions/<code>``), ``dct:language`` Chinese,
* publisher with its 统一社会信用代码 (``dct:identifier``) and contact point
  with phone and e-mail (vCard),
* data items as a CSVW table schema on tabular distributions,
* for ``authorized``/``closed`` data: distributions without
  ``dcat:downloadURL`` whose ``dcat:accessURL`` is the application page,
  never the file URL.

``parse_dataset`` recovers catalog_code, open_type, update_frequency, domain,
region_code, provider_code, contact fields, first_published and data_items.
"""
from __future__ import annotations

import re
import time
from typing import Any, Optional

from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import Namespace

from ckanext.dcat.profiles import (
    DCAT,
    DCT,
    FOAF,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
    EuropeanDCATAP3Profile,
)
from ckanext.dcat.profiles.base import CleanedURIRef
from ckanext.dcat.utils import resource_uri

from ckanext.govopen.dcat import mappings, themes

CSVW = Namespace("http://www.w3.org/ns/csvw#")

APPLY_URL_OPTION = "ckanext.govopen.dcat.apply_url"
DEFAULT_APPLY_URL = "{site_url}/dataset/{name}#apply"
PUBLISHER_NAME_OPTION = "ckanext.govopen.dcat.catalog_publisher"
PUBLISHER_ID_OPTION = "ckanext.govopen.dcat.catalog_publisher_code"

_THEME_RE = re.compile(r"/dcat/themes/(\d{1,2})/?$")
_REGION_RE = re.compile(r"/dcat/regions/(\d{6})/?$")

# organization_show results, briefly cached (dcat's own _org_cache never
# expires, so a changed credit code would stay stale until restart).
_ORG_CACHE: dict[str, tuple[float, dict]] = {}
_ORG_TTL = 60.0


def _config(key: str, default=None):
    try:
        from ckan.plugins.toolkit import config
        value = config.get(key)
    except Exception:
        value = None
    return default if value in (None, "") else value


def apply_url(dataset_dict: dict) -> str:
    """The application (申请) page of a dataset: accessURL of restricted
    distributions.  ``ckanext.govopen.dcat.apply_url`` is a template with
    ``{site_url}``, ``{name}`` and ``{id}``."""
    template = _config(APPLY_URL_OPTION, DEFAULT_APPLY_URL)
    site = str(_config("ckan.site_url", "") or themes.base_uri()).rstrip("/")
    return template.format(site_url=site,
                           name=dataset_dict.get("name") or
                           dataset_dict.get("id"),
                           id=dataset_dict.get("id"))


def landing_page(dataset_dict: dict) -> str:
    site = str(_config("ckan.site_url", "") or themes.base_uri()).rstrip("/")
    return f"{site}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


def _organization(dataset_dict: dict) -> Optional[dict]:
    org = dataset_dict.get("organization") or {}
    if org.get("provider_code"):
        return org
    org_id = org.get("id") or dataset_dict.get("owner_org")
    if not org_id:
        return org or None
    hit = _ORG_CACHE.get(org_id)
    if hit and time.monotonic() - hit[0] < _ORG_TTL:
        return hit[1]
    try:
        from ckan.plugins import toolkit
        full = toolkit.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": org_id, "include_datasets": False, "include_users": False,
             "include_groups": False, "include_tags": False,
             "include_followers": False})
    except Exception:
        return org or None
    _ORG_CACHE[org_id] = (time.monotonic(), full)
    return full


class GovopenDCATAPProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 + govopen catalogue metadata (see module docstring)."""

    # ------------------------------------------------------------ serialise
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        if not any((dataset_ref, RDF.type, t) in self.g
                   for t in (DCAT.Dataset, DCAT.DatasetSeries)):
            # Used alone, without euro_dcat_ap_3 before it in the chain.
            super().graph_from_dataset(dataset_dict, dataset_ref)
        self._govopen_dataset(dataset_dict, dataset_ref)

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        if (catalog_ref, RDF.type, DCAT.Catalog) not in self.g:
            super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        # DCAT-AP 3 ranges: language as an EU NAL URI, homepage a Document
        for o in list(g.objects(catalog_ref, DCT.language)):
            if isinstance(o, Literal):
                g.remove((catalog_ref, DCT.language, o))
                code = "ENG" if str(o).lower().startswith("en") else "ZHO"
                lang = URIRef(mappings.LANGUAGE + code)
                g.add((catalog_ref, DCT.language, lang))
                g.add((lang, RDF.type, DCT.LinguisticSystem))
        for o in g.objects(catalog_ref, FOAF.homepage):
            g.add((o, RDF.type, FOAF.Document))
        # the platform operator publishes the catalogue (mandatory)
        if g.value(catalog_ref, DCT.publisher) is None:
            name = _config(PUBLISHER_NAME_OPTION) or _config("ckan.site_title")
            if name:
                pub = BNode()
                g.add((catalog_ref, DCT.publisher, pub))
                g.add((pub, RDF.type, FOAF.Agent))
                g.add((pub, FOAF.name, Literal(name)))
                code = _config(PUBLISHER_ID_OPTION)
                if code:
                    g.add((pub, DCT.identifier, Literal(code)))
        scheme = themes.scheme_uri()
        self.g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for tag, text in themes.SCHEME_TITLE.items():
            self.g.add((scheme, DCT.title, Literal(text, lang=tag)))

    def _replace(self, subject, predicate, obj, _class=None):
        self.g.remove((subject, predicate, None))
        if obj is not None:
            self.g.add((subject, predicate, obj))
            if _class is not None:
                self.g.add((obj, RDF.type, _class))

    def _govopen_dataset(self, d: dict, ref) -> None:
        g = self.g
        g.bind("csvw", CSVW)

        if d.get("catalog_code"):
            self._replace(ref, DCT.identifier, Literal(d["catalog_code"]))

        open_type = d.get("open_type")
        access = mappings.OPEN_TYPE_TO_ACCESS_RIGHT.get(open_type)
        if access:
            self._replace(ref, DCT.accessRights, URIRef(access),
                          DCT.RightsStatement)

        freq = mappings.FREQUENCY_TO_URI.get(d.get("update_frequency"))
        if freq:
            self._replace(ref, DCT.accrualPeriodicity, URIRef(freq),
                          DCT.Frequency)

        if d.get("domain") and str(d["domain"]) in themes.domains():
            concept = themes.add_concept(g, str(d["domain"]),
                                         with_scheme_links=False)
            g.add((ref, DCAT.theme, concept))

        if d.get("region_code"):
            location = themes.add_region(g, d["region_code"])
            if location is not None:
                g.add((ref, DCT.spatial, location))

        if not list(g.objects(ref, DCT.language)):
            lang = URIRef(mappings.LANGUAGE + "ZHO")
            g.add((ref, DCT.language, lang))
            g.add((lang, RDF.type, DCT.LinguisticSystem))

        if not list(g.objects(ref, DCAT.landingPage)) and (
                d.get("name") or d.get("id")):
            page = URIRef(landing_page(d))
            g.add((ref, DCAT.landingPage, page))
            g.add((page, RDF.type, FOAF.Document))

        if d.get("first_published"):
            self._replace(ref, DCT.issued, None)
            self._add_date_triple(ref, DCT.issued, str(d["first_published"]))

        self._govopen_publisher(d, ref)
        self._govopen_contact(d, ref)
        for res in d.get("resources") or []:
            self._govopen_distribution(d, res)

    def _govopen_publisher(self, d: dict, ref) -> None:
        g = self.g
        publishers = list(g.objects(ref, DCT.publisher))
        org = _organization(d) if (d.get("organization") or
                                   d.get("owner_org")) else None
        code = (org or {}).get("provider_code") or d.get("provider_code")
        if not publishers:
            name = (org or {}).get("title")
            if not name:
                return
            pub = BNode()
            g.add((ref, DCT.publisher, pub))
            g.add((pub, RDF.type, FOAF.Agent))
            g.add((pub, FOAF.name, Literal(name)))
            publishers = [pub]
        for pub in publishers:
            if code:
                self._replace(pub, DCT.identifier, Literal(code))
            kind = mappings.ORG_LEVEL_TO_PUBLISHER_TYPE.get(
                (org or {}).get("org_level"))
            if kind and not list(g.objects(pub, DCT.type)):
                t = URIRef(mappings.PUBLISHER_TYPE + kind)
                g.add((pub, DCT.type, t))
                g.add((t, RDF.type, SKOS.Concept))
                for lang, text in mappings.PUBLISHER_TYPE_LABELS[kind].items():
                    g.add((t, SKOS.prefLabel, Literal(text, lang=lang)))

    def _govopen_contact(self, d: dict, ref) -> None:
        g = self.g
        contacts = list(g.objects(ref, DCAT.contactPoint))
        if not contacts and (d.get("contact_phone") or d.get("contact_name")):
            node = BNode()
            g.add((ref, DCAT.contactPoint, node))
            g.add((node, RDF.type, VCARD.Organization))
            if d.get("contact_name"):
                g.add((node, VCARD.fn, Literal(d["contact_name"])))
            contacts = [node]
        tel = mappings.tel_uri(d.get("contact_phone"))
        for node in contacts:
            g.add((node, RDF.type, VCARD.Kind))
            if d.get("contact_phone") and not list(
                    g.objects(node, VCARD.hasTelephone)):
                g.add((node, VCARD.hasTelephone,
                       URIRef(tel) if tel else Literal(d["contact_phone"])))

    def _govopen_distribution(self, d: dict, res: dict) -> None:
        g = self.g
        dist = CleanedURIRef(resource_uri(res))
        if (dist, RDF.type, DCAT.Distribution) not in g:
            return

        # Formats as EU file types / IANA media types (DCAT-AP ranges).
        fmt = (res.get("format") or "").strip()
        file_type, media = mappings.eu_format(fmt)
        literal_formats = [o for o in g.objects(dist, DCT["format"])
                           if isinstance(o, Literal)]
        for o in literal_formats:
            g.remove((dist, DCT["format"], o))
        if file_type:
            self._replace(dist, DCT["format"], URIRef(file_type),
                          DCT.MediaTypeOrExtent)
        if media and not list(g.objects(dist, DCAT.mediaType)):
            g.add((dist, DCAT.mediaType, URIRef(media)))
            g.add((URIRef(media), RDF.type, DCT.MediaType))
        for o in [o for o in g.objects(dist, DCAT.mediaType)
                  if isinstance(o, Literal)]:
            g.remove((dist, DCAT.mediaType, o))

        if d.get("open_type") in mappings.RESTRICTED_OPEN_TYPES:
            # No file URL anywhere on the distribution: access is by
            # application only (rule 1; notes §6 "Distribution URLs").
            urls = {str(u) for u in (res.get("url"), res.get("download_url"),
                                     res.get("access_url")) if u}
            g.remove((dist, DCAT.downloadURL, None))
            g.remove((dist, DCAT.accessURL, None))
            for p, o in list(g.predicate_objects(dist)):
                if str(o) in urls:
                    g.remove((dist, p, o))
            page = URIRef(apply_url(d))
            g.add((dist, DCAT.accessURL, page))
            g.add((page, RDF.type, RDFS.Resource))
            if d.get("open_condition"):
                stmt = BNode()
                g.add((dist, DCT.rights, stmt))
                g.add((stmt, RDF.type, DCT.RightsStatement))
                g.add((stmt, RDFS.label, Literal(d["open_condition"])))
        else:
            url = res.get("url")
            if (url and res.get("url_type") == "upload"
                    and not list(g.objects(dist, DCAT.downloadURL))):
                g.add((dist, DCAT.downloadURL, URIRef(url)))
            if not list(g.objects(dist, DCAT.accessURL)):
                page = URIRef(landing_page(d))
                g.add((dist, DCAT.accessURL, page))
                g.add((page, RDF.type, RDFS.Resource))

        # DCAT-AP 3 ranges: access/download URLs are rdfs:Resource nodes.
        for p in (DCAT.accessURL, DCAT.downloadURL):
            for o in list(g.objects(dist, p)):
                if isinstance(o, URIRef):
                    g.add((o, RDF.type, RDFS.Resource))

        items = d.get("data_items") or []
        if items and fmt.upper() in mappings.TABULAR_FORMATS:
            self._table_schema(dist, items)

    def _table_schema(self, dist, items: list) -> None:
        g = self.g
        schema = BNode()
        g.add((dist, CSVW.tableSchema, schema))
        g.add((schema, RDF.type, CSVW.Schema))
        columns = []
        for item in items:
            if not isinstance(item, dict) or not item.get("name_en"):
                continue
            col = BNode()
            g.add((col, RDF.type, CSVW.Column))
            g.add((col, CSVW.name, Literal(item["name_en"])))
            if item.get("name_zh"):
                g.add((col, CSVW.title, Literal(item["name_zh"], lang="zh")))
            xsd = mappings.DATA_TYPE_TO_XSD.get(item.get("data_type"))
            if xsd:
                g.add((col, CSVW.datatype, XSD[xsd]))
            if item.get("length") not in (None, "") and \
                    item.get("data_type") == "string":
                try:
                    g.add((col, CSVW.maxLength,
                           Literal(int(item["length"]),
                                   datatype=XSD.nonNegativeInteger)))
                except (TypeError, ValueError):
                    pass
            if item.get("description"):
                g.add((col, DCT.description, Literal(item["description"])))
            columns.append(col)
        head = BNode()
        Collection(g, head, columns)
        g.add((schema, CSVW.column, head))

    # ---------------------------------------------------------------- parse
    def parse_dataset(self, dataset_dict, dataset_ref):
        if "resources" not in dataset_dict:
            super().parse_dataset(dataset_dict, dataset_ref)
        self._govopen_parse(dataset_dict, dataset_ref)
        return dataset_dict

    @staticmethod
    def _pop(d: dict, *keys: str) -> None:
        for key in keys:
            d.pop(key, None)
        if d.get("extras"):
            d["extras"] = [e for e in d["extras"] if e.get("key") not in keys]

    def _govopen_parse(self, d: dict, ref) -> None:
        g = self.g
        identifier = self._object_value(ref, DCT.identifier)
        if identifier:
            d["catalog_code"] = identifier
            self._pop(d, "identifier")

        access = self._object(ref, DCT.accessRights)
        open_type = mappings.ACCESS_RIGHT_TO_OPEN_TYPE.get(str(access or ""))
        if open_type:
            d["open_type"] = open_type
            self._pop(d, "access_rights")

        freq = self._object(ref, DCT.accrualPeriodicity)
        update_frequency = mappings.URI_TO_FREQUENCY.get(str(freq or ""))
        if update_frequency:
            d["update_frequency"] = update_frequency
            self._pop(d, "frequency")

        for theme in g.objects(ref, DCAT.theme):
            m = _THEME_RE.search(str(theme))
            code = m.group(1) if m else None
            if code in themes.domains():
                d["domain"] = code
                self._pop(d, "theme")
                break

        for spatial in g.objects(ref, DCT.spatial):
            m = _REGION_RE.search(str(spatial))
            code = m.group(1) if m else self._object_value(spatial,
                                                            SKOS.notation)
            if code and code.isdigit() and len(code) == 6:
                d["region_code"] = code
                self._pop(d, "spatial_uri", "spatial_text", "spatial")
                break

        issued = self._object_value(ref, DCT.issued)
        if issued:
            d["first_published"] = issued[:10]
            self._pop(d, "issued")

        for pub in g.objects(ref, DCT.publisher):
            code = self._object_value(pub, DCT.identifier)
            if code:
                d["provider_code"] = code
            break

        contacts = self._contact_details(ref, DCAT.contactPoint)
        if contacts:
            c = contacts[0]
            if c.get("name"):
                d["contact_name"] = c["name"]
            if c.get("email"):
                d["contact_email"] = c["email"]
            self._pop(d, "contact_uri", "contact_identifier", "contact_url")
            if d.get("extras"):  # keep the root copies only
                d["extras"] = [e for e in d["extras"] if e.get("key") not in
                               ("contact_name", "contact_email")]
            if not self._schema_field("contact"):
                d.pop("contact", None)
        for node in g.objects(ref, DCAT.contactPoint):
            tel = self._object_value(node, VCARD.hasTelephone)
            if tel:
                d["contact_phone"] = mappings.phone_from_tel(tel)
                break

        for res in d.get("resources") or []:
            for key in ("format", "mimetype"):
                if res.get(key):
                    res[key] = mappings.format_from_uri(res[key])

        items = self._parse_table_schema(ref)
        if items:
            d["data_items"] = items

    def _parse_table_schema(self, ref) -> list[dict]:
        g = self.g
        for dist in g.objects(ref, DCAT.distribution):
            for schema in g.objects(dist, CSVW.tableSchema):
                head = self._object(schema, CSVW.column)
                if head is None:
                    continue
                items = []
                for col in Collection(g, head):
                    item: dict[str, Any] = {
                        "name_en": self._object_value(col, CSVW.name)}
                    zh = self._object_value(col, CSVW.title)
                    if zh:
                        item["name_zh"] = zh
                    dtype = self._object(col, CSVW.datatype)
                    if dtype is not None and str(dtype).startswith(str(XSD)):
                        item["data_type"] = mappings.XSD_TO_DATA_TYPE.get(
                            str(dtype)[len(str(XSD)):], "other")
                    length = self._object_value(col, CSVW.maxLength)
                    if length:
                        item["length"] = length
                    desc = self._object_value(col, DCT.description)
                    if desc:
                        item["description"] = desc
                    items.append(item)
                if items:
                    return items
        return []
