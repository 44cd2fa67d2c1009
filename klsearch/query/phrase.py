"""Phrase matching over positions: which documents have the terms adjacent.

Sets of documents and of ``doc << 32 | position`` keys stay sorted and unique
throughout, so they are intersected by binary search and merged by a stable
sort of sorted runs, never by hashing or a full sort.
"""

from __future__ import annotations

import numpy as np

from ..index.segment_reader import SegmentReader

_NO_DOCS = np.zeros(0, dtype=np.uint32)
_NO_KEYS = np.zeros(0, dtype=np.int64)

# A set this many times smaller than a posting list is looked up in it by
# binary search; otherwise through a mask over the segment's documents.
_PROBE_RATIO = 16


def phrase_matches(
    seg: SegmentReader, term_ids: list[int], offsets: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, start positions)`` of every occurrence of the phrase in ``seg``.

    ``offsets[i]`` is term i's position relative to the phrase start. Docs come
    ascending (with a doc repeated for each occurrence), positions ascending within a doc.
    """
    candidates = _candidates(seg, [[tid] for tid in term_ids])
    if len(candidates) == 0:
        return _NO_DOCS, _NO_KEYS
    chosen = _Chosen(seg, candidates)
    sizes = [seg.term_doc_freq(tid) for tid in term_ids]
    # Rarest term first: its keys are the fewest to look up in the others'. Keys
    # of documents without every term cannot survive the intersection.
    order = sorted(range(len(term_ids)), key=lambda i: sizes[i])
    keys: np.ndarray | None = None
    for i in order:
        term_keys = _position_keys(seg, term_ids[i], chosen, exact=False)
        term_keys -= offsets[i]
        keys = term_keys if keys is None else intersect_sorted(keys, term_keys)
        if len(keys) == 0:
            break
    assert keys is not None
    return (keys >> 32).astype(np.uint32), keys & 0xFFFFFFFF


def near_matches(seg: SegmentReader, groups: list[list[int]], window: int) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, anchor positions)`` where each group has a term within ``window``
    positions of an occurrence of the first group (in any order)."""
    candidates = _candidates(seg, groups)
    if len(candidates) == 0:
        return _NO_DOCS, _NO_KEYS
    # Positions are read for these documents, or (when they are most of a term's)
    # for all of the term's: an anchor in a document that lacks a group has no
    # key of that group near it, so it drops out all the same.
    chosen = _Chosen(seg, candidates)
    anchors = _group_keys(seg, groups[0], chosen)
    for group in groups[1:]:
        near = np.zeros(len(anchors), dtype=bool)
        for tid in group:
            near |= _near(anchors, _position_keys(seg, tid, chosen, exact=False), window)
        anchors = anchors[near]
        if len(anchors) == 0:
            break
    return (anchors >> 32).astype(np.uint32), anchors & 0xFFFFFFFF


def _near(anchors: np.ndarray, keys: np.ndarray, window: int) -> np.ndarray:
    """Which ``anchors`` have one of ``keys`` within ``window`` (both ascending)."""
    if len(keys) == 0:
        return np.zeros(len(anchors), dtype=bool)
    if len(keys) * 4 < len(anchors):
        # Few keys: mark the run of anchors around each key.
        lo = np.searchsorted(anchors, keys - window)
        hi = np.searchsorted(anchors, keys + window, side="right")
        edges = np.bincount(lo, minlength=len(anchors) + 1) - np.bincount(hi, minlength=len(anchors) + 1)
        return np.cumsum(edges[:-1]) > 0
    # The first key at or after anchor - window must be at most anchor + window.
    first = np.searchsorted(keys, anchors - window)
    inside = first < len(keys)
    first[~inside] = 0
    return inside & (keys[first] <= anchors + window)


def _candidates(seg: SegmentReader, groups: list[list[int]]) -> np.ndarray:
    """Documents (ascending) with a term of every group.

    Starts from the group with the fewest postings; a much larger group is
    probed by binary search, a comparable one through a mask over the segment.
    """
    sized = sorted(groups, key=lambda g: sum(seg.term_doc_freq(t) for t in g))
    candidates = union_sorted([seg.postings(tid)[0] for tid in sized[0]])
    for group in sized[1:]:
        if len(candidates) == 0:
            break
        lists = [seg.postings(tid)[0] for tid in group]
        if len(candidates) * _PROBE_RATIO < sum(len(d) for d in lists):
            found = np.zeros(len(candidates), dtype=bool)
            for docs in lists:
                found |= is_member(candidates, docs)
        else:
            mask = np.zeros(seg.doc_count, dtype=bool)
            for docs in lists:
                mask[docs] = True
            found = mask[candidates]
        candidates = candidates[found]
    return candidates


