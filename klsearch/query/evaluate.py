"""Evaluate a compiled plan on one segment: the matching documents and their BM25F scores.

Results are sparse, ``(docs, scores)``: ascending, unique document numbers
(intp) and their float32 scores, so the work is proportional to the postings
read, not to the segment's size. ``docs`` is None for "every document"
(``*``) and ``scores`` is None where every score is 0 (filters, ``*``).

- A term reads its postings and scores them (BM25F, ``bm25.py``).
- OR (should clauses without must): the union of the clauses' documents with
  their scores summed in clause order. Few postings: sorted merge, scores
  summed in a reusable dense accumulator; many: the accumulator itself (and a
  hit mask) tells the documents; many, nearly all of them the first clause's:
  the others' few documents are inserted into that clause's arrays.
- AND (must clauses): the smallest clause's documents, kept where every other
  clause matches (binary search in the others' sorted documents); should
  clauses then only add their scores.
- Filters (category, section, year, and groups of them) are masks over the
  segment, cached per segment and filter, applied first: the clauses they
  restrict read only the postings of documents the mask lets through
  (``within``), phrases and nearby parts only those documents' positions.
  Filters in NOT clauses are lookups of the candidates' facet codes.
- NOT: documents of the excluded clause are removed (or filtered out).

Scores are summed in float32 in the order of the flattened clauses, the same
for every document whichever path is taken, so the ranking does not depend on
how the index is split into segments.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..index import format as fmt
from ..index.segment_reader import SegmentReader
from .bm25 import BM25Params, length_norm
from .compile import (
    BoolPlan,
    FilterLeaf,
    MatchAllLeaf,
    MatchNoneLeaf,
    NearLeaf,
    PhraseLeaf,
    Plan,
    PrefixLeaf,
    TermLeaf,
    gather_ranges,
)
from .phrase import is_member, locate, near_matches, phrase_matches, running_total, union_sorted

Result = tuple["np.ndarray | None", "np.ndarray | None"]

# Unions whose postings are fewer than 1/SPARSE_UNION of the segment merge their
# documents by sorting; larger ones find them by scanning the dense accumulator.
SPARSE_UNION = 8
# A larger union whose first part holds all but 1/FEW_OTHERS of its postings takes
# the others' few documents into that part's arrays instead.
FEW_OTHERS = 32
FILTER_MASKS = 64  # dense filter masks cached per segment
_FEW_POSTINGS = 4096  # below this, scoring does every step on every posting (fewer numpy calls)


@dataclass
class SegmentScorer:
    """One segment with its length norms for the index-wide average lengths."""

    seg: SegmentReader
    index: int  # the segment's place in the reader, for per-segment plan data
    params: BM25Params
    norm_title: np.ndarray  # 1 / B_title per document, float32
    norm_body: np.ndarray

    def __post_init__(self) -> None:
        # title_weight / B_title and body_weight / B_body per document, and side by side
        # viewed as one complex64: a posting list's norms are one gather, not two.
        pairs = np.empty((len(self.norm_title), 2), dtype=np.float32)
        pairs[:, 0] = self.params.title_weight * self.norm_title
        pairs[:, 1] = self.params.body_weight * self.norm_body
        self._norm_pairs = pairs.view(np.complex64).reshape(-1)
        self._title_norm = pairs[:, 0].copy()
        self._body_norm = pairs[:, 1].copy()
        self._k1 = np.float32(self.params.k1)
        # With both field weights above 0 every posting scores above 0 (idf is always positive).
        self._positive = self.params.title_weight > 0 and self.params.body_weight > 0
        self._scratch: list[tuple[np.ndarray, np.ndarray]] = []
        self._masks: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def create(cls, seg: SegmentReader, index: int, params: BM25Params, avg_title: float, avg_body: float) -> "SegmentScorer":
        return cls(
            seg,
            index,
            params,
            length_norm(seg.title_len, avg_title, params.b),
            length_norm(seg.body_len, avg_body, params.b),
        )

    # ------------------------------------------------------------------ plans

    def evaluate(self, plan: Plan, scored: bool = True, within: np.ndarray | None = None) -> Result:
        """``(docs, scores)`` of ``plan``: docs ascending (intp) or None for every
        document; scores float32 aligned with docs, or None when all are 0
        (always None when ``scored`` is false).

        ``within`` (a mask over the segment) asks only for the documents it marks:
        docs then come from those only, except that None still means every document.
        """
        if isinstance(plan, TermLeaf):
            return self._term(plan, scored, within)
        if isinstance(plan, BoolPlan):
            return self._bool(plan, scored, within)
        if isinstance(plan, MatchAllLeaf):
            return None, None
        if isinstance(plan, MatchNoneLeaf):
            return _EMPTY_DOCS, None
        if isinstance(plan, FilterLeaf):
            return _restrict(np.flatnonzero(self._filter_mask(plan)), within), None
        return self._positional(plan, scored, within)

    def _term(self, plan: TermLeaf, scored: bool, within: np.ndarray | None) -> Result:
        seg = self.seg
        tid = plan.term_ids[self.index] if plan.term_ids is not None else seg.term_id(plan.term)
        if tid < 0:
            return _EMPTY_DOCS, None
        start, stop = int(seg.postings_start[tid]), int(seg.postings_start[tid + 1])
        docs = seg.postings_docs[start:stop]
        tf_title, tf = seg.postings_tf_title[start:stop], seg.postings_tf[start:stop]
        if within is not None:
            kept = within.take(docs).nonzero()[0]
            docs, tf_title, tf = docs.take(kept), tf_title.take(kept), tf.take(kept)
        docs = docs.astype(np.intp)
        if not scored:
            return docs, None
        return docs, self._bm25(plan.weight, docs, tf_title, tf)

    def _positional(self, plan: PhraseLeaf | NearLeaf | PrefixLeaf, scored: bool, within: np.ndarray | None) -> Result:
        """Phrases, nearby compound parts and prefixes, each with its own unique docs."""
        seg = self.seg
        if isinstance(plan, PrefixLeaf):
            tids = plan.term_ids[self.index]
            if len(tids) == 0:
                return _EMPTY_DOCS, None
            all_docs = gather_ranges(seg.postings_start, seg.postings_docs, tids)
            tf = gather_ranges(seg.postings_start, seg.postings_tf, tids)
            tf_title = gather_ranges(seg.postings_start, seg.postings_tf_title, tids)
            if within is not None:
                kept = within.take(all_docs).nonzero()[0]
                all_docs, tf, tf_title = all_docs.take(kept), tf.take(kept), tf_title.take(kept)
            docs, inverse = np.unique(all_docs, return_inverse=True)
            docs = docs.astype(np.intp)
            if not scored:
                return docs, None
            tf_sum = np.bincount(inverse, weights=tf, minlength=len(docs))
            title_sum = np.bincount(inverse, weights=tf_title, minlength=len(docs))
            return docs, self._bm25(plan.weight, docs, title_sum, tf_sum)
        if isinstance(plan, NearLeaf):
            if plan.part_ids is not None:
                parts = plan.part_ids[self.index]
            else:
                parts = [(seg.term_id(plain), seg.term_id(inside)) for plain, inside in plan.parts]
            if not all(plain >= 0 or inside >= 0 for plain, inside in parts):
                return _EMPTY_DOCS, None
            match_docs, starts = near_matches(seg, parts, plan.window, within)
        else:
            if plan.term_ids is not None:
                tids = plan.term_ids[self.index]
            else:
                tids = [seg.term_id(t) for t in plan.terms]
            if min(tids) < 0:
                return _EMPTY_DOCS, None
            match_docs, starts = phrase_matches(seg, tids, plan.offsets, within)
        if len(match_docs) == 0:
            return _EMPTY_DOCS, None
        docs, inverse = _runs(match_docs)
        docs = docs.astype(np.intp)
        if not scored:
            return docs, None
        body_start = seg.title_len[docs].astype(np.int64) + fmt.FIELD_GAP
        in_title = starts < body_start[inverse]
        tf = np.bincount(inverse, minlength=len(docs))
        tf_title = np.bincount(inverse, weights=in_title, minlength=len(docs))
        return docs, self._bm25(plan.weight, docs, tf_title, tf)

    def _bm25(self, weight: float, docs: np.ndarray, tf_title: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """BM25F of postings: float32, the same operations as :func:`bm25.bm25f`.

        ``tf_title`` and ``tf`` (title + body) are arrays of counts, left unchanged.
        """
        if len(docs) < _FEW_POSTINGS:
            tf_title = tf_title.astype(np.float32)
            tf = tf.astype(np.float32)
            tf -= tf_title  # the body's occurrences
            norms = self._norm_pairs.take(docs).view(np.float32)
            x = norms[0::2] * tf_title
            y = norms[1::2]
            y *= tf
            x += y  # the combined, length-normalised term frequency
        else:
            # Most postings are not in the title: the title part is added to the few that are
            # (for the others it is 0 * their title norm, which adds exactly nothing).
            x = self._body_norm.take(docs)
            x *= tf.astype(np.float32)
            titled = (tf_title != 0).nonzero()[0]
            if len(titled):
                d = docs.take(titled)
                tft = tf_title.take(titled).astype(np.float32)
                body = tf.take(titled).astype(np.float32)
                body -= tft
                body *= self._body_norm.take(d)
                title = self._title_norm.take(d)
                title *= tft
                title += body
                x[titled] = title
        y = x + self._k1
        x *= np.float32(weight * (self.params.k1 + 1))
        x /= y
        return x

    # -------------------------------------------------------------- booleans

    def _bool(self, plan: BoolPlan, scored: bool, within: np.ndarray | None) -> Result:
        musts, must_filters = _split(plan.must)
        shoulds, should_filters = _split(plan.should)
        nots, not_filters = _split(plan.must_not)

        if musts or must_filters:
            # Required clauses decide the match; should clauses only add to the score.
            # Filters go first: the other clauses then read only the documents they let through.
            filters = [f for f in must_filters if not isinstance(f, MatchAllLeaf)]
            if filters:
                mask = self._filters_mask(filters)
                within = mask if within is None else mask & within
            parts = [self.evaluate(p, scored, within) for p in musts]
            restricting = [d for d, _ in parts if d is not None]  # "*" restricts nothing
            if restricting:
                docs = _intersect_all(restricting)
            else:
                docs = None if within is None else np.flatnonzero(within)
            docs = self._exclude(docs, nots, not_filters, within)
            if not scored or (docs is None and not shoulds) or (docs is not None and len(docs) == 0):
                return docs, None
            if docs is None:
                docs = np.arange(self.seg.doc_count, dtype=np.intp)
            scores: np.ndarray | None = None
            for part_docs, part_scores in parts:
                scores = _add_at(scores, docs, part_docs, part_scores)
            for sub in shoulds:
                sub_docs, sub_scores = self.evaluate(sub, True, within)
                scores = _add_at(scores, docs, sub_docs, sub_scores)
            return docs, scores

        if shoulds or should_filters:
            parts = [self.evaluate(p, scored, within) for p in _flatten_should(shoulds)]
            for f in should_filters:
                if isinstance(f, MatchAllLeaf):
                    parts.append((None, None))
                else:
                    parts.append((_restrict(np.flatnonzero(self._filter_mask(f)), within), None))
            docs, scores = self._union(parts)
            if nots or not_filters:
                if docs is None:
                    docs = np.arange(self.seg.doc_count, dtype=np.intp)
                keep = self._keep(docs, nots, not_filters, within)
                docs = docs[keep]
                if scores is not None:
                    scores = scores[keep]
            return docs, scores

        # Only exclusions: everything else matches.
        return self._exclude(None, nots, not_filters, within), None

    def _exclude(
        self, docs: np.ndarray | None, nots: list[Plan], not_filters: list[Plan], within: np.ndarray | None
    ) -> np.ndarray | None:
        """``docs`` (None: every document) without those the NOT clauses match."""
        if not nots and not not_filters:
            return docs
        if docs is None:
            docs = np.arange(self.seg.doc_count, dtype=np.intp) if within is None else np.flatnonzero(within)
        for f in not_filters:
            if isinstance(f, MatchAllLeaf):
                return _EMPTY_DOCS
            if len(docs):
                docs = docs[~self._predicate(f, docs)]
        for sub in nots:
            if not len(docs):
                break
            excluded, _ = self.evaluate(sub, False, within)
            if excluded is None:
                return _EMPTY_DOCS
            if len(excluded):
                docs = docs[~is_member(docs, excluded)]
        return docs

    def _keep(
        self, docs: np.ndarray, nots: list[Plan], not_filters: list[Plan], within: np.ndarray | None
    ) -> np.ndarray:
        """Which of ``docs`` survive the NOT clauses (a boolean mask over docs)."""
        keep = np.ones(len(docs), dtype=bool)
        for f in not_filters:
            if isinstance(f, MatchAllLeaf):
                keep[:] = False
                return keep
            keep &= ~self._predicate(f, docs)
        for sub in nots:
            excluded, _ = self.evaluate(sub, False, within)
            if excluded is None:
                keep[:] = False
                return keep
            if len(excluded):
                keep &= ~is_member(docs, excluded)
        return keep

    def _union(self, parts: list[Result]) -> Result:
        """Documents matching any part, with the parts' scores summed in part order."""
        if any(d is None for d, _ in parts):
            n = self.seg.doc_count
            acc = np.zeros(n, dtype=np.float32)
            scored = False
            for d, s in parts:
                if s is not None:
                    acc[d] += s  # type: ignore[index]
                    scored = True
            return None, (acc if scored else None)
        parts = [p for p in parts if len(p[0])]  # type: ignore[arg-type]
        if not parts:
            return _EMPTY_DOCS, None
        if len(parts) == 1:
            return parts[0]
        scored = any(s is not None for _, s in parts)
        total = sum(len(d) for d, _ in parts)  # type: ignore[arg-type]
        n = self.seg.doc_count
        sparse = total * SPARSE_UNION < n
        if sparse and not scored:
            return union_sorted([d for d, _ in parts]), None  # type: ignore[misc]
        first = len(parts[0][0])  # type: ignore[arg-type]
        if not sparse and parts[0][1] is not None and (total - first) * FEW_OTHERS <= first:
            return _into_first(parts)  # type: ignore[arg-type]
        acc, hit = self._take_scratch()
        try:
            if sparse:
                # Sum the scores in the accumulator, in part order, and read them back out.
                docs = union_sorted([d for d, _ in parts])  # type: ignore[misc]
                for d, s in parts:
                    if s is not None:
                        np.add.at(acc, d, s)
                scores = acc[docs]
                acc[docs] = 0
                return docs, scores
            if self._positive and all(s is not None for _, s in parts):
                # Every match scores above 0, so the accumulator itself tells which
                # documents matched (0 + s == s: the first part is stored as is).
                (d, s), rest = parts[0], parts[1:]
                acc[d] = s
                for d, s in rest:
                    np.add.at(acc, d, s)
                docs = (acc != 0).nonzero()[0]
                scores = acc.take(docs)
                if len(docs) * 8 > n:
                    acc.fill(0)
                else:
                    acc[docs] = 0
                return docs, scores
            for d, s in parts:
                hit[d] = True
                if s is not None:
                    np.add.at(acc, d, s)
            docs = hit.nonzero()[0]
            dense_reset = len(docs) * 8 > n
            if dense_reset:
                hit.fill(False)
            else:
                hit[docs] = False
            scores = None
            if scored:
                scores = acc[docs]
                if dense_reset:
                    acc.fill(0)
                else:
                    acc[docs] = 0
        finally:
            self._scratch.append((acc, hit))
        return docs, scores

    def _take_scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """A zeroed score accumulator and hit mask over the segment (one per concurrent search)."""
        try:
            return self._scratch.pop()
        except IndexError:
            n = self.seg.doc_count
            return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=bool)

    # --------------------------------------------------------------- filters

    def _table(self, plan: FilterLeaf) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, wanted)``: the documents' facet codes and which codes pass the filter."""
        codes, labels = self.seg.facet_codes(plan.field)
        if plan.field == "year":
            wanted = [plan.low <= (int(v) if v is not None else 0) <= plan.high for v in labels]
        else:
            values = {v.casefold() for v in plan.values}
            wanted = [v is not None and v.casefold() in values for v in labels]
        return codes, np.array(wanted, dtype=bool)

    def _predicate(self, plan: Plan, docs: np.ndarray) -> np.ndarray:
        """For a filter (or a group of filters): which of ``docs`` pass, as a boolean mask."""
        if isinstance(plan, FilterLeaf):
            codes, wanted = self._table(plan)
            return wanted[codes[docs]]
        if isinstance(plan, MatchAllLeaf):
            return np.ones(len(docs), dtype=bool)
        if isinstance(plan, MatchNoneLeaf):
            return np.zeros(len(docs), dtype=bool)
        assert isinstance(plan, BoolPlan)
        if plan.must:
            keep = np.ones(len(docs), dtype=bool)
            for sub in plan.must:
                keep &= self._predicate(sub, docs)
        elif plan.should:
            keep = np.zeros(len(docs), dtype=bool)
            for sub in plan.should:
                keep |= self._predicate(sub, docs)
        else:
            keep = np.ones(len(docs), dtype=bool)
        for sub in plan.must_not:
            keep &= ~self._predicate(sub, docs)
        return keep

    def _filter_mask(self, plan: Plan) -> np.ndarray:
        """A filter over every document of the segment (cached per filter)."""
        key = _filter_key(plan)
        with self._lock:
            mask = self._masks.get(key)
            if mask is not None:
                self._masks.move_to_end(key)
                return mask
        if isinstance(plan, FilterLeaf):
            codes, wanted = self._table(plan)
            mask = wanted[codes]
        else:
            mask = self._predicate(plan, np.arange(self.seg.doc_count, dtype=np.intp))
        mask.flags.writeable = False
        with self._lock:
            self._masks[key] = mask
            while len(self._masks) > FILTER_MASKS:
                self._masks.popitem(last=False)
        return mask

    def _filters_mask(self, filters: list[Plan]) -> np.ndarray:
        mask = self._filter_mask(filters[0])
        for f in filters[1:]:
            mask = mask & self._filter_mask(f)
        return mask


