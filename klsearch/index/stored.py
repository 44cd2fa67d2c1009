"""Stored documents: their JSON, compressed with zlib in blocks of consecutive documents.

A block holds documents until it has at least BLOCK_BYTES of JSON, so a
document is read by decompressing one block of some kilobytes. A merge
copies the blocks whose documents all survive and recompresses only the rest.
"""

from __future__ import annotations

import zlib
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import CorruptIndexError
from . import format as fmt
from .storage import narrow
from .strings import offsets_of

# Chosen by measurement on 100k generated documents (docs/index-format.md):
# larger blocks compress a little better but make every document read slower;
# level 1 costs half the CPU time of the default level (6) for 9% more bytes.
BLOCK_BYTES = 16384
LEVEL = 1


class StoredWriter:
    """Collects documents (and whole blocks of other segments) into the stored arrays."""

    def __init__(self) -> None:
        self._blocks: list[bytes] = []
        self._block_docs = [0]
        self._lengths: list[int] = []
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    def add(self, document: bytes) -> None:
        """Append one document's JSON."""
        self._pending.append(document)
        self._pending_bytes += len(document)
        if self._pending_bytes >= BLOCK_BYTES:
            self._flush()

    def add_block(self, compressed: bytes, lengths: list[int]) -> None:
        """Append a compressed block of documents with these lengths as it is."""
        self._flush()
        self._blocks.append(compressed)
        self._lengths.extend(lengths)
        self._block_docs.append(len(self._lengths))

    def _flush(self) -> None:
        if not self._pending:
            return
        self._blocks.append(zlib.compress(b"".join(self._pending), LEVEL))
        self._lengths.extend(map(len, self._pending))
        self._block_docs.append(len(self._lengths))
        self._pending, self._pending_bytes = [], 0

    def arrays(self) -> dict[str, np.ndarray]:
        """The stored-document arrays of the segment."""
        self._flush()
        return {
            fmt.STORED_BLOB: np.frombuffer(b"".join(self._blocks), dtype=np.uint8),
            fmt.STORED_BLOCKS: offsets_of(map(len, self._blocks), len(self._blocks)),
            fmt.STORED_BLOCK_DOCS: narrow(np.asarray(self._block_docs, dtype=np.int64), at_least=np.uint32),
            fmt.STORED_OFFSETS: offsets_of(self._lengths, len(self._lengths)),
        }


def pack_documents(documents: list[bytes]) -> dict[str, np.ndarray]:
    """The stored-document arrays of ``documents`` (JSON each), in order."""
    writer = StoredWriter()
    for document in documents:
        writer.add(document)
    return writer.arrays()


class StoredDocuments:
    """Read side: one document's JSON, or whole blocks, of a segment."""

    def __init__(
        self, blob: np.ndarray, blocks: np.ndarray, block_docs: np.ndarray, offsets: np.ndarray, path: Path
    ) -> None:
        self._path = path
        self._blob = memoryview(blob).cast("B") if blob.size else memoryview(b"")
        self._blocks = blocks.tolist()
        self._first_docs = block_docs.tolist()
        self._offsets = offsets
        self.block_count = len(self._blocks) - 1

    def document(self, doc: int) -> bytes:
        """The JSON of document number ``doc``."""
        block = bisect_right(self._first_docs, doc) - 1
        base = int(self._offsets[self._first_docs[block]])
        start, end = int(self._offsets[doc]) - base, int(self._offsets[doc + 1]) - base
        # Only the block's beginning, up to the document's end, is decompressed.
        return self._decompress(block, end, whole=False)[start:end]

    def block(self, block: int) -> bytes:
        """Block number ``block``, decompressed (its documents' JSON, concatenated)."""
        first, end = self._first_docs[block], self._first_docs[block + 1]
        return self._decompress(block, int(self._offsets[end]) - int(self._offsets[first]), whole=True)

    def _decompress(self, block: int, size: int, whole: bool) -> bytes:
        """The first ``size`` bytes of block number ``block``; with ``whole``, all of it,
        which must be ``size`` bytes."""
        stream = zlib.decompressobj()
        try:
            raw = stream.decompress(self.compressed(block), max(size, 1))
            if whole:
                raw += stream.flush()
        except zlib.error as exc:
            raise CorruptIndexError(f"{self._path}: stored block {block} does not decompress ({exc})") from None
        if len(raw) != size or (whole and not stream.eof):
            raise CorruptIndexError(f"{self._path}: stored block {block} does not match its offsets")
        return raw

    def compressed(self, block: int) -> memoryview:
        """Block number ``block`` as stored."""
        return self._blob[self._blocks[block] : self._blocks[block + 1]]

    def lengths(self, block: int) -> list[int]:
        """The JSON lengths of the documents in block number ``block``."""
        first, end = self._first_docs[block], self._first_docs[block + 1]
        return np.diff(self._offsets[first : end + 1].astype(np.int64)).tolist()

    def documents_of(self, block: int) -> Iterator[bytes]:
        """The JSON of every document in block number ``block``."""
        raw = self.block(block)
        start = 0
        for length in self.lengths(block):
            yield raw[start : start + length]
            start += length

    def __iter__(self) -> Iterator[bytes]:
        """The JSON of every document, in order."""
        for block in range(self.block_count):
            yield from self.documents_of(block)

    def block_range(self, block: int) -> tuple[int, int]:
        """``[first, end)`` document numbers of block number ``block``."""
        return self._first_docs[block], self._first_docs[block + 1]


def carry_over(sources: list[tuple[StoredDocuments, np.ndarray]]) -> dict[str, np.ndarray]:
    """The stored arrays of the documents each ``(stored, live)`` keeps, in order: blocks
    whose documents all live are copied, the live documents of the others recompressed."""
    writer = StoredWriter()
    for stored, live in sources:
        for block in range(stored.block_count):
            first, end = stored.block_range(block)
            keep = live[first:end]
            if keep.all():
                writer.add_block(bytes(stored.compressed(block)), stored.lengths(block))
            elif keep.any():
                for document, kept in zip(stored.documents_of(block), keep.tolist()):
                    if kept:
                        writer.add(document)
    return writer.arrays()
