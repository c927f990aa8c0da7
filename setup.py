"""govopen: CKAN 2.12 extensions for a Chinese government open-data portal.

The package lives in ``ckanext-govopen/`` (namespace package ``ckanext``); the
repository root holds set-up, config, scripts and tests.
"""
from setuptools import setup, find_namespace_packages

setup(
    name="ckanext-govopen",
    version="0.1.0",
    description="政务数据开放平台 / Government open-data portal on CKAN 2.12",
    python_requires=">=3.11,<3.12",
    package_dir={"": "ckanext-govopen"},
    packages=find_namespace_packages("ckanext-govopen", include=["ckanext.*"]),
    include_package_data=True,
    package_data={"": [
        "*.yaml", "*.yml", "*.json", "*.txt", "*.csv", "*.ini", "*.mako",
        "*.html", "*.css", "*.js", "*.po", "*.pot", "*.mo", "*.ttl", "*.svg",
        "templates/**/*", "public/**/*", "assets/**/*", "i18n/**/*",
        "migration/**/*",
    ]},
    install_requires=[
        # Versions are pinned in requirements/constraints.txt.
        "jieba",            # Chinese word segmentation for the search index
        "luqum",            # Lucene query syntax parser (q / fq)
        "polars",           # streaming CSV engine for desensitization
        "numba",            # compiled 脱敏 scan and HMAC kernels (wheels; no compiler needed)
        "numpy",            # buffers handed to the numba kernels
        "openpyxl",         # XLSX read/write (开放清单, uploads)
        "xlrd",             # legacy XLS input
        "chinesecalendar",  # official holidays and 调休 working days
    ],
    extras_require={
        "test": [
            "pytest", "pytest-factoryboy", "factory-boy", "Faker",
            "beautifulsoup4", "freezegun", "pytest-freezegun", "responses",
            "pyshacl", "playwright",
        ],
    },
    entry_points={
        "ckan.plugins": [
            "govopen = ckanext.govopen.plugin:GovopenPlugin",
            "govopen_search = ckanext.govopen.search.plugin:SearchPlugin",
            "govopen_schema = ckanext.govopen.schema.plugin:SchemaPlugin",
            "govopen_dcat = ckanext.govopen.dcat.plugin:DcatPlugin",
            "govopen_catalog = ckanext.govopen.catalog.plugin:CatalogPlugin",
            "govopen_access = ckanext.govopen.access.plugin:AccessPlugin",
            "govopen_applications = "
            "ckanext.govopen.applications.plugin:ApplicationsPlugin",
            "govopen_desensitize = "
            "ckanext.govopen.desensitize.plugin:DesensitizePlugin",
            "govopen_desensitize_example = "
            "ckanext.govopen.desensitize.example_plugin:ExampleDesensitizerPlugin",
        ],
        "ckan.rdf.profiles": [
            "govopen_dcat = ckanext.govopen.dcat.profile:GovopenDCATAPProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext-govopen/ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
