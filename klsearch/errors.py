"""Errors raised by klsearch.

Every error a user can cause derives from :class:`KlsearchError`, so a caller
can catch one class; the CLI prints its message on one line and exits with 2.

    KlsearchError
     ├── CorpusFormatError      bad input file (names the file and line)
     ├── QuerySyntaxError       bad query (names the position)
     ├── IndexNotFoundError     no index at the given path
     ├── CorruptIndexError      an index file is damaged or malformed
     ├── IndexVersionError      index written by another format or analyzer
     └── IndexLockedError       another writer holds the index
"""

from __future__ import annotations

from pathlib import Path


class KlsearchError(Exception):
    """Base class of every error klsearch raises for bad input or state."""


class CorpusFormatError(KlsearchError):
    """An input document could not be read; names the file and line."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class QuerySyntaxError(KlsearchError):
    """A query string could not be parsed; ``position`` is a 0-based offset."""

    def __init__(self, query: str, position: int, reason: str) -> None:
        self.query = query
        self.position = position
        self.reason = reason
        super().__init__(f"query error at position {position + 1}: {reason}")


class IndexNotFoundError(KlsearchError):
    """There is no index at the given path."""


class CorruptIndexError(KlsearchError):
    """An index file is missing, truncated or malformed."""


class IndexVersionError(KlsearchError):
    """The index was written with another format or analyzer version."""


class IndexLockedError(KlsearchError):
    """Another writer holds the index lock."""


class WorkerError(KlsearchError):
    """An indexing worker process failed or died."""
