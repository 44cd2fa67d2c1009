"""The Document: what a reader produces and the index stores."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One searchable item.

    ``id`` is stable: reading the same input twice gives the same ids.
    ``year`` is derived from ``date`` when a date is given.
    """

    id: str
    title: str
    body: str = ""
    date: _dt.date | None = None
    category: str | None = None
    section: str | None = None
    url: str | None = None
    source: str | None = None
    year: int | None = field(default=None)

    def __post_init__(self) -> None:
        if self.year is None and self.date is not None:
            object.__setattr__(self, "year", self.date.year)

    def to_json(self) -> dict[str, object]:
        """The document as a JSON-ready dict (date as ISO text)."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "date": self.date.isoformat() if self.date else None,
            "year": self.year,
            "category": self.category,
            "section": self.section,
            "url": self.url,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Document":
        """Inverse of :meth:`to_json`."""
        date = data.get("date")
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            body=str(data.get("body") or ""),
            date=_dt.date.fromisoformat(date) if isinstance(date, str) else None,
            category=data.get("category"),  # type: ignore[arg-type]
            section=data.get("section"),  # type: ignore[arg-type]
            url=data.get("url"),  # type: ignore[arg-type]
            source=data.get("source"),  # type: ignore[arg-type]
            year=data.get("year"),  # type: ignore[arg-type]
        )
