"""Hits and pages: lazy fields agree with the stored documents; pages are slices of one ranking."""

from __future__ import annotations

import pytest

from klsearch import build_index, open_index


@pytest.fixture(scope="module")
def index(tmp_path_factory, generated_documents):
    path = tmp_path_factory.mktemp("results") / "idx"
    build_index(path, generated_documents)
    with open_index(path) as idx:
        yield idx


def test_hit_fields_come_from_the_stored_document(index, generated_documents) -> None:
    by_id = {d.id: d for d in generated_documents}
    for hit in index.search("kommunerne regeringen", limit=20):
        doc = by_id[hit.id]
        assert hit.document == doc
        assert (hit.title, hit.category, hit.section, hit.year) == (doc.title, doc.category, doc.section, doc.year)
        assert hit.date == doc.date.isoformat()
        assert hit.to_json()["id"] == hit.id and isinstance(hit.snippet, str)


@pytest.mark.parametrize("sort", ["score", "date"])
def test_pages_are_slices_of_the_full_ranking(index, sort) -> None:
    full = [h.id for h in index.search("kommunerne", limit=1000, sort=sort)]
    assert len(full) > 30
    for offset in (0, 7, 20):
        page = [h.id for h in index.search("kommunerne", limit=10, offset=offset, sort=sort)]
        assert page == full[offset : offset + 10]
