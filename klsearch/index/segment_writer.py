"""Builds one immutable segment in memory and serializes it to a folder."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import operator
from pathlib import Path

import numpy as np

from ..document import Document
from . import format as fmt
from .batch import AnalyzedBatch, Texts, Vocabulary
from .parallel import BATCH_DOCS, AnalysisPool
from .ranges import flat_ranges
from .storage import checksum, fsync_dir, narrow, save_array, write_file
from .stored import StoredWriter
from .strings import encode_strings

_EPOCH = _dt.date(1970, 1, 1)


class SegmentWriter:
    """Accumulates documents; :meth:`serialize` writes them as one segment.

    Titles and bodies go in batches to an :class:`AnalysisPool`, here or in
    worker processes, while more documents arrive; each analysed batch's
    term ids are mapped to the segment's vocabulary as it comes back. Each
    batch's postings are grouped by term; :meth:`serialize` places the
    groups of every term one after the other, in document order.
    """

    def __init__(self, pool: AnalysisPool) -> None:
        self._pool = pool
        pool.start_segment()
        self._texts: Texts = []  # the batch being filled
        self._batches: list[tuple[int, AnalyzedBatch]] = []  # (first document, batch in our term ids)
        self._terms = Vocabulary()
        self._producer_terms: dict[int, np.ndarray] = {}  # our id of each of a producer's term ids
        # Surface words and our term id of each, as the batches bring them (some more than once).
        self._words: list[str] = []
        self._word_terms: list[np.ndarray] = []
        # Stored documents are compressed block by block as they arrive, not all at the end.
        self._stored_blocks: list[bytes] = []
        self._stored = StoredWriter(self._stored_blocks.append)
        self._ids: list[str] = []
        self._hashes: list[int] = []
        self._category: list[str | None] = []
        self._section: list[str | None] = []
        self._year: list[int] = []
        self._date: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, doc: Document, stored: bytes | None = None, content_hash: int | None = None) -> None:
        """Buffer one document (``stored``/``content_hash`` if already computed); its text is analysed in batches."""
        if stored is None:
            stored = stored_json(doc)
        self._stored.add(stored)
        self._ids.append(doc.id)
        self._hashes.append(content_hash if content_hash is not None else hash_stored(stored))
        self._category.append(doc.category)
        self._section.append(doc.section)
        self._year.append(doc.year or 0)
        self._date.append((doc.date - _EPOCH).days if doc.date else fmt.DATE_MISSING)
        self._texts.append((doc.title, doc.body))
        if len(self._texts) >= BATCH_DOCS:
            self._submit()

    def _submit(self) -> None:
        if self._texts:
            self._pool.submit(len(self._ids) - len(self._texts), self._texts)
            self._texts = []
        self._take(self._pool.ready())

    def _take(self, results: list[tuple[int, int, AnalyzedBatch]]) -> None:
        for first, producer, batch in results:
            ours = self._producer_terms.get(producer, np.zeros(0, dtype=np.int32))
            if batch.new_terms:
                new = np.fromiter(map(self._terms.id, batch.new_terms), dtype=np.int32, count=len(batch.new_terms))
                ours = self._producer_terms[producer] = np.concatenate((ours, new))
            self._words += batch.new_words
            self._word_terms.append(ours[batch.new_word_terms])
            batch.terms = ours[batch.terms]
            self._batches.append((first, batch))

    def serialize(self, folder: Path) -> dict[str, object]:
        """Write the segment's files into the (new, empty) ``folder``; return its metadata."""
        self._submit()
        self._take(self._pool.drain())
        batches = [batch for _, batch in sorted(self._batches, key=lambda b: b[0])]
        self._batches = []
        title_len = np.concatenate([b.title_len for b in batches] or [np.zeros(0, dtype=np.int32)])
        body_len = np.concatenate([b.body_len for b in batches] or [np.zeros(0, dtype=np.int32)])
        arrays = {**self._postings_arrays(batches), **self._document_arrays(title_len, body_len)}
        meta: dict[str, object] = {
            "docs": len(self._ids),
            "category": sorted({c for c in self._category if c is not None}),
            "section": sorted({s for s in self._section if s is not None}),
            "title_len_sum": int(title_len.sum()),
            "body_len_sum": int(body_len.sum()),
        }
        arrays[fmt.CATEGORY] = _codes(self._category, meta["category"])  # type: ignore[arg-type]
        arrays[fmt.SECTION] = _codes(self._section, meta["section"])  # type: ignore[arg-type]
        return write_segment_files(folder, arrays, meta)

    def _postings_arrays(self, batches: list[AnalyzedBatch]) -> dict[str, np.ndarray]:
        """The postings files from the batches (in document order); lets go of each batch's arrays once placed."""
        size = len(self._terms.strings)
        per_term = np.zeros((2, size), dtype=np.int64)  # postings, positions
        for batch in batches:
            per_term[0, batch.terms] += batch.postings  # a batch's terms are distinct
            per_term[1, batch.terms] += batch.occurrences
        present = np.flatnonzero(per_term[0])
        local_terms = list(map(self._terms.strings.__getitem__, present.tolist()))
        order = sorted(range(len(local_terms)), key=local_terms.__getitem__)
        sorted_terms = list(map(local_terms.__getitem__, order))
        by_rank = present[np.array(order, dtype=np.int64)]  # our term ids in the order of their strings
        remap = np.full(size, -1, dtype=np.int32)
        remap[by_rank] = np.arange(len(order), dtype=np.int32)
        starts = np.zeros((2, len(order) + 1), dtype=np.int64)
        np.cumsum(per_term[:, by_rank], axis=1, out=starts[:, 1:])
        # Where the next posting and position of each term go, by our term id.
        fill = np.zeros((2, size), dtype=np.int64)
        fill[:, by_rank] = starts[:, :-1]
        post_docs = np.empty(starts[0, -1], dtype=np.int32)
        tf = np.empty(starts[0, -1], dtype=np.int32)
        tf_title = np.empty(starts[0, -1], dtype=np.int32)
        wide = any(b.positions.dtype != np.uint16 for b in batches)
        positions = np.empty(starts[1, -1], dtype=np.uint32 if wide else np.uint16)
        first_doc = 0
        for batch in batches:
            at = _scatter(fill[0], batch.terms, batch.postings)
            post_docs[at] = batch.docs + first_doc
            tf[at], tf_title[at] = batch.tf, batch.tf_title
            positions[_scatter(fill[1], batch.terms, batch.occurrences)] = batch.positions
            first_doc += len(batch.title_len)
            batch.docs = batch.tf = batch.tf_title = batch.positions = None  # type: ignore[assignment]
        return postings_file_arrays(
            sorted_terms, starts[0], post_docs, tf, tf_title, starts[1], positions, self._surface_words(remap)
        )

    def _surface_words(self, remap: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The distinct (surface word, term number) pairs in order, as words and their terms.

        Sorting by term, then stably by word, is several times faster than sorting pairs.
        """
        terms = remap[np.concatenate([np.zeros(0, dtype=np.int32), *self._word_terms])]
        by_term = np.argsort(terms, kind="stable")
        words = list(map(self._words.__getitem__, by_term.tolist()))
        order = sorted(range(len(words)), key=words.__getitem__)
        words = list(map(words.__getitem__, order))
        terms = terms[by_term][order]
        repeated = np.zeros(len(words), dtype=bool)  # a pair that came more than once
        repeated[1:] = np.fromiter(map(operator.eq, words[1:], words[:-1]), dtype=bool, count=len(words) - 1)
        repeated[1:] &= terms[1:] == terms[:-1]
        kept = np.flatnonzero(~repeated)
        return list(map(words.__getitem__, kept.tolist())), terms[kept]

    def _document_arrays(self, title_len: np.ndarray, body_len: np.ndarray) -> dict[str, np.ndarray]:
        ids_blob, ids_offsets = encode_strings(self._ids)
        stored = self._stored.layout()  # writes the last block: before the blob is joined
        return {
            fmt.IDS_BLOB: ids_blob,
            fmt.IDS_OFFSETS: ids_offsets,
            fmt.DOC_HASH: np.asarray(self._hashes, dtype=np.uint64),
            fmt.TITLE_LEN: narrow(title_len),
            fmt.BODY_LEN: narrow(body_len),
            fmt.YEAR: np.asarray(self._year, dtype=np.int16),
            fmt.DATE: np.asarray(self._date, dtype=np.int32),
            fmt.STORED_BLOB: np.frombuffer(b"".join(self._stored_blocks), dtype=np.uint8),
            **stored,
        }


def _scatter(fill: np.ndarray, terms: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Where the items of a batch grouped by term go (``counts`` items of each of ``terms``,
    group after group), taking the places ``fill`` holds for each term and moving it on."""
    places = flat_ranges(fill[terms], counts)
    fill[terms] += counts
    return places


def write_segment_files(
    folder: Path, arrays: dict[str, np.ndarray], meta: dict[str, object], written: dict[str, int] | None = None
) -> dict[str, object]:
    """Write a segment's arrays and ``segment.json`` (with the checksums of all its files)
    into ``folder``; ``written`` are the checksums of files already there (streamed)."""
    checksums = dict(written or {})
    for name, values in arrays.items():
        save_array(folder / name, values)
        checksums[name] = checksum(values)
    meta = {**meta, "terms": int(len(arrays[fmt.TERMS_OFFSETS]) - 1), "checksums": checksums}
    write_file(folder / fmt.SEGMENT_META, json.dumps(meta, ensure_ascii=False, indent=1).encode())
    fsync_dir(folder)
    return meta


def postings_file_arrays(
    terms: list[str],
    postings_start: np.ndarray,
    docs: np.ndarray,
    tf: np.ndarray,
    tf_title: np.ndarray,
    positions_start: np.ndarray,
    positions: np.ndarray,
    words: tuple[list[str], np.ndarray],
) -> dict[str, np.ndarray]:
    """The term dictionary, postings, positions and surface words (and the term of each)
    as the files store them."""
    term_blob, term_offsets = encode_strings(terms)
    word_blob, word_offsets = encode_strings(words[0])
    in_title = np.flatnonzero(tf_title)  # few postings: most terms of a document are not in its title
    return {
        fmt.TERMS_BLOB: term_blob,
        fmt.TERMS_OFFSETS: term_offsets,
        fmt.POSTINGS_START: postings_start.astype(np.int64),
        fmt.POSTINGS_DOCS: narrow(docs, at_least=np.uint16),
        fmt.POSTINGS_TF: narrow(tf),
        fmt.POSTINGS_IN_TITLE: narrow(in_title, at_least=np.uint32),
        fmt.POSTINGS_TF_TITLE: narrow(tf_title[in_title]),
        fmt.POSITIONS_START: positions_start.astype(np.int64),
        fmt.POSITIONS: narrow(positions),
        fmt.WORDS_BLOB: word_blob,
        fmt.WORDS_OFFSETS: word_offsets,
        fmt.WORDS_TERM: words[1].astype(np.int32),
    }


_STORED_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps would make one per call


def stored_json(doc: Document) -> bytes:
    """The document as stored: compact JSON, UTF-8."""
    return _STORED_JSON.encode(doc.to_json()).encode("utf-8")


def hash_stored(stored: bytes) -> int:
    """64-bit content hash of a stored document."""
    return int.from_bytes(hashlib.blake2b(stored, digest_size=8).digest(), "little")


def _codes(values: list[str | None], vocabulary: list[str]) -> np.ndarray:
    code = {v: i for i, v in enumerate(vocabulary)}
    return np.array([code[v] if v is not None else -1 for v in values], dtype=np.int16)
