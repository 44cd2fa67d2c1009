"""Kill a writer at every file operation; the last commit must stay intact.

Each run forks a child that performs one transaction (adds that flush
several segments, updates, deletes, a merge and the commit) and SIGKILLs
itself at the N-th durable file operation (write, fsync, rename). The
parent then checks, opens and queries the index: it must hold exactly the
documents of the old commit, or exactly those of the new one.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal

import pytest

from klsearch import IndexWriter, build_index, open_index
from klsearch.index import storage
from klsearch.index.check import check_index
from klsearch.index.merge_policy import MergePolicy


def transaction(path, docs) -> None:
    with IndexWriter(path, segment_docs=8, merge_policy=MergePolicy(factor=3)) as writer:
        for doc in docs[30:50]:
            writer.add(doc)
        for doc in docs[:4]:
            writer.update(dataclasses.replace(doc, body=doc.body + " ændret"))
        for doc in docs[10:13]:
            writer.delete(doc.id)


def snapshot(path) -> dict[str, str]:
    with open_index(path) as index:
        result = index.search("*", limit=1000, facets=())
        assert result.total == index.doc_count
        return {hit.id: hit.document.body for hit in result}


def run_killed_at(point: int, path, docs) -> bool:
    """True if the child was killed at ``point``, False if it finished."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            storage.arm_failpoint(point)
            transaction(path, docs)
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the writer failed without being killed"
    return False


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_writer_killed_anywhere_leaves_a_readable_commit(tmp_path, generated_documents) -> None:
    docs = generated_documents[:50]
    base = tmp_path / "base"
    build_index(base, docs[:30])
    old = snapshot(base)
    after = tmp_path / "after"
    shutil.copytree(base, after)
    transaction(after, docs)
    new = snapshot(after)
    assert old != new

    point, seen_old, seen_new = 1, 0, 0
    while True:
        work = tmp_path / f"run{point}"
        shutil.copytree(base, work)
        killed = run_killed_at(point, work, docs)
        assert check_index(work).ok, point
        state = snapshot(work)
        assert state in (old, new), f"killed at file operation {point}: a state no commit had"
        seen_old += state == old
        seen_new += state == new
        # the next writer cleans up and commits normally
        with IndexWriter(work) as writer:
            writer.delete(docs[20].id)
        assert check_index(work).ok
        assert snapshot(work) == {k: v for k, v in state.items() if k != docs[20].id}
        shutil.rmtree(work)
        if not killed:
            break
        point += 1
    assert point > 50, "the transaction should pass many kill points"
    print(f"{point} kill points")
    assert seen_old and seen_new
