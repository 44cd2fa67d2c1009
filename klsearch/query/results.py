"""What a search returns: hits with snippets, the total and facet counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..document import Document


@dataclass(frozen=True)
class Hit:
    """One ranked document of a result page."""

    id: str
    score: float
    title: str
    date: str | None
    year: int | None
    category: str | None
    section: str | None
    url: str | None
    snippet: str
    document: Document = field(repr=False, compare=False)

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
