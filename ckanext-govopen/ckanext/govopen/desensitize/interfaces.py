"""``IDesensitizer``: how other extensions extend the 脱敏 engine.

Implement any subset of the three methods; the registry
(:func:`ckanext.govopen.desensitize.registry.ckan_registry`) merges what every
enabled plugin returns with the built-ins.

``get_desensitize_detectors() -> list[Detector]``
    Extra identifier detectors (:class:`~.detectors.Detector`). Give each a
    unique ``name`` (the type code in plans), a Python regex ``pattern``
    guarded against glued digits/letters, a ``validate`` checksum, an
    ``order`` (lower runs first; ties in overlap resolution go to the lower
    order), ``direct=True`` if the verification gate must block leftovers,
    a ``token_prefix`` for pseudonyms, ``default_operator``/
    ``default_params`` for proposed plans, and, for speed, a Rust-regex
    ``prefilter`` that every matching cell contains (without it the
    streaming engine runs the Python scan on every cell of free-text
    columns). A detector with the name of a built-in replaces it.

``get_desensitize_operators() -> dict[str, Operator]``
    Extra operators ``fn(series: polars.Series, params: dict, ctx:
    OpContext) -> polars.Series | None`` (``None`` drops the column). They
    must be vectorised over the batch and must not keep state between
    batches beyond what ``ctx`` provides: batches of one run are
    transformed on several threads at once, in no fixed order.

``get_desensitize_rule_providers() -> list[Callable]``
    Callables ``provider(profile: ColumnProfile, proposed: ColumnRule | None)
    -> ColumnRule | None`` run in order when a plan is proposed; returning a
    rule replaces the proposal for that column (e.g. a province that wants
    addresses generalised to city level). Return ``None`` to leave it.

See :mod:`ckanext.govopen.desensitize.example_plugin` for a complete example.
"""
from __future__ import annotations

from ckan.plugins.interfaces import Interface


class IDesensitizer(Interface):
    def get_desensitize_detectors(self) -> list:
        return []

    def get_desensitize_operators(self) -> dict:
        return {}

    def get_desensitize_rule_providers(self) -> list:
        return []
