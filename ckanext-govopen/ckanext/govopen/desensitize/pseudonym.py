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
        self._states: dict[str, tuple] = {}

    def __repr__(self) -> str:  # keep keys out of logs and tracebacks
        return f"Keyring(key_id={self.key_id!r}, scope={self.scope!r})"

    def key_for(self, purpose: str) -> bytes:
        k = self._keys.get(purpose)
        if k is None:
            k = self._keys[purpose] = hmac.new(self._base, purpose.encode(), hashlib.sha256).digest()
        return k

    def tokens(self, type_name: str, prefix: str, canon_values: list[str]) -> list[str]:
        return self.tokens_series(type_name, prefix, canon_values).to_list()

    def tokens_series(self, type_name: str, prefix: str, canon_values):
        """Vector form: HMAC and base32 of every value in one compiled
        kernel (:mod:`.hmacjit`), without the GIL. ``canon_values`` is a
        list of str or a polars String Series (nulls hash as "")."""
        import numpy as np
        import polars as pl

        from .hmacjit import b32_tokens, hmac_many
        from .jit import str_buffers, strings_from_buffer
        if not isinstance(canon_values, pl.Series):
            canon_values = pl.Series(canon_values, dtype=pl.String)
        data, off = str_buffers(canon_values)
        toks = b32_tokens(hmac_many(self._hmac_states("type:" + type_name), data, off),
                          (prefix + "_").encode(), TOKEN_CHARS)
        if self.tag:
            n, width = toks.shape
            rows = np.arange(0, n * width + 1, width, dtype=np.int64)
            tags = b32_tokens(hmac_many(self._hmac_states("tag"), toks.reshape(-1), rows), b"",
                              TAG_CHARS)
            toks = np.concatenate([toks, tags], axis=1)
        n, width = toks.shape
        return strings_from_buffer(toks.reshape(-1), np.arange(0, n * width + 1, width,
                                                               dtype=np.int64))

    def _hmac_states(self, purpose: str):
        """Keyed SHA-256 states of ``key_for(purpose)``, computed once."""
        st = self._states.get(purpose)
        if st is None:
            from .hmacjit import hmac_states
            st = self._states[purpose] = hmac_states(self.key_for(purpose))
        return st

    def token(self, type_name: str, prefix: str, canon_value: str) -> str:
        return self.tokens(type_name, prefix, [canon_value])[0]

    def tag_ok(self, token: str) -> bool:
        """True if ``token`` carries this keyring's provenance tag."""
        body, tag = token[:-TAG_CHARS], token[-TAG_CHARS:]
        if "_" not in body or len(body.split("_", 1)[1]) != TOKEN_CHARS:
            return False
        want = _b32(hmac.digest(self.key_for("tag"), body.encode(), "sha256")[:5], TAG_CHARS)
        return hmac.compare_digest(want, tag)
