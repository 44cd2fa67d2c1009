"""What a search returns: hits with snippets, the total and facet counts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..document import Document

_FIELDS = ("id", "score", "title", "date", "year", "category", "section", "url", "snippet")
_LAZY = ("title", "date", "year", "category", "section", "url", "document")


class DocumentSource(Protocol):
    def document(self, doc: int) -> Document: ...


class Hit:
    """One ranked document of a result page.

    ``id`` and ``score`` come with the ranking; the stored document (``title``,
    ``date``, ``year``, ``category``, ``section``, ``url``, ``document``) is read
    and ``snippet`` made on first access, then kept. Hits are immutable and
    compare by value (``document`` left out), like a frozen dataclass.
    """

    __slots__ = ("id", "score", "title", "date", "year", "category", "section", "url", "snippet", "document",
                 "_source", "_doc", "_make_snippet")

    id: str
    score: float
    title: str
    date: str | None
    year: int | None
    category: str | None
    section: str | None
    url: str | None
    snippet: str
    document: Document

    def __init__(
        self,
        id: str,
        score: float,
        title: str,
        date: str | None,
        year: int | None,
        category: str | None,
        section: str | None,
        url: str | None,
        snippet: str,
        document: Document,
    ) -> None:
        setter = object.__setattr__
        for name, value in zip(_FIELDS, (id, score, title, date, year, category, section, url, snippet)):
            setter(self, name, value)
        setter(self, "document", document)

    @classmethod
    def lazy(cls, id: str, score: float, source: DocumentSource, doc: int, make_snippet: Callable[[Document], str]) -> "Hit":
        """A hit whose document is read (``source.document(doc)``), and snippet made
        from it (``make_snippet(document)``), when first needed."""
        hit = _new(cls)
        _set_id(hit, id)
        _set_score(hit, score)
        _set_source(hit, source)
        _set_doc(hit, doc)
        _set_make_snippet(hit, make_snippet)
        return hit

    def __getattr__(self, name: str) -> Any:
        # Only called for slots not set yet: the lazy fields.
        if name in _LAZY:
            self._fill()
            return object.__getattribute__(self, name)
        if name == "snippet":
            document = self.document
            value = object.__getattribute__(self, "_make_snippet")(document)
            object.__setattr__(self, "snippet", value)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _fill(self) -> None:
        get = object.__getattribute__
        document: Document = get(self, "_source").document(get(self, "_doc"))
        setter = object.__setattr__
        setter(self, "title", document.title)
        setter(self, "date", document.date.isoformat() if document.date else None)
        setter(self, "year", document.year)
        setter(self, "category", document.category)
        setter(self, "section", document.section)
        setter(self, "url", document.url)
        setter(self, "document", document)

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (type(self), (*self._key(), self.document))

    def to_json(self) -> dict[str, object]:
        """The hit as in ``klsearch query --json``."""
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "title": self.title,
            "date": self.date,
            "year": self.year,
            "category": self.category,
            "section": self.section,
            "snippet": self.snippet,
        }


_new = object.__new__
_set_id = Hit.id.__set__  # type: ignore[attr-defined]
_set_score = Hit.score.__set__  # type: ignore[attr-defined]
_set_source = Hit._source.__set__  # type: ignore[attr-defined]
_set_doc = Hit._doc.__set__  # type: ignore[attr-defined]
_set_make_snippet = Hit._make_snippet.__set__  # type: ignore[attr-defined]


@dataclass
class SearchResult:
    """Iterates as the hits of the requested page; ``total`` counts all matches."""

    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    took_ms: float

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    def to_json(self) -> dict[str, object]:
        """The result as printed by ``klsearch query --json``."""
        return {
            "query": self.query,
            "total": self.total,
            "took_ms": round(self.took_ms, 3),
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
        }