def _is_filter(plan: Plan) -> bool:
    """Non-scoring plans a document can be tested against on its own."""
    if isinstance(plan, (FilterLeaf, MatchAllLeaf)):
        return True
    if isinstance(plan, BoolPlan):
        return all(_is_filter(p) for p in (*plan.must, *plan.should, *plan.must_not))
    return False


def _split(plans: list[Plan]) -> tuple[list[Plan], list[Plan]]:
    """``(scoring clauses, filter clauses)``."""
    scoring: list[Plan] = []
    filters: list[Plan] = []
    for p in plans:
        (filters if _is_filter(p) else scoring).append(p)
    return scoring, filters


def _flatten_should(plans: list[Plan]) -> list[Plan]:
    """Nested pure-OR groups spliced into one list of clauses (same documents, same summed scores)."""
    out: list[Plan] = []
    for p in plans:
        if isinstance(p, BoolPlan) and not p.must and not p.must_not and not any(_is_filter(s) for s in p.should):
            out += _flatten_should(p.should)
        else:
            out.append(p)
    return out


def _filter_key(plan: Plan) -> tuple:
    if isinstance(plan, FilterLeaf):
        if plan.field == "year":
            return ("year", plan.low, plan.high)
        return (plan.field, frozenset(v.casefold() for v in plan.values))
    if isinstance(plan, BoolPlan):
        return (
            "bool",
            tuple(_filter_key(p) for p in plan.must),
            tuple(_filter_key(p) for p in plan.should),
            tuple(_filter_key(p) for p in plan.must_not),
        )
    return (type(plan).__name__,)


