"""Translate Lucene query syntax (CKAN's ``q`` and ``fq``) into SQL.

luqum parses; this module walks the tree and emits a WHERE expression over
the index table (alias ``i``) with bound parameters. Field semantics follow
:mod:`fields`: string fields match whole values, text fields match segmented
words, date and number fields compare typed values.
"""
from __future__ import annotations

import re
import threading

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

from . import datemath, fields, terms
from .document import MAX_FILTER_VALUE
from .sqlparams import Params, like_escape


class QuerySyntaxError(ValueError):
    """A query the user typed cannot be understood (reported as HTTP 400)."""


_parse_lock = threading.Lock()  # luqum's PLY parser keeps module state
MAX_QUERY_LENGTH = 4000
MAX_NODES = 400


def parse(query: str) -> tree.Item:
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError("搜索语句过长 / Query too long")
    try:
        with _parse_lock:
            node = parser.parse(query)
    except (ParseError, ValueError, TypeError) as e:
        raise QuerySyntaxError(
            f"无法解析搜索语句 / Cannot parse query {query!r}: {e}") from e
    except Exception as e:  # luqum raises bare exceptions on some input
        raise QuerySyntaxError(
            f"无法解析搜索语句 / Cannot parse query {query!r}") from e
    if sum(1 for _ in _walk(node)) > MAX_NODES:
        raise QuerySyntaxError("搜索语句过于复杂 / Query too complex")
    return node


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


# Single-valued fields every query filters on, kept as real columns so the
# planner has statistics (see migration a1f0c0de0003).
HOT_COLUMNS = ("site_id", "state", "capacity", "dataset_type")


def column_for(field: str) -> str:
    """Exact-match fields live in the small ``filters`` column."""
    return "filters" if fields.kind(field) == fields.STRING else "stored"


_ESCAPE = re.compile(r"\\(.)", re.S)


def _literal(value: str) -> str:
    return _ESCAPE.sub(r"\1", value)


