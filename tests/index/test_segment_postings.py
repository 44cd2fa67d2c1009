"""A written segment's postings are exactly the analyzer's terms and positions, document by document.

The segment writer gets each batch's postings grouped by term and places the
groups; here the result is checked against ``Analyzer.index_terms`` run on
each field on its own, over enough documents for several batches.
"""

from __future__ import annotations

from collections import defaultdict

from klsearch import build_index
from klsearch.analysis import Analyzer
from klsearch.index import format as fmt
from klsearch.index.parallel import BATCH_DOCS
from klsearch.index.reader import IndexReader


def expected_postings(docs) -> dict[str, list[tuple[int, list[int]]]]:  # type: ignore[no-untyped-def]
    """term -> [(document, positions in the order the text has them)], documents ascending."""
    analyzer = Analyzer()
    postings: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for number, doc in enumerate(docs):
        title, width = analyzer.index_terms(doc.title)
        body, _ = analyzer.index_terms(doc.body, start=width + fmt.FIELD_GAP)
        for term, position in title + body:
            postings[term].setdefault(number, []).append(position)
    return {term: sorted(by_doc.items()) for term, by_doc in postings.items()}


def test_postings_are_the_analyzers_terms_and_positions(tmp_path, generated_documents) -> None:
    docs = generated_documents * 2  # several batches, the same words again in later ones
    assert len(docs) > 2 * BATCH_DOCS
    build_index(tmp_path / "idx", docs, workers=1)
    (seg,) = IndexReader(tmp_path / "idx").segments
    expected = expected_postings(docs)
    assert len(seg.terms) == len(expected)
    for term_id in range(len(seg.terms)):
        postings = expected[seg.terms[term_id]]
        post_docs, tf, tf_title = (a.tolist() for a in seg.postings(term_id))
        assert post_docs == [doc for doc, _ in postings]
        assert tf == [len(positions) for _, positions in postings]
        start, stop = int(seg.positions_start[term_id]), int(seg.positions_start[term_id + 1])
        assert seg.positions[start:stop].tolist() == [p for _, positions in postings for p in positions]
        title_len = seg.title_len.tolist()
        assert tf_title == [sum(p < title_len[doc] + fmt.FIELD_GAP for p in ps) for doc, ps in postings]
