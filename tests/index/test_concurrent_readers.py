"""Readers in other processes keep answering, consistently, while a writer commits."""

from __future__ import annotations

import multiprocessing as mp
import traceback

from klsearch import IndexWriter, build_index, open_index
from klsearch.index.merge_policy import MergePolicy

BASE, COMMITS, ADDED, DELETED = 30, 20, 5, 2


def reader_loop(path: str, stop, results) -> None:
    seen: set[int] = set()
    try:
        index = open_index(path)
        while not stop.is_set():
            if len(seen) % 2:
                index = open_index(path)  # a fresh open races with the writer's cleanup
            else:
                index.refresh()
            result = index.search("*", limit=5, facets=("section",))
            assert result.total == index.doc_count
            assert sum(result.facets["section"].values()) == result.total
            words = index.search("kommunerne", limit=3)
            assert words.total <= result.total
            seen.add(result.total)
        results.put(("ok", sorted(seen)))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def test_readers_never_see_a_partial_commit(tmp_path, generated_documents) -> None:
    path = str(tmp_path / "idx")
    docs = generated_documents
    build_index(path, docs[:BASE])
    ctx = mp.get_context("fork")
    stop, results = ctx.Event(), ctx.Queue()
    readers = [ctx.Process(target=reader_loop, args=(path, stop, results)) for _ in range(2)]
    for proc in readers:
        proc.start()
    next_doc, alive = BASE, [d.id for d in docs[:BASE]]
    for _ in range(COMMITS):
        with IndexWriter(path, segment_docs=4, merge_policy=MergePolicy(factor=3)) as writer:
            for doc in docs[next_doc : next_doc + ADDED]:
                writer.add(doc)
                alive.append(doc.id)
            next_doc += ADDED
            for doc_id in alive[:DELETED]:
                assert writer.delete(doc_id)
            del alive[:DELETED]
    stop.set()
    outcomes = [results.get(timeout=60) for _ in readers]
    for proc in readers:
        proc.join(timeout=60)
    committed_counts = {BASE + i * (ADDED - DELETED) for i in range(COMMITS + 1)}
    for status, detail in outcomes:
        assert status == "ok", detail
        assert set(detail) <= committed_counts, f"a count no commit had: {set(detail) - committed_counts}"
    assert any(len(detail) > 1 for _, detail in outcomes), "readers should have seen commits happen"
    with open_index(path) as index:
        assert index.doc_count == BASE + COMMITS * (ADDED - DELETED)