def _into_first(parts: list[tuple[np.ndarray, np.ndarray | None]]) -> Result:
    """The union of parts when the first (scored) one holds nearly all their documents:
    the others' few documents are inserted into its arrays and their scores added to its
    own, in part order."""
    docs, scores = parts[0]
    rest = union_sorted([d for d, _ in parts[1:]])
    new = rest[~is_member(rest, docs)]
    if len(new):
        at = np.searchsorted(docs, new)
        docs = np.insert(docs, at, new)
        scores = np.insert(scores, at, np.float32(0))  # type: ignore[arg-type]
    else:
        scores = scores.copy()  # type: ignore[union-attr]
    for d, s in parts[1:]:
        if s is not None:
            scores[np.searchsorted(docs, d)] += s
    return docs, scores


def _restrict(docs: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    """``docs`` that ``within`` marks (all of them when it is None)."""
    return docs if within is None else docs[within.take(docs)]


def _runs(sorted_docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(sorted_docs, return_inverse=True)`` for an ascending array."""
    n = len(sorted_docs)
    if n > 1 and bool((sorted_docs[1:] < sorted_docs[:-1]).any()):
        return np.unique(sorted_docs, return_inverse=True)
    first = np.empty(n, dtype=bool)
    first[:1] = True
    np.not_equal(sorted_docs[1:], sorted_docs[:-1], out=first[1:])
    inverse = running_total(first)
    inverse -= 1
    return sorted_docs[first], inverse


def _intersect_all(sets: list[np.ndarray]) -> np.ndarray:
    """Documents in every one of ``sets`` (each ascending)."""
    sets = sorted(sets, key=len)
    docs = sets[0]
    for other in sets[1:]:
        if not len(docs):
            break
        docs = docs[is_member(docs, other)]
    return docs


def _add_at(scores: np.ndarray | None, docs: np.ndarray, part_docs: np.ndarray | None, part_scores: np.ndarray | None) -> np.ndarray:
    """``scores`` (over ``docs``) plus a clause's scores where its documents are among ``docs``."""
    if scores is None:
        scores = np.zeros(len(docs), dtype=np.float32)
    if part_scores is None:
        return scores
    if part_docs is None:  # scores over every document of the segment
        scores += part_scores[docs]
        return scores
    if not len(part_docs):
        return scores
    if len(part_docs) == len(docs):
        # A clause whose documents all matched (the smallest must clause, typically).
        if part_docs is docs or np.array_equal(part_docs, docs):
            scores += part_scores
            return scores
    pos, found = locate(docs, part_docs)
    if found.all():
        scores += part_scores[pos]
    else:
        scores[found] += part_scores[pos[found]]
    return scores


_EMPTY_DOCS = np.zeros(0, dtype=np.intp)
