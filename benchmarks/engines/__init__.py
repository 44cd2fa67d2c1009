"""Search engines under test, one small module each, with one interface.

An engine module defines ``Engine``, a subclass of :class:`Base`:

    build(corpus_path, workdir) -> dict   index the JSONL corpus into workdir (size, docs, notes)
    open(workdir)                         open the built index read-only
    search(query) -> (ids, facets)        top-10 ids, and {"category": {v: n}, "year": {"2013": n}}
                                          or None where the engine cannot count facets;
                                          raises Unsupported for a query it cannot answer
    close()
    fingerprint(corpus_path) -> str   changes when a rebuild is needed (the analysis changed)

``capabilities`` says plainly what the engine cannot do. ``load(name)`` raises
Unavailable (with the reason) when the engine's library cannot be imported.
"""

from __future__ import annotations

import importlib
import os

NAMES = ("klsearch", "whoosh", "tantivy", "fts5", "bm25s")


class Unavailable(Exception):
    """The engine's library is missing or broken."""


class Unsupported(Exception):
    """The engine cannot answer this kind of query."""


class Base:
    name = "?"
    capabilities: dict = {}

    def build(self, corpus_path: str, workdir: str) -> dict:
        raise NotImplementedError

    def open(self, workdir: str) -> None:
        raise NotImplementedError

    def search(self, query: dict):
        raise NotImplementedError

    def close(self) -> None:
        pass

    def versions(self) -> dict:
        return {}

    def fingerprint(self, corpus_path: str) -> str:
        """What an index built before must match to be reused (besides the corpus): the analysis."""
        return ""


def load(name: str) -> Base:
    if name not in NAMES:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(NAMES)}")
    try:
        mod = importlib.import_module(f"benchmarks.engines.{name}")
        return mod.Engine()
    except ImportError as e:
        raise Unavailable(f"{name}: cannot import ({e})") from e


def dir_size(path: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total
