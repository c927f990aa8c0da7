"""HMAC-SHA256 of many short values in one numba kernel.

Pseudonyms are ``HMAC-SHA256(K, value)`` (GUIDE §6.2). Python's ``hmac``
costs about 1 µs per value, nearly all of it interpreter overhead, and
holds the GIL. Here the keyed inner and outer SHA-256 states (the key
XOR ipad/opad block, RFC 2104) are computed once per key, and each value
costs two compression rounds in compiled code with the GIL released:
OpenSSL's SHA-256 (the library Python's ``hashlib`` uses; with the CPU's
SHA instructions about 0.1 µs per value), called from the kernel through
function pointers, or, where that library or its ``SHA256_Update`` is not
available or fails a self-test at start, a FIPS 180-4 implementation in
numba (about 0.7 µs). Tests compare every output with ``hmac``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading

import numpy as np

from .jit import njit

_K = np.array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
], dtype=np.uint32)
_IV = np.array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], dtype=np.uint32)
_B32 = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", dtype=np.uint8)


_M = np.uint64(0xFFFFFFFF)


@njit(inline="always")
def _rotr(x, n):
    return ((x >> np.uint64(n)) | (x << np.uint64(32 - n))) & _M


@njit
def _compress(state, block, w):
    """One SHA-256 round over the 64 bytes ``block`` (uint8), in place.
    Words are held in uint64 and cut to 32 bits after every addition."""
    for i in range(16):
        w[i] = ((np.uint64(block[4 * i]) << np.uint64(24)) | (np.uint64(block[4 * i + 1]) << np.uint64(16))
                | (np.uint64(block[4 * i + 2]) << np.uint64(8)) | np.uint64(block[4 * i + 3]))
    for i in range(16, 64):
        x, y = w[i - 15], w[i - 2]
        s0 = _rotr(x, 7) ^ _rotr(x, 18) ^ (x >> np.uint64(3))
        s1 = _rotr(y, 17) ^ _rotr(y, 19) ^ (y >> np.uint64(10))
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) & _M
    a, b, c, d = np.uint64(state[0]), np.uint64(state[1]), np.uint64(state[2]), np.uint64(state[3])
    e, f, g, h = np.uint64(state[4]), np.uint64(state[5]), np.uint64(state[6]), np.uint64(state[7])
    for i in range(64):
        s1 = _rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)
        ch = (e & f) ^ ((e ^ _M) & g)
        t1 = (h + s1 + ch + np.uint64(_K[i]) + w[i]) & _M
        s0 = _rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)
        maj = (a & b) ^ (a & c) ^ (b & c)
        t2 = (s0 + maj) & _M
        h = g
        g = f
        f = e
        e = (d + t1) & _M
        d = c
        c = b
        b = a
        a = (t1 + t2) & _M
    state[0] = (np.uint64(state[0]) + a) & _M
    state[1] = (np.uint64(state[1]) + b) & _M
    state[2] = (np.uint64(state[2]) + c) & _M
    state[3] = (np.uint64(state[3]) + d) & _M
    state[4] = (np.uint64(state[4]) + e) & _M
    state[5] = (np.uint64(state[5]) + f) & _M
    state[6] = (np.uint64(state[6]) + g) & _M
    state[7] = (np.uint64(state[7]) + h) & _M


@njit
def _finish(state, data, start, end, prefix_len, block, w):
    """Continue ``state`` (which has absorbed ``prefix_len`` bytes) with
    data[start:end] and the padding."""
    pos = start
    while end - pos >= 64:
        for i in range(64):
            block[i] = data[pos + i]
        _compress(state, block, w)
        pos += 64
    rest = end - pos
    for i in range(rest):
        block[i] = data[pos + i]
    block[rest] = 0x80
    for i in range(rest + 1, 64):
        block[i] = 0
    if rest >= 56:
        _compress(state, block, w)
        for i in range(64):
            block[i] = 0
    bits = (prefix_len + end - start) * 8
    for i in range(8):
        block[63 - i] = (bits >> (8 * i)) & 0xFF
    _compress(state, block, w)


@njit
def _digest_into(state, out, row):
    for i in range(8):
        v = state[i]
        out[row, 4 * i] = (v >> np.uint32(24)) & np.uint32(0xFF)
        out[row, 4 * i + 1] = (v >> np.uint32(16)) & np.uint32(0xFF)
        out[row, 4 * i + 2] = (v >> np.uint32(8)) & np.uint32(0xFF)
        out[row, 4 * i + 3] = v & np.uint32(0xFF)


@njit
def _hmac_many(inner, outer, data, offs, out):
    n = len(offs) - 1
    state = np.empty(8, dtype=np.uint32)
    block = np.empty(64, dtype=np.uint8)
    w = np.empty(64, dtype=np.uint64)
    digest = np.empty((1, 32), dtype=np.uint8)
    for r in range(n):
        state[:] = inner
        _finish(state, data, offs[r], offs[r + 1], 64, block, w)
        _digest_into(state, digest, 0)
        state[:] = outer
        _finish(state, digest[0], 0, 32, 64, block, w)
        _digest_into(state, out, r)


@njit
def _pad_state(key, pad):
    state = _IV.copy()
    block = np.empty(64, dtype=np.uint8)
    w = np.empty(64, dtype=np.uint64)
    for i in range(64):
        block[i] = (key[i] if i < len(key) else 0) ^ pad
    _compress(state, block, w)
    return state


def hmac_states(key: bytes) -> tuple[np.ndarray, np.ndarray]:
    """SHA-256 states after the key XOR ipad and key XOR opad blocks."""
    if len(key) > 64:  # RFC 2104: long keys are hashed first
        import hashlib
        key = hashlib.sha256(key).digest()
    k = np.frombuffer(key, dtype=np.uint8)
    return _pad_state(k, 0x36), _pad_state(k, 0x5C)


@njit
def _set_ctx(ctx, state):
    """An OpenSSL SHA256_CTX (h[8], Nl, Nh, data[16], num, md_len as 32-bit
    words) that has absorbed one 64-byte block ending in ``state``."""
    for i in range(8):
        ctx[i] = state[i]
    ctx[8] = 512
    ctx[9] = 0
    ctx[26] = 0
    ctx[27] = 32


@njit
def _hmac_many_openssl(update, final, inner, outer, data, offs, out, ctx, md):
    cp = ctx.ctypes.data
    for r in range(len(offs) - 1):
        a, b = offs[r], offs[r + 1]
        _set_ctx(ctx, inner)
        update(cp, data[a:].ctypes.data, b - a)
        final(md.ctypes.data, cp)
        _set_ctx(ctx, outer)
        update(cp, md.ctypes.data, 32)
        final(out[r].ctypes.data, cp)


_ossl_lock = threading.Lock()
_ossl: list = []  # [] = not tried yet, [None] = unavailable, [(update, final)]


def _openssl():
    with _ossl_lock:
        if not _ossl:
            _ossl.append(_load_openssl())
        return _ossl[0]


def _load_openssl():
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        update, final = lib.SHA256_Update, lib.SHA256_Final
    except (OSError, AttributeError):
        return None
    update.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    update.restype = ctypes.c_int
    final.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    final.restype = ctypes.c_int
    # The context layout is OpenSSL's public SHA256_CTX; check the whole
    # path against the hmac module before trusting it.
    import hashlib
    import hmac
    key = bytes(range(40))
    vals = [b"", b"abc", b"x" * 55, b"y" * 56, b"z" * 64, "中文".encode() * 30]
    offs = np.zeros(len(vals) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in vals], out=offs[1:])
    data = np.frombuffer(b"".join(vals), dtype=np.uint8)
    out = np.empty((len(vals), 32), dtype=np.uint8)
    st = hmac_states(key)
    try:
        _hmac_many_openssl(update, final, st[0], st[1], data, offs, out,
                           np.zeros(28, dtype=np.uint32), np.zeros(32, dtype=np.uint8))
    except Exception:  # pragma: no cover - numba cannot call it
        return None
    want = [hmac.new(key, v, hashlib.sha256).digest() for v in vals]
    return (update, final) if [bytes(r) for r in out] == want else None


def hmac_many(states: tuple[np.ndarray, np.ndarray], data: np.ndarray,
              offsets: np.ndarray, openssl: bool = True) -> np.ndarray:
    """HMAC-SHA256 digests (uint8[n, 32]) of data[offsets[i]:offsets[i+1]]."""
    out = np.empty((len(offsets) - 1, 32), dtype=np.uint8)
    if not len(out):
        return out
    fns = _openssl() if openssl else None
    if fns is not None:
        _hmac_many_openssl(fns[0], fns[1], states[0], states[1], data, offsets, out,
                           np.zeros(28, dtype=np.uint32), np.zeros(32, dtype=np.uint8))
    else:
        _hmac_many(states[0], states[1], data, offsets, out)
    return out


@njit
def _b32_tokens(digests, prefix, nchars, out):
    """``prefix`` + the first ``nchars`` RFC 4648 base32 characters of each
    digest, into the rows of ``out``."""
    p = len(prefix)
    for r in range(len(digests)):
        for i in range(p):
            out[r, i] = prefix[i]
        for k in range(nchars):
            bit = 5 * k
            byte, off = bit // 8, bit % 8
            v = np.uint32(digests[r, byte]) << np.uint32(8)
            if byte + 1 < 32:
                v |= np.uint32(digests[r, byte + 1])
            out[r, p + k] = _B32[(v >> np.uint32(11 - off)) & np.uint32(31)]


def b32_tokens(digests: np.ndarray, prefix: bytes, nchars: int) -> np.ndarray:
    """uint8[n, len(prefix) + nchars]: token bytes per digest."""
    out = np.empty((len(digests), len(prefix) + nchars), dtype=np.uint8)
    if len(out):
        _b32_tokens(digests, np.frombuffer(prefix, dtype=np.uint8) if prefix else
                    np.zeros(0, dtype=np.uint8), nchars, out)
    return out
