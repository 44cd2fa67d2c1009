"""Indexing with worker processes: the same index as in one process, and crash-safe.

Documents come from the benchmark corpus generator (real Danish sentences,
a long-tailed vocabulary), enough of them for the writer to start its
workers (START_DOCS) and to fill several segments.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import klsearch
from klsearch import Document, IndexWriter, KlsearchError, open_index
from klsearch.cli import cli
from klsearch.corpus import read_jsonl
from klsearch.index import parallel, segment_writer
from klsearch.index.check import check_index
from klsearch.index.writer import build_index

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's benchmarks package
from benchmarks import corpus_gen  # noqa: E402

QUERIES = [
    "kommunerne",
    "regeringen aftale",
    '"i forhold til"',
    "øko*",
    "+borgerne -skole",
    "category:Politik velfærd",
    "year:2015..2020 beskæftigelse",
    "*",
]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    return Path(corpus_gen.generate(2200, seed=5, out=str(out), queries=False, log=lambda *_: None)["jsonl"])


@pytest.fixture(scope="module")
def corpus(corpus_file) -> list[Document]:
    return list(read_jsonl(corpus_file))


@pytest.fixture
def producers(monkeypatch) -> set[int]:
    """Which producers analysed the batches that were written; workers are waited for
    when they start, so they surely take batches even on a busy machine."""
    seen: set[int] = set()
    take = segment_writer.SegmentWriter._take

    def recording_take(self, results):  # type: ignore[no-untyped-def]
        seen.update(producer for _, producer, _ in results)
        take(self, results)

    start = parallel._Worker.__init__

    def start_and_wait(self, config):  # type: ignore[no-untyped-def]
        start(self, config)
        while not self.started:
            assert self.receive(block=False) is None
            time.sleep(0.01)

    monkeypatch.setattr(segment_writer.SegmentWriter, "_take", recording_take)
    monkeypatch.setattr(parallel._Worker, "__init__", start_and_wait)
    return seen


def answers(path: Path) -> list[tuple[str, int, dict, list[tuple[str, float]]]]:
    out = []
    with open_index(path) as index:
        for query in QUERIES:
            result = index.search(query, limit=20)
            out.append((query, result.total, result.facets, [(hit.id, hit.score) for hit in result]))
    return out


def assert_same_answers(one: Path, two: Path) -> None:
    for (query, total, facets, hits), (_, total2, facets2, hits2) in zip(answers(one), answers(two)):
        assert (total, facets) == (total2, facets2), query
        assert [i for i, _ in hits] == [i for i, _ in hits2], query
        assert [s for _, s in hits] == pytest.approx([s for _, s in hits2], abs=1e-6), query


def segment_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of the one segment of the index at ``path``, by file name."""
    (segment,) = [d for d in (path / "segments").iterdir() if d.is_dir()]
    return {f.name: np.load(f) for f in sorted(segment.glob("*.npy"))}


def assert_same_segment(one: Path, two: Path) -> None:
    """The two indexes hold the same one segment: every array equal, dtype too."""
    arrays, arrays2 = segment_arrays(one), segment_arrays(two)
    assert arrays.keys() == arrays2.keys()
    for name, values in arrays.items():
        assert values.dtype == arrays2[name].dtype and np.array_equal(values, arrays2[name]), name


def edit_session(path: Path, docs: list[Document], workers: int) -> None:
    """Adds, replaces documents added in the same transaction, deletes some: three segments."""
    with IndexWriter(path, segment_docs=700, workers=workers) as writer:
        for doc in docs[:1900]:
            writer.add(doc)
            if doc is docs[1500]:
                for early in docs[1400:1420]:  # still buffered: the old versions end up deleted
                    writer.update(dataclasses.replace(early, body=early.body + " Tilføjet om kommunerne."))
                for early in docs[1420:1430]:
                    writer.delete(early.id)


