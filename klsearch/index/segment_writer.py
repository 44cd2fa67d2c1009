"""Builds one immutable segment in memory and serializes it to a folder."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path

import numpy as np

from ..analysis import Analyzer
from ..analysis.normalize import normalize
from ..analysis.tokenize import raw_tokens
from ..document import Document
from . import format as fmt
from .storage import checksum, fsync_dir, save_array, smallest_uint, write_file
from .strings import encode_strings

_EPOCH = _dt.date(1970, 1, 1)


class SegmentWriter:
    """Accumulates documents; :meth:`serialize` writes them as one segment.

    Terms get writer-wide ids in order of first appearance; each raw token
    is expanded once per segment into ``(width, ((rel, term id), ...))``.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._expanded: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = {}
        self._chunks_terms: list[np.ndarray] = []
        self._chunks_positions: list[np.ndarray] = []
        self._chunks_docs: list[np.ndarray] = []
        self._title_len: list[int] = []
        self._body_len: list[int] = []
        self._stored: list[bytes] = []
        self._ids: list[str] = []
        self._hashes: list[int] = []
        self._category: list[str | None] = []
        self._section: list[str | None] = []
        self._year: list[int] = []
        self._date: list[int] = []

    def __len__(self) -> int:
        return len(self._stored)

    def _expand(self, raw: str) -> tuple[int, tuple[tuple[int, int], ...]]:
        exp = self._analyzer.expand(raw)
        ids = []
        for rel, term in exp.terms:
            tid = self._term_ids.get(term)
            if tid is None:
                tid = self._term_ids[term] = len(self._terms)
                self._terms.append(term)
            ids.append((rel, tid))
        value = (exp.width, tuple(ids))
        self._expanded[raw] = value
        return value

    def _field(self, text: str, pos: int, tids: list[int], poss: list[int]) -> int:
        expanded = self._expanded
        start = pos
        for raw in raw_tokens(normalize(text)):
            exp = expanded.get(raw) or self._expand(raw)
            for rel, tid in exp[1]:
                tids.append(tid)
                poss.append(pos + rel)
            pos += exp[0]
        return pos - start

    def add(self, doc: Document, stored: bytes | None = None, content_hash: int | None = None) -> None:
        """Analyse and buffer one document (``stored``/``content_hash`` if already computed)."""
        tids: list[int] = []
        poss: list[int] = []
        title_len = self._field(doc.title, 0, tids, poss)
        body_len = self._field(doc.body, title_len + fmt.FIELD_GAP, tids, poss)
        n = len(self._stored)
        self._chunks_terms.append(np.array(tids, dtype=np.int32))
        self._chunks_positions.append(np.array(poss, dtype=np.uint32))
        self._chunks_docs.append(np.full(len(tids), n, dtype=np.uint32))
        self._title_len.append(title_len)
        self._body_len.append(body_len)
        if stored is None:
            stored = stored_json(doc)
        self._stored.append(stored)
        self._ids.append(doc.id)
        self._hashes.append(content_hash if content_hash is not None else hash_stored(stored))
        self._category.append(doc.category)
        self._section.append(doc.section)
        self._year.append(doc.year or 0)
        self._date.append((doc.date - _EPOCH).days if doc.date else fmt.DATE_MISSING)

    def serialize(self, folder: Path) -> dict[str, object]:
        """Write the segment's files into the (new, empty) ``folder``; return its metadata."""
        arrays = self._postings_arrays()
        arrays.update(self._document_arrays())
        meta: dict[str, object] = {
            "docs": len(self._stored),
            "category": sorted({c for c in self._category if c is not None}),
            "section": sorted({s for s in self._section if s is not None}),
            "title_len_sum": int(sum(self._title_len)),
            "body_len_sum": int(sum(self._body_len)),
        }
        arrays[fmt.CATEGORY] = _codes(self._category, meta["category"])  # type: ignore[arg-type]
        arrays[fmt.SECTION] = _codes(self._section, meta["section"])  # type: ignore[arg-type]
        checksums = {}
        for name, array in arrays.items():
            save_array(folder / name, array)
            checksums[name] = checksum(array)
        meta["terms"] = int(len(arrays[fmt.TERMS_OFFSETS]) - 1)
        meta["checksums"] = checksums
        write_file(folder / fmt.SEGMENT_META, json.dumps(meta, ensure_ascii=False, indent=1).encode())
        fsync_dir(folder)
        return meta

    def _postings_arrays(self) -> dict[str, np.ndarray]:
        tids = _concat(self._chunks_terms, np.int32)
        positions = _concat(self._chunks_positions, np.uint32)
        docs = _concat(self._chunks_docs, np.uint32)
        present = np.unique(tids)
        local_terms = [self._terms[i] for i in present.tolist()]
        order = sorted(range(len(local_terms)), key=local_terms.__getitem__)
        remap = np.full(len(self._terms), -1, dtype=np.int64)
        remap[present[order]] = np.arange(len(order))
        sorted_terms = [local_terms[i] for i in order]

        local = remap[tids] if len(tids) else np.zeros(0, dtype=np.int64)
        by_term = np.argsort(local, kind="stable")  # keeps (doc, position) order within a term
        local, docs, positions = local[by_term], docs[by_term], positions[by_term]
        n_terms = len(sorted_terms)

        # One posting per (term, doc) run.
        new_run = np.ones(len(local), dtype=bool)
        if len(local):
            new_run[1:] = (local[1:] != local[:-1]) | (docs[1:] != docs[:-1])
        run_starts = np.flatnonzero(new_run)
        tf = np.diff(np.append(run_starts, len(local)))
        body_start = np.asarray(self._title_len, dtype=np.int64) + fmt.FIELD_GAP
        in_title = positions < body_start[docs] if len(docs) else np.zeros(0, dtype=bool)
        tf_title = np.add.reduceat(in_title.astype(np.int64), run_starts) if len(run_starts) else tf
        post_terms = local[run_starts]
        post_start = np.searchsorted(post_terms, np.arange(n_terms + 1)).astype(np.int64)
        pos_start = np.searchsorted(local, np.arange(n_terms + 1)).astype(np.int64)

        words = self._surface_words(remap)
        term_blob, term_offsets = encode_strings(sorted_terms)
        word_blob, word_offsets = encode_strings([w for w, _ in words])
        return {
            fmt.TERMS_BLOB: term_blob,
            fmt.TERMS_OFFSETS: term_offsets,
            fmt.POSTINGS_START: post_start,
            fmt.POSTINGS_DOCS: docs[run_starts].astype(np.uint32),
            fmt.POSTINGS_TF: tf.astype(smallest_uint(int(tf.max(initial=0)))),
            fmt.POSTINGS_TF_TITLE: tf_title.astype(smallest_uint(int(tf_title.max(initial=0)))),
            fmt.POSITIONS_START: pos_start,
            fmt.POSITIONS: positions.astype(smallest_uint(int(positions.max(initial=0)))),
            fmt.WORDS_BLOB: word_blob,
            fmt.WORDS_OFFSETS: word_offsets,
            fmt.WORDS_TERM: np.array([t for _, t in words], dtype=np.int32),
        }

    def _surface_words(self, remap: np.ndarray) -> list[tuple[str, int]]:
        pairs: set[tuple[str, int]] = set()
        for raw in self._expanded:
            for word, term in self._analyzer.expand(raw).words:
                pairs.add((word, int(remap[self._term_ids[term]])))
        return sorted(pairs)

    def _document_arrays(self) -> dict[str, np.ndarray]:
        title_len = np.asarray(self._title_len, dtype=np.int64)
        body_len = np.asarray(self._body_len, dtype=np.int64)
        stored_blob, stored_offsets = _concat_bytes(self._stored)
        ids_blob, ids_offsets = encode_strings(self._ids)
        return {
            fmt.IDS_BLOB: ids_blob,
            fmt.IDS_OFFSETS: ids_offsets,
            fmt.DOC_HASH: np.asarray(self._hashes, dtype=np.uint64),
            fmt.TITLE_LEN: title_len.astype(smallest_uint(int(title_len.max(initial=0)))),
            fmt.BODY_LEN: body_len.astype(smallest_uint(int(body_len.max(initial=0)))),
            fmt.YEAR: np.asarray(self._year, dtype=np.int16),
            fmt.DATE: np.asarray(self._date, dtype=np.int32),
            fmt.STORED_BLOB: stored_blob,
            fmt.STORED_OFFSETS: stored_offsets,
        }


def stored_json(doc: Document) -> bytes:
    """The document as stored: compact JSON, UTF-8."""
    return json.dumps(doc.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def hash_stored(stored: bytes) -> int:
    """64-bit content hash of a stored document."""
    return int.from_bytes(hashlib.blake2b(stored, digest_size=8).digest(), "little")


def _concat(chunks: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)


def _concat_bytes(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    if items:
        np.cumsum([len(b) for b in items], out=offsets[1:])
    return np.frombuffer(b"".join(items), dtype=np.uint8), offsets


def _codes(values: list[str | None], vocabulary: list[str]) -> np.ndarray:
    code = {v: i for i, v in enumerate(vocabulary)}
    return np.array([code[v] if v is not None else -1 for v in values], dtype=np.int16)
