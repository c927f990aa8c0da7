"""Reuse the demo-like catalogue of tests/dcat."""
from dcat.conftest import (  # noqa: F401  (fixtures)
    AUTHORIZED_EXTRA, ITEMS, ORG_USCC, PLUGINS, datasets, demo_datasets, org)
