"""Registry of detectors, operators and rule providers.

The engine only ever talks to a ``Registry`` passed in (or the built-in
default), so it runs without CKAN. :func:`ckan_registry` adds whatever
enabled plugins provide through :class:`~.interfaces.IDesensitizer`.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .columns import column_detectors
from .detectors import PREFILTER, Detector, builtin_detectors
from .operators import BUILTIN_OPERATORS, Operator


class Registry:
    def __init__(self, detectors: Iterable[Detector] = (), operators: dict | None = None,
                 rule_providers: Iterable[Callable] = ()):
        self._detectors: dict[str, Detector] = {}
        self.operators: dict[str, Operator] = dict(operators or {})
        self.rule_providers: list[Callable] = list(rule_providers)
        for d in detectors:
            self.add_detector(d)

    def add_detector(self, det: Detector) -> None:
        self._detectors[det.name] = det

    def add_operator(self, name: str, fn: Operator) -> None:
        self.operators[name] = fn

    def add_rule_provider(self, fn: Callable) -> None:
        self.rule_providers.append(fn)

    def merge_plugins(self, plugins: Iterable) -> "Registry":
        for plugin in plugins:
            for det in getattr(plugin, "get_desensitize_detectors", lambda: [])():
                self.add_detector(det)
            for name, fn in getattr(plugin, "get_desensitize_operators", lambda: {})().items():
                self.add_operator(name, fn)
            for fn in getattr(plugin, "get_desensitize_rule_providers", lambda: [])():
                self.add_rule_provider(fn)
        return self

    @property
    def detectors(self) -> list[Detector]:
        """All detectors, detection order first."""
        return sorted(self._detectors.values(), key=lambda d: d.order)

    @property
    def text_detectors(self) -> list[Detector]:
        return [d for d in self.detectors if d.pattern]

    def detector(self, name: str | None) -> Detector | None:
        return self._detectors.get(name) if name else None

    def prefilter(self) -> str | None:
        """Combined Rust regex a cell must match to be worth a Python scan;
        None if some detector cannot be prefiltered."""
        parts = [PREFILTER]
        for d in self.text_detectors:
            if d.pattern in _BUILTIN_PATTERNS:  # covered by PREFILTER
                continue
            if not d.prefilter:
                return None
            parts.append(d.prefilter)
        return "|".join(f"(?:{p})" for p in parts)


_BUILTIN_PATTERNS = frozenset(d.pattern for d in builtin_detectors())


def default_registry() -> Registry:
    return Registry(builtin_detectors() + column_detectors(), BUILTIN_OPERATORS)


def ckan_registry() -> Registry:
    """Built-ins plus every enabled ``IDesensitizer`` plugin (needs CKAN)."""
    from ckan.plugins import PluginImplementations

    from .interfaces import IDesensitizer
    return default_registry().merge_plugins(PluginImplementations(IDesensitizer))
