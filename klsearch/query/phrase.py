"""Matching over positions: phrases (terms adjacent) and compound parts near each other.

First the candidate documents (those with every term), then the positions of
every term in them, read for all terms together: a posting list much longer
than the candidates is searched for them, the others are scanned in one pass.
Sets of documents and of ``doc << 32 | position`` keys stay sorted and unique
throughout, so they are intersected by binary search and merged by a stable
sort of sorted runs, never by hashing or a full sort.
"""

from __future__ import annotations

from itertools import accumulate

import numpy as np

from ..index.segment_reader import SegmentReader

_NO_DOCS = np.zeros(0, dtype=np.uint32)
_NO_KEYS = np.zeros(0, dtype=np.int64)

# A set this many times smaller than a posting list is looked up in it by
# binary search; otherwise through a mask over the segment's documents.
_PROBE_RATIO = 16


def phrase_matches(
    seg: SegmentReader, term_ids: list[int], offsets: list[int], within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, start positions)`` of every occurrence of the phrase in ``seg`` (in the
    documents ``within`` marks, when given).

    ``offsets[i]`` is term i's position relative to the phrase start. Docs come
    ascending (with a doc repeated for each occurrence), positions ascending within a doc.
    """
    candidates = _candidates(seg, [[tid] for tid in term_ids], within)
    if len(candidates) == 0:
        return _NO_DOCS, _NO_KEYS
    per_term = _term_keys(seg, term_ids, candidates)
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
    seg: SegmentReader, groups: list[list[int]], window: int, within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(docs, anchor positions)`` where each group has a term within ``window``
    positions of an occurrence of the first group (in any order), in the documents
    ``within`` marks, when given."""
    candidates = _candidates(seg, groups, within)
    if len(candidates) == 0:
        return _NO_DOCS, _NO_KEYS
    per_term = iter(_term_keys(seg, [tid for group in groups for tid in group], candidates))
    group_keys = [union_sorted([next(per_term) for _ in group]) for group in groups]
    anchors = group_keys[0]
    for keys in group_keys[1:]:
        anchors = anchors[_near(anchors, keys, window)]
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


def _candidates(seg: SegmentReader, groups: list[list[int]], within: np.ndarray | None) -> np.ndarray:
    """Documents (ascending, in the postings' dtype) with a term of every group, among
    those ``within`` marks.

    Starts from the group with the fewest postings; a much larger group is
    probed by binary search, a comparable one through a mask over the segment.
    """
    sized = sorted(groups, key=lambda g: sum(seg.term_doc_freq(t) for t in g))
    candidates = union_sorted([seg.postings(tid)[0] for tid in sized[0]])
    if within is not None:
        candidates = candidates[within.take(candidates)]
    for group in sized[1:]:
        if len(candidates) == 0:
            break
        lists = [seg.postings(tid)[0] for tid in group]
        if len(candidates) * _PROBE_RATIO < sum(len(d) for d in lists):
            found = is_member(candidates, lists[0])
            for docs in lists[1:]:
                found |= is_member(candidates, docs)
        else:
            mask = np.zeros(seg.doc_count, dtype=bool)
            for docs in lists:
                mask[docs.astype(np.intp)] = True
            found = mask.take(candidates)
        candidates = candidates[found]
    return candidates


def _term_keys(seg: SegmentReader, term_ids: list[int], docs: np.ndarray) -> list[np.ndarray]:
    """For each term: ``doc << 32 | position`` of its positions in ``docs`` (ascending,
    unique), ascending."""
    spans = _spans(seg.postings_start, term_ids)
    probed = [i for i, (start, stop) in enumerate(spans) if len(docs) * _PROBE_RATIO < stop - start]
    scanned = [i for i in range(len(term_ids)) if i not in probed]
    picked: list[np.ndarray] = []  # the postings picked (global indices), term after term
    first: list[np.ndarray] = []  # the index of each one's first position
    sizes: list[int] = []  # how many each term has
    if scanned:
        at, where, counts = _scan_postings(seg, [term_ids[i] for i in scanned], [spans[i] for i in scanned], docs)
        picked.append(at)
        first.append(where)
        sizes += counts
    for i in probed:
        at, where = _probe_postings(seg, term_ids[i], *spans[i], docs)
        picked.append(at)
        first.append(where)
        sizes.append(len(at))
    keys = _expand(seg, np.concatenate(picked), np.concatenate(first), sizes)
    out: list[np.ndarray] = [keys[0]] * len(term_ids)
    for k, i in enumerate(scanned + probed):
        out[i] = keys[k]
    return out


