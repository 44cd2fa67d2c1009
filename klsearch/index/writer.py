"""The index writer: add, update, delete, commit; one writer at a time.

A transaction writes new immutable segments (and, for older segments, new
deletion files) and becomes visible only when :meth:`IndexWriter.commit`
renames a new manifest into place. Anything written before that is
invisible to readers and is removed by the next writer if the process dies.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

import numpy as np

from ..analysis import Analyzer
from ..document import Document
from ..errors import IndexNotFoundError, IndexVersionError
from . import format as fmt
from .lock import WriteLock
from .manifest import Manifest, read_manifest, write_manifest
from .merge_policy import MergePolicy
from .reader import _check_analyzer, _open_segment
from .merge import merge_segments
from .parallel import AnalysisPool, default_workers
from .segment_writer import SegmentWriter, hash_stored, stored_json
from .storage import checksum, fsync_dir, rename, save_array

DEFAULT_SEGMENT_DOCS = 100_000
Location = tuple[str, int, int]  # segment name, document number, content hash


class IndexWriter:
    """Changes an index in transactions; use as a context manager.

    ``with IndexWriter(path) as writer: ...`` commits when the block ends
    normally and rolls back when it raises. ``replace=True`` starts from an
    empty index (the old documents disappear at commit). ``workers``
    processes analyse the text (default: one per CPU; 1 analyses in this
    process only), see :mod:`klsearch.index.parallel`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        analyzer: Analyzer | None = None,
        segment_docs: int = DEFAULT_SEGMENT_DOCS,
        merge_policy: MergePolicy | None = None,
        replace: bool = False,
        workers: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.segment_docs = segment_docs
        self.merge_policy = merge_policy or MergePolicy()
        self._lock = WriteLock(self.path)
        self._lock.acquire()
        try:
            (self.path / fmt.SEGMENTS_DIR).mkdir(exist_ok=True)
            try:
                self._committed = read_manifest(self.path)
            except IndexNotFoundError:
                self._committed = Manifest(generation=0, analyzer={})
            except IndexVersionError:
                if not replace:
                    raise
                self._committed = Manifest(generation=0, analyzer={})  # another format: replaced whole
            if not replace and self._committed.segments:
                _check_analyzer(self.path, self._committed.analyzer, Analyzer().config)
                # an existing index keeps the analysis it was built with
                analyzer = analyzer or Analyzer.from_config(self._committed.analyzer)
            self.analyzer = analyzer or Analyzer()
            remove_unreferenced(self.path, self._committed)
            self._pool = AnalysisPool(self.analyzer, default_workers() if workers is None else workers)
        except BaseException:
            self._lock.release()
            raise
        self._replace = replace
        self.counts: Counter[str] = Counter()  # added / updated / unchanged / deleted, over the writer's life
        self._reset()

    def _reset(self) -> None:
        self._segments: list[dict[str, object]] = (
            [] if self._replace else [dict(e) for e in self._committed.segments]
        )
        self._deleted: dict[str, np.ndarray] = {}
        self._dirty: set[str] = set()
        self._locations: dict[str, Location] | None = {} if self._replace else None
        self._segment: SegmentWriter | None = None  # the documents added since the last flush
        self._pending: dict[str, tuple[int, int]] = {}  # id -> (document number in _segment, content hash)
        self._dropped: list[int] = []  # documents of _segment replaced or deleted before it was written

    @property
    def committed(self) -> Manifest:
        """The last committed manifest."""
        return self._committed

    # -- changes ----------------------------------------------------------

    def add(self, doc: Document) -> bool:
        """Add ``doc``, replacing a document with the same id; False if it is unchanged."""
        return self.update(doc)

    def update(self, doc: Document) -> bool:
        """Add or replace ``doc`` by id; an identical stored document is left alone."""
        stored = stored_json(doc)
        content_hash = hash_stored(stored)
        if doc.id in self._pending:
            self._dropped.append(self._pending.pop(doc.id)[0])
            self._buffer(doc, stored, content_hash)
            return True
        location = self._id_locations().get(doc.id)
        if location is not None:
            if location[2] == content_hash:
                self.counts["unchanged"] += 1
                return False
            self._delete_at(doc.id, location)
            self.counts["updated"] += 1
        else:
            self.counts["added"] += 1
        self._buffer(doc, stored, content_hash)
        if len(self._pending) >= self.segment_docs:
            self._flush()
        return True

    def _buffer(self, doc: Document, stored: bytes, content_hash: int) -> None:
        if self._segment is None:
            self._segment = SegmentWriter(self._pool)
        self._pending[doc.id] = (len(self._segment), content_hash)
        self._segment.add(doc, stored, content_hash)

    def delete(self, doc_id: str) -> bool:
        """Delete the document with ``doc_id``; False if there is none."""
        pending = self._pending.pop(doc_id, None)
        if pending is not None:
            self._dropped.append(pending[0])
        found = pending is not None
        location = self._id_locations().get(doc_id)
        if location is not None:
            self._delete_at(doc_id, location)
            found = True
        if found:
            self.counts["deleted"] += 1
        return found

    def commit(self) -> Manifest:
        """Make every change so far visible, atomically; returns the new manifest."""
        if not self._changed():
            return self._committed
        self._flush()
        self._merge(self.merge_policy.select)
        manifest = Manifest(
            generation=self._committed.generation + 1,
            analyzer=self.analyzer.config,
            segments=self._segments_with_deletes(),
        )
        write_manifest(self.path, manifest)
        self._committed = manifest
        remove_unreferenced(self.path, manifest)
        self._replace = False
        self._reset()
        return manifest

    def optimize(self) -> Manifest:
        """Merge everything into one segment without deleted documents, and commit."""
        self._flush()
        self._merge(lambda counts: list(counts) if len(counts) > 1 or self._any_deleted() else None)
        return self.commit()

    def rollback(self) -> None:
        """Forget every change since the last commit."""
        remove_unreferenced(self.path, self._committed)
        self._reset()

    def _changed(self) -> bool:
        committed = [str(e["name"]) for e in self._committed.segments]
        return bool(self._pending or self._dirty or self._replace) or [str(e["name"]) for e in self._segments] != committed

    def close(self) -> None:
        """Roll back what was not committed, stop the worker processes and release the lock."""
        try:
            if self._changed():
                self.rollback()
        finally:
            self._pool.close()
            self._lock.release()

    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.close()

    # -- internals --------------------------------------------------------

    def _id_locations(self) -> dict[str, Location]:
        if self._locations is None:
            self._locations = {}
            for entry in self._segments:
                self._load_segment_ids(entry)
        return self._locations

    def _load_segment_ids(self, entry: dict[str, object]) -> None:
        assert self._locations is not None
        seg = _open_segment(self.path, entry)
        name = str(entry["name"])
        deleted = seg.deleted.copy() if seg.deleted is not None else np.zeros(seg.doc_count, dtype=bool)
        self._deleted[name] = deleted
        hashes = seg.hashes.tolist()
        for num, doc_id in enumerate(seg.ids()):
            if not deleted[num]:
                self._locations[doc_id] = (name, num, hashes[num])

    def _delete_at(self, doc_id: str, location: Location) -> None:
        name, num, _ = location
        self._deleted[name][num] = True
        self._dirty.add(name)
        del self._id_locations()[doc_id]

    def _any_deleted(self) -> bool:
        self._id_locations()
        return any(mask.any() for mask in self._deleted.values())

    def _flush(self) -> None:
        if self._pending:
            assert self._segment is not None
            self._id_locations()
            entry = _write_segment(self.path / fmt.SEGMENTS_DIR, self._segment.serialize)
            ids: list[tuple[str, int] | None] = [None] * len(self._segment)
            for doc_id, (num, content_hash) in self._pending.items():
                ids[num] = (doc_id, content_hash)
            self._adopt(entry, ids)
            name = str(entry["name"])
            for num in self._dropped:  # superseded in the same transaction: a deletion like any other
                self._deleted[name][num] = True
                self._dirty.add(name)
        # else nothing was added, or only documents replaced or deleted since
        self._segment, self._pending, self._dropped = None, {}, []

    def _adopt(self, entry: dict[str, object], ids: list[tuple[str, int] | None]) -> None:
        name = str(entry["name"])
        self._segments.append(entry)
        self._deleted[name] = np.zeros(int(entry["docs"]), dtype=bool)  # type: ignore[call-overload]
        assert self._locations is not None
        for num, item in enumerate(ids):
            if item is not None:
                self._locations[item[0]] = (name, num, item[1])

    def _live_counts(self) -> dict[str, int]:
        self._id_locations()
        return {str(e["name"]): int((~self._deleted[str(e["name"])]).sum()) for e in self._segments}

    def _merge(self, select: Callable[[dict[str, int]], list[str] | None]) -> None:
        """Merge the segments ``select`` names until it names none."""
        while (names := select(self._live_counts())) is not None:
            chosen = [e for e in self._segments if str(e["name"]) in names]
            readers = [_open_segment(self.path, {**e, "deletes": None}) for e in chosen]
            masks = [self._deleted[str(e["name"])] for e in chosen]
            moved = [
                (doc_id, h)
                for seg, mask in zip(readers, masks)
                for doc_id, h, dead in zip(seg.ids(), seg.hashes.tolist(), mask.tolist())
                if not dead
            ]
            self._segments = [e for e in self._segments if str(e["name"]) not in names]
            for name in names:
                self._deleted.pop(name, None)
                self._dirty.discard(name)
            if moved:
                entry = _write_segment(
                    self.path / fmt.SEGMENTS_DIR, lambda folder: merge_segments(readers, masks, folder)
                )
                self._adopt(entry, moved)

    def _segments_with_deletes(self) -> list[dict[str, object]]:
        entries = []
        generation = self._committed.generation + 1
        for entry in self._segments:
            name = str(entry["name"])
            if name not in self._dirty:
                entries.append(entry)
                continue
            deleted = self._deleted[name]
            count = int(deleted.sum())
            if count == len(deleted):
                continue  # nothing left alive: the segment leaves the index
            files = {k: v for k, v in dict(entry["files"]).items() if fmt.DELETES_SUFFIX not in k}  # type: ignore[call-overload]
            file_name = f"{name}{fmt.DELETES_SUFFIX}{generation}.npy"
            packed = np.packbits(deleted)
            save_array(self.path / fmt.SEGMENTS_DIR / file_name, packed)
            files[file_name] = checksum(packed)
            entries.append({**entry, "deleted": count, "deletes": file_name, "files": files})
        fsync_dir(self.path / fmt.SEGMENTS_DIR)
        return entries


