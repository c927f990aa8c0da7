"""CKAN's ``ckan/tests/lib/search`` tests against the PostgreSQL backend.

Excluded (listed with reasons in README "CKAN test compatibility"):
- test_check_invalid_schema, test_check_schema_with_wrong_version: they
  probe a Solr server's schema.xml version; there is no Solr schema.
- test_allowed_local_params_via_config: Solr local-params query parsers
  ({!bool …}) are Solr engine features; govopen rejects all of them.
- TestPackageSearchIndex::test_index_package_stores_resource_extras_in_config_file:
  needs test-core.ini's ``ckan.extra_resource_fields = alt_url``, which
  CKAN reads once per process (class attribute cache), not per test.
- TestResourceQuery: resource_search is plain SQL in core (not the package
  index) and its setup_method needs test-core.ini's
  ``ckan.auth.create_unowned_dataset = true`` before marks apply.
"""
import pytest

from ckan.tests.lib.search import test_index, test_search
from ckan.tests.lib.search.test_common import (  # noqa: F401
    test_solr_user_and_password,
    test_text_traceback_dont_fail_on_runtime_error,
)
from ckan.tests.lib.search.test_index import (  # noqa: F401
    TestSearchIndex,
    test_index_only_called_once,
)
from ckan.tests.lib.search.test_query import (  # noqa: F401
    TestPackageQuery,
    TestTagQuery,
    test_convert_legacy_params_to_solr,
)
from ckan.tests.lib.search.test_search import (  # noqa: F401
    test_current_schema_exists,
    test_check_valid_schema,
    test_02_add_package_from_dict,
    test_03_update_package_from_dict,
    test_04_delete_package_from_dict,
    test_get_local_query_parser,
    test_get_local_query_parser_exception,
    test_local_params_not_allowed_by_default,
    test_local_params_not_allowed_by_default_different_field,
    test_local_params_not_allowed_by_default_different_field_list,
    test_local_params_with_whitespace_not_allowed_by_default,
    test_magic_fields_not_allowed,
    test_magic_fields_dont_interfere,
    test_query_parsers_not_allowed,
    test_local_params_at_the_start,
    test_allowed_local_params_via_config_not_defined,
    test_get_index_uses_site_id,
)

pytestmark = pytest.mark.ckan_config("ckan.auth.create_unowned_dataset",
                                     True)


class TestPackageSearchIndex(test_index.TestPackageSearchIndex):
    test_index_package_stores_resource_extras_in_config_file = None


assert test_search  # the module stays importable for the list above
