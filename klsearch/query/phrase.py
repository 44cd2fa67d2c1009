"""Phrase matching over positions: which documents have the terms adjacent."""

from __future__ import annotations

import numpy as np

from ..index.segment_reader import SegmentReader


def phrase_matches(
    seg: SegmentReader, term_ids: list[int], offsets: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, start positions)`` of every occurrence of the phrase in ``seg``.

    ``offsets[i]`` is term i's position relative to the phrase start.
    """
    candidates: np.ndarray | None = None
    for tid in term_ids:
        docs = seg.postings(tid)[0]
        candidates = docs if candidates is None else np.intersect1d(candidates, docs, assume_unique=True)
    if candidates is None or len(candidates) == 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    keys: np.ndarray | None = None
    for tid, offset in zip(term_ids, offsets):
        term_keys = _position_keys(seg, tid, candidates) - offset
        keys = term_keys if keys is None else np.intersect1d(keys, term_keys, assume_unique=True)
        if len(keys) == 0:
            break
    assert keys is not None
    return (keys >> 32).astype(np.uint32), keys & 0xFFFFFFFF


def _position_keys(seg: SegmentReader, tid: int, candidates: np.ndarray) -> np.ndarray:
    """``doc << 32 | position`` for every position of term ``tid`` in the candidate docs."""
    start, stop = int(seg.postings_start[tid]), int(seg.postings_start[tid + 1])
    docs = seg.postings_docs[start:stop]
    tf = seg.postings_tf[start:stop].astype(np.int64)
    first = np.concatenate(([0], np.cumsum(tf)[:-1])) + int(seg.positions_start[tid])
    picked = np.searchsorted(docs, candidates)
    counts = tf[picked]
    total = int(counts.sum())
    ends = np.cumsum(counts)
    flat = np.arange(total, dtype=np.int64) - np.repeat(ends - counts - first[picked], counts)
    positions = seg.positions[flat].astype(np.int64)
    return (np.repeat(candidates.astype(np.int64), counts) << 32) | positions


def near_matches(seg: SegmentReader, groups: list[list[int]], window: int) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, anchor positions)`` where each group has a term within ``window``
    positions of an occurrence of the first group (in any order)."""
    candidates: np.ndarray | None = None
    for group in groups:
        docs = np.unique(np.concatenate([seg.postings(tid)[0] for tid in group]))
        candidates = docs if candidates is None else np.intersect1d(candidates, docs, assume_unique=True)
    if candidates is None or len(candidates) == 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    anchors = _group_keys(seg, groups[0], candidates)
    keep = np.ones(len(anchors), dtype=bool)
    for group in groups[1:]:
        keys = _group_keys(seg, group, candidates)
        lo = np.searchsorted(keys, anchors - window, side="left")
        hi = np.searchsorted(keys, anchors + window, side="right")
        keep &= hi > lo
    anchors = anchors[keep]
    return (anchors >> 32).astype(np.uint32), anchors & 0xFFFFFFFF


def _group_keys(seg: SegmentReader, group: list[int], candidates: np.ndarray) -> np.ndarray:
    """Sorted unique ``doc << 32 | position`` keys of any term of ``group`` in the candidates."""
    keys = []
    for tid in group:
        docs = seg.postings(tid)[0]
        present = np.intersect1d(docs, candidates, assume_unique=True)
        if len(present):
            keys.append(_position_keys(seg, tid, present))
    return np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
