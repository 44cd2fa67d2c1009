"""Builds one immutable segment in memory and serializes it to a folder."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from array import array
from pathlib import Path

import numpy as np

from ..analysis import Analyzer
from ..document import Document
from . import format as fmt
from .storage import checksum, fsync_dir, save_array, smallest_uint, write_file
from .strings import encode_strings

_EPOCH = _dt.date(1970, 1, 1)


class SegmentWriter:
    """Accumulates documents; :meth:`serialize` writes them as one segment.

    Adding a document costs a regex pass and one C-level dictionary lookup
    per token: each distinct raw token gets an id the first time it is
    seen, with its analysis stored once in expansion tables (width, and
    the ``(relative position, term id)`` pairs it indexes). Positions and
    postings are then computed for the whole segment with numpy.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._raw_ids: dict[str, int] = {}
        self._raw: list[str] = []
        self._width: list[int] = []
        self._exp_start: list[int] = [0]
        self._exp_rel: list[int] = []
        self._exp_term: list[int] = []
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._tokens = array("i")  # raw token ids, document by document, title then body
        self._field_tokens = array("i")  # tokens per field: title, body, title, body, ...
        self._stored: list[bytes] = []
        self._ids: list[str] = []
        self._hashes: list[int] = []
        self._category: list[str | None] = []
        self._section: list[str | None] = []
        self._year: list[int] = []
        self._date: list[int] = []

    def __len__(self) -> int:
        return len(self._stored)

    def _new_raw(self, raw: str) -> int:
        exp = self._analyzer.expand(raw)
        rid = len(self._raw)
        self._raw_ids[raw] = rid
        self._raw.append(raw)
        self._width.append(exp.width)
        for rel, term in exp.terms:
            tid = self._term_ids.get(term)
            if tid is None:
                tid = self._term_ids[term] = len(self._terms)
                self._terms.append(term)
            self._exp_rel.append(rel)
            self._exp_term.append(tid)
        self._exp_start.append(len(self._exp_rel))
        return rid

    def _field(self, text: str) -> int:
        tokens = self._analyzer.index_tokens(text)
        mark = len(self._tokens)
        try:
            self._tokens.extend(map(self._raw_ids.get, tokens))  # type: ignore[arg-type]
        except TypeError:  # a token not seen before in this segment (get gave None)
            del self._tokens[mark:]
            for raw in set(tokens).difference(self._raw_ids):
                self._new_raw(raw)
            self._tokens.extend(map(self._raw_ids.get, tokens))  # type: ignore[arg-type]
        return len(tokens)

    def add(self, doc: Document, stored: bytes | None = None, content_hash: int | None = None) -> None:
        """Tokenise and buffer one document (``stored``/``content_hash`` if already computed)."""
        self._field_tokens.append(self._field(doc.title))
        self._field_tokens.append(self._field(doc.body))
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
        terms, docs, positions, title_len, body_len = self._occurrences()
        arrays = self._postings_arrays(terms, docs, positions, title_len)
        del terms, docs, positions
        arrays.update(self._document_arrays(title_len, body_len))
        meta: dict[str, object] = {
            "docs": len(self._stored),
            "category": sorted({c for c in self._category if c is not None}),
            "section": sorted({s for s in self._section if s is not None}),
            "title_len_sum": int(title_len.sum()),
            "body_len_sum": int(body_len.sum()),
        }
        arrays[fmt.CATEGORY] = _codes(self._category, meta["category"])  # type: ignore[arg-type]
        arrays[fmt.SECTION] = _codes(self._section, meta["section"])  # type: ignore[arg-type]
        return write_segment_files(folder, arrays, meta)

    def _occurrences(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every indexed ``(term, doc, position)`` in document order, and the field lengths."""
        raw = np.frombuffer(self._tokens, dtype=np.intc).astype(np.int64)
        per_field = np.frombuffer(self._field_tokens, dtype=np.intc).astype(np.int64)
        n_fields = len(per_field)
        width = np.asarray(self._width, dtype=np.int64)[raw]
        field_of = np.repeat(np.arange(n_fields), per_field)
        field_len = np.bincount(field_of, weights=width, minlength=n_fields).astype(np.int64)
        title_len, body_len = field_len[0::2], field_len[1::2]
        # Position of each token: running width within its field, plus the field's offset.
        before = np.cumsum(width) - width
        first = np.cumsum(per_field) - per_field
        base = np.append(before, 0)[first]
        offset = np.zeros(n_fields, dtype=np.int64)
        offset[1::2] = title_len + fmt.FIELD_GAP
        pos = before - (base - offset)[field_of]
        del before, width
        # Each token emits the terms of its expansion.
        exp_start = np.asarray(self._exp_start, dtype=np.int64)
        count = (exp_start[1:] - exp_start[:-1])[raw]
        token_of = np.repeat(np.arange(len(raw)), count)
        entry = exp_start[raw][token_of] + (np.arange(len(token_of)) - np.repeat(np.cumsum(count) - count, count))
        terms = np.asarray(self._exp_term, dtype=np.int32)[entry] if len(entry) else np.zeros(0, np.int32)
        positions = pos[token_of] + (np.asarray(self._exp_rel, dtype=np.int64)[entry] if len(entry) else 0)
        docs = (field_of[token_of] // 2).astype(np.uint32)
        return terms, docs, positions, title_len, body_len

    def _postings_arrays(self, tids: np.ndarray, docs: np.ndarray, positions: np.ndarray, title_len: np.ndarray) -> dict[str, np.ndarray]:
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
        body_start = title_len + fmt.FIELD_GAP
        in_title = positions < body_start[docs] if len(docs) else np.zeros(0, dtype=bool)
        tf_title = np.add.reduceat(in_title.astype(np.int64), run_starts) if len(run_starts) else tf
        post_terms = local[run_starts]
        post_start = np.searchsorted(post_terms, np.arange(n_terms + 1)).astype(np.int64)
        pos_start = np.searchsorted(local, np.arange(n_terms + 1)).astype(np.int64)

        return postings_file_arrays(
            sorted_terms, post_start, docs[run_starts], tf, tf_title, pos_start, positions, self._surface_words(remap)
        )

    def _surface_words(self, remap: np.ndarray) -> list[tuple[str, int]]:
        pairs: set[tuple[str, int]] = set()
        for raw in self._raw:
            for word, term in self._analyzer.expand(raw).words:
                pairs.add((word, int(remap[self._term_ids[term]])))
        return sorted(pairs)

    def _document_arrays(self, title_len: np.ndarray, body_len: np.ndarray) -> dict[str, np.ndarray]:
        stored_blob, stored_offsets = _concat_bytes(self._stored)
        ids_blob, ids_offsets = encode_strings(self._ids)
        return {
            fmt.IDS_BLOB: ids_blob,
            fmt.IDS_OFFSETS: ids_offsets,
            fmt.DOC_HASH: np.asarray(self._hashes, dtype=np.uint64),
            fmt.TITLE_LEN: narrow(title_len),
            fmt.BODY_LEN: narrow(body_len),
            fmt.YEAR: np.asarray(self._year, dtype=np.int16),
            fmt.DATE: np.asarray(self._date, dtype=np.int32),
            fmt.STORED_BLOB: stored_blob,
            fmt.STORED_OFFSETS: stored_offsets,
        }


def write_segment_files(folder: Path, arrays: dict[str, np.ndarray], meta: dict[str, object]) -> dict[str, object]:
    """Write a segment's arrays and ``segment.json`` (with their checksums) into ``folder``."""
    checksums = {}
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
    words: list[tuple[str, int]],
) -> dict[str, np.ndarray]:
    """The term dictionary, postings, positions and surface words as the files store them."""
    term_blob, term_offsets = encode_strings(terms)
    word_blob, word_offsets = encode_strings([w for w, _ in words])
    return {
        fmt.TERMS_BLOB: term_blob,
        fmt.TERMS_OFFSETS: term_offsets,
        fmt.POSTINGS_START: postings_start,
        fmt.POSTINGS_DOCS: docs.astype(np.uint32),
        fmt.POSTINGS_TF: narrow(tf),
        fmt.POSTINGS_TF_TITLE: narrow(tf_title),
        fmt.POSITIONS_START: positions_start,
        fmt.POSITIONS: narrow(positions),
        fmt.WORDS_BLOB: word_blob,
        fmt.WORDS_OFFSETS: word_offsets,
        fmt.WORDS_TERM: np.array([t for _, t in words], dtype=np.int32),
    }


def narrow(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in the narrowest unsigned dtype that holds them."""
    return values.astype(smallest_uint(int(values.max(initial=0))))


def stored_json(doc: Document) -> bytes:
    """The document as stored: compact JSON, UTF-8."""
    return json.dumps(doc.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def hash_stored(stored: bytes) -> int:
    """64-bit content hash of a stored document."""
    return int.from_bytes(hashlib.blake2b(stored, digest_size=8).digest(), "little")


def _concat_bytes(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    if items:
        np.cumsum([len(b) for b in items], out=offsets[1:])
    return np.frombuffer(b"".join(items), dtype=np.uint8), offsets


def _codes(values: list[str | None], vocabulary: list[str]) -> np.ndarray:
    code = {v: i for i, v in enumerate(vocabulary)}
    return np.array([code[v] if v is not None else -1 for v in values], dtype=np.int16)