def _probe_postings(
    seg: SegmentReader, tid: int, start: int, stop: int, docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Postings of term ``tid`` (at ``start:stop``) of ``docs``, found by binary search (``docs``
    is much shorter than the list), and the index of each one's first position."""
    term_docs = seg.postings_docs[start:stop]
    at, found = locate(docs.astype(term_docs.dtype, copy=False), term_docs)
    at = at[found]
    if not len(at):
        return at, at
    # A posting's first position: the term's first position plus the tf of the postings before it.
    first = _tf_before(seg.postings_tf[start:stop], at)
    first += int(seg.positions_start[tid])
    at += start
    return at, first


def _scan_postings(
    seg: SegmentReader, term_ids: list[int], spans: list[tuple[int, int]], docs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Like :func:`_probe_postings` for several terms at once, by one pass over their postings
    (concatenated: for the short lists of most queries numpy calls cost more than the data);
    also how many postings each term has among them."""
    post_docs = np.concatenate([seg.postings_docs[a:b] for a, b in spans])
    post_tf = np.concatenate([seg.postings_tf[a:b] for a, b in spans])
    wanted = np.zeros(seg.doc_count, dtype=bool)
    wanted[docs.astype(np.intp)] = True
    at = wanted.take(post_docs).nonzero()[0]
    ends = list(accumulate(b - a for a, b in spans))  # where each term's postings end in the concatenation
    cuts = [0, *np.searchsorted(at, ends[:-1]).tolist(), len(at)]
    sizes = [hi - lo for lo, hi in zip(cuts, cuts[1:])]
    # A posting's first position: the positions of the concatenation before it, less those
    # of the terms before its own, plus its term's first position.
    shift, offset, before = [], [], 0
    for (first_position, stop_position), (a, b), end in zip(_spans(seg.positions_start, term_ids), spans, ends):
        shift.append(first_position - before)
        before += stop_position - first_position
        offset.append(a - (end - (b - a)))
    first = _tf_before(post_tf, at)
    first += np.repeat(shift, sizes)
    at += np.repeat(offset, sizes)
    return at, first, sizes


def _tf_before(tf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``tf[:i].sum()`` for every index ``i`` of ``at`` (ascending): the positions of the
    postings before each."""
    if not len(at):
        return at.copy()
    counts = tf[: int(at[-1]) + 1]
    return running_total(counts).take(at) - counts.take(at)


def _spans(starts: np.ndarray, term_ids: list[int]) -> list[tuple[int, int]]:
    """``(starts[t], starts[t + 1])`` for every term ``t``."""
    ids = np.asarray(term_ids, dtype=np.intp)
    return list(zip(starts.take(ids).tolist(), starts.take(ids + 1).tolist()))


def _expand(seg: SegmentReader, postings: np.ndarray, first: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """``doc << 32 | position`` of every position of the postings (given with the index of
    their first position), in consecutive groups of ``sizes`` postings, each ascending as the
    postings are."""
    cuts = list(accumulate(sizes[:-1]))
    counts = seg.postings_tf.take(postings).astype(np.intp)
    shifted = seg.postings_docs.take(postings).astype(np.int64) << 32
    total = int(counts.sum())
    if total == len(postings):  # one position each
        shifted |= seg.positions.take(first)
        return np.split(shifted, cuts)
    # Output slot i belongs to posting run[i] and reads position first[run] + (i - run's first slot).
    run = np.repeat(np.arange(len(postings)), counts)
    slot = np.empty(len(postings) + 1, dtype=np.intp)  # each posting's first output slot, and the end
    slot[0] = 0
    np.cumsum(counts, out=slot[1:])
    first -= slot[:-1]
    flat = first.take(run)
    flat += np.arange(total)
    keys = shifted.take(run)
    keys |= seg.positions.take(flat)
    return np.split(keys, slot.take(cuts))


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
