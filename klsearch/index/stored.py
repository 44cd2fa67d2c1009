"""Stored documents: their JSON, compressed with zlib in blocks of consecutive documents.

A block holds documents until it has at least BLOCK_BYTES of JSON, so a
document is read by decompressing one block of some kilobytes. A merge
copies the blocks whose documents all survive and recompresses only the rest.
"""

from __future__ import annotations

import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import CorruptIndexError
from . import format as fmt
from .array_stream import ArrayReader
from .storage import narrow
from .strings import offsets_of

# Chosen by measurement on 100k generated documents (docs/index-format.md):
# larger blocks compress a little better but make every document read slower;
# level 1 costs half the CPU time of the default level (6) for 9% more bytes.
BLOCK_BYTES = 16384
LEVEL = 1
COPY_BLOCKS = 512  # whole blocks a merge copies at once (some MiB)


class StoredWriter:
    """Collects documents (and whole blocks of other segments) into compressed blocks;
    ``write`` takes each block's bytes, in order: they make up the blob."""

    def __init__(self, write: Callable[[bytes], object]) -> None:
        self._write = write
        self._block_sizes: list[int] = []
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

    def add_blocks(self, compressed: bytes, sizes: list[int], doc_counts: list[int], lengths: list[int]) -> None:
        """Append compressed blocks as they are: ``compressed`` holds blocks of ``sizes`` bytes
        with ``doc_counts`` documents each, the documents having these JSON ``lengths``."""
        self._flush()
        self._append(compressed, sizes, doc_counts, lengths)

    def _flush(self) -> None:
        if self._pending:
            compressed = zlib.compress(b"".join(self._pending), LEVEL)
            self._append(compressed, [len(compressed)], [len(self._pending)], list(map(len, self._pending)))
            self._pending, self._pending_bytes = [], 0

    def _append(self, compressed: bytes, sizes: list[int], doc_counts: list[int], lengths: list[int]) -> None:
        self._write(compressed)
        self._block_sizes.extend(sizes)
        base = self._block_docs[-1]
        self._block_docs.extend(base + count for count in accumulate(doc_counts))
        self._lengths.extend(lengths)

    def layout(self) -> dict[str, np.ndarray]:
        """Every stored-document array but the blob: where each block and each document is."""
        self._flush()
        return {
            fmt.STORED_BLOCKS: offsets_of(self._block_sizes, len(self._block_sizes)),
            fmt.STORED_BLOCK_DOCS: narrow(np.asarray(self._block_docs, dtype=np.int64), at_least=np.uint32),
            fmt.STORED_OFFSETS: offsets_of(self._lengths, len(self._lengths)),
        }


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
        return inflate(self.compressed(block), size, whole, f"{self._path}: stored block {block}")

    def compressed(self, block: int) -> memoryview:
        """Block number ``block`` as stored."""
        return self._blob[self._blocks[block] : self._blocks[block + 1]]

    def lengths(self, block: int) -> list[int]:
        """The JSON lengths of the documents in block number ``block``."""
        first, end = self._first_docs[block], self._first_docs[block + 1]
        return np.diff(self._offsets[first : end + 1].astype(np.int64)).tolist()

    def documents_of(self, block: int) -> Iterator[bytes]:
        """The JSON of every document in block number ``block``."""
        return _split(self.block(block), self.lengths(block))

    def __iter__(self) -> Iterator[bytes]:
        """The JSON of every document, in order."""
        for block in range(self.block_count):
            yield from self.documents_of(block)

    def block_range(self, block: int) -> tuple[int, int]:
        """``[first, end)`` document numbers of block number ``block``."""
        return self._first_docs[block], self._first_docs[block + 1]


def inflate(compressed: bytes | memoryview, size: int, whole: bool, where: str) -> bytes:
    """The first ``size`` bytes of a compressed block; with ``whole``, all of it, which must be
    ``size`` bytes. ``where`` names the block in errors."""
    stream = zlib.decompressobj()
    try:
        raw = stream.decompress(compressed, max(size, 1))
        if whole:
            raw += stream.flush()
    except zlib.error as exc:
        raise CorruptIndexError(f"{where} does not decompress ({exc})") from None
    if len(raw) != size or (whole and not stream.eof):
        raise CorruptIndexError(f"{where} does not match its offsets")
    return raw


def _split(raw: bytes, lengths: list[int]) -> Iterator[bytes]:
    start = 0
    for length in lengths:
        yield raw[start : start + length]
        start += length


class StoredSource(NamedTuple):
    """One segment's stored documents as a merge reads them: the layout arrays, which
    documents live, and the blob, read front to back."""

    blocks: np.ndarray
    block_docs: np.ndarray
    offsets: np.ndarray
    live: np.ndarray
    blob: ArrayReader


def carry_over(sources: list[StoredSource], write: Callable[[bytes], object]) -> dict[str, np.ndarray]:
    """The layout arrays of the documents the sources keep, in order, their blob going to ``write``:
    blocks whose documents all live are copied (runs of them at once), the live documents of the
    others recompressed. Each source's blob is read once, front to back, and its checksum verified."""
    writer = StoredWriter(write)
    for source in sources:
        blocks, first_docs = source.blocks.tolist(), source.block_docs.tolist()
        lengths = np.diff(source.offsets.astype(np.int64))
        deleted_before = np.concatenate(([0], np.cumsum(~source.live)))
        broken = np.flatnonzero(deleted_before[first_docs[1:]] != deleted_before[first_docs[:-1]]).tolist()
        start = 0
        for block in [*broken, len(blocks) - 1]:
            for a in range(start, block, COPY_BLOCKS):
                b = min(a + COPY_BLOCKS, block)
                writer.add_blocks(
                    source.blob.read(blocks[b]).tobytes(), np.diff(blocks[a : b + 1]).tolist(),
                    np.diff(first_docs[a : b + 1]).tolist(), lengths[first_docs[a] : first_docs[b]].tolist(),
                )
            if block < len(blocks) - 1:  # a block with deleted documents: its live ones are recompressed
                first, end = first_docs[block], first_docs[block + 1]
                compressed, live = source.blob.read(blocks[block + 1]).tobytes(), source.live[first:end]
                if live.any():
                    sizes = lengths[first:end].tolist()
                    raw = inflate(compressed, sum(sizes), True, f"{source.blob.path}: stored block {block}")
                    for document, kept in zip(_split(raw, sizes), live.tolist()):
                        if kept:
                            writer.add(document)
            start = block + 1
        source.blob.close()
    return writer.layout()
