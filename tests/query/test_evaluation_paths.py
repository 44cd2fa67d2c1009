"""Query evaluation takes different paths by the sizes involved; every path gives
the same documents and scores, and positional matching agrees with a plain loop
over the stored positions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from klsearch import build_index, open_index
from klsearch.analysis.analyzer import PART_MARK
from klsearch.index.segment_reader import SegmentReader
from klsearch.query import evaluate, phrase

from ..conftest import generate_documents

QUERIES = [
    "kommunerne",
    "kommunerne regeringen",
    "velfærd kommunerne regeringen økonomi",
    "folkeskolereform",
    "arbejdsmarkedet beskæftigelsesindsatsen",
    '"kommunerne og regeringen"',
    '"i kommunerne"',
    "kommun*",
    "kommunerne -regeringen",
    "+kommunerne +regeringen velfærd",
    "kommunerne category:Politik",
    "kommunerne regeringen year:2011..2014",
    "+(økonomi velfærd) category:Sundhed year:2012..2016",
    '"kommunerne og regeringen" category:Politik',
    "folkeskolereform -category:Velfærd",
    "* category:Økonomi",
]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("paths") / "idx"
    build_index(path, generate_documents(1500, seed=11))
    return path


def _results(path) -> dict[str, tuple]:
    out = {}
    with open_index(path) as index:
        for query in QUERIES:
            result = index.search(query, limit=2000)
            out[query] = (result.total, result.facets, [(hit.id, hit.score) for hit in result])
    return out


@pytest.fixture(scope="module")
def default_results(index_path) -> dict[str, tuple]:
    return _results(index_path)


@pytest.mark.parametrize(
    "setting",
    [
        {"SPARSE_UNION": 0},  # every union merged by sorting
        {"SPARSE_UNION": 1 << 30},  # every union through the dense accumulator
        {"FEW_OTHERS": 0, "SPARSE_UNION": 1 << 30},  # every union with a scored first part built on that part
        {"FEW_OTHERS": 1 << 30},  # never
    ],
)
def test_union_paths_give_the_same_documents_and_scores(index_path, default_results, monkeypatch, setting) -> None:
    for name, value in setting.items():
        monkeypatch.setattr(evaluate, name, value)
    assert _results(index_path) == default_results


@pytest.mark.parametrize("ratio", [0, 1 << 30])
def test_probing_and_scanning_postings_agree(index_path, default_results, monkeypatch, ratio) -> None:
    monkeypatch.setattr(phrase, "_PROBE_RATIO", ratio)
    assert _results(index_path) == default_results


def test_filters_restrict_without_changing_scores(index_path) -> None:
    with open_index(index_path) as index:
        cases = [("kommunerne regeringen", "Politik"), ("folkeskolereform", "Velfærd"), ('"i kommunerne"', "Sundhed")]
        for words, category in cases:
            everything = index.search(words, limit=5000, facets=("category",))
            restricted = index.search(f"{words} category:{category}", limit=5000, facets=("category",))
            expected = [(h.id, h.score) for h in everything if h.category == category]
            assert [(h.id, h.score) for h in restricted] == expected
            assert restricted.total == everything.facets["category"].get(category, 0) == len(expected)


# --- positions: the vectorised matching against a loop over the postings -------


def _positions(seg: SegmentReader, tid: int) -> dict[int, list[int]]:
    start, stop = int(seg.postings_start[tid]), int(seg.postings_start[tid + 1])
    at = int(seg.positions_start[tid])
    out = {}
    for i in range(start, stop):
        tf = int(seg.postings_tf[i])
        out[int(seg.postings_docs[i])] = [int(p) for p in seg.positions[at : at + tf]]
        at += tf
    return out


def _phrase_by_loop(seg, term_ids, offsets, within) -> list[tuple[int, int]]:
    per_term = [_positions(seg, tid) for tid in term_ids]
    found = []
    for doc in sorted(set.intersection(*(set(p) for p in per_term))):
        if within is None or within[doc]:
            starts = set.intersection(*({p - off for p in pos[doc]} for pos, off in zip(per_term, offsets)))
            found += [(doc, s) for s in sorted(starts)]
    return found


def _near_by_loop(seg, parts, window, within) -> list[tuple[int, int]]:
    per_part = []  # (positions by doc, positions inside compounds by doc)
    for plain, inside in parts:
        every: dict[int, set[int]] = {}
        inner: dict[int, set[int]] = {}
        for tid, is_inside in ((plain, False), (inside, True)):
            for doc, pos in (_positions(seg, tid) if tid >= 0 else {}).items():
                every.setdefault(doc, set()).update(pos)
                if is_inside:
                    inner.setdefault(doc, set()).update(pos)
        per_part.append((every, inner))
    first, first_inner = per_part[0]
    found = []
    for doc in sorted(set.intersection(*(set(every) for every, _ in per_part))):
        if within is None or within[doc]:
            for anchor in sorted(first[doc]):
                anchor_inside = anchor in first_inner.get(doc, ())
                if all(
                    any(0 < abs(p - anchor) <= window for p in every[doc]) or (anchor_inside and anchor in inner.get(doc, ()))
                    for every, inner in per_part[1:]
                ):
                    found.append((doc, anchor))
    return found


def _pairs(docs: np.ndarray, positions: np.ndarray) -> list[tuple[int, int]]:
    return list(zip(docs.tolist(), positions.tolist()))


@pytest.mark.parametrize("ratio", [0, 16, 1 << 30])
def test_phrase_and_near_matches_equal_a_loop(index_path, monkeypatch, ratio) -> None:
    monkeypatch.setattr(phrase, "_PROBE_RATIO", ratio)
    rng = random.Random(5)
    with open_index(index_path) as index:
        seg = index._reader.segments[0]
        df = np.diff(np.asarray(seg.postings_start))
        # Terms from rare to very common, so both probing and scanning happen.
        ids = [int(t) for t in np.flatnonzero(df >= 3)]
        ids.sort(key=lambda t: df[t])
        pick = ids[:: max(1, len(ids) // 60)] + ids[-10:]
        # And the parts of real compounds, as words and inside compounds (same positions).
        analyzer = index._reader.analyzer
        compound_parts = [
            [(seg.term_id(part), seg.term_id(PART_MARK + part)) for part in exp.parts]
            for word in ("folkeskolereform", "arbejdsmarkedet", "beskæftigelsesindsatsen", "ældreområdet", "landlandets")
            for exp in analyzer.query_expansions(word)
            if len(exp.parts) >= 2
        ]
        within = np.random.default_rng(1).random(seg.doc_count) < 0.5
        matched = 0
        for i in range(40):
            terms = rng.sample(pick, rng.choice([2, 3, 4]))
            offsets = sorted(rng.sample(range(5), len(terms)))
            if i < len(compound_parts):
                parts = compound_parts[i]
            else:
                parts = [(terms[0], -1), (-1, terms[1])] + [(t, rng.choice([-1, *terms])) for t in terms[2:]]
            for mask in (None, within):
                expected = _phrase_by_loop(seg, terms, offsets, mask)
                assert _pairs(*phrase.phrase_matches(seg, terms, offsets, mask)) == expected
                near = _near_by_loop(seg, parts, 3, mask)
                assert _pairs(*phrase.near_matches(seg, parts, 3, mask)) == near
                matched += len(expected) + len(near)
        assert matched > 20
