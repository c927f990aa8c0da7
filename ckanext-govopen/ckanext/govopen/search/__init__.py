"""PostgreSQL search backend for CKAN's package index (no Solr needed).

CKAN 2.12 reaches Solr only through ``make_connection()``; this package
provides a pysolr-compatible connection that stores the flattened index
documents in PostgreSQL and answers Solr-style queries (Lucene ``q``/``fq``
parsed with luqum, dismax free text, facets, sort, paging) with Chinese word
segmentation (jieba). CKAN's own ``PackageSearchIndex``/``PackageSearchQuery``
keep doing the flattening and parameter handling, so every caller (UI, API,
scheming, dcat, ``ckan search-index``) keeps its contract.
"""
