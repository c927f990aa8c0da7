"""政务信息资源目录 schemas (ckanext-scheming YAML), validators, reclassification
control, facets and dataset-page templates. Plugin: ``govopen_schema``."""
