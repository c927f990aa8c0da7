"""Text normalisation with an offset map (GUIDE §6.6).

Matching runs on NFKC text without zero-width characters, so full-width
digits, ``Ｘ`` and ideographic spaces are found; replacements are applied to
the original string through the offset map, so untouched text stays
byte-identical.
"""
from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Characters NFKC would change in a way that matters for identifiers:
# full-width ASCII forms, the ideographic space, zero-width characters and
# compatibility digits (circled, superscript). Text without any of them is
# matched as is, which skips the per-character loop for ordinary Chinese.
_NEEDS_NORM = re.compile("[\uff01-\uff5e\u3000\u200b-\u200d\u2060\ufeff\u00ad\u180e"
                         "\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\u2776-\u2793]")


def normalize(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c not in ZERO_WIDTH)


def normalize_with_map(text: str) -> tuple[str, list[int] | None]:
    """Return (normalised, starts); ``starts[i]`` is the index in ``text`` of
    the character that produced normalised char ``i``. ``None`` means the
    identity map (pure ASCII, the common case)."""
    if text.isascii() or not _NEEDS_NORM.search(text):
        return text, None
    out: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        if ch in ZERO_WIDTH:
            continue
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        for c in n:
            if c in ZERO_WIDTH:
                continue
            out.append(c)
            starts.append(i)
    starts.append(len(text))
    return "".join(out), starts


def to_original(span: tuple[int, int], starts: list[int] | None) -> tuple[int, int]:
    a, b = span
    if starts is None:
        return a, b
    # The end maps to just after the original char that produced norm[b-1].
    return starts[a], starts[b - 1] + 1
