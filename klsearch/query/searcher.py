"""Search one index snapshot: parse, compile, score every segment, rank, count facets.

Per segment the plan gives the matching documents and their scores
(``evaluate.py``, sparse: work in proportion to the postings read); deleted
documents are dropped; facets are counted over every match (``facets.py``);
the segment's best ``offset + limit`` are picked without sorting the rest;
the candidates of all segments are merged. Hits read their stored document
and make their snippet only when asked (``results.Hit``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Literal

import numpy as np

from ..document import Document
from ..errors import KlsearchError
from ..index.reader import IndexReader
from ..index.segment_reader import SegmentReader
from . import tree
from .bm25 import BM25Params
from .compile import Compiler, Highlights
from .evaluate import SegmentScorer
from .facets import FACETS, SegmentFacets, facet_counts
from .highlight import DEFAULT_MARKS, snippet
from .parser import parse
from .results import Hit, SearchResult

Sort = Literal["score", "date"]
FilterValue = str | int | tuple[int, int] | Iterable[str]

# Above this many matches, top-k first narrows the candidates with a threshold
# guessed from a sample of the scores (exact: checked, with a full selection as fallback).
_SAMPLE_ABOVE = 4096
_SAMPLE_SIZE = 512


class Searcher:
    """Ranks documents of one :class:`IndexReader` snapshot."""

    def __init__(self, reader: IndexReader, params: BM25Params | None = None) -> None:
        self.reader = reader
        self.params = params or BM25Params()
        self._scorers = [
            SegmentScorer.create(seg, i, self.params, reader.avg_title_len, reader.avg_body_len)
            for i, seg in enumerate(reader.segments)
        ]

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: Mapping[str, FilterValue] | None = None,
        facets: Iterable[str] = FACETS,
        sort: Sort = "score",
        marks: tuple[str, str] = DEFAULT_MARKS,
    ) -> SearchResult:
        """Run ``query`` (klsearch query syntax) and return one page of hits."""
        started = time.perf_counter()
        if limit < 0 or offset < 0:
            raise KlsearchError("limit and offset must not be negative")
        if sort not in ("score", "date"):
            raise KlsearchError(f"unknown sort {sort!r} (use 'score' or 'date')")
        facets = tuple(dict.fromkeys(facets))
        for facet in facets:
            if facet not in FACETS:
                raise KlsearchError(f"unknown facet {facet!r} (known: {', '.join(FACETS)})")
        parsed = parse(query)
        if filters:
            parsed = tree.BooleanQuery(parsed.clauses + _filter_clauses(filters))
        compiler = Compiler(self.reader)
        plan = compiler.compile(parsed)

        total = 0
        counted: list[tuple[SegmentFacets, list[np.ndarray]]] = []
        candidates: list[tuple[float, float, int, int]] = []  # (sort key, -score, segment, doc)
        want = offset + limit
        for scorer in self._scorers:
            seg = scorer.seg
            docs, scores = scorer.evaluate(plan)
            every = docs is None
            if every:
                docs = seg.live_docs
                scores = None if scores is None else scores[docs]
            elif seg.live is not None and len(docs):
                keep = seg.live[docs]
                docs = docs[keep]
                if scores is not None:
                    scores = scores[keep]
            if not len(docs):
                continue
            total += len(docs)
            if facets:
                counter = SegmentFacets.of(seg, facets)
                counted.append((counter, counter.count_live() if every else counter.count(docs)))
            if want:
                candidates += _top(seg, scorer.index, docs, scores, want, sort, every)
        candidates.sort()
        make_snippet = partial(_snippet, self.reader.analyzer, compiler.highlights, marks)
        segments = self.reader.segments
        hits = [
            Hit.lazy(segments[seg_i].doc_id(doc), -neg if neg else 0.0, segments[seg_i], doc, make_snippet)
            for _, neg, seg_i, doc in candidates[offset:want]
        ]
        return SearchResult(
            query=query,
            total=total,
            hits=hits,
            facets=facet_counts(counted, facets),
            took_ms=(time.perf_counter() - started) * 1000,
        )


def _snippet(analyzer, highlights: Highlights, marks: tuple[str, str], document: Document) -> str:  # type: ignore[no-untyped-def]
    return snippet(analyzer, document.body or document.title, highlights, marks=marks)


def _top(
    seg: SegmentReader, seg_i: int, docs: np.ndarray, scores: np.ndarray | None, want: int, sort: Sort, every: bool
) -> list[tuple[float, float, int, int]]:
    """The segment's best ``want`` matches as sortable tuples.

    Tuples are ``(primary key, -score, segment, doc)``, so a plain sort ranks
    them: by score (or newest date first, then score), ties in document order.
    The selection here is exact for that order: nothing that would rank among
    the first ``want`` of the segment is left out.
    """
    n = len(docs)
    if sort == "date":
        if every and scores is None and n > want:
            picked = _newest_live(seg)[:want]
            return [(float(-d), 0.0, seg_i, doc) for d, doc in zip(seg.date[picked].tolist(), picked.tolist())]
        dates = seg.date[docs]
        keep = _best_dates(dates, docs, scores, want)
        neg = [0.0] * len(keep) if scores is None else (-scores[keep]).tolist()
        return [(float(-d), s, seg_i, doc) for d, s, doc in zip(dates[keep].tolist(), neg, docs[keep].tolist())]
    if scores is None or n <= want:
        keep = docs[:want] if scores is None else docs
        neg = [0.0] * len(keep) if scores is None else (-scores).tolist()
        return [(s, s, seg_i, doc) for s, doc in zip(neg, keep.tolist())]
    idx = _best_scores(scores, want)
    neg = (-scores[idx]).tolist()
    return [(s, s, seg_i, doc) for s, doc in zip(neg, docs[idx].tolist())]


def _best_scores(scores: np.ndarray, want: int) -> np.ndarray:
    """Positions of the ``want`` highest scores (``len(scores) > want``); ties go to the lowest positions."""
    n = len(scores)
    cand: np.ndarray | None = None
    if n > _SAMPLE_ABOVE and want * 8 < n:
        # Guess a threshold from a strided sample so that a few times ``want`` pass;
        # if fewer than ``want`` pass, the guess was too high: select over everything.
        step = n // _SAMPLE_SIZE
        sample = scores[::step]
        m = len(sample)
        rank = min(m, 4 * want * m // n + 8)
        guess = np.partition(sample, m - rank)[m - rank]
        passed = np.flatnonzero(scores >= guess)
        if len(passed) >= want:
            cand = passed
    sub = scores if cand is None else scores.take(cand)
    cut = np.partition(sub, len(sub) - want)[len(sub) - want]  # the want-th highest score
    better = (sub > cut).nonzero()[0]  # fewer than want
    best = np.concatenate((better, (sub == cut).nonzero()[0][: want - len(better)]))
    return best if cand is None else cand.take(best)


def _best_dates(dates: np.ndarray, docs: np.ndarray, scores: np.ndarray | None, want: int) -> np.ndarray:
    """Positions of the ``want`` newest matches; same dates by score, then document order."""
    n = len(dates)
    if n <= want:
        return np.arange(n)
    cut = np.partition(dates, n - want)[n - want]  # the want-th newest date
    better = np.flatnonzero(dates > cut)
    tied = np.flatnonzero(dates == cut)
    need = want - len(better)
    if scores is not None:
        tied = tied[np.lexsort((docs[tied], -scores[tied]))]
    return np.concatenate((better, tied[:need]))


def _newest_live(seg: SegmentReader) -> np.ndarray:
    """Live documents newest first, same dates in document order (computed once per segment)."""

    def make() -> np.ndarray:
        docs = seg.live_docs
        return docs[np.lexsort((docs, -seg.date[docs].astype(np.int64)))]

    return seg.derived("newest_live", make)


def _filter_clauses(filters: Mapping[str, FilterValue]) -> tuple[tree.Clause, ...]:
    clauses = []
    for field, value in filters.items():
        if field == "year":
            if isinstance(value, int):
                low = high = value
            elif isinstance(value, tuple) and len(value) == 2:
                low, high = int(value[0]), int(value[1])
            else:
                raise KlsearchError(f"year filter must be a year or a (low, high) pair, not {value!r}")
            if low > high:
                raise KlsearchError(f"bad year range {low}..{high}: the first year is after the last")
            node: tree.Node = tree.YearRange(low, high, 0)
        elif field in ("category", "section"):
            values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
            if not values:
                continue
            terms = [tree.FieldTerm(field, str(v), 0) for v in values]
            node = tree.BooleanQuery(tuple(tree.Clause(tree.Occur.SHOULD, t) for t in terms))
        else:
            raise KlsearchError(f"unknown filter {field!r} (known: category, section, year)")
        clauses.append(tree.Clause(tree.Occur.MUST, node))
    return tuple(clauses)