def _wildcard_like(value: str) -> str | None:
    """LIKE pattern if ``value`` holds unescaped ``*``/``?``, else None."""
    out, wild, i = [], False, 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(like_escape(value[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("%")
            wild = True
        elif c == "?":
            out.append("_")
            wild = True
        else:
            out.append(like_escape(c))
        i += 1
    return "".join(out) if wild else None


class Compiler:
    """One compiler per query; collects parameters and ranking terms."""

    def __init__(self, params: Params, default_field: str = "text"):
        self.params = params
        self.default_field = default_field
        self.rank_terms: list[str] = []

    def compile_root(self, query: str) -> str:
        return self.compile(parse(query))

    # -- tree walk ---------------------------------------------------------
    def compile(self, node: tree.Item, field: str | None = None) -> str:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise QuerySyntaxError(
                f"不支持的搜索语法 / Unsupported query construct: "
                f"{type(node).__name__}")
        return method(node, field)

    def _join(self, node, field, op):
        parts = [self.compile(c, field) for c in node.children]
        return "(" + f" {op} ".join(parts) + ")"

    def _AndOperation(self, node, field):
        return self._join(node, field, "AND")

    # CKAN sends q.op=AND, so juxtaposed clauses are all required.
    _UnknownOperation = _AndOperation

    def _OrOperation(self, node, field):
        return self._join(node, field, "OR")

    def _Not(self, node, field):
        return f"(NOT {self.compile(node.a, field)})"

    _Prohibit = _Not

    def _Plus(self, node, field):
        return self.compile(node.a, field)

    def _Group(self, node, field):
        return self.compile(node.expr, field)

    _FieldGroup = _Group

    def _Boost(self, node, field):
        return self.compile(node.expr, field)

    def _Fuzzy(self, node, field):
        return self.compile(node.term, field)

    def _Proximity(self, node, field):
        return self.compile(node.term, field)

    def _SearchField(self, node, field):
        name = node.name
        if name == "*" and isinstance(node.expr, tree.Word) \
                and node.expr.value == "*":
            return "TRUE"
        if name == "*":
            name = self.default_field
        if not fields.valid_name(name):
            raise QuerySyntaxError(f"无效的字段名 / Invalid field name {name!r}")
        return self.compile(node.expr, name)

    def _Word(self, node, field):
        return self.term(field or self.default_field, node.value)

    def _Phrase(self, node, field):
        text = _literal(node.value[1:-1])
        return self.phrase(field or self.default_field, text)

    def _Regex(self, node, field):
        field = field or self.default_field
        pattern = node.value[1:-1]
        if len(pattern) > 200:
            raise QuerySyntaxError("正则表达式过长 / Regular expression too long")
        return self._values_match(field, "~", self.params.add(pattern))

    def _Range(self, node, field):
        return self.range(field or self.default_field,
                          node.low.value, node.high.value,
                          node.include_low, node.include_high)

    def _From(self, node, field):
        return self.range(field or self.default_field, node.a.value, "*",
                          node.include, True)

    def _To(self, node, field):
        return self.range(field or self.default_field, "*", node.a.value,
                          True, node.include)

    # -- leaves ------------------------------------------------------------
    def _values(self, field: str) -> str:
        return (f"jsonb_array_elements_text(i.{column_for(field)} -> "
                f"{self.params.add(field)})")

    def _values_match(self, field: str, op: str, rhs: str,
                      expr: str = "v") -> str:
        return (f"EXISTS (SELECT 1 FROM {self._values(field)} AS v "
                f"WHERE {expr} {op} {rhs})")

    def _text_match(self, field: str, word: str, prefix: bool = False) -> str:
        """Word match via the weighted whole-document vector (GIN index);
        for a named field, restricted to its weight class and confirmed by a
        substring of the stored value, since classes hold several fields."""
        weights = "" if field == "text" else fields.weight(field)
        tsquery = terms.word_query(word, weights, prefix)
        if tsquery is None:
            return "TRUE"
        self.rank_terms.append(terms.word_query(word, "", prefix))
        match = f"(i.tsv @@ CAST({self.params.add(tsquery)} AS tsquery))"
        if field == "text":
            return match
        confirm = " OR ".join(
            "(" + " AND ".join(self._substring(field, f"%{like_escape(p)}%")
                               for p in pieces) + ")"
            for pieces in terms.variants(word))
        return f"({match} AND ({confirm}))"

    def _substring(self, field: str, like: str) -> str:
        if field == "text":
            return f"(i.search_text LIKE {self.params.add(like)})"
        return self._values_match(field, "LIKE", self.params.add(like),
                                  "lower(v)")

    def term(self, field: str, raw: str) -> str:
        if field.endswith("_ngram"):  # package_autocomplete's prefix fields
            value = _literal(raw).lower()
            return self._substring(field[:-6], f"%{like_escape(value)}%")
        kind = fields.kind(field)
        if raw == "*":
            if field == "text":
                return "TRUE"
            return f"(i.stored ? {self.params.add(field)})"
        like = _wildcard_like(raw)
        if kind == fields.TEXT:
            value = _literal(raw)
            if like is not None:
                stem = value[:-1]
                if value.endswith("*") and "*" not in stem and "?" not in stem \
                        and stem and not terms.needs_substring(stem):
                    return self._text_match(field, stem, prefix=True)
                return self._substring(field, like.lower())
            if terms.needs_substring(value):
                return self._substring(field,
                                       f"%{like_escape(value.lower())}%")
            return self._text_match(field, value)
        if like is not None:
            return self._values_match(field, "LIKE", self.params.add(like))
        value = _literal(raw)
        if kind in (fields.DATE, fields.NUMBER):
            return self.range(field, value, value, True, True)
        return self.exact(field, value)

    def exact(self, field: str, value: str) -> str:
        if field in HOT_COLUMNS:
            return f"(i.{field} = {self.params.add(value)})"
        if field == "permission_labels":
            return (f"(i.permission_labels @> "
                    f"CAST(ARRAY[{self.params.add(value)}] AS text[]))")
        column = "filters" if len(value) <= MAX_FILTER_VALUE else "stored"
        return f"(i.{column} @> {self.params.json({field: [value]})})"

    def phrase(self, field: str, text: str) -> str:
        if field.endswith("_ngram"):
            return self._substring(field[:-6],
                                   f"%{like_escape(text.lower())}%")
        kind = fields.kind(field)
        if kind != fields.TEXT:
            if kind in (fields.DATE, fields.NUMBER):
                return self.range(field, text, text, True, True)
            return self.exact(field, text)
        pieces = terms.phrase_pieces(text)
        sub = self._substring(field, f"%{like_escape(text.lower())}%")
        if not pieces or any(len(p) == 1 and terms.segment.is_cjk(p)
                             for p in pieces):
            return sub
        tq = " & ".join(terms.word_query(p) or "" for p in pieces if p)
        self.rank_terms.append(tq)
        return f"(i.tsv @@ CAST({self.params.add(tq)} AS tsquery) AND {sub})"

    def range(self, field: str, low: str, high: str,
              include_low: bool, include_high: bool) -> str:
        kind = fields.kind(field)
        conds = []
        for bound, inclusive, op in ((low, include_low, ">"),
                                     (high, include_high, "<")):
            bound = _literal(bound)
            if bound == "*":
                continue
            if inclusive:
                op += "="
            conds.append((op, self._typed_bound(kind, bound)))
        if not conds:
            return f"(i.stored ? {self.params.add(field)})"
        if kind == fields.DATE and field in ("metadata_modified",
                                             "metadata_created"):
            return "(" + " AND ".join(f"i.{field} {op} {rhs}"
                                      for op, rhs in conds) + ")"
        cast = {fields.DATE: "govopen_search_ts(v)",
                fields.NUMBER: "govopen_search_num(v)"}.get(kind, "v")
        where = " AND ".join(f"{cast} {op} {rhs}" for op, rhs in conds)
        return (f"EXISTS (SELECT 1 FROM {self._values(field)} AS v "
                f"WHERE {where})")

    def _typed_bound(self, kind: str, bound: str) -> str:
        if kind == fields.DATE:
            try:
                return f"CAST({self.params.add(datemath.parse(bound))} AS timestamptz)"
            except datemath.DateMathError as e:
                raise QuerySyntaxError(str(e)) from e
        if kind == fields.NUMBER:
            try:
                float(bound)
            except ValueError as e:
                raise QuerySyntaxError(f"不是数字 / Not a number: {bound!r}") from e
            return f"CAST({self.params.add(bound)} AS numeric)"
        return self.params.add(bound)


def compile_query(query: str, params: Params,
                  default_field: str = "text") -> tuple[str, list[str]]:
    """WHERE expression and the tsqueries to rank by, for one Lucene query."""
    query = query.strip()
    if not query or query == "*:*":
        return "TRUE", []
    compiler = Compiler(params, default_field)
    return compiler.compile(parse(query)), compiler.rank_terms
