"""What a grantee receives for an uploaded resource.

By default the upload itself. A plugin may register a provider that returns
a per-grant file instead (govopen_desensitize returns the grant's extract:
only the approved data items, with grant-keyed pseudonyms). Providers are
registered by the plugin that owns them, so the access module does not
import them.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

Provider = Callable[[str, Any], Optional[str]]
_providers: list[Provider] = []


class DeliveryRefused(Exception):
    """A provider cannot deliver this resource to the grant (bilingual)."""


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def file_for_grant(grant_id: str, resource: Any) -> Optional[str]:
    """Path of the file to serve to this grant, or None for the upload."""
    for provider in _providers:
        path = provider(grant_id, resource)
        if path:
            return path
    return None
