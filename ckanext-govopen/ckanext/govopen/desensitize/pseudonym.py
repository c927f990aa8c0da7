"""Keyed pseudonyms (GUIDE §6.2).

``HMAC-SHA256(K, canonical value)`` truncated to 80 bits, base32, with a type
prefix. K is derived from a master key and a scope (dataset, release, entity
type and, for per-grant extracts, grant and recipient), so tokens are stable
within one release and unlinkable across releases or recipients. The master
key never appears in plans, reports or manifests; only a key id does.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

TOKEN_CHARS = 16   # 16 base32 chars = 80 bits
TAG_CHARS = 4      # 20-bit provenance tag on grant extracts (leak tracing)
_LABEL = b"govopen-desensitize/v1"


def _b32(data: bytes, n: int) -> str:
    return base64.b32encode(data).decode("ascii")[:n]


def key_id(master_key: bytes) -> str:
    return hmac.new(master_key, _LABEL + b"\x00key-id", hashlib.sha256).hexdigest()[:16]


class Keyring:
    """Per-type keys for one scope. ``scope`` is an ordered tuple of strings
    such as (dataset_id, release_id) or (dataset_id, release_id, "grant",
    grant_id, recipient_id)."""

    def __init__(self, master_key: bytes, scope: tuple[str, ...] = (), tag: bool = False):
        if not master_key or len(master_key) < 16:
            raise ValueError("master key must be at least 16 bytes")
        self.key_id = key_id(master_key)
        self.scope = tuple(scope)
        self.tag = tag
        self._base = hmac.new(master_key, _LABEL + b"\x00" + "\x00".join(scope).encode(),
                              hashlib.sha256).digest()
        self._keys: dict[str, bytes] = {}

    def key_for(self, purpose: str) -> bytes:
        k = self._keys.get(purpose)
        if k is None:
            k = self._keys[purpose] = hmac.new(self._base, purpose.encode(), hashlib.sha256).digest()
        return k

    def tokens(self, type_name: str, prefix: str, canon_values: list[str]) -> list[str]:
        """Vector form: one C-level HMAC per value, no per-value key setup."""
        k = self.key_for("type:" + type_name)
        digest = hmac.digest
        head = prefix + "_"
        out = [head + base64.b32encode(digest(k, v.encode(), "sha256")[:10]).decode("ascii")
               for v in canon_values]
        if self.tag:
            tk = self.key_for("tag")
            out = [t + _b32(digest(tk, t.encode(), "sha256")[:5], TAG_CHARS) for t in out]
        return out

    def token(self, type_name: str, prefix: str, canon_value: str) -> str:
        return self.tokens(type_name, prefix, [canon_value])[0]

    def tag_ok(self, token: str) -> bool:
        """True if ``token`` carries this keyring's provenance tag."""
        body, tag = token[:-TAG_CHARS], token[-TAG_CHARS:]
        if "_" not in body or len(body.split("_", 1)[1]) != TOKEN_CHARS:
            return False
        want = _b32(hmac.digest(self.key_for("tag"), body.encode(), "sha256")[:5], TAG_CHARS)
        return hmac.compare_digest(want, tag)