def test_two_workers_build_the_index_one_builds(tmp_path, corpus, producers) -> None:
    build_index(tmp_path / "one", corpus, workers=1)
    assert producers == {0}
    build_index(tmp_path / "two", corpus, workers=2)
    assert producers == {0, 1}, "both the writer and a worker analysed batches"
    assert len(list((tmp_path / "two" / "segments").iterdir())) == 1
    assert_same_segment(tmp_path / "one", tmp_path / "two")
    assert_same_answers(tmp_path / "one", tmp_path / "two")

    producers.clear()
    edit_session(tmp_path / "edit1", corpus, workers=1)
    edit_session(tmp_path / "edit2", corpus, workers=2)
    assert producers == {0, 1}
    assert check_index(tmp_path / "edit2").ok
    assert_same_answers(tmp_path / "edit1", tmp_path / "edit2")
    with open_index(tmp_path / "edit2") as index:
        assert index.doc_count == 1900 - 10
        assert index.search('"tilføjet om kommunerne"').total == 20


def test_the_public_build_index_takes_workers(tmp_path, corpus, producers) -> None:
    assert klsearch.build_index(tmp_path / "one", corpus, workers=1) == len(corpus)
    assert producers == {0}
    assert klsearch.build_index(tmp_path / "two", corpus, workers=2) == len(corpus)
    assert producers == {0, 1}
    assert_same_segment(tmp_path / "one", tmp_path / "two")


def test_the_index_command_takes_workers(tmp_path, corpus_file, producers) -> None:
    for workers, used in (("1", {0}), ("2", {0, 1})):
        args = ["index", str(corpus_file), "--index", str(tmp_path / workers), "--workers", workers]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert producers == used
    assert_same_segment(tmp_path / "1", tmp_path / "2")
    bad = CliRunner().invoke(cli, ["index", str(corpus_file), "--index", str(tmp_path / "0"), "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output and not (tmp_path / "0").exists()


def state(pid: int) -> tuple[str, int]:
    """``(state, parent pid)`` of a process, from /proc (Linux); ``("gone", 0)`` if there is none."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return "gone", 0
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    return state(pid)[0] not in ("gone", "Z")


def children(pid: int) -> list[int]:
    """Running processes whose parent is ``pid``."""
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [child for child in pids if state(child)[1] == pid and alive(child)]


def wait_until_gone(pids: list[int]) -> bool:
    for _ in range(600):
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"), reason="needs fork and /proc")


@needs_proc
def test_a_killed_worker_fails_the_transaction_and_leaves_the_last_commit(tmp_path, corpus, producers) -> None:
    path = tmp_path / "idx"
    build_index(path, corpus[:100], workers=1)
    before = answers(path)
    with pytest.raises(KlsearchError, match="worker process died"):
        with IndexWriter(path, workers=2) as writer:
            for n, doc in enumerate(corpus[100:]):
                writer.add(doc)
                if n == parallel.START_DOCS + 10:
                    (worker,) = children(os.getpid())
                    os.kill(worker, signal.SIGKILL)
    assert not children(os.getpid())
    assert answers(path) == before
    assert check_index(path).ok
    with IndexWriter(path, workers=2) as writer:  # the next writer works, with new workers
        for doc in corpus[100:1500]:
            writer.add(doc)
    assert sorted(p.name for p in (path / "segments").iterdir() if p.name.startswith(".tmp")) == []
    with open_index(path) as index:
        assert index.doc_count == 1500


@needs_proc
def test_workers_end_when_the_writer_is_killed(tmp_path, corpus) -> None:
    """Killed at a file operation in the middle of writing a segment, with a worker running."""
    path = tmp_path / "idx"
    build_index(path, corpus[:100], workers=1)
    before = answers(path)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            with IndexWriter(path, segment_docs=1200, workers=2) as writer:
                for n, doc in enumerate(corpus[100:]):
                    writer.add(doc)
                    if n == parallel.START_DOCS:
                        os.write(write_end, b" ".join(str(p).encode() for p in children(os.getpid())) + b"\n")
                    if n == 1100:  # the next document flushes a segment: die in the middle of writing it
                        from klsearch.index import storage

                        storage.arm_failpoint(5)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        workers = [int(p) for p in reader.readline().split()]
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert workers and wait_until_gone(workers), "worker processes outlived their writer"
    assert check_index(path).ok
    assert answers(path) == before
    with IndexWriter(path) as writer:  # cleans up what the killed writer left
        writer.delete(corpus[0].id)
    assert [p.name for p in (path / "segments").iterdir() if p.name.startswith(".tmp")] == []
