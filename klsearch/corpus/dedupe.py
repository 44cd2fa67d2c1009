"""Merging exact duplicates."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable

from klsearch.document import Document


def _ws(text: str) -> str:
    return " ".join(text.split())


def _merge(first: Document, other: Document) -> Document:
    body = other.body if len(_ws(other.body)) > len(_ws(first.body)) else first.body
    return dataclasses.replace(
        first,
        body=body,
        category=first.category or other.category,
        section=first.section or other.section,
        url=first.url or other.url,
        source=first.source or other.source,
    )


def dedupe(documents: Iterable[Document]) -> list[Document]:
    """Merge exact duplicates, keeping order.

    Two documents are duplicates when they have the same title and date and,
    after whitespace normalisation, one body is a prefix of the other. The
    merged document sits where the first was, keeps its id and metadata
    (missing fields filled from the other), and takes the longer body.
    """
    kept: list[Document] = []
    bodies: list[str] = []
    groups: dict[tuple[str, _dt.date | None], list[int]] = {}
    for doc in documents:
        body = _ws(doc.body)
        slots = groups.setdefault((_ws(doc.title), doc.date), [])
        for i in slots:
            if bodies[i].startswith(body) or body.startswith(bodies[i]):
                kept[i] = _merge(kept[i], doc)
                bodies[i] = max(bodies[i], body, key=len)
                break
        else:
            slots.append(len(kept))
            kept.append(doc)
            bodies.append(body)
    return kept
