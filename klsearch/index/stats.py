"""Facts about an index for ``klsearch stats``."""

from __future__ import annotations

import os
from pathlib import Path

from .reader import IndexReader


def index_stats(path: str | os.PathLike[str]) -> dict[str, object]:
    """Documents, deleted documents, segments, distinct terms, bytes on disk, analyzer, last commit."""
    reader = IndexReader(path)
    terms: set[bytes] = set()
    for seg in reader.segments:
        terms.update(seg.terms.key(i) for i in range(len(seg.terms)))
    size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
    return {
        "documents": reader.doc_count,
        "deleted": reader.manifest.deleted_count,
        "segments": len(reader.segments),
        "terms": len(terms),
        "bytes": size,
        "analyzer": reader.manifest.analyzer,
        "committed_at": reader.manifest.committed_at,
        "generation": reader.manifest.generation,
    }
