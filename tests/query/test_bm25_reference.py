"""klsearch's scores equal a slow, obvious BM25F implementation of the same formula.

Decompounding is switched off here: it adds clauses for compound parts
(scored by the same formula, with their own weights), and this test is
about the formula itself.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from klsearch import Document, build_index, open_index
from klsearch.analysis import Analyzer
from klsearch.index.writer import build_index as build_segments

K1, B, W_TITLE, W_BODY = 1.2, 0.75, 2.0, 1.0
ANALYZER = Analyzer(decompound=False)


def reference_scores(docs: list[Document], words: list[str]) -> dict[str, float]:
    """BM25F written out term by term, document by document."""
    analyzer = ANALYZER
    fields = []
    for doc in docs:
        title_pairs, title_len = analyzer.index_terms(doc.title)
        body_pairs, body_len = analyzer.index_terms(doc.body)
        fields.append((Counter(t for t, _ in title_pairs), title_len, Counter(t for t, _ in body_pairs), body_len))
    n = len(docs)
    avg_title = sum(f[1] for f in fields) / n
    avg_body = sum(f[3] for f in fields) / n
    query_terms = [t for w in words for t in analyzer.query_terms(w)]
    scores: dict[str, float] = {}
    for doc, (title_tf, title_len, body_tf, body_len) in zip(docs, fields):
        total = 0.0
        matched = False
        for term in query_terms:
            df = sum(1 for f in fields if term in f[0] or term in f[2])
            if term not in title_tf and term not in body_tf:
                continue
            matched = True
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = W_TITLE * title_tf[term] / (1 - B + B * title_len / avg_title) + W_BODY * body_tf[term] / (
                1 - B + B * body_len / avg_body
            )
            total += idf * tf * (K1 + 1) / (K1 + tf)
        if matched:
            scores[doc.id] = total
    return scores


@pytest.mark.parametrize(
    "words",
    [["kommunerne"], ["lærernes", "arbejdstid"], ["velfærd", "kommunerne", "regeringen"], ["økonomi"]],
)
@pytest.mark.parametrize("segment_docs", [1_000_000, 37])
def test_scores_match_reference(tmp_path, generated_documents, words, segment_docs) -> None:
    build_segments(tmp_path / "idx", generated_documents, segment_docs=segment_docs, analyzer=ANALYZER)
    expected = reference_scores(generated_documents, words)
    assert expected, "the query must match something"
    with open_index(tmp_path / "idx") as index:
        result = index.search(" ".join(words), limit=len(generated_documents), facets=())
    got = {hit.id: hit.score for hit in result}
    assert result.total == len(expected)
    assert got.keys() == expected.keys()
    for doc_id, score in expected.items():
        assert got[doc_id] == pytest.approx(score, rel=1e-5)
    ranked = [h.score for h in result]
    assert ranked == sorted(ranked, reverse=True)


def test_k1_and_b_change_the_ranking_as_configured(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents)
    with open_index(tmp_path / "idx", k1=0.0) as index:
        flat = index.search("kommunerne", limit=5, facets=())
    # with k1 = 0 every matching document scores exactly the term's idf
    assert len({round(h.score, 5) for h in flat}) == 1
    with pytest.raises(ValueError, match="illegal k1"):
        open_index(tmp_path / "idx", k1=-1)
