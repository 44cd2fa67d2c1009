"""Opening a committed index: its manifest, segments and global statistics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..analysis import Analyzer
from ..errors import CorruptIndexError, IndexVersionError
from . import format as fmt
from .manifest import Manifest, read_manifest
from .segment_reader import SegmentReader
from .storage import checksum, load_array

_OPEN_ATTEMPTS = 5


class IndexReader:
    """A snapshot of one commit: the statistics leave deleted documents out."""

    def __init__(self, path: str | os.PathLike[str], analyzer: Analyzer | None = None) -> None:
        self.path = Path(path)
        self.manifest, self.segments = _open_snapshot(self.path)
        _check_analyzer(self.path, self.manifest.analyzer, Analyzer().config)
        self.analyzer = analyzer or Analyzer.from_config(self.manifest.analyzer)
        self.doc_count = sum(s.live_count for s in self.segments)
        self.avg_title_len = self._average(lambda s: s.title_len)
        self.avg_body_len = self._average(lambda s: s.body_len)

    @property
    def generation(self) -> int:
        return self.manifest.generation

    def _average(self, lengths) -> float:  # type: ignore[no-untyped-def]
        if not self.doc_count:
            return 0.0
        total = 0
        for seg in self.segments:
            column = lengths(seg)
            total += int(column.sum(dtype=np.int64)) if seg.live is None else int(column[seg.live].sum(dtype=np.int64))
        return total / self.doc_count

    def doc_freq(self, term: str) -> int:
        """Live documents containing ``term`` across all segments."""
        total = 0
        for seg in self.segments:
            tid = seg.term_id(term)
            if tid >= 0:
                total += seg.live_doc_freq(tid)
        return total


def _open_snapshot(path: Path) -> tuple[Manifest, list[SegmentReader]]:
    """Read the manifest and map its segments.

    A writer may commit and delete merged-away segments between our reading
    the manifest and mapping its files; then the newer manifest is read again.
    """
    for attempt in range(_OPEN_ATTEMPTS):
        manifest = read_manifest(path)
        try:
            return manifest, [_open_segment(path, entry) for entry in manifest.segments]
        except FileNotFoundError as exc:
            if read_manifest(path).generation == manifest.generation or attempt == _OPEN_ATTEMPTS - 1:
                raise CorruptIndexError(f"{exc.filename or path}: file is missing") from None
    raise AssertionError("unreachable")


def _open_segment(index_dir: Path, entry: dict[str, object]) -> SegmentReader:
    name = str(entry["name"])
    folder = index_dir / fmt.SEGMENTS_DIR / name
    checksums: dict[str, int] = dict(entry.get("files", {}))  # type: ignore[call-overload]
    meta_bytes = (folder / fmt.SEGMENT_META).read_bytes()  # FileNotFoundError: retried by the caller
    if checksum(meta_bytes) != checksums.get(fmt.SEGMENT_META):
        raise CorruptIndexError(f"{folder / fmt.SEGMENT_META}: checksum mismatch in segment {name}")
    try:
        meta = json.loads(meta_bytes)
    except ValueError as exc:
        raise CorruptIndexError(f"{folder / fmt.SEGMENT_META}: malformed ({exc})") from None
    if not isinstance(meta, dict) or meta.get("docs") != entry["docs"]:
        raise CorruptIndexError(f"{folder}: segment metadata does not match the manifest")
    deleted = None
    deletes = entry.get("deletes")
    if deletes:
        deletes_path = index_dir / fmt.SEGMENTS_DIR / str(deletes)
        if not deletes_path.exists():
            raise FileNotFoundError(deletes_path)
        packed = load_array(deletes_path)
        if checksum(packed) != checksums.get(str(deletes)):
            raise CorruptIndexError(f"{deletes_path}: checksum mismatch in segment {name}")
        deleted = np.unpackbits(packed, count=int(meta["docs"])).astype(bool)
    if not folder.is_dir():
        raise FileNotFoundError(folder)
    return SegmentReader(folder, meta, checksums, deleted)


def _check_analyzer(path: Path, stored: dict[str, object], current: dict[str, object]) -> None:
    """The index's analysis must be one this version of klsearch performs."""
    keys = ("name", "version", "stemmer")
    if any(stored.get(k) != current.get(k) for k in keys):
        described = ", ".join(f"{k}={stored.get(k)}" for k in keys)
        raise IndexVersionError(
            f"{path}: index was built with another analyzer ({described}); rebuild it with 'klsearch index --rebuild'"
        )