class _Chosen:
    """A set of documents, to find in posting lists (a mask over the segment made on first need)."""

    def __init__(self, seg: SegmentReader, docs: np.ndarray) -> None:
        self.seg = seg
        self.docs = docs
        self._mask: np.ndarray | None = None

    def find(self, docs: np.ndarray) -> np.ndarray:
        """Which elements of ``docs`` (ascending) are in the set: their indices (ascending)
        when the set is much smaller than ``docs``, else a boolean mask over ``docs``."""
        if len(self.docs) * _PROBE_RATIO < len(docs):
            pos = np.searchsorted(docs, self.docs)
            inside = pos < len(docs)
            pos = pos[inside]
            return pos[docs[pos] == self.docs[inside]]
        if self._mask is None:
            self._mask = np.zeros(self.seg.doc_count, dtype=bool)
            self._mask[self.docs] = True
        return self._mask[docs]


def _position_keys(seg: SegmentReader, tid: int, chosen: _Chosen | None, exact: bool = True) -> np.ndarray:
    """``doc << 32 | position`` for every position of term ``tid`` in the chosen docs
    (every doc when ``chosen`` is None); ascending. Unless ``exact``, keys of other
    docs may come too, when that is cheaper."""
    start, stop = int(seg.postings_start[tid]), int(seg.postings_start[tid + 1])
    docs = seg.postings_docs[start:stop]
    if chosen is None:
        return _all_position_keys(seg, tid, docs)
    found = chosen.find(docs)
    if found.dtype == bool:
        picked_count = int(np.count_nonzero(found))
        if picked_count * 2 >= len(docs):
            # Most of the term's postings: take its positions whole (one contiguous
            # slice, in posting order) and, if asked to, drop those of the others.
            keys = _all_position_keys(seg, tid, docs)
            if exact and picked_count < len(docs):
                keys = keys[np.repeat(found, seg.postings_tf[start:stop])]
            return keys
        found = np.flatnonzero(found)
    picked = found
    if len(picked) == 0:
        return _NO_KEYS.copy()
    tf = seg.postings_tf[start:stop].astype(np.int64)
    counts = tf[picked]
    # Each picked posting's first position: the term's positions start plus the tf of the postings before it.
    first = np.cumsum(tf)
    first -= tf
    first = first[picked]
    first += int(seg.positions_start[tid])
    ends = np.cumsum(counts)
    total = int(ends[-1])
    ends -= counts
    ends -= first  # now: (output index of the posting's first position) - (its index in positions)
    flat = np.arange(total, dtype=np.int64)
    flat -= np.repeat(ends, counts)
    keys = np.repeat(docs[picked].astype(np.int64) << 32, counts)
    keys |= seg.positions[flat]
    return keys


def _all_position_keys(seg: SegmentReader, tid: int, docs: np.ndarray) -> np.ndarray:
    """``doc << 32 | position`` for every position of term ``tid`` (its positions are one
    contiguous slice, in posting order)."""
    start, stop = int(seg.postings_start[tid]), int(seg.postings_start[tid + 1])
    first, last = int(seg.positions_start[tid]), int(seg.positions_start[tid + 1])
    keys = np.repeat(docs.astype(np.int64) << 32, seg.postings_tf[start:stop])
    keys |= seg.positions[first:last]
    return keys


def _group_keys(seg: SegmentReader, group: list[int], chosen: _Chosen | None) -> np.ndarray:
    """Sorted unique ``doc << 32 | position`` keys of any term of ``group`` in the chosen
    docs (and maybe others: see :func:`_position_keys`)."""
    return union_sorted([_position_keys(seg, tid, chosen, exact=False) for tid in group])


def is_member(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``others`` (ascending), by binary search."""
    if len(others) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(others, values)
    pos[pos == len(others)] = 0
    return others[pos] == values


def intersect_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elements of both ``a`` and ``b`` (each ascending and unique), ascending; the dtype of the smaller."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 0:
        return a
    if a.dtype != b.dtype:
        common = np.result_type(a.dtype, b.dtype)
        a, b = a.astype(common), b.astype(common)
    return a[is_member(a, b)]


def union_sorted(arrays: list[np.ndarray]) -> np.ndarray:
    """Elements of any of ``arrays`` (each ascending and unique), ascending and unique."""
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return _NO_KEYS
    if len(arrays) == 1:
        return arrays[0]
    merged = np.concatenate(arrays)
    merged.sort(kind="stable")  # merges the sorted runs
    keep = np.empty(len(merged), dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]
