"""Build tsquery literals for user words, bypassing PostgreSQL's text parser.

The ``simple`` parser's idea of a word depends on the database locale and
splits CJK text unpredictably; writing the tsquery literally keeps index and
query tokenisation identical (both come from :mod:`segment`).
"""
from __future__ import annotations

from . import segment


def lexeme(token: str, weights: str = "", prefix: bool = False) -> str:
    quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
    suffix = ("*" if prefix else "") + weights
    return f"{quoted}:{suffix}" if suffix else quoted


def _piece(piece: str, weights: str, prefix: bool) -> str:
    if segment.is_cjk(piece) and len(piece) > 2 and not prefix:
        grams = " & ".join(lexeme(g, weights) for g in segment.bigrams(piece))
        return f"({lexeme(piece, weights)} | ({grams}))"
    return lexeme(piece, weights, prefix)


def variants(word: str) -> list[list[str]]:
    """The word and its synonyms, each split into pieces that must match."""
    norm = segment.normalize(word)
    return [p for p in (segment.query_pieces(v)
                        for v in segment.synonyms_of(norm)) if p]


def word_query(word: str, weights: str = "", prefix: bool = False) -> str | None:
    """tsquery for one typed word: all its pieces, each piece or a synonym.

    Returns None for words with nothing searchable (punctuation only).
    Single CJK characters cannot be answered from the lexemes; callers fall
    back to substring matching (see :func:`needs_substring`)."""
    alternatives = []
    for pieces in variants(word):
        last = len(pieces) - 1
        parts = [_piece(p, weights, prefix and i == last)
                 for i, p in enumerate(pieces)]
        alternatives.append(parts[0] if len(parts) == 1
                            else "(" + " & ".join(parts) + ")")
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 \
        else "(" + " | ".join(alternatives) + ")"


def needs_substring(word: str) -> bool:
    norm = segment.normalize(word)
    return any(segment.is_cjk(p) and len(p) == 1
               for p in segment.query_pieces(norm))


def phrase_pieces(text: str) -> list[str]:
    return [p for w in text.split() for p in segment.query_pieces(w)]