def _write_segment(segments_dir: Path, serialize: Callable[[Path], dict[str, object]]) -> dict[str, object]:
    """Write a segment into a temporary folder, rename it into place, return its manifest entry."""
    name = f"seg-{uuid.uuid4().hex[:16]}"
    tmp = segments_dir / f".tmp-{name}"
    tmp.mkdir()
    meta = serialize(tmp)
    rename(tmp, segments_dir / name)
    files: dict[str, int] = dict(meta["checksums"])  # type: ignore[call-overload]
    files[fmt.SEGMENT_META] = checksum((segments_dir / name / fmt.SEGMENT_META).read_bytes())
    return {"name": name, "docs": meta["docs"], "deleted": 0, "deletes": None, "files": files}


def remove_unreferenced(index_dir: Path, manifest: Manifest) -> None:
    """Delete files under segments/ that ``manifest`` does not name (leftovers, merged-away segments)."""
    keep = {str(e["name"]) for e in manifest.segments} | {str(e["deletes"]) for e in manifest.segments if e.get("deletes")}
    segments_dir = index_dir / fmt.SEGMENTS_DIR
    if not segments_dir.is_dir():
        return
    for child in segments_dir.iterdir():
        if child.name not in keep:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def build_index(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    analyzer: Analyzer | None = None,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Manifest:
    """Index ``documents`` into a new commit at ``path``, replacing what was there.

    The previous commit stays readable until the new one is committed; a
    failed or killed run leaves it intact. ``workers``: see :class:`IndexWriter`.
    """
    with IndexWriter(path, analyzer=analyzer, segment_docs=segment_docs, replace=True, workers=workers) as writer:
        for doc in documents:
            writer.update(doc)
            if progress is not None:
                progress(1)
    return writer.committed
