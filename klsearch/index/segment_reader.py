"""Memory-mapped read access to one segment."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np

from ..document import Document
from ..errors import CorruptIndexError
from . import format as fmt
from .storage import checksum, load_array
from .stored import StoredDocuments
from .strings import StringTable

T = TypeVar("T")

# Every TERM_SAMPLE-th term is kept as Python bytes, so a term lookup is a
# C-level bisection over the sample plus one over a block of this many terms.
TERM_SAMPLE = 8


class SegmentReader:
    """The arrays of one segment.

    Every file is memory-mapped when the reader is made, so a writer that
    later deletes the segment (after a merge) cannot pull it away; each
    array's checksum is verified the first time it is used.
    """

    def __init__(
        self, folder: Path, meta: dict[str, object], checksums: dict[str, int], deleted: np.ndarray | None = None
    ) -> None:
        self.folder = folder
        self.name = folder.name
        self.meta = meta
        self.doc_count = int(meta["docs"])  # type: ignore[call-overload]
        self.category_values: list[str] = list(meta.get("category", []))  # type: ignore[call-overload]
        self.section_values: list[str] = list(meta.get("section", []))  # type: ignore[call-overload]
        self._checksums = checksums
        self._mapped = {name: load_array(folder / name) for name in fmt.ARRAY_FILES}
        self.deleted = deleted
        self.live = ~deleted if deleted is not None else None
        self.live_count = self.doc_count - (int(deleted.sum()) if deleted is not None else 0)
        self._derived: dict[object, object] = {}

    def array(self, name: str) -> np.ndarray:
        """A verified array of the segment."""
        array = self._mapped[name]
        expected = self._checksums.get(name)
        if expected is None or checksum(array) != expected:
            raise CorruptIndexError(f"{self.folder / name}: checksum mismatch in segment {self.name}")
        return array

    @cached_property
    def _terms_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self.array(fmt.TERMS_BLOB), self.array(fmt.TERMS_OFFSETS)

    @cached_property
    def terms(self) -> StringTable:
        return StringTable(*self._terms_arrays)

    @cached_property
    def words(self) -> StringTable:
        return StringTable(self.array(fmt.WORDS_BLOB), self.array(fmt.WORDS_OFFSETS))

    @cached_property
    def word_terms(self) -> np.ndarray:
        return self.array(fmt.WORDS_TERM)

    @cached_property
    def postings_start(self) -> np.ndarray:
        return self.array(fmt.POSTINGS_START)

    @cached_property
    def postings_docs(self) -> np.ndarray:
        return self.array(fmt.POSTINGS_DOCS)

    @cached_property
    def postings_tf(self) -> np.ndarray:
        return self.array(fmt.POSTINGS_TF)

    @cached_property
    def postings_tf_title(self) -> np.ndarray:
        """Occurrences in the title, of every posting (the file holds the non-zero ones)."""
        in_title, tf_title = self.array(fmt.POSTINGS_IN_TITLE), self.array(fmt.POSTINGS_TF_TITLE)
        dense = np.zeros(int(self.postings_start[-1]), dtype=tf_title.dtype)
        dense[in_title] = tf_title
        return dense

    @cached_property
    def positions_start(self) -> np.ndarray:
        return self.array(fmt.POSITIONS_START)

    @cached_property
    def positions(self) -> np.ndarray:
        return self.array(fmt.POSITIONS)

    @cached_property
    def title_len(self) -> np.ndarray:
        return self.array(fmt.TITLE_LEN)

    @cached_property
    def body_len(self) -> np.ndarray:
        return self.array(fmt.BODY_LEN)

    @cached_property
    def category(self) -> np.ndarray:
        return self.array(fmt.CATEGORY)

    @cached_property
    def section(self) -> np.ndarray:
        return self.array(fmt.SECTION)

    @cached_property
    def year(self) -> np.ndarray:
        return self.array(fmt.YEAR)

    @cached_property
    def date(self) -> np.ndarray:
        return self.array(fmt.DATE)

    @cached_property
    def hashes(self) -> np.ndarray:
        return self.array(fmt.DOC_HASH)

    @cached_property
    def stored(self) -> StoredDocuments:
        """The stored documents' JSON."""
        return StoredDocuments(
            self.array(fmt.STORED_BLOB),
            self.array(fmt.STORED_BLOCKS),
            self.array(fmt.STORED_BLOCK_DOCS),
            self.array(fmt.STORED_OFFSETS),
            self.folder / fmt.STORED_BLOB,
        )

    @cached_property
    def _ids(self) -> tuple[np.ndarray, np.ndarray]:
        return self.array(fmt.IDS_BLOB), self.array(fmt.IDS_OFFSETS)

    def ids(self) -> list[str]:
        """Document ids in document order."""
        blob, offsets = self._ids
        raw = blob.tobytes()
        bounds = offsets.tolist()
        return [raw[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(self.doc_count)]

    def doc_id(self, doc: int) -> str:
        """The id of document number ``doc`` (without reading the stored document)."""
        view, offsets = self._ids_view
        start, stop = offsets[doc : doc + 2].tolist()
        return str(view[start:stop], "utf-8")

    @cached_property
    def _ids_view(self) -> tuple[memoryview, np.ndarray]:
        blob, offsets = self._ids
        return (memoryview(blob).cast("B") if blob.size else memoryview(b"")), offsets

    @cached_property
    def _term_sample(self) -> tuple[list[bytes], memoryview, np.ndarray]:
        """Every TERM_SAMPLE-th term as bytes, the blob as a memoryview, the offsets."""
        blob, offsets = self._terms_arrays
        view = memoryview(blob).cast("B") if blob.size else memoryview(b"")
        starts = offsets[:-1:TERM_SAMPLE].tolist()
        ends = offsets[1::TERM_SAMPLE].tolist()
        return [bytes(view[a:b]) for a, b in zip(starts, ends)], view, offsets

    def term_id(self, term: str) -> int:
        """The segment's id of ``term``, or -1."""
        key = term.encode("utf-8")
        sample, view, offsets = self._term_sample
        block = bisect_right(sample, key) - 1
        if block < 0:
            return -1
        lo = block * TERM_SAMPLE
        if sample[block] == key:
            return lo
        bounds = offsets[lo : lo + TERM_SAMPLE + 1].tolist()
        base = bounds[0]
        raw = bytes(view[base : bounds[-1]])
        # Bisect the block (its first term, sample[block], is below key).
        left, right = 1, len(bounds) - 1
        while left < right:
            mid = (left + right) // 2
            if raw[bounds[mid] - base : bounds[mid + 1] - base] < key:
                left = mid + 1
            else:
                right = mid
        if left < len(bounds) - 1 and raw[bounds[left] - base : bounds[left + 1] - base] == key:
            return lo + left
        return -1

    def postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(docs, tf, tf_title)`` of a term (deleted documents included)."""
        start, stop = int(self.postings_start[term_id]), int(self.postings_start[term_id + 1])
        return (
            self.postings_docs[start:stop],
            self.postings_tf[start:stop],
            self.postings_tf_title[start:stop],
        )

    def term_doc_freq(self, term_id: int) -> int:
        """Documents containing the term, deleted ones included."""
        return int(self.postings_start[term_id + 1]) - int(self.postings_start[term_id])

    def live_doc_freq(self, term_id: int) -> int:
        """Live documents containing the term."""
        start, stop = int(self.postings_start[term_id]), int(self.postings_start[term_id + 1])
        if self.live is None:
            return stop - start
        return int(np.count_nonzero(self.live[self.postings_docs[start:stop]]))

    def terms_with_prefix(self, prefix: str) -> np.ndarray:
        """Ids of the terms indexed for surface words starting with ``prefix``."""
        start, stop = self.words.prefix_range(prefix)
        return np.unique(self.word_terms[start:stop])

    # Derived, read-only data for queries: computed on first use, kept with the segment.

    def derived(self, key: object, make: Callable[[], T]) -> T:
        """``make()``, computed once per segment and ``key`` (facet codes and counters, date order, ...)."""
        try:
            return self._derived[key]  # type: ignore[return-value]
        except KeyError:
            value = self._derived[key] = make()
            return value

    @cached_property
    def live_docs(self) -> np.ndarray:
        """Numbers of the live documents, ascending (intp)."""
        if self.live is None:
            return np.arange(self.doc_count, dtype=np.intp)
        return np.flatnonzero(self.live)

    def facet_codes(self, field: str) -> tuple[np.ndarray, list[str | None]]:
        """``(codes, labels)`` of a facet field: per document a small code (intp), 0 when the
        value is missing, and the value each code stands for (``labels[0]`` is None).

        Years are offset from the segment's earliest year, so codes stay small.
        """
        return self.derived(("facet_codes", field), lambda: self._facet_codes(field))

    def _facet_codes(self, field: str) -> tuple[np.ndarray, list[str | None]]:
        if field == "year":
            year = self.year
            present = year[year != 0]
            if not len(present):
                return np.zeros(self.doc_count, dtype=np.intp), [None]
            first, last = int(present.min()), int(present.max())
            codes = year.astype(np.intp) - (first - 1)
            codes[year == 0] = 0
            return codes, [None] + [str(y) for y in range(first, last + 1)]
        if field == "category":
            column, values = self.category, self.category_values
        elif field == "section":
            column, values = self.section, self.section_values
        else:
            raise ValueError(f"unknown facet field {field!r}")
        return column.astype(np.intp) + 1, [None, *values]

    def document(self, doc: int) -> Document:
        """The stored document number ``doc``."""
        return self._parse(self.stored.document(doc), doc)

    def documents(self) -> Iterator[Document]:
        """Every stored document, in document order (each block decompressed once)."""
        for doc, raw in enumerate(self.stored):
            yield self._parse(raw, doc)

    def _parse(self, raw: bytes, doc: int) -> Document:
        try:
            return Document.from_json(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptIndexError(f"{self.folder}: stored document {doc} is damaged ({exc})") from None
