"""Query string -> query tree, in the style of Lucene's classic parser.

Grammar, loosest binding first (juxtaposition means OR)::

    query    := orgroup*
    orgroup  := andgroup ("OR" andgroup)*
    andgroup := unary ("AND" unary)*
    unary    := ("+" | "-" | "NOT")? primary
    primary  := word | "phrase" | field:value | "(" query ")"

A lazy lexer feeds the parser, and once the term budget is exceeded the rest
of the query is only counted, so even a megabyte of input is refused fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from klsearch.errors import QuerySyntaxError
from klsearch.query.tree import OPERATORS, QUOTES, BooleanQuery, Clause, FieldTerm, MatchAll
from klsearch.query.tree import Node, Occur, Phrase, Prefix, Term, YearRange, is_filter

__all__ = ["MAX_CLAUSES", "MAX_DEPTH", "FIELDS", "parse"]

MAX_CLAUSES = 1024
"""Most terms a query may hold; each word of a phrase counts as one."""

MAX_DEPTH = 32
"""Deepest nesting of parentheses."""

FIELDS = ("category", "section", "year")

_Q = QUOTES
# Word characters are letters and digits (str.isalnum) and combining accents;
# everything else at the edge of a word is punctuation to strip.
_WORD = r"(?:[^\W_]|[\u0300-\u036f])"
_END = rf"(?![^\s(){_Q}])"  # end of a bare word
# What carries no term: whitespace, punctuation-only words ("–", "•", "...")
# and closed quotes without a word. Not words starting with +/-: modifiers.
# Atomic groups keep this fast on long runs of junk.
_SKIP = re.compile(
    rf"(?>\s+|(?![+-])(?!\*+{_END})(?:[^\w\s(){_Q}\u0300-\u036f]++|_)++{_END}"
    rf"|[{_Q}](?:[^\w{_Q}\u0300-\u036f]++|_)*+[{_Q}])*+"
)
_TOKEN = re.compile(rf"(?P<lp>\()|(?P<rp>\))|(?P<quote>[{_Q}])|(?P<mod>[+-])|(?P<word>[^\s(){_Q}]+)")
_QUOTE_END = re.compile(f"[{_Q}]")
_PHRASE_WORD = re.compile(rf"(?<!\S)(?:[^\w\s\u0300-\u036f]++|_)*+{_WORD}\S*")
_LEAD = re.compile(r"(?:[^\w\u0300-\u036f]++|_)*+")
_FIELD = re.compile(r"([^\W\d_]+):(?!//)")
_YEAR = re.compile(r"([0-9]+)(?:\.\.([0-9]+))?")
# For counting the terms of an over-long query at C speed: split off quoted
# strings (group 1: a field's quoted value, one term; group 2: a phrase).
_COUNT_SPLIT = re.compile(
    rf"((?<![^\s(){_Q}])(?:[^\w\s(){_Q}\u0300-\u036f]|_)*[^\W\d_]+:[{_Q}][^{_Q}]*[{_Q}]?)"
    rf"|([{_Q}][^{_Q}]*[{_Q}]?)"
)
_COUNT_WORD = re.compile(
    rf"(?<![^\s()])[+-]*(?!(?:AND|OR|NOT)(?![^\s()]))(?:[^\s()]*?{_WORD}|\*+(?![^\s()]))"
)


class _Token(NamedTuple):
    kind: str  # leaf, lp, rp, mod, and, or, not, eof
    pos: int
    text: str = ""
    node: Node | None = None


def parse(query: str) -> BooleanQuery:
    """Parse ``query`` into a BooleanQuery; raise QuerySyntaxError if malformed."""
    return _simple(query) or _Parser(query).parse()


def _simple(query: str) -> BooleanQuery | None:
    """The tree of a query of the usual kind, as the parser would build it, with far less
    work; None for anything else. Usual: bare words of letters and digits, "phrases" of
    such words, fields with such a value (years as YYYY or YYYY..YYYY), each maybe with
    + or -, and +(groups) of such words and phrases."""
    clauses = []
    count = 0
    pos, size = 0, len(query)
    while True:
        while pos < size and query[pos].isspace():
            pos += 1
        if pos == size:
            break
        occur = None
        if query[pos] in "+-":
            occur = Occur.MUST if query[pos] == "+" else Occur.MUST_NOT
            pos += 1
        if query[pos : pos + 1] == "(":
            close = query.find(")", pos)
            inner = _simple_items(query, pos + 1, close) if close > pos + 1 else None
            if not inner:
                return None
            count += sum(len(n.words) if isinstance(n, Phrase) else 1 for n in inner)
            node: Node = inner[0] if len(inner) == 1 else BooleanQuery(tuple(Clause(Occur.SHOULD, n) for n in inner))
            end = close + 1
        else:
            item = _simple_item(query, pos, fields=True)
            if item is None:
                return None
            node, end = item
            count += len(node.words) if isinstance(node, Phrase) else 1
        if end < size and not query[end].isspace():
            return None
        clauses.append(Clause(occur or _default(node), node))
        pos = end
    if not clauses or count > MAX_CLAUSES:
        return None
    only = clauses[0]
    if len(clauses) == 1 and isinstance(only.query, BooleanQuery) and only.occur is not Occur.MUST_NOT:
        return only.query
    return BooleanQuery(tuple(clauses))


def _simple_items(query: str, pos: int, stop: int) -> list[Node] | None:
    """The words and phrases of a group ``query[pos:stop]`` (see :func:`_simple`)."""
    nodes: list[Node] = []
    while True:
        while pos < stop and query[pos].isspace():
            pos += 1
        if pos == stop:
            return nodes
        item = _simple_item(query, pos, fields=False)
        if item is None or item[1] > stop or (item[1] < stop and not query[item[1]].isspace()):
            return None
        nodes.append(item[0])
        pos = item[1]


def _simple_item(query: str, pos: int, fields: bool) -> tuple[Node, int] | None:
    """A plain word, phrase or (when ``fields``) field at ``pos``, and where it ends."""
    if pos == len(query):
        return None
    if query[pos] in _Q:
        close = _QUOTE_END.search(query, pos + 1)
        if close is None:
            return None
        content = query[pos + 1 : close.start()]
        words = content.split()
        if not words or not all(w.isalnum() for w in words):
            return None
        first = pos + 1 + content.index(words[0])
        if len(words) == 1:
            return Term(words[0], first), close.end()
        return Phrase(tuple(words), first), close.end()
    end = pos
    while end < len(query) and not query[end].isspace() and query[end] not in _STOPS:
        end += 1
    chunk = query[pos:end]
    if chunk.isalnum():
        return (Term(chunk, pos), end) if chunk not in OPERATORS else None
    name, colon, value = chunk.partition(":")
    field = name.lower()
    if not fields or not colon or not name.isalpha() or field not in FIELDS:
        return None
    if field != "year":
        return (FieldTerm(field, value, pos), end) if value.isalnum() else None
    low, dots, high = value.partition("..")
    years = [low, high] if dots else [low]
    if not all(y.isascii() and y.isdigit() and len(y) <= 4 and y[0] != "0" for y in years):
        return None
    if int(years[0]) > int(years[-1]):
        return None
    return YearRange(int(years[0]), int(years[-1]), pos), end


_STOPS = "()" + _Q  # what ends a bare word


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(pattern: re.Pattern[str], text: str, pos: int = 0) -> int:
    """Where ``pattern`` (which cannot fail) stops matching ``text`` from ``pos``."""
    m = pattern.match(text, pos)
    assert m is not None
    return m.end()


def _core(word: str) -> tuple[int, int]:
    """Offsets of ``word`` without its leading and trailing punctuation."""
    if word[:1].isalnum() and word[-1:].isalnum():  # what _LEAD strips is never a letter or digit
        return 0, len(word)
    a = _span(_LEAD, word)
    if a == len(word):
        return a, a
    return a, len(word) - _span(_LEAD, word[::-1])


def _word_node(chunk: str, pos: int) -> Node | None:
    if not chunk.strip("*"):
        return MatchAll()
    a, b = _core(chunk)
    if a == b:
        return None
    if "*" in chunk[b:]:
        return Prefix(chunk[a:b], pos + a)
    return Term(chunk[a:b], pos + a)


def _phrase_node(content: str, offset: int) -> Node | None:
    words = []
    for m in _PHRASE_WORD.finditer(content):
        a, b = _core(m.group())
        words.append((m.group()[a:b], offset + m.start() + a))
    if not words:
        return None
    if len(words) == 1:
        return Term(*words[0])
    return Phrase(tuple(w for w, _ in words), words[0][1])


def _year(query: str, digits: str, pos: int) -> int:
    significant = digits.lstrip("0")
    if not significant or len(significant) > 4:
        raise QuerySyntaxError(query, pos, f"year {_shorten(digits)} out of range (1..9999)")
    return int(significant)


def _field_node(query: str, name: str, value: str, pos: int, value_pos: int) -> Node:
    if not value:
        raise QuerySyntaxError(query, pos, f"field '{name}' has no value")
    if name != "year":
        return FieldTerm(name, value, pos)
    m = _YEAR.fullmatch(value)
    if m is None:
        reason = f"invalid year '{_shorten(value)}' (expected YYYY or YYYY..YYYY)"
        raise QuerySyntaxError(query, value_pos, reason)
    low = _year(query, m.group(1), value_pos)
    high = low if m.group(2) is None else _year(query, m.group(2), value_pos)
    if low > high:
        raise QuerySyntaxError(query, value_pos, f"empty year range {low}..{high} (low is above high)")
    return YearRange(low, high, pos)


def _count_rest(query: str, pos: int) -> int:
    """How many terms ``query[pos:]`` holds, counted without a Python loop."""
    rest = query[pos:]
    if not any(q in rest for q in _Q):
        return len(_COUNT_WORD.findall(rest))
    parts = _COUNT_SPLIT.split(rest)  # [outside, field, phrase, outside, ...]
    fields = parts[1::3]
    outside = " ".join(parts[0::3])
    phrases = " ".join(filter(None, parts[2::3]))
    terms = len(_COUNT_WORD.findall(outside)) + len(_PHRASE_WORD.findall(phrases))
    return terms + len(fields) - fields.count(None)


def _tokens(query: str) -> Iterator[_Token]:
    """Yield the tokens of ``query`` and a final eof token, lazily."""
    pos, size, count = 0, len(query), 0
    while True:
        if not query[pos : pos + 1].isalnum():  # nothing to skip before a letter or digit
            pos = _span(_SKIP, query, pos)
        if pos >= size:
            yield _Token("eof", size)
            return
        m = _TOKEN.match(query, pos)
        assert m is not None and m.lastgroup is not None  # every character is some token
        kind, end = m.lastgroup, m.end()
        if kind == "quote":
            close = _QUOTE_END.search(query, pos + 1)
            if close is None:
                raise QuerySyntaxError(query, pos, "unbalanced quote")
            content, end = query[pos + 1 : close.start()], close.end()
            # Count before building: the phrase may be huge.
            count += len(_PHRASE_WORD.findall(content))
            node = None if count > MAX_CLAUSES else _phrase_node(content, pos + 1)
        elif kind == "word":
            if m.group() in OPERATORS:
                yield _Token(m.group().lower(), pos, m.group())
                pos = end
                continue
            node, end = _word_or_field(query, m.group(), pos, end)
            count += node is not None
        else:
            yield _Token(kind, pos, m.group())
            pos = end
            continue
        if count > MAX_CLAUSES:
            total = count + _count_rest(query, end)
            raise QuerySyntaxError(query, pos, f"query too long: {total} terms (at most {MAX_CLAUSES})")
        if node is not None:
            yield _Token("leaf", pos, node=node)
        pos = end


def _word_or_field(query: str, chunk: str, pos: int, end: int) -> tuple[Node | None, int]:
    """The node for a bare word at ``pos``, and where it ends (a quoted value extends it)."""
    if ":" not in chunk:
        return _word_node(chunk, pos), end
    # Punctuation before a field name goes, as it would before a word.
    f = _FIELD.match(chunk, _span(_LEAD, chunk))
    if f is None:
        return _word_node(chunk, pos), end
    name, start, value_pos = f.group(1), pos + f.start(), pos + f.end()
    quoted = f.end() == len(chunk) and end < len(query) and query[end] in _Q
    if name.lower() not in FIELDS:
        if f.end() < len(chunk) or quoted:
            known = ", ".join(FIELDS)
            raise QuerySyntaxError(query, start, f"unknown field '{_shorten(name)}' (known: {known})")
        return _word_node(chunk, pos), end  # "KL:" before a headline is just a word
    value = chunk[f.end() :]
    if quoted:
        close = _QUOTE_END.search(query, end + 1)
        if close is None:
            raise QuerySyntaxError(query, end, "unbalanced quote")
        value, end = query[end + 1 : close.start()].strip(), close.end()
    return _field_node(query, name.lower(), value, start, value_pos), end


_Unit = tuple[Occur | None, Node]  # an operand with its explicit +, - or NOT
_AndGroup = list[_Unit]
_OrGroup = list[_AndGroup]


class _Parser:
    """Recursive descent over the lazy token stream; depth bounded by MAX_DEPTH."""

    def __init__(self, query: str) -> None:
        self._query = query
        self._tokens = _tokens(query)
        self._tok = next(self._tokens)
        self._depth = 0

    def _advance(self) -> _Token:
        tok = self._tok
        if tok.kind != "eof":
            self._tok = next(self._tokens)
        return tok

    def _fail(self, pos: int, reason: str) -> QuerySyntaxError:
        return QuerySyntaxError(self._query, pos, reason)

    def parse(self) -> BooleanQuery:
        items = self._sequence()
        if self._tok.kind == "rp":
            raise self._fail(self._tok.pos, "unbalanced ')'")
        if not items:
            raise self._fail(0, "empty query")
        clauses = _combine(items)
        only = clauses[0]
        if len(clauses) == 1 and isinstance(only.query, BooleanQuery) and only.occur is not Occur.MUST_NOT:
            return only.query
        return BooleanQuery(tuple(clauses))

    def _sequence(self) -> list[_OrGroup]:
        items = []
        while self._tok.kind not in ("eof", "rp"):
            items.append(self._or_group())
        return items

    def _or_group(self) -> _OrGroup:
        group = [self._and_group()]
        while self._tok.kind == "or":
            self._expect_operand(self._advance())
            group.append(self._and_group())
        return group

    def _and_group(self) -> _AndGroup:
        group = [self._unary()]
        while self._tok.kind == "and":
            self._expect_operand(self._advance())
            group.append(self._unary())
        return group

    def _expect_operand(self, op: _Token) -> None:
        """After an operator, a term must follow: not another operator, nor the end."""
        nxt = self._tok
        if nxt.kind in ("eof", "rp"):
            raise self._fail(op.pos, f"'{op.text}' needs a term after it")
        if nxt.kind in ("and", "or") or (op.kind == "not" and nxt.kind in ("not", "mod")):
            raise self._fail(nxt.pos, f"'{nxt.text}' cannot follow '{op.text}'")

    def _unary(self) -> _Unit:
        tok = self._tok
        if tok.kind in ("and", "or"):
            raise self._fail(tok.pos, f"'{tok.text}' needs a term before it")
        occur = None
        if tok.kind == "not":
            self._advance()
            self._expect_operand(tok)
            occur = Occur.MUST_NOT
        elif tok.kind == "mod":
            self._advance()
            if self._tok.kind not in ("leaf", "lp") or self._tok.pos != tok.pos + 1:
                raise self._fail(tok.pos, f"'{tok.text}' must be followed directly by a term")
            occur = Occur.MUST if tok.text == "+" else Occur.MUST_NOT
        return occur, self._primary()

    def _primary(self) -> Node:
        tok = self._advance()
        if tok.kind == "leaf":
            assert tok.node is not None
            return tok.node
        assert tok.kind == "lp", tok  # the callers let nothing else through
        if self._depth == MAX_DEPTH:
            raise self._fail(tok.pos, f"parentheses nested too deeply (at most {MAX_DEPTH} levels)")
        if self._tok.kind == "rp":
            raise self._fail(tok.pos, "empty parentheses")
        self._depth += 1
        items = self._sequence()
        if self._tok.kind != "rp":
            raise self._fail(tok.pos, "unbalanced '('")
        self._advance()
        self._depth -= 1
        clauses = _combine(items)
        if len(clauses) == 1 and clauses[0].occur is not Occur.MUST_NOT:
            return clauses[0].query  # "(a)" is just a
        return BooleanQuery(tuple(clauses))


def _unit_clause(unit: _Unit, default: Occur) -> Clause:
    occur, node = unit
    return Clause(occur or default, node)


def _default(node: Node) -> Occur:
    """A filter on its own restricts (MUST); anything else ranks (SHOULD)."""
    return Occur.MUST if is_filter(node) else Occur.SHOULD


def _and_clauses(group: _AndGroup) -> list[Clause]:
    return [_unit_clause(unit, Occur.MUST) for unit in group]


def _or_clauses(group: _OrGroup) -> list[Clause]:
    if len(group) == 1:
        (ands,) = group
        if len(ands) == 1:
            return [_unit_clause(ands[0], _default(ands[0][1]))]
        return _and_clauses(ands)
    clauses = []
    for ands in group:
        if len(ands) == 1:
            clauses.append(_unit_clause(ands[0], Occur.SHOULD))
        else:
            clauses.append(Clause(Occur.SHOULD, BooleanQuery(tuple(_and_clauses(ands)))))
    return clauses


def _combine(items: list[_OrGroup]) -> list[Clause]:
    """The clauses of one query or parenthesised group.

    AND groups and OR groups are flattened into the sequence (as Lucene
    does), except that an OR of filters stays a group that must match:
    ``økonomi category:A OR category:B`` finds økonomi in category A or B.
    """
    if len(items) == 1:
        return _or_clauses(items[0])
    clauses = []
    for group in items:
        group_clauses = _or_clauses(group)
        should = [c for c in group_clauses if c.occur is Occur.SHOULD]
        if len(group) > 1 and should and all(is_filter(c.query) for c in should):
            clauses.append(Clause(Occur.MUST, BooleanQuery(tuple(group_clauses))))
        else:
            clauses.extend(group_clauses)
    return clauses
