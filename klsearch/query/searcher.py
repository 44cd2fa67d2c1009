"""Search one index snapshot: parse, compile, score every segment, rank, count facets."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np

from ..errors import KlsearchError
from ..index.reader import IndexReader
from . import tree
from .bm25 import BM25Params
from .compile import Compiler
from .evaluate import SegmentScorer
from .facets import FACETS, count_facets, ordered
from .highlight import DEFAULT_MARKS, snippet
from .parser import parse
from .results import Hit, SearchResult

Sort = Literal["score", "date"]
FilterValue = str | int | tuple[int, int] | Iterable[str]


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
        facets = tuple(facets)
        for facet in facets:
            if facet not in FACETS:
                raise KlsearchError(f"unknown facet {facet!r} (known: {', '.join(FACETS)})")
        parsed = parse(query)
        if filters:
            parsed = tree.BooleanQuery(parsed.clauses + _filter_clauses(filters))
        compiler = Compiler(self.reader)
        plan = compiler.compile(parsed)

        total = 0
        counters: dict[str, Counter[str]] = {}
        candidates: list[tuple[float, int, int, int]] = []  # (sort key, tie, segment, doc)
        want = offset + limit
        for scorer in self._scorers:
            mask, scores = scorer.evaluate(plan)
            if scorer.seg.live is not None:
                mask &= scorer.seg.live
            docs = np.flatnonzero(mask)
            total += len(docs)
            count_facets(scorer.seg, docs, facets, counters)
            if want and len(docs):
                candidates += _top(scorer, docs, scores, want, sort)
        candidates.sort()
        hits = [
            self._hit(seg_i, doc, score, compiler, marks)
            for _, score, seg_i, doc in candidates[offset:want]
        ]
        return SearchResult(
            query=query,
            total=total,
            hits=hits,
            facets={f: ordered(counters.get(f, Counter()), f) for f in facets},
            took_ms=(time.perf_counter() - started) * 1000,
        )

    def _hit(self, seg_i: int, doc: int, score: float, compiler: Compiler, marks: tuple[str, str]) -> Hit:
        document = self.reader.segments[seg_i].document(doc)
        text = document.body or document.title
        return Hit(
            id=document.id,
            score=-score if score else 0.0,
            title=document.title,
            date=document.date.isoformat() if document.date else None,
            year=document.year,
            category=document.category,
            section=document.section,
            url=document.url,
            snippet=snippet(self.reader.analyzer, text, compiler.highlights, marks=marks),
            document=document,
        )


def _top(scorer: SegmentScorer, docs: np.ndarray, scores: np.ndarray, want: int, sort: Sort) -> list[tuple]:
    """The segment's best ``want`` candidates as sortable tuples.

    Tuples are ``(primary key, -score, segment, doc)`` so a plain sort ranks
    them; ties fall back to document order, which keeps results stable.
    """
    neg = -scores[docs]
    if sort == "date":
        dates = scorer.seg.date[docs].astype(np.int64)
        primary = -dates  # newest first; missing dates (most negative) sort last
    else:
        primary = neg
    if len(docs) > want:
        cut = np.partition(primary, want - 1)[want - 1]
        # Among documents tying at the cut, the earliest win, so pages are stable.
        better = np.flatnonzero(primary < cut)
        tied = np.flatnonzero(primary == cut)[: want - len(better)]
        keep = np.concatenate((better, tied))
    else:
        keep = np.arange(len(docs))
    return [
        (float(primary[i]), float(neg[i]), scorer.index, int(docs[i]))
        for i in keep.tolist()
    ]


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
