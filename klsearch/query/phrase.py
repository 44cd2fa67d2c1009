"""Matching over positions: phrases (terms adjacent) and compound parts near each other.

Each term's postings in the candidate documents (those with every term) are
picked first, group by group from the fewest postings up: a posting list much
longer than the candidates is searched for them, a shorter one scanned once
through a mask. Then the positions of all picked postings are read together.
Sets of documents and of ``doc << 32 | position`` keys stay sorted and unique
throughout, so they are intersected by binary search and merged by a stable
sort of sorted runs, never by hashing or a full sort."""

from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple

import numpy as np

from ..index.ranges import flat_ranges
from ..index.segment_reader import SegmentReader

_NO_DOCS = np.zeros(0, dtype=np.uint32)
_NO_KEYS = np.zeros(0, dtype=np.int64)
_NO_POSTINGS = np.zeros(0, dtype=np.intp)
_TOO_FAR = np.full(2, np.iinfo(np.int64).max, dtype=np.int64)

# A set this many times smaller than a posting list is looked up in it by
# binary search; otherwise through a mask over the segment's documents.
_PROBE_RATIO = 16


class _Span(NamedTuple):
    """Where a term's postings and positions are in the segment's arrays."""

    start: int
    stop: int
    first_position: int
    stop_position: int


def _term_spans(seg: SegmentReader, term_ids: list[int]) -> list[_Span]:
    ids = np.asarray(term_ids, dtype=np.intp)
    after = ids + 1
    return list(
        map(
            _Span,
            seg.postings_start.take(ids).tolist(),
            seg.postings_start.take(after).tolist(),
            seg.positions_start.take(ids).tolist(),
            seg.positions_start.take(after).tolist(),
        )
    )


def phrase_matches(
    seg: SegmentReader, term_ids: list[int], offsets: list[int], within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, start positions)`` of every occurrence of the phrase in ``seg`` (in the
    documents ``within`` marks, when given).

    ``offsets[i]`` is term i's position relative to the phrase start. Docs come
    ascending (with a doc repeated for each occurrence), positions ascending within a doc.
    """
    per_term = _term_keys(seg, [[span] for span in _term_spans(seg, term_ids)], within)
    if per_term is None:
        return _NO_DOCS, _NO_KEYS
    # Fewest keys first: they are looked up in the others'.
    order = sorted(range(len(term_ids)), key=lambda i: len(per_term[i]))
    keys: np.ndarray | None = None
    for i in order:
        term_keys = per_term[i] - offsets[i]
        keys = term_keys if keys is None else intersect_sorted(keys, term_keys)
        if len(keys) == 0:
            break
    assert keys is not None
    return (keys >> 32).astype(np.uint32), keys & 0xFFFFFFFF


def near_matches(
    seg: SegmentReader, parts: list[tuple[int, int]], window: int, within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, anchor positions)`` where every part is near an occurrence of the first
    part (the anchor), in the documents ``within`` marks, when given.

    Each part is a pair of term ids, ``(part, ~part)``: the part as a word of its own
    and inside a compound (-1 where the segment has no such term). Near is at most
    ``window`` positions away, in any order; at the same position only when both
    are inside one compound (a word whose analyses give two parts, "landet": land,
    lande, is not the two parts near each other).
    """
    present = [[tid for tid in pair if tid >= 0] for pair in parts]
    spans = iter(_term_spans(seg, [tid for group in present for tid in group]))
    per_term = _term_keys(seg, [[next(spans) for _ in group] for group in present], within)
    if per_term is None:
        return _NO_DOCS, _NO_KEYS
    keys_of = iter(per_term)
    every, inside = [], []  # per part: the keys of both its terms, of its ~part
    for pair in parts:
        keys = [next(keys_of) if tid >= 0 else _NO_KEYS for tid in pair]
        every.append(union_sorted(keys))
        inside.append(keys[1])
    anchors = every[0]
    for keys, keys_inside in zip(every[1:], inside[1:]):
        near, own = _near(anchors, keys, window)
        if len(keys_inside) and len(inside[0]) and own.any():
            at = (own & ~near).nonzero()[0]
            same = anchors.take(at)
            near[at] = is_member(same, keys_inside) & is_member(same, inside[0])
        anchors = anchors[near]
        if len(anchors) == 0:
            break
    return (anchors >> 32).astype(np.uint32), anchors & 0xFFFFFFFF


