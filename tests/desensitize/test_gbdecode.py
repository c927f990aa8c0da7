"""The compiled GB18030 decoder equals Python's codec."""
import random

import numpy as np

from ckanext.govopen.desensitize import gbdecode


def _python(data: bytes):
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _mine(data: bytes):
    out = gbdecode.decode(data)
    return None if out is None else bytes(out)


def test_every_two_byte_and_bmp_four_byte_sequence():
    two = [bytes((a, b)) for a in range(0x81, 0xFF) for b in range(256)]
    four = []
    for i in range(gbdecode.BMP_4BYTE + 200):  # and a little past the BMP range
        b1, r = divmod(i, 12600)
        b2, r = divmod(r, 1260)
        b3, b4 = divmod(r, 10)
        four.append(bytes((0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4)))
    for seq in two + four:
        assert _mine(b"a" + seq + b"b") == _python(b"a" + seq + b"b"), seq


def test_supplementary_planes_and_edges():
    rng = random.Random(5)
    chars = [chr(rng.randrange(0x10000, 0x110000)) for _ in range(3000)] + ["\U00010000",
                                                                            "\U0010FFFF"]
    text = "".join(chars)
    assert _mine(text.encode("gb18030")) == text.encode("utf-8")
    for raw in (b"\xe3\x32\x9a\x36", b"\xfe\x39\xfe\x39", b"\x85\x30\x81\x30", b"\x80", b"\xff",
                b"\x81", b"\x81\x30", b"\x81\x30\x81", b"", b"\x00\x7f"):
        assert _mine(raw) == _python(raw), raw


def test_random_text_and_random_bytes():
    rng = random.Random(9)
    pool = "".join(map(chr, range(0x20, 0x7F))) + "中文身份证号码，。：𠀀𪚥䶵㐀𠮷€—·ａ①\u3000" + "".join(
        chr(rng.randrange(0x80, 0x30000)) for _ in range(500) if True)
    pool = "".join(c for c in pool if not 0xD800 <= ord(c) < 0xE000)
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 200)))
        data = text.encode("gb18030")
        assert _mine(data) == text.encode("utf-8")
        if data:  # a damaged copy: same acceptance (and, when accepted, output)
            cut = bytearray(data)
            cut[rng.randrange(len(cut))] = rng.randrange(256)
            assert _mine(bytes(cut)) == _python(bytes(cut))
    for _ in range(3000):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
        assert _mine(raw) == _python(raw), raw
    assert np.frombuffer(gbdecode.decode("身份证".encode("gb18030")), dtype=np.uint8).tobytes() \
        == "身份证".encode()
