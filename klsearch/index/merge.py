"""Merge segments into one without analysing their documents again.

The united term dictionary is walked in chunks of terms. For each chunk,
every source gives the next stretch of its postings and positions (a source
is sorted by term, so each of its files is read front to back, once);
deleted documents are dropped, the others renumbered, and each term's
postings are laid out source after source (segments are taken in document
order, so they stay in document order), then appended to the output files.
Stored documents are carried over block by block. Memory holds the
dictionaries, the per-document columns and one chunk, never a whole
postings or positions array.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import format as fmt
from .array_stream import ArrayReader, ArrayWriter
from .ranges import flat_ranges
from .segment_reader import SegmentReader
from .segment_writer import write_segment_files
from .storage import narrow
from .stored import StoredSource, carry_over
from .strings import offsets_of

# Postings plus positions per chunk: a chunk's working memory is about 80 bytes for each.
CHUNK_ENTRIES = 1 << 20


def merge_segments(segments: list[SegmentReader], deleted: list[np.ndarray], folder: Path) -> dict[str, object]:
    """Write one segment holding the live documents of ``segments`` (in order) into the empty
    ``folder``; return its metadata as ``segment.json`` holds it."""
    lives = [~mask for mask in deleted]
    checksums: dict[str, int] = {}
    arrays = _merge_postings(segments, _renumbering(lives), folder, checksums)
    meta = _document_arrays(segments, lives, arrays)
    arrays.update(_stored_arrays(segments, lives, folder, checksums))
    return write_segment_files(folder, arrays, meta, written=checksums)


def _stored_arrays(
    segments: list[SegmentReader], lives: list[np.ndarray], folder: Path, checksums: dict[str, int]
) -> dict[str, np.ndarray]:
    """Write the stored blob (its checksum goes into ``checksums``); return the other stored arrays."""
    sources = [
        StoredSource(
            seg.array(fmt.STORED_BLOCKS), seg.array(fmt.STORED_BLOCK_DOCS), seg.array(fmt.STORED_OFFSETS),
            live, _reader(seg, fmt.STORED_BLOB),
        )
        for seg, live in zip(segments, lives)
    ]
    with ArrayWriter(folder / fmt.STORED_BLOB, np.uint8) as blob:
        layout = carry_over(sources, lambda block: blob.append(np.frombuffer(block, dtype=np.uint8)))
    checksums[fmt.STORED_BLOB] = blob.checksum
    return layout


def _renumbering(lives: list[np.ndarray]) -> list[np.ndarray]:
    """Per segment, each document's number in the merged segment; -1 for a deleted one."""
    renumber, base = [], 0
    for live in lives:
        new = np.full(len(live), -1, dtype=np.int64)
        count = int(live.sum())
        new[live] = base + np.arange(count)
        renumber.append(new)
        base += count
    return renumber


def _reader(seg: SegmentReader, name: str) -> ArrayReader:
    expected = int(seg.meta["checksums"][name])  # type: ignore[index]
    return ArrayReader(seg.folder / name, expected, f"segment {seg.name}")


def _strings(blob: np.ndarray, offsets: np.ndarray) -> list[bytes]:
    raw, bounds = blob.tobytes(), offsets.tolist()
    return [raw[a:b] for a, b in zip(bounds, bounds[1:])]


