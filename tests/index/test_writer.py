"""Incremental indexing: add, update, delete, commit, merge, optimize."""

from __future__ import annotations

import dataclasses

import pytest

from klsearch import IndexWriter, build_index, open_index, open_writer
from klsearch.index.merge_policy import MergePolicy
from klsearch.index.reader import IndexReader

QUERIES = ["kommunerne", '"lærernes arbejdstid"', "øko*", "category:Politik velfærd", "*", "-velfærd", "regeringen +aftale"]


def answers(path) -> list:
    out = []
    with open_index(path) as index:
        for query in QUERIES:
            result = index.search(query, limit=1000)
            ranked = sorted((-round(h.score, 5), h.id) for h in result)
            out.append((query, result.total, result.facets, ranked))
    return out


def edited(doc, n):
    return dataclasses.replace(doc, body=doc.body + f" Tilføjet i version {n} om kommunerne.")


def test_many_commits_rank_exactly_like_one_pass(tmp_path, generated_documents) -> None:
    docs = {d.id: d for d in generated_documents[:180]}
    policy = MergePolicy(factor=3, max_merged_docs=10_000)
    with IndexWriter(tmp_path / "inc", segment_docs=17, merge_policy=policy) as writer:
        for doc in generated_documents[:120]:
            writer.add(doc)
    for step in range(6):
        with IndexWriter(tmp_path / "inc", segment_docs=17, merge_policy=policy) as writer:
            for doc in generated_documents[120 + step * 10 : 130 + step * 10]:
                writer.add(doc)
            for doc in generated_documents[step * 15 : step * 15 + 5]:
                docs[doc.id] = edited(doc, step)
                assert writer.update(docs[doc.id])
            for doc in generated_documents[100 + step * 3 : 102 + step * 3]:
                if doc.id in docs:
                    assert writer.delete(doc.id)
                    del docs[doc.id]
    build_index(tmp_path / "one", docs.values())
    reader = IndexReader(tmp_path / "inc")
    assert reader.doc_count == len(docs)
    assert reader.manifest.deleted_count > 0
    assert answers(tmp_path / "inc") == answers(tmp_path / "one")
    # optimize removes deletions and keeps the answers
    writer = open_writer(tmp_path / "inc")
    manifest = writer.optimize()
    writer.close()
    assert len(manifest.segments) == 1 and manifest.deleted_count == 0
    assert answers(tmp_path / "inc") == answers(tmp_path / "one")


def test_unchanged_documents_are_not_rewritten(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:50])
    before = IndexReader(tmp_path / "idx").manifest
    with open_writer(tmp_path / "idx") as writer:
        for doc in generated_documents[:50]:
            assert writer.update(doc) is False
    assert writer.counts["unchanged"] == 50
    after = IndexReader(tmp_path / "idx").manifest
    assert after.generation == before.generation and after.segments == before.segments


def test_exception_rolls_back(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:30])
    with pytest.raises(RuntimeError):
        with open_writer(tmp_path / "idx") as writer:
            writer.delete(generated_documents[0].id)
            writer.add(generated_documents[40])
            raise RuntimeError("boom")
    with open_index(tmp_path / "idx") as index:
        assert index.doc_count == 30
        assert index.search(f'"{generated_documents[0].title}"').total >= 1
    assert len(list((tmp_path / "idx" / "segments").iterdir())) == 1


def test_delete_and_refresh(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:30])
    with open_index(tmp_path / "idx") as index:
        with open_writer(tmp_path / "idx") as writer:
            assert writer.delete(generated_documents[3].id)
            assert not writer.delete("no-such-id")
        assert index.doc_count == 30  # a snapshot does not change under a reader
        assert index.refresh() and index.doc_count == 29
        assert not index.refresh()
        ids = {h.id for h in index.search("*", limit=100)}
        assert generated_documents[3].id not in ids and len(ids) == 29


def test_segment_count_stays_logarithmic(tmp_path, generated_documents) -> None:
    policy = MergePolicy(factor=4, max_merged_docs=100_000)
    for i in range(0, 300, 5):
        with IndexWriter(tmp_path / "idx", segment_docs=1000, merge_policy=policy) as writer:
            for doc in generated_documents[i : i + 5]:
                writer.add(doc)
    reader = IndexReader(tmp_path / "idx")
    assert reader.doc_count == 300
    # 60 commits of 5 documents: at most factor-1 segments in each size tier
    tiers = {len(str(s.doc_count // 5)) for s in reader.segments}
    assert len(reader.segments) <= 3 * (len(tiers) + 1) < 60
