"""The public entry points: build an index, open it, search it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from .index.reader import IndexReader
from .query.bm25 import BM25Params
from .query.facets import FACETS
from .query.highlight import DEFAULT_MARKS
from .query.results import SearchResult
from .query.searcher import FilterValue, Searcher, Sort

if TYPE_CHECKING:  # the writer is imported when used: searching does not need it
    from .document import Document
    from .index.writer import IndexWriter


def build_index(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Index ``documents`` at ``path`` (replacing any index there); returns the document count.

    The commit is atomic: until it completes, readers see the previous index.
    ``workers`` processes analyse the text (default: one per CPU; 1: this process only).
    """
    from .index.writer import build_index as _build_index

    return _build_index(path, documents, progress=progress, workers=workers).doc_count


class Index:
    """An opened index: a read-only snapshot of its last commit."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        title_weight: float = 2.0,
    ) -> None:
        self.path = Path(path)
        self._params = BM25Params(k1=k1, b=b, title_weight=title_weight)
        self._reader = IndexReader(self.path)
        self._searcher = Searcher(self._reader, self._params)

    @property
    def doc_count(self) -> int:
        """Documents in the snapshot."""
        return self._reader.doc_count

    @property
    def generation(self) -> int:
        """The commit this snapshot shows (grows with every commit)."""
        return self._reader.generation

    def refresh(self) -> bool:
        """Move to the newest commit, if there is a newer one; True if it moved."""
        reader = IndexReader(self.path)
        if reader.generation == self._reader.generation:
            return False
        self._reader = reader
        self._searcher = Searcher(reader, self._params)
        return True

    def search(
        self,
        query: str,
        limit: int = 10,
        offset: int = 0,
        *,
        filters: Mapping[str, FilterValue] | None = None,
        facets: Iterable[str] = FACETS,
        sort: Sort = "score",
        marks: tuple[str, str] = DEFAULT_MARKS,
    ) -> SearchResult:
        """Search with klsearch query syntax (see README); ``filters`` restrict by
        ``category``, ``section`` (a value or a list) and ``year`` (a year or ``(low, high)``)."""
        return self._searcher.search(
            query, limit=limit, offset=offset, filters=filters, facets=facets, sort=sort, marks=marks
        )

    def close(self) -> None:
        """Drop the snapshot (its memory maps close when no hit refers to them)."""
        self._searcher = None  # type: ignore[assignment]
        self._reader = None  # type: ignore[assignment]

    def __enter__(self) -> "Index":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_writer(path: str | os.PathLike[str], *, replace: bool = False, workers: int | None = None) -> IndexWriter:
    """The writer of the index at ``path`` (created if missing); a context manager
    that commits on success and rolls back on an exception. ``workers`` processes
    analyse the text (default: one per CPU; 1: this process only)."""
    from .index.writer import IndexWriter

    return IndexWriter(path, replace=replace, workers=workers)


def open_index(path: str | os.PathLike[str], **params: float) -> Index:
    """Open the index at ``path``; ``k1``, ``b`` and ``title_weight`` tune the ranking."""
    return Index(path, **params)
