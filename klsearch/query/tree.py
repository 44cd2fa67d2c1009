"""The query tree that :func:`klsearch.query.parser.parse` builds.

Leaves hold raw words exactly as typed (analysis happens when the query is
executed). ``start`` offsets are 0-based character positions in the query
string; they are informational and excluded from equality, so two trees are
equal when they mean the same query. ``str(node)`` renders canonical query
syntax; for any tree the parser builds, it parses back to an equal tree.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as _field
from typing import TypeAlias, Union

QUOTES = '"”“„'
"""Characters that open and close a phrase (any one closes any other)."""

OPERATORS = frozenset({"AND", "OR", "NOT"})

_BARE_VALUE = re.compile(rf"[^\s(){QUOTES}]+")
_FIELD_LIKE = re.compile(r"[^\W\d_]+:(?!//)")  # what the parser reads as "field:"


class Occur(enum.Enum):
    """How a clause takes part in its BooleanQuery."""

    MUST = "must"
    SHOULD = "should"
    MUST_NOT = "must_not"

    @property
    def prefix(self) -> str:
        """The query-syntax prefix for this occurrence: ``+``, ``-`` or none."""
        return {"must": "+", "should": "", "must_not": "-"}[self.value]


@dataclass(frozen=True, slots=True)
class Term:
    """One raw word as typed, e.g. ``KL’s`` or ``2,5``."""

    text: str
    start: int = _field(compare=False)

    def __str__(self) -> str:
        # A bare word that would lex as something else is written quoted;
        # a quoted single word parses back to a Term.
        if self.text in OPERATORS or "(" in self.text or ")" in self.text or _FIELD_LIKE.match(self.text):
            return f'"{self.text}"'
        return self.text


@dataclass(frozen=True, slots=True)
class Phrase:
    """Quoted words that must occur in order; ``start`` is the first word's."""

    words: tuple[str, ...]
    start: int = _field(compare=False)

    def __str__(self) -> str:
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True, slots=True)
class Prefix:
    """A word typed with a trailing ``*``; ``text`` is without the star."""

    text: str
    start: int = _field(compare=False)

    def __str__(self) -> str:
        return self.text + "*"


@dataclass(frozen=True, slots=True)
class MatchAll:
    """A lone ``*``: every document."""

    def __str__(self) -> str:
        return "*"


@dataclass(frozen=True, slots=True)
class FieldTerm:
    """Keyword filter ``category:value`` or ``section:value`` (value as typed)."""

    field: str
    value: str
    start: int = _field(compare=False)

    def __str__(self) -> str:
        if _BARE_VALUE.fullmatch(self.value):
            return f"{self.field}:{self.value}"
        return f'{self.field}:"{self.value}"'


@dataclass(frozen=True, slots=True)
class YearRange:
    """Filter ``year:low..high`` (inclusive; ``year:2013`` has low == high)."""

    low: int
    high: int
    start: int = _field(compare=False)

    def __str__(self) -> str:
        if self.low == self.high:
            return f"year:{self.low}"
        return f"year:{self.low}..{self.high}"


@dataclass(frozen=True, slots=True)
class Clause:
    """One operand of a BooleanQuery with its occurrence."""

    occur: Occur
    query: Node

    def __str__(self) -> str:
        inner = f"({self.query})" if isinstance(self.query, BooleanQuery) else str(self.query)
        return self.occur.prefix + inner


@dataclass(frozen=True, slots=True)
class BooleanQuery:
    """Clauses combined Lucene style: all MUST, none MUST_NOT, SHOULD ranks.

    With no MUST clause at least one SHOULD clause must match.
    """

    clauses: tuple[Clause, ...]

    def __str__(self) -> str:
        # A filter defaults to MUST, so a SHOULD filter needs an explicit OR.
        joiner = " "
        if any(c.occur is Occur.SHOULD and is_filter(c.query) for c in self.clauses):
            joiner = " OR "
        return joiner.join(str(c) for c in self.clauses)


Node: TypeAlias = Union[Term, Phrase, Prefix, MatchAll, FieldTerm, YearRange, BooleanQuery]


def is_filter(node: Node) -> bool:
    """True for non-scoring nodes: FieldTerm, YearRange, or a group of only those."""
    if isinstance(node, (FieldTerm, YearRange)):
        return True
    if isinstance(node, BooleanQuery):
        return bool(node.clauses) and all(is_filter(c.query) for c in node.clauses)
    return False


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and every node below it, depth first, in query order."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, BooleanQuery):
            stack.extend(c.query for c in reversed(current.clauses))
