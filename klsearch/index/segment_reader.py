"""Memory-mapped read access to one segment."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from ..document import Document
from ..errors import CorruptIndexError
from . import format as fmt
from .storage import checksum, load_array
from .strings import StringTable


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

    def array(self, name: str) -> np.ndarray:
        """A verified array of the segment."""
        array = self._mapped[name]
        expected = self._checksums.get(name)
        if expected is None or checksum(array) != expected:
            raise CorruptIndexError(f"{self.folder / name}: checksum mismatch in segment {self.name}")
        return array

    @cached_property
    def terms(self) -> StringTable:
        return StringTable(self.array(fmt.TERMS_BLOB), self.array(fmt.TERMS_OFFSETS))

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
        return self.array(fmt.POSTINGS_TF_TITLE)

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
    def _stored(self) -> tuple[np.ndarray, np.ndarray]:
        return self.array(fmt.STORED_BLOB), self.array(fmt.STORED_OFFSETS)

    def ids(self) -> list[str]:
        """Document ids in document order."""
        blob = self.array(fmt.IDS_BLOB).tobytes()
        offsets = self.array(fmt.IDS_OFFSETS).tolist()
        return [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(self.doc_count)]

    def term_id(self, term: str) -> int:
        """The segment's id of ``term``, or -1."""
        return self.terms.find(term)

    def postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(docs, tf, tf_title)`` of a term (deleted documents included)."""
        start, stop = int(self.postings_start[term_id]), int(self.postings_start[term_id + 1])
        return (
            self.postings_docs[start:stop],
            self.postings_tf[start:stop],
            self.postings_tf_title[start:stop],
        )

    def live_doc_freq(self, term_id: int) -> int:
        """Live documents containing the term."""
        docs = self.postings(term_id)[0]
        return len(docs) if self.live is None else int(np.count_nonzero(self.live[docs]))

    def terms_with_prefix(self, prefix: str) -> np.ndarray:
        """Ids of the terms indexed for surface words starting with ``prefix``."""
        start, stop = self.words.prefix_range(prefix)
        return np.unique(self.word_terms[start:stop])

    def document(self, doc: int) -> Document:
        """The stored document number ``doc``."""
        blob, offsets = self._stored
        raw = blob[int(offsets[doc]) : int(offsets[doc + 1])].tobytes()
        try:
            return Document.from_json(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptIndexError(f"{self.folder}: stored document {doc} is damaged ({exc})") from None
