"""Free-text queries (Solr dismax): words, "phrases", +required, -excluded,
with the minimum-should-match (``mm``) rule CKAN sends (``2<-1 5<80%``)."""
from __future__ import annotations

import math
import re

from .lucene import Compiler, QuerySyntaxError, _literal

_CLAUSE = re.compile(r'([+-]?)("(?:[^"\\]|\\.)*"?|\S+)')
_OPERATORS = frozenset({"AND", "OR", "NOT", "&&", "||"})
MAX_CLAUSES = 64


def _mm_value(spec: str, n: int) -> int:
    spec = spec.strip()
    if spec.endswith("%"):
        pct = int(spec[:-1])
        k = math.floor(n * abs(pct) / 100)
        return n - k if pct < 0 else k
    k = int(spec)
    return n + k if k < 0 else k


def min_should_match(mm: str | None, n: int) -> int:
    """Solr's mm syntax: ``3``, ``-1``, ``75%``, ``2<-1 5<80%``."""
    if not mm or n == 0:
        return n
    try:
        parts = mm.split()
        if all("<" in p for p in parts):
            required = n
            for part in parts:
                bound, spec = part.split("<", 1)
                if n > int(bound):
                    required = _mm_value(spec, n)
        else:
            required = _mm_value(parts[0], n)
    except ValueError as e:
        raise QuerySyntaxError(
            f"mm 参数无效 / Invalid mm parameter {mm!r}") from e
    return max(1, min(n, required))


def compile_freetext(q: str, compiler: Compiler, mm: str | None) -> str:
    required, optional, prohibited = [], [], []
    clauses = _CLAUSE.findall(q)
    if len(clauses) > MAX_CLAUSES:
        raise QuerySyntaxError("搜索词过多 / Too many search terms")
    for sign, text in clauses:
        if text in _OPERATORS:
            continue
        if text.startswith('"'):
            phrase = _literal(text.strip('"'))
            if not phrase.strip():
                continue
            cond = compiler.phrase("text", phrase)
        else:
            cond = compiler.term("text", text)
        if cond == "TRUE":
            continue
        {"+": required, "-": prohibited}.get(sign, optional).append(cond)
    parts = list(required)
    parts += [f"NOT {c}" for c in prohibited]
    if optional:
        need = min_should_match(mm, len(optional))
        if need >= len(optional):
            parts += optional
        else:
            count = " + ".join(f"(CASE WHEN {c} THEN 1 ELSE 0 END)"
                               for c in optional)
            parts.append("(" + " OR ".join(optional) + ")")
            parts.append(f"({count}) >= {need}")
    return "(" + " AND ".join(parts) + ")" if parts else "TRUE"
