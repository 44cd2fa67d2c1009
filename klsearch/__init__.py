"""klsearch: embeddable full-text search for Danish text.

    >>> import klsearch
    >>> from klsearch.corpus import read_bundled_corpus
    >>> klsearch.build_index("indexes/kl", read_bundled_corpus())
    >>> with klsearch.open_index("indexes/kl") as index:
    ...     for hit in index.search("lærernes arbejdstid"):
    ...         print(hit.title)

Names are imported on first use, so ``import klsearch`` (and the command
line's start-up) does not pay for numpy until it is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Index": "api",
    "build_index": "api",
    "open_index": "api",
    "open_writer": "api",
    "IndexWriter": "index.writer",
    "Document": "document",
    "Hit": "query.results",
    "SearchResult": "query.results",
    "CorpusFormatError": "errors",
    "CorruptIndexError": "errors",
    "IndexLockedError": "errors",
    "IndexNotFoundError": "errors",
    "IndexVersionError": "errors",
    "KlsearchError": "errors",
    "QuerySyntaxError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'klsearch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:
    from .api import Index, build_index, open_index, open_writer
    from .index.writer import IndexWriter
    from .document import Document
    from .errors import (
        CorpusFormatError,
        CorruptIndexError,
        IndexLockedError,
        IndexNotFoundError,
        IndexVersionError,
        KlsearchError,
        QuerySyntaxError,
    )
    from .query.results import Hit, SearchResult