def _near(anchors: np.ndarray, keys: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """``(near, own)``: which ``anchors`` have one of ``keys`` at another position at
    most ``window`` away, and which have one at their own position (both ascending)."""
    if len(keys) * 4 < len(anchors):
        # Few keys: count the keys around each anchor from the run of anchors around each key.
        lo = np.searchsorted(anchors, keys - window)
        hi = np.searchsorted(anchors, keys + window, side="right")
        edges = np.bincount(lo, minlength=len(anchors) + 1) - np.bincount(hi, minlength=len(anchors) + 1)
        own = np.zeros(len(anchors), dtype=bool)
        if len(keys):
            at, found = locate(keys, anchors)
            own[at[found]] = True
        return np.cumsum(edges[:-1]) > own, own
    # The first key at or after anchor - window, and the one after it (past the end: a
    # key too far for any anchor): is either at another position within the window?
    padded = np.concatenate((keys, _TOO_FAR))
    first = np.searchsorted(keys, anchors - window)
    k1 = padded.take(first)
    end = anchors + window
    own = k1 == anchors
    near = k1 <= end
    near &= ~own | (padded.take(first + 1) <= end)
    return near, own


def _term_keys(seg: SegmentReader, groups: list[list[_Span]], within: np.ndarray | None) -> list[np.ndarray] | None:
    """For each term (the groups' in order): ``doc << 32 | position`` of its positions
    (ascending) in the documents with a term of every group, among those ``within``
    marks; None when there are no such documents."""
    picked = _picked_postings(seg, groups, within)
    if picked is None:
        return None
    spans = [span for group in groups for span in group]
    out: list[np.ndarray] = [_NO_KEYS] * len(spans)
    sparse = []  # the terms with few of their postings picked
    for i, (span, at) in enumerate(zip(spans, picked)):
        if len(at) * 2 > span.stop - span.start:
            out[i] = _list_keys(seg, span, at)
        else:
            sparse.append(i)
    if sparse:
        firsts = []
        for i in sparse:
            span, at = spans[i], picked[i]
            first = _tf_before(seg.postings_tf[span.start : span.stop], at)
            first += span.first_position
            firsts.append(first)
            at += span.start
        keys = _expand(seg, np.concatenate([picked[i] for i in sparse]), np.concatenate(firsts), [len(picked[i]) for i in sparse])
        for i, term_keys in zip(sparse, keys):
            out[i] = term_keys
    return out


def _list_keys(seg: SegmentReader, span: _Span, at: np.ndarray) -> np.ndarray:
    """The keys of the postings ``at`` of a term with most of its postings picked: those
    of its whole list, where positions are in order, less the others."""
    docs = seg.postings_docs[span.start : span.stop].astype(np.int64)
    docs <<= 32
    tf = seg.postings_tf[span.start : span.stop]
    one_each = span.stop_position - span.first_position == len(docs)
    keys = docs if one_each else np.repeat(docs, tf)
    keys |= seg.positions[span.first_position : span.stop_position]
    if len(at) == len(docs):
        return keys
    keep = np.zeros(len(docs), dtype=bool)
    keep[at] = True
    return keys[keep if one_each else np.repeat(keep, tf)]


def _picked_postings(seg: SegmentReader, groups: list[list[_Span]], within: np.ndarray | None) -> list[np.ndarray] | None:
    """For each term (the groups' in order): the indices within its posting list
    (ascending) of its postings in the documents with a term of every group, among
    those ``within`` marks; None when there are none.

    Groups are taken from the fewest postings up, narrowing the candidate documents:
    a posting list much longer than the candidates is searched for them by binary
    search, a shorter one scanned once through a mask of them. Picks made before
    the candidates narrowed further are filtered at the end.
    """
    docs = seg.postings_docs
    spans = [span for group in groups for span in group]
    firsts = list(accumulate((len(group) for group in groups), initial=0))  # each group's first term
    picked: list[np.ndarray] = [_NO_POSTINGS] * len(spans)
    narrowed = [0] * len(spans)  # how many candidates there were when each term was picked
    candidates: np.ndarray | None = None
    for g in sorted(range(len(groups)), key=lambda g: sum(s.stop - s.start for s in groups[g])):
        lists = [docs[s.start : s.stop] for s in groups[g]]
        if candidates is None and within is None:
            ats = [np.arange(len(d)) for d in lists]
            candidates = union_sorted(lists)
        elif candidates is None:
            ats = [within.take(d).nonzero()[0] for d in lists]
            candidates = union_sorted([d.take(at) for d, at in zip(lists, ats)])
        elif len(candidates) * _PROBE_RATIO < sum(map(len, lists)):
            ats, found = [], np.zeros(len(candidates), dtype=bool)
            for d in lists:
                at, hit = locate(candidates.astype(d.dtype, copy=False), d)
                ats.append(at[hit])
                found |= hit
            candidates = candidates[found]
        else:
            mask = np.zeros(seg.doc_count, dtype=bool)
            mask[candidates] = True
            ats = [mask.take(d).nonzero()[0] for d in lists]
            candidates = union_sorted([d.take(at) for d, at in zip(lists, ats)])
        if len(candidates) == 0:
            return None
        for i, at in enumerate(ats, start=firsts[g]):
            picked[i], narrowed[i] = at, len(candidates)
    assert candidates is not None
    mask = None
    for i, span in enumerate(spans):
        if narrowed[i] > len(candidates):
            if mask is None:
                mask = np.zeros(seg.doc_count, dtype=bool)
                mask[candidates] = True
            at = picked[i]
            picked[i] = at[mask.take(docs[span.start : span.stop].take(at))]
    return picked


def _tf_before(tf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``tf[:i].sum()`` for every index ``i`` of ``at`` (ascending): the positions of the
    postings before each."""
    if not len(at):
        return at.copy()
    counts = tf[: int(at[-1]) + 1]
    return running_total(counts).take(at) - counts.take(at)


def _expand(seg: SegmentReader, postings: np.ndarray, first: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """``doc << 32 | position`` of every position of the postings (given with the index of
    their first position), in consecutive groups of ``sizes`` postings, each ascending as the
    postings are."""
    counts = seg.postings_tf.take(postings).astype(np.intp)
    shifted = seg.postings_docs.take(postings).astype(np.int64) << 32
    total = int(counts.sum())
    if total == len(postings):  # one position each
        shifted |= seg.positions.take(first)
        return _split(shifted, list(accumulate(sizes)))
    slot = np.zeros(len(postings) + 1, dtype=np.int64)  # each posting's first output slot, and the end
    np.cumsum(counts, out=slot[1:])
    flat = flat_ranges(first, counts, slot)  # each posting's positions
    keys = np.repeat(shifted, counts)
    keys |= seg.positions.take(flat)
    return _split(keys, slot.take(list(accumulate(sizes))).tolist())


def _split(values: np.ndarray, ends: list[int]) -> list[np.ndarray]:
    """``values`` cut into consecutive pieces ending at ``ends`` (np.split costs more)."""
    return [values[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def running_total(values: np.ndarray) -> np.ndarray:
    """``np.cumsum`` of small integers or booleans as intp. Cast first: numpy's
    cumsum that casts as it goes is ten times slower on arrays of 64k and more."""
    out = values.astype(np.intp)
    np.cumsum(out, out=out)
    return out


def is_member(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``others`` (ascending), by binary search."""
    if len(others) == 0:
        return np.zeros(len(values), dtype=bool)
    return locate(values, others)[1]


def locate(values: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, found)``: where each of ``values`` is in ``others`` (ascending, not
    empty), valid where ``found``."""
    pos = np.searchsorted(others, values)
    pos[pos == len(others)] = 0
    return pos, others.take(pos) == values


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
