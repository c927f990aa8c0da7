"""脱敏 (desensitization) engine for govopen, usable with or without CKAN.

Public API (see each module for details):

- :func:`engine.scan` (file → proposed plan + column profile)
- :func:`engine.run` (file + plan → UTF-8 derivative + run report with
  k-anonymity and the verification re-scan)
- :func:`verify.verify` (re-scan any file for leftover direct identifiers)
- :func:`extract.make_grant_extract` and :func:`trace.trace` (授权开放 deliveries
  and leak tracing)
- :class:`plan.Plan`, :class:`registry.Registry`, :func:`registry.default_registry`,
  :func:`registry.ckan_registry`, :class:`interfaces.IDesensitizer`
- :data:`cli.desensitize` (click group for files outside CKAN)
"""
