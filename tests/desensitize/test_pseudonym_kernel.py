"""The compiled HMAC-SHA256 gives exactly the ``hmac`` module's pseudonyms."""
import base64
import hashlib
import hmac
import random

import polars as pl

from ckanext.govopen.desensitize import hmacjit
from ckanext.govopen.desensitize.jit import str_buffers
from ckanext.govopen.desensitize.pseudonym import Keyring

from .conftest import KEY


def _reference_token(kr: Keyring, type_name: str, prefix: str, value: str) -> str:
    d = hmac.new(kr.key_for("type:" + type_name), value.encode(), hashlib.sha256).digest()
    tok = f"{prefix}_" + base64.b32encode(d[:10]).decode()[:16]
    if kr.tag:
        t = hmac.new(kr.key_for("tag"), tok.encode(), hashlib.sha256).digest()
        tok += base64.b32encode(t[:5]).decode()[:4]
    return tok


def _values():
    rng = random.Random(3)
    # Every padding case: empty, one block, the 55/56/63/64-byte edges, several blocks.
    vals = ["", "a", "x" * 55, "y" * 56, "z" * 63, "w" * 64, "v" * 200, "中文𠀀" * 9]
    return vals + ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(0, 90)))
                   for _ in range(400)]


def test_digests_equal_hmac_for_every_length_and_key_size():
    vals = _values()
    data, off = str_buffers(pl.Series(vals))
    for key in (KEY, b"k" * 16, b"long" * 40):
        want = [hmac.new(key, v.encode(), hashlib.sha256).digest() for v in vals]
        for openssl in (True, False):  # OpenSSL's SHA-256 and the numba one
            got = hmacjit.hmac_many(hmacjit.hmac_states(key), data, off, openssl=openssl)
            assert [bytes(r) for r in got] == want


def test_openssl_path_is_found_here():
    # The machines this runs on have Python's own libcrypto; if it is ever
    # missing the numba SHA-256 takes over (same digests, slower).
    assert hmacjit._openssl() is not None


def test_tokens_equal_reference_with_and_without_tag():
    vals = _values()
    for tag in (False, True):
        kr = Keyring(KEY, ("ds", "r1"), tag=tag)
        assert kr.tokens_series("id18", "ID", pl.Series(vals)).to_list() == \
            [_reference_token(kr, "id18", "ID", v) for v in vals]
        assert kr.tokens("mobile", "TEL", vals[:3]) == \
            [_reference_token(kr, "mobile", "TEL", v) for v in vals[:3]]
        if tag:
            assert all(kr.tag_ok(t) for t in kr.tokens("id18", "ID", vals[:20]))
    assert Keyring(KEY).tokens_series("x", "X", []).to_list() == []
