"""Evaluate a compiled plan on one segment: a match mask and BM25F scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..index.segment_reader import SegmentReader
from .bm25 import BM25Params, bm25f, length_norm
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
from .phrase import near_matches, phrase_matches


@dataclass
class SegmentScorer:
    """One segment with its length norms for the index-wide average lengths."""

    seg: SegmentReader
    index: int  # the segment's place in the reader, for per-segment plan data
    params: BM25Params
    norm_title: np.ndarray
    norm_body: np.ndarray

    @classmethod
    def create(cls, seg: SegmentReader, index: int, params: BM25Params, avg_title: float, avg_body: float) -> "SegmentScorer":
        return cls(
            seg,
            index,
            params,
            length_norm(seg.title_len, avg_title, params.b),
            length_norm(seg.body_len, avg_body, params.b),
        )

    def evaluate(self, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
        """``(mask, scores)`` over the segment's documents."""
        n = self.seg.doc_count
        if isinstance(plan, BoolPlan):
            return self._bool(plan)
        if isinstance(plan, MatchAllLeaf):
            return np.ones(n, dtype=bool), np.zeros(n, dtype=np.float32)
        if isinstance(plan, MatchNoneLeaf):
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float32)
        if isinstance(plan, FilterLeaf):
            return self._filter(plan), np.zeros(n, dtype=np.float32)
        docs, scores = self.sparse(plan)
        mask = np.zeros(n, dtype=bool)
        mask[docs] = True
        dense = np.zeros(n, dtype=np.float32)
        dense[docs] = scores
        return mask, dense

    def sparse(self, plan: TermLeaf | PhraseLeaf | NearLeaf | PrefixLeaf) -> tuple[np.ndarray, np.ndarray]:
        """``(docs, scores)`` of a scoring leaf; docs ascending and unique."""
        seg = self.seg
        if isinstance(plan, TermLeaf):
            tid = seg.term_id(plan.term)
            if tid < 0:
                return _EMPTY_DOCS, _EMPTY_SCORES
            docs, tf, tf_title = seg.postings(tid)
            return docs, self._score(plan.weight, docs, tf_title, tf)
        if isinstance(plan, PrefixLeaf):
            tids = plan.term_ids[self.index]
            if len(tids) == 0:
                return _EMPTY_DOCS, _EMPTY_SCORES
            all_docs = gather_ranges(seg.postings_start, seg.postings_docs, tids)
            tf = gather_ranges(seg.postings_start, seg.postings_tf, tids).astype(np.float32)
            tf_title = gather_ranges(seg.postings_start, seg.postings_tf_title, tids).astype(np.float32)
            docs, inverse = np.unique(all_docs, return_inverse=True)
            tf_sum = np.bincount(inverse, weights=tf, minlength=len(docs))
            title_sum = np.bincount(inverse, weights=tf_title, minlength=len(docs))
            return docs, self._score(plan.weight, docs, title_sum, tf_sum)
        if isinstance(plan, NearLeaf):
            groups = [[tid for tid in map(seg.term_id, group) if tid >= 0] for group in plan.groups]
            if not all(groups):
                return _EMPTY_DOCS, _EMPTY_SCORES
            match_docs, starts = near_matches(seg, groups, plan.window)
        else:
            tids = [seg.term_id(t) for t in plan.terms]
            if min(tids) < 0:
                return _EMPTY_DOCS, _EMPTY_SCORES
            match_docs, starts = phrase_matches(seg, tids, plan.offsets)
        docs, inverse = np.unique(match_docs, return_inverse=True)
        body_start = seg.title_len[docs].astype(np.int64) + 1
        in_title = starts < body_start[inverse]
        tf = np.bincount(inverse, minlength=len(docs)).astype(np.float32)
        tf_title = np.bincount(inverse, weights=in_title, minlength=len(docs)).astype(np.float32)
        return docs, self._score(plan.weight, docs, tf_title, tf)

    def _score(self, weight: float, docs: np.ndarray, tf_title: np.ndarray, tf: np.ndarray) -> np.ndarray:
        tf_title = tf_title.astype(np.float32)
        tf_body = tf.astype(np.float32) - tf_title
        return bm25f(weight, tf_title, tf_body, self.norm_title[docs], self.norm_body[docs], self.params)

    def _filter(self, plan: FilterLeaf) -> np.ndarray:
        seg = self.seg
        if plan.field == "year":
            return (seg.year >= plan.low) & (seg.year <= plan.high)
        values = seg.category_values if plan.field == "category" else seg.section_values
        column = seg.category if plan.field == "category" else seg.section
        wanted = {v.casefold() for v in plan.values}
        codes = [i for i, v in enumerate(values) if v.casefold() in wanted]
        return np.isin(column, codes)

    def _bool(self, plan: BoolPlan) -> tuple[np.ndarray, np.ndarray]:
        n = self.seg.doc_count
        scores = np.zeros(n, dtype=np.float32)
        if plan.must:
            match = np.ones(n, dtype=bool)
            for sub in plan.must:
                m, s = self.evaluate(sub)
                match &= m
                scores += s
        elif plan.should:
            match = np.zeros(n, dtype=bool)
        else:
            match = np.ones(n, dtype=bool)  # only exclusions: everything else matches
        for sub in plan.should:
            m, s = self.evaluate(sub)
            if not plan.must:
                match |= m
            scores += s
        for sub in plan.must_not:
            match &= ~self.evaluate(sub)[0]
        scores[~match] = 0
        return match, scores


_EMPTY_DOCS = np.zeros(0, dtype=np.uint32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float32)
