"""CKAN's own package_search tests, run against the PostgreSQL backend.

Importing the classes makes pytest collect them here, under govopen's
conftest (whose ``clean_db`` re-creates the search index table).
"""
from ckan.tests.logic.action.test_get import (  # noqa: F401
    TestPackageSearch,
    TestPackageAutocomplete,
    TestCurrentPackageList,
    TestGroupShow,
    TestOrganizationShow,
    TestTagShow,
)

import pytest  # noqa: E402

# CKAN's test-core.ini lets factories create datasets without an
# organisation; the portal itself keeps the stricter default.
pytestmark = pytest.mark.ckan_config("ckan.auth.create_unowned_dataset",
                                     True)
