"""Opening a committed index: its manifest, segments and global statistics."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..analysis import Analyzer
from ..errors import CorruptIndexError, IndexVersionError
from . import format as fmt
from .manifest import Manifest, read_manifest
from .segment_reader import SegmentReader


class IndexReader:
    """A snapshot of one commit; segments are memory-mapped on demand."""

    def __init__(self, path: str | os.PathLike[str], analyzer: Analyzer | None = None) -> None:
        self.path = Path(path)
        self.manifest: Manifest = read_manifest(self.path)
        self.analyzer = analyzer or Analyzer()
        _check_analyzer(self.path, self.manifest.analyzer, self.analyzer.config)
        self.segments = [self._open_segment(s) for s in self.manifest.segments]
        self.doc_count = sum(s.doc_count for s in self.segments)
        title_sum = sum(int(s.meta["title_len_sum"]) for s in self.segments)  # type: ignore[call-overload]
        body_sum = sum(int(s.meta["body_len_sum"]) for s in self.segments)  # type: ignore[call-overload]
        self.avg_title_len = title_sum / self.doc_count if self.doc_count else 0.0
        self.avg_body_len = body_sum / self.doc_count if self.doc_count else 0.0

    def _open_segment(self, entry: dict[str, object]) -> SegmentReader:
        folder = self.path / fmt.SEGMENTS_DIR / str(entry["name"])
        try:
            meta = json.loads((folder / fmt.SEGMENT_META).read_bytes())
        except FileNotFoundError:
            raise CorruptIndexError(f"{folder}: segment is missing") from None
        except ValueError as exc:
            raise CorruptIndexError(f"{folder / fmt.SEGMENT_META}: malformed ({exc})") from None
        if not isinstance(meta, dict) or meta.get("docs") != entry["docs"]:
            raise CorruptIndexError(f"{folder}: segment metadata does not match the manifest")
        return SegmentReader(folder, meta)

    def doc_freq(self, term: str) -> int:
        """Documents containing ``term`` across all segments."""
        total = 0
        for seg in self.segments:
            tid = seg.term_id(term)
            if tid >= 0:
                total += int(seg.postings_start[tid + 1] - seg.postings_start[tid])
        return total


def _check_analyzer(path: Path, stored: dict[str, object], current: dict[str, object]) -> None:
    keys = ("name", "version", "stemmer")
    if any(stored.get(k) != current.get(k) for k in keys):
        described = ", ".join(f"{k}={stored.get(k)}" for k in keys)
        raise IndexVersionError(
            f"{path}: index was built with another analyzer ({described}); rebuild it with 'klsearch index'"
        )