def _string_table(strings: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer(b"".join(strings), dtype=np.uint8), offsets_of(map(len, strings), len(strings))


class _Slice(NamedTuple):
    """Postings of a run of terms, with the positions they point into."""

    term: np.ndarray  # united term number of each posting
    doc: np.ndarray
    tf: np.ndarray
    tf_title: np.ndarray
    pos_from: np.ndarray  # where each posting's positions start in ``positions``
    positions: np.ndarray


class _Source:
    """One segment's postings, read in consecutive runs of united terms."""

    def __init__(self, seg: SegmentReader, united: np.ndarray, renumber: np.ndarray) -> None:
        self.united = united  # the united number of each of the segment's terms (ascending)
        self.postings_start = seg.postings_start
        self.positions_start = seg.positions_start
        self._renumber = renumber
        self._in_title = seg.array(fmt.POSTINGS_IN_TITLE).astype(np.int64)
        self._tf_title = seg.array(fmt.POSTINGS_TF_TITLE)
        self.docs, self.tf, self.positions = (
            _reader(seg, name) for name in (fmt.POSTINGS_DOCS, fmt.POSTINGS_TF, fmt.POSITIONS)
        )

    def read(self, first: int, stop: int, pos_base: int) -> _Slice:
        """The live postings of the united terms ``[first, stop)`` (in term and document order);
        ``pos_from`` counts from ``pos_base``. Every call starts where the previous one stopped."""
        lo, hi = np.searchsorted(self.united, (first, stop)).tolist()
        p0, p1 = self.postings_start[[lo, hi]].tolist()
        docs = self._renumber[self.docs.read(p1)]
        tf = self.tf.read(p1).astype(np.int64)
        positions = self.positions.read(int(self.positions_start[hi]))
        term = np.repeat(self.united[lo:hi], np.diff(self.postings_start[lo : hi + 1]))
        tf_title = np.zeros(p1 - p0, dtype=np.int64)
        t0, t1 = np.searchsorted(self._in_title, (p0, p1)).tolist()
        tf_title[self._in_title[t0:t1] - p0] = self._tf_title[t0:t1]
        pos_from = np.cumsum(tf) - tf + pos_base
        keep = docs >= 0
        if keep.all():
            return _Slice(term, docs, tf, tf_title, pos_from, positions)
        return _Slice(term[keep], docs[keep], tf[keep], tf_title[keep], pos_from[keep], positions)

    def close(self) -> None:
        """Verify that every file was read whole and intact."""
        for reader in (self.docs, self.tf, self.positions):
            reader.close()


def _united(tables: list[list[bytes]]) -> tuple[list[bytes], list[np.ndarray]]:
    """The sorted union of string tables (UTF-8: byte order is code point order), and for
    each table the united number of each of its strings."""
    united = list(dict.fromkeys(sorted(chain.from_iterable(tables))))  # sorted runs merge fast; then each once
    index = {string: i for i, string in enumerate(united)}
    return united, [np.fromiter(map(index.__getitem__, table), dtype=np.int64, count=len(table)) for table in tables]


def _chunks(sources: list[_Source], term_count: int) -> list[int]:
    """Boundaries of runs of united terms with about CHUNK_ENTRIES postings and positions each."""
    entries = np.zeros(term_count, dtype=np.int64)
    for source in sources:
        entries[source.united] += np.diff(source.postings_start) + np.diff(source.positions_start)
    total = np.cumsum(entries)
    cuts = np.searchsorted(total, np.arange(CHUNK_ENTRIES, int(total[-1]) if term_count else 0, CHUNK_ENTRIES), "right")
    return np.unique(np.concatenate(([0], cuts, [term_count]))).tolist()


def _chunk(sources: list[_Source], first: int, stop: int) -> _Slice:
    """The merged postings of the united terms ``[first, stop)``, positions in posting order.

    Each term's postings come from the sources in order: a source's posting goes to where its
    term starts in the chunk, after the earlier sources' postings of the term.
    """
    parts, pos_base = [], 0
    for source in sources:
        parts.append(source.read(first, stop, pos_base))
        pos_base += len(parts[-1].positions)
    counts = [np.bincount(part.term - first, minlength=stop - first) for part in parts]
    taken = np.cumsum(sum(counts)) - sum(counts)  # where each term's postings start, then how far filled
    size = sum(len(part.term) for part in parts)
    merged = _Slice(*(np.empty(size, dtype=np.int64) for _ in _Slice._fields))
    for part, count in zip(parts, counts):
        own = part.term - first
        to = (taken - (np.cumsum(count) - count))[own] + np.arange(len(own))
        taken += count
        for name in ("term", "doc", "tf", "tf_title", "pos_from"):
            getattr(merged, name)[to] = getattr(part, name)
    positions = _gather(np.concatenate([part.positions for part in parts]), merged.pos_from, merged.tf)
    return merged._replace(pos_from=np.cumsum(merged.tf) - merged.tf, positions=positions)


def _merge_postings(
    segments: list[SegmentReader], renumber: list[np.ndarray], folder: Path, checksums: dict[str, int]
) -> dict[str, np.ndarray]:
    """Write the postings, term frequencies and positions files (their checksums go into
    ``checksums``); return the other arrays of the term dictionary, postings and surface words."""
    terms, united = _united([_strings(seg.array(fmt.TERMS_BLOB), seg.array(fmt.TERMS_OFFSETS)) for seg in segments])
    sources = [_Source(seg, ids, new) for seg, ids, new in zip(segments, united, renumber)]
    last_doc = sum(int((new >= 0).sum()) for new in renumber) - 1
    compact = np.full(len(terms), -1, dtype=np.int64)  # united term -> merged term; -1: no live posting
    kept_terms = 0
    post_ends, pos_ends = [np.zeros(1, dtype=np.int64)], [np.zeros(1, dtype=np.int64)]
    in_title, tf_title = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    # Written as wide as the sources' values and narrowed at the end if the live ones are narrower.
    with (
        ArrayWriter(folder / fmt.POSTINGS_DOCS, narrow(np.array([last_doc]), np.uint16).dtype, np.uint16) as docs_out,
        ArrayWriter(folder / fmt.POSTINGS_TF, np.result_type(*(s.tf.dtype for s in sources)), np.uint8) as tf_out,
        ArrayWriter(folder / fmt.POSITIONS, np.result_type(*(s.positions.dtype for s in sources)), np.uint8) as pos_out,
    ):
        bounds = _chunks(sources, len(terms))
        for first, stop in zip(bounds, bounds[1:]):
            chunk = _chunk(sources, first, stop)
            ends = np.flatnonzero(np.diff(chunk.term, append=stop)) + 1  # where each term's postings end
            compact[chunk.term[ends - 1]] = kept_terms + np.arange(len(ends))
            kept_terms += len(ends)
            posted, placed = int(post_ends[-1][-1]), int(pos_ends[-1][-1])
            post_ends.append(posted + ends)
            pos_ends.append(placed + (chunk.pos_from + chunk.tf)[ends - 1])
            titled = np.flatnonzero(chunk.tf_title)
            in_title.append(posted + titled)
            tf_title.append(chunk.tf_title[titled])
            docs_out.append(chunk.doc)
            tf_out.append(chunk.tf)
            pos_out.append(chunk.positions)
        for source in sources:
            source.close()
    for out in (docs_out, tf_out, pos_out):
        checksums[out.path.name] = out.checksum

    term_blob, term_offsets = _string_table([terms[i] for i in np.flatnonzero(compact >= 0).tolist()])
    return {
        fmt.TERMS_BLOB: term_blob,
        fmt.TERMS_OFFSETS: term_offsets,
        fmt.POSTINGS_START: np.concatenate(post_ends),
        fmt.POSTINGS_IN_TITLE: narrow(np.concatenate(in_title), at_least=np.uint32),
        fmt.POSTINGS_TF_TITLE: narrow(np.concatenate(tf_title)),
        fmt.POSITIONS_START: np.concatenate(pos_ends),
        **_surface_words(segments, united, compact),
    }


def _surface_words(segments: list[SegmentReader], united: list[np.ndarray], compact: np.ndarray) -> dict[str, np.ndarray]:
    """The words arrays: every segment's (word, term) pairs with the merged term numbers, each
    pair once, sorted; pairs whose term has no live posting left go."""
    words, word_ids = _united([_strings(seg.array(fmt.WORDS_BLOB), seg.array(fmt.WORDS_OFFSETS)) for seg in segments])
    keys = []
    for seg, ids, terms_of in zip(segments, word_ids, united):
        word_terms = compact[terms_of][seg.word_terms]
        live = word_terms >= 0
        keys.append((ids[live] << 32) | word_terms[live])
    pairs = np.sort(np.concatenate(keys))
    pairs = pairs[np.diff(pairs, prepend=-1) != 0]  # each once (np.unique hashes first: many times slower)
    blob, offsets = _string_table([words[i] for i in (pairs >> 32).tolist()])
    return {fmt.WORDS_BLOB: blob, fmt.WORDS_OFFSETS: offsets, fmt.WORDS_TERM: (pairs & 0xFFFFFFFF).astype(np.int32)}


def _gather(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``values[starts[i]:starts[i]+counts[i]]`` for every i, concatenated."""
    return values[flat_ranges(starts, counts)]


def _document_arrays(
    segments: list[SegmentReader], lives: list[np.ndarray], arrays: dict[str, np.ndarray]
) -> dict[str, object]:
    """Add the per-document arrays (all but the stored documents) to ``arrays``; return the
    segment's metadata."""

    def column(name: str) -> np.ndarray:
        return np.concatenate([seg.array(name)[live] for seg, live in zip(segments, lives)])

    meta: dict[str, object] = {"docs": int(sum(int(live.sum()) for live in lives))}
    for facet, code_file in (("category", fmt.CATEGORY), ("section", fmt.SECTION)):
        values = sorted({v for seg in segments for v in getattr(seg, f"{facet}_values")})
        index = {v: i for i, v in enumerate(values)}
        codes = []
        for seg, live in zip(segments, lives):
            remap = np.array([index[v] for v in getattr(seg, f"{facet}_values")] + [-1], dtype=np.int16)
            codes.append(remap[getattr(seg, facet)[live]])  # code -1 picks the appended -1
        arrays[code_file] = np.concatenate(codes).astype(np.int16)
        meta[facet] = values
    title_len = column(fmt.TITLE_LEN).astype(np.int64)
    body_len = column(fmt.BODY_LEN).astype(np.int64)
    arrays[fmt.TITLE_LEN] = narrow(title_len)
    arrays[fmt.BODY_LEN] = narrow(body_len)
    arrays[fmt.YEAR] = column(fmt.YEAR).astype(np.int16)
    arrays[fmt.DATE] = column(fmt.DATE).astype(np.int32)
    arrays[fmt.DOC_HASH] = column(fmt.DOC_HASH).astype(np.uint64)
    ids, lengths = [], []
    for seg, live in zip(segments, lives):
        offsets = seg.array(fmt.IDS_OFFSETS).astype(np.int64)
        kept = np.diff(offsets)[live]
        ids.append(_gather(seg.array(fmt.IDS_BLOB), offsets[:-1][live], kept))
        lengths.append(kept)
    all_lengths = np.concatenate(lengths)
    arrays[fmt.IDS_BLOB] = np.concatenate(ids).astype(np.uint8)
    arrays[fmt.IDS_OFFSETS] = offsets_of(all_lengths, len(all_lengths))
    meta["title_len_sum"] = int(title_len.sum())
    meta["body_len_sum"] = int(body_len.sum())
    return meta
