"""Chinese-aware tokenisation shared by indexing and querying.

jieba's search mode yields the words of a title and their dictionary
sub-words; we add overlapping CJK character bigrams so that any two-character
word (空气, 公交) matches even when the dictionary segments it differently.
Queries use precise mode, and a longer word the index did not keep whole
falls back to "all of its bigrams".
"""
from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import threading
import unicodedata
from typing import Iterable

log = logging.getLogger(__name__)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_HAS_WORD = re.compile(rf"[0-9a-z{_CJK}]", re.IGNORECASE)
# Codes and compounds such as pm2.5, gb/t-2260, resource_abc: kept whole and
# also split into their alphanumeric parts.
_ASCII_COMPOUND = re.compile(r"[0-9a-z]+(?:[._\-/+][0-9a-z]+)*")
_ALNUM = re.compile(r"[0-9a-z]+")
_lock = threading.Lock()
_state: dict = {}


def normalize(text: str) -> str:
    """NFKC folds full-width letters and digits; lower-case like Solr."""
    return unicodedata.normalize("NFKC", text).lower()


def _tokenizer():
    tok = _state.get("tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("tokenizer")
            if tok is None:
                import jieba
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.tmp_dir = os.environ.get("GOVOPEN_JIEBA_CACHE",
                                             tempfile.gettempdir())
                tok.initialize()
                for group in _state.get("synonyms", ()):
                    for word in group:
                        if _CJK_RUN.fullmatch(word):
                            tok.add_word(word, freq=100000)
                _state["tokenizer"] = tok
    return tok


def configure(synonym_groups: Iterable[Iterable[str]]) -> None:
    """Install synonym groups; words are also added to jieba's dictionary so
    that 公共交通 stays one token instead of 公共 + 交通."""
    groups = [tuple(normalize(w) for w in g if w.strip()) for g in
              synonym_groups]
    groups = [g for g in groups if len(g) > 1]
    index: dict[str, tuple[str, ...]] = {}
    for g in groups:
        for w in g:
            index[w] = g
    with _lock:
        _state["synonyms"] = groups
        _state["synonym_index"] = index
        _state.pop("tokenizer", None)
    synonyms_of.cache_clear()
    _short_tokens.cache_clear()


def load_synonym_file(path: str) -> list[list[str]]:
    """One group per line, terms separated by commas or ``=``; ``#`` comments."""
    groups = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                groups.append([t.strip() for t in re.split(r"[,，=]", line)
                               if t.strip()])
    return groups


@functools.lru_cache(maxsize=4096)
def synonyms_of(word: str) -> tuple[str, ...]:
    return _state.get("synonym_index", {}).get(word, (word,))


def is_cjk(text: str) -> bool:
    return bool(_CJK_RUN.fullmatch(text))


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """Lexemes to store for one field value (search mode + CJK bigrams)."""
    if len(text) <= 64:  # tags, formats, names repeat across datasets
        return list(_short_tokens(text))
    return _index_tokens(text)


@functools.lru_cache(maxsize=50000)
def _short_tokens(text: str) -> tuple[str, ...]:
    return tuple(_index_tokens(text))


def _index_tokens(text: str) -> list[str]:
    text = normalize(text)
    tokens = [t for t in _tokenizer().cut_for_search(text, HMM=True)
              if _HAS_WORD.search(t)]
    for run in _CJK_RUN.findall(text):
        if len(run) > 2:
            tokens.extend(bigrams(run))
    for compound in _ASCII_COMPOUND.findall(text):
        tokens.append(compound)
        parts = _ALNUM.findall(compound)
        if len(parts) > 1:
            tokens.extend(parts)
    return [t.strip() for t in tokens if t.strip()]


def query_pieces(word: str) -> list[str]:
    """Split one user-typed word into the pieces that must all match."""
    word = normalize(word)
    if is_cjk(word) and len(word) <= 2:
        return [word]
    if not _CJK_RUN.search(word):
        return _ASCII_COMPOUND.findall(word)
    pieces = []
    for t in _tokenizer().cut(word, HMM=False):
        t = t.strip()
        if not t or not _HAS_WORD.search(t):
            continue
        # A lone CJK character next to another is better matched as the
        # bigram the index surely holds than as a unigram it may not.
        if pieces and is_cjk(t) and len(t) == 1 and is_cjk(pieces[-1][-1:]):
            pieces[-1] = pieces[-1] + t
        else:
            pieces.append(t)
    return pieces
