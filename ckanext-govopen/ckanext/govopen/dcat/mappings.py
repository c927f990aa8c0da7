"""Code ↔ URI tables for the govopen DCAT profile (pure, no CKAN imports)."""
from __future__ import annotations

import re
from typing import Optional

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
IANA = "https://www.iana.org/assignments/media-types/"

# open_type -> EU access-right NAL (notes §6, GUIDE §4.8 "CKAN mapping")
OPEN_TYPE_TO_ACCESS_RIGHT = {
    "universal": ACCESS_RIGHT + "PUBLIC",
    "authorized": ACCESS_RIGHT + "RESTRICTED",
    "closed": ACCESS_RIGHT + "NON_PUBLIC",
}
ACCESS_RIGHT_TO_OPEN_TYPE = {v: k for k, v in OPEN_TYPE_TO_ACCESS_RIGHT.items()}
RESTRICTED_OPEN_TYPES = ("authorized", "closed")

# update_frequency -> EU frequency NAL
FREQUENCY_TO_URI = {
    "realtime": FREQUENCY + "UPDATE_CONT",
    "daily": FREQUENCY + "DAILY",
    "weekly": FREQUENCY + "WEEKLY",
    "monthly": FREQUENCY + "MONTHLY",
    "quarterly": FREQUENCY + "QUARTERLY",
    "semiannual": FREQUENCY + "ANNUAL_2",
    "annual": FREQUENCY + "ANNUAL",
    "irregular": FREQUENCY + "IRREG",
    "static": FREQUENCY + "NEVER",
}
URI_TO_FREQUENCY = {v: k for k, v in FREQUENCY_TO_URI.items()}
# Accept the close synonyms other portals publish (GUIDE §4.6: 每小时 ->
# realtime).
URI_TO_FREQUENCY.update({
    FREQUENCY + "CONT": "realtime",
    FREQUENCY + "HOURLY": "realtime",
    FREQUENCY + "OTHER": "irregular",
    FREQUENCY + "UNKNOWN": "irregular",
})

# 22 domains -> closest EU data theme (published as skos:closeMatch).
DOMAIN_TO_EU_THEME = {
    "1": "ECON", "2": "HEAL", "3": "SOCI", "4": "JUST", "5": "REGI",
    "6": "TRAN", "7": "EDUC", "8": "TECH", "9": "ENER", "10": "ENVI",
    "11": "AGRI", "12": "ECON", "13": "ECON", "14": "JUST", "15": "ECON",
    "16": "SOCI", "17": "JUST", "18": "SOCI", "19": "ENVI", "20": "REGI",
    "21": "GOVE",
}

# Resource format -> (EU file type, IANA media type)
FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "TSV": ("TSV", "text/tab-separated-values"),
    "JSON": ("JSON", "application/json"),
    "JSONL": (None, "application/jsonl"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "XML": ("XML", "application/xml"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument."
                     "spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "PDF": ("PDF", "application/pdf"),
    "RDF": ("RDF_XML", "application/rdf+xml"),
    "TTL": ("RDF_TURTLE", "text/turtle"),
    "JSON-LD": ("JSON_LD", "application/ld+json"),
    "SHP": ("SHP", None),
    "KML": ("KML", "application/vnd.google-earth.kml+xml"),
    "ZIP": ("ZIP", "application/zip"),
    "PARQUET": ("PARQUET", None),
    "DOCX": ("DOCX", None),
    "TXT": ("TXT", "text/plain"),
    "HTML": ("HTML", "text/html"),
}
TABULAR_FORMATS = {"CSV", "TSV", "XLSX", "XLS", "ODS"}

# data_items.data_type -> XSD datatype local name
DATA_TYPE_TO_XSD = {
    "string": "string", "integer": "integer", "decimal": "decimal",
    "date": "date", "datetime": "dateTime", "boolean": "boolean",
    "binary": "base64Binary",
}
XSD_TO_DATA_TYPE = {v: k for k, v in DATA_TYPE_TO_XSD.items()}

PUBLISHER_TYPE_LABELS = {
    "RegionalAuthority": {"en": "Regional authority", "zh": "省级政府部门"},
    "LocalAuthority": {"en": "Local authority", "zh": "市县政府部门"},
}
ORG_LEVEL_TO_PUBLISHER_TYPE = {
    "province": "RegionalAuthority",
    "city": "LocalAuthority",
    "county": "LocalAuthority",
    "township": "LocalAuthority",
}


def eu_format(fmt: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(file-type URI, IANA media-type URI) for a CKAN format label."""
    if not fmt:
        return None, None
    file_type, media = FORMATS.get(fmt.strip().upper(), (None, None))
    return (FILE_TYPE + file_type if file_type else None,
            IANA + media if media else None)


def format_from_uri(value: Optional[str]) -> Optional[str]:
    """CKAN format label back from an EU file-type / IANA URI."""
    if not value:
        return value
    if value.startswith(FILE_TYPE):
        code = value[len(FILE_TYPE):]
        for label, (ft, _m) in FORMATS.items():
            if ft == code:
                return label
        return code
    if value.startswith(IANA):
        media = value[len(IANA):]
        for label, (_ft, m) in FORMATS.items():
            if m == media:
                return label
    return value


def tel_uri(phone: Optional[str]) -> Optional[str]:
    """RFC 3966 ``tel:`` URI for a Chinese phone number, or None.

    ``0591-87654321`` -> ``tel:+86-591-87654321``;
    ``13800138000`` -> ``tel:+86-138-0013-8000``; ``转123``/``ext`` kept as
    ``;ext=123``.
    """
    if not phone:
        return None
    text = str(phone).strip()
    ext = None
    m = re.search(r"(?:转|ext\.?|x|#)\s*(\d{1,6})\s*$", text, re.I)
    if m:
        ext = m.group(1)
        text = text[:m.start()]
    digits = re.sub(r"[\s\-()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        return None
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        out = f"tel:+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    elif digits.startswith("0") and 10 <= len(digits) <= 12:
        area_len = 2 if digits[1] in "12" else 3
        area = digits[1:1 + area_len]
        out = f"tel:+86-{area}-{digits[1 + area_len:]}"
    else:
        return None
    return out + (f";ext={ext}" if ext else "")


def phone_from_tel(uri: Optional[str]) -> Optional[str]:
    """Back to the domestic written form: ``0591-87654321``/``13800138000``."""
    if not uri:
        return uri
    text = str(uri)
    if not text.startswith("tel:"):
        return text
    text = text[4:]
    ext = None
    if ";ext=" in text:
        text, ext = text.split(";ext=", 1)
    parts = text.split("-")
    if parts and parts[0] == "+86":
        parts = parts[1:]
        if len(parts) == 3 and parts[0].startswith("1"):
            out = "".join(parts)
        else:
            out = "0" + parts[0] + "-" + "".join(parts[1:])
    else:
        out = "".join(parts)
    return out + (f"转{ext}" if ext else "")
