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


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_PAIRS = [a + b for a in _B32 for b in _B32]  # 10 bits -> 2 chars


def b32_batch(digests: list[bytes]) -> list[str]:
    """RFC 4648 base32 of many 10-byte digests, vectorised in polars (the
    stdlib encoder loops in Python per 5 bytes)."""
    import polars as pl
    if not digests:
        return []
    hexs = pl.Series("h", digests, dtype=pl.Binary).bin.encode("hex")
    pairs = pl.Series("p", _PAIRS)
    parts = []
    for j in range(4):  # four 20-bit groups of 5 hex digits each
        n = pl.col("h").str.slice(5 * j, 5).str.to_integer(base=16)
        parts += \
                 [pl.lit(pairs).gather(n // 1024), pl.lit(pairs).gather(n % 1024)]
    return hexs.to_frame().select(pl.concat_str(parts)).to_series().to_list()


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

    def key_for(self, purpose: str) -> bytes:
        k = self._keys.get(purpose)
        if k is None:
            k = self._keys[purpose] = hmac.new(self._base, purpose.encode(), hashlib.sha256).digest()
        return k

    def tokens(self, type_name: str, prefix: str, canon_values: list[str]) -> list[str]:
        """Vector form: one C-level HMAC per value; base32 for the whole
        batch in one call (10-byte digests need no padding, so the encoding
        of the concatenation is the concatenation of the encodings)."""
        inner, outer = self._hmac_states("type:" + type_name)
        digests = []
        append = digests.append
        for v in canon_values:
            i = inner.copy()
            i.update(v.encode())
            o = outer.copy()
            o.update(i.digest())
            append(o.digest()[:10])
        out = [prefix + "_" + t for t in b32_batch(digests)]
        if self.tag:
            tk = self.key_for("tag")
            out = [t + _b32(hmac.digest(tk, t.encode(), "sha256")[:5], TAG_CHARS) for t in out]
        return out

    def _hmac_states(self, purpose: str):
        """HMAC-SHA256 (RFC 2104) with the keyed pad states computed once:
        copying two hash objects per value is about 4x faster than
        ``hmac.digest`` for short inputs, with identical output."""
        st = self._states.get(purpose)
        if st is None:
            k = self.key_for(purpose).ljust(64, b"\0")
            st = self._states[purpose] = (hashlib.sha256(bytes(b ^ 0x36 for b in k)),
                                          hashlib.sha256(bytes(b ^ 0x5C for b in k)))
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
