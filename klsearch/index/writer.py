"""Writing an index: segments into temporary folders, then an atomic commit."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from ..analysis import Analyzer
from ..document import Document
from . import format as fmt
from .lock import WriteLock
from .manifest import Manifest, read_manifest, write_manifest
from .segment_writer import SegmentWriter
from .storage import fsync_dir
from ..errors import IndexNotFoundError

DEFAULT_SEGMENT_DOCS = 100_000


def build_index(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    analyzer: Analyzer | None = None,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """Index ``documents`` into a new commit at ``path``, replacing what was there.

    The previous commit stays readable until the new one is committed; a
    failed or killed run leaves it intact. ``progress`` is called with the
    number of documents added since the last call.
    """
    index_dir = Path(path)
    index_dir.mkdir(parents=True, exist_ok=True)
    analyzer = analyzer or Analyzer()
    with WriteLock(index_dir):
        segments_dir = index_dir / fmt.SEGMENTS_DIR
        segments_dir.mkdir(exist_ok=True)
        _remove_uncommitted(index_dir)
        try:
            generation = read_manifest(index_dir).generation + 1
        except IndexNotFoundError:
            generation = 1
        written: list[dict[str, object]] = []
        writer = SegmentWriter(analyzer)
        for doc in documents:
            writer.add(doc)
            if progress is not None:
                progress(1)
            if len(writer) >= segment_docs:
                written.append(_write_segment(segments_dir, writer))
                writer = SegmentWriter(analyzer)
        if len(writer) or not written:
            written.append(_write_segment(segments_dir, writer))
        manifest = Manifest(generation=generation, analyzer=analyzer.config, segments=written)
        write_manifest(index_dir, manifest)
        _remove_uncommitted(index_dir)
    return manifest


def _write_segment(segments_dir: Path, writer: SegmentWriter) -> dict[str, object]:
    name = f"seg-{uuid.uuid4().hex[:16]}"
    tmp = segments_dir / f".tmp-{name}"
    tmp.mkdir()
    meta = writer.serialize(tmp)
    os.replace(tmp, segments_dir / name)
    fsync_dir(segments_dir)
    return {"name": name, "docs": meta["docs"], "files": meta["files"]}


def _remove_uncommitted(index_dir: Path) -> None:
    """Delete segment folders the committed manifest does not name (leftovers of failed runs)."""
    segments_dir = index_dir / fmt.SEGMENTS_DIR
    try:
        live = {str(s["name"]) for s in read_manifest(index_dir).segments}
    except IndexNotFoundError:
        live = set()
    for child in segments_dir.iterdir():
        if child.name not in live:
            shutil.rmtree(child, ignore_errors=True)
