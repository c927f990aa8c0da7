"""Record-aligned segments cover the file exactly, for any sizes."""
import csv
import io
import random

import polars as pl
import pytest

from ckanext.govopen.desensitize.segments import iter_segments_at, record_starts


def _csv(tmp_path, quoted: bool, seed: int) -> tuple[str, bytes]:
    rng = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=rng.choice(["\n", "\r\n"]))
    w.writerow(["a", "备注"])
    for i in range(3000):
        text = "x" * rng.randrange(0, 300) + "中文"
        if quoted and i % 17 == 0:
            text += '\n第二行"引号"'
        w.writerow([str(i), text])
    data = buf.getvalue().encode()
    path = tmp_path / f"s{seed}.csv"
    path.write_bytes(data)
    return str(path), data


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("size,read", [(1 << 10, 256), (8 << 10, 3000), (64 << 10, 64 << 10)])
def test_segments_cover_the_file_at_record_boundaries(tmp_path, monkeypatch, quoted, size, read):
    from ckanext.govopen.desensitize import segments
    monkeypatch.setattr(segments, "READ_BYTES", read)
    path, data = _csv(tmp_path, quoted, seed=size)
    header_end = data.index(b"\n") + 1
    body, rows = [], 0
    for seg, hl, off in iter_segments_at(path, size):
        assert seg[:hl] == data[:header_end]
        assert data[off:off + len(seg) - hl] == seg[hl:]
        body.append(seg[hl:])
        n = len(pl.read_csv(io.BytesIO(seg), infer_schema=False))
        assert n == len(record_starts(seg, hl)) - 1
        rows += n
    assert b"".join(body) == data[header_end:] and rows == 3000


def test_utf8_sniff_equals_pythons_incremental_decoder():
    import codecs

    from ckanext.govopen.desensitize.encoding import _valid_utf8_prefix

    def python(data):
        try:
            codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=False)
            return True
        except UnicodeDecodeError:
            return False
    rng = random.Random(2)
    text = "中文𠀀ａbc\u00e9\U0010ffff".encode()
    samples = [text, text[:-1], text[:-2], text[:-3], b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80",
               b"\xf4\x90\x80\x80", b"\xf0\x9f", b"\xff", b""]
    for _ in range(3000):
        n = rng.randrange(0, 12)
        samples.append(bytes(rng.choice([rng.randrange(256), rng.randrange(0x80, 0xC0),
                                          rng.choice([0xE0, 0xED, 0xF0, 0xF4, 0xC2])])
                             for _ in range(n)))
        samples.append(text[:rng.randrange(len(text) + 1)])
    for s in samples:
        assert _valid_utf8_prefix(s) == python(s), s
