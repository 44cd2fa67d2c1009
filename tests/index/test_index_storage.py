"""The on-disk index: round trip, atomic rebuilds, locking, safe opening."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from klsearch import (
    CorruptIndexError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    build_index,
    open_index,
)
from klsearch.index import format as fmt
from klsearch.index.lock import WriteLock
from klsearch.index.reader import IndexReader


def test_stored_documents_round_trip(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents)
    reader = IndexReader(tmp_path / "idx")
    stored = [seg.document(i) for seg in reader.segments for i in range(seg.doc_count)]
    assert stored == generated_documents


def test_every_file_loads_without_pickle(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents)
    seg_dirs = list((tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir())
    assert len(seg_dirs) == 1
    for name in fmt.ARRAY_FILES:
        array = np.load(seg_dirs[0] / name, allow_pickle=False)
        assert array.dtype != object


def test_failed_build_leaves_last_commit_intact(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:50])

    def failing():
        yield from generated_documents[50:120]
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        build_index(tmp_path / "idx", failing())
    with open_index(tmp_path / "idx") as index:
        assert index.doc_count == 50
        assert index.search("*", limit=0).total == 50
    # the next writer cleans up what the failed one left
    build_index(tmp_path / "idx", generated_documents[:10])
    assert len(list((tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir())) == 1


def test_second_writer_is_refused_and_stale_lock_taken_over(tmp_path, generated_documents) -> None:
    (tmp_path / "idx").mkdir()
    with WriteLock(tmp_path / "idx"):
        with pytest.raises(IndexLockedError, match="locked by another writer"):
            build_index(tmp_path / "idx", generated_documents[:5])
    # a lock whose process is gone
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    (tmp_path / "idx" / fmt.LOCK).write_text(str(dead))
    assert build_index(tmp_path / "idx", generated_documents[:5]) == 5


def test_missing_and_damaged_indexes_give_clear_errors(tmp_path, generated_documents) -> None:
    with pytest.raises(IndexNotFoundError, match="no index here"):
        open_index(tmp_path / "nothing")
    build_index(tmp_path / "idx", generated_documents[:20])
    manifest_path = tmp_path / "idx" / fmt.MANIFEST
    manifest = json.loads(manifest_path.read_text())

    manifest_path.write_text("{not json")
    with pytest.raises(CorruptIndexError, match="malformed manifest"):
        open_index(tmp_path / "idx")

    manifest_path.write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(IndexVersionError, match="rebuild"):
        open_index(tmp_path / "idx")

    manifest_path.write_text(json.dumps({**manifest, "analyzer": {**manifest["analyzer"], "version": 0}}))
    with pytest.raises(IndexVersionError, match="another analyzer"):
        open_index(tmp_path / "idx")


def test_a_pickled_array_is_refused_as_corruption(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:20])
    seg = next((tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir())
    np.save(seg / fmt.TITLE_LEN, np.array([object()] * 20, dtype=object), allow_pickle=True)
    with pytest.raises(CorruptIndexError, match="docs.title_len.npy"):
        with open_index(tmp_path / "idx") as index:
            index.search("kommunerne")


def test_many_segments_search_like_one(tmp_path, generated_documents) -> None:
    from klsearch.index.merge_policy import MergePolicy
    from klsearch.index.writer import IndexWriter

    build_index(tmp_path / "one", generated_documents)
    with IndexWriter(tmp_path / "many", segment_docs=29, merge_policy=MergePolicy(factor=1000)) as writer:
        for doc in generated_documents:
            writer.add(doc)
    with IndexWriter(tmp_path / "merged", segment_docs=29) as writer:
        for doc in generated_documents:
            writer.add(doc)
    assert len(IndexReader(tmp_path / "many").segments) == 11
    assert len(IndexReader(tmp_path / "merged").segments) == 2  # ten of 29 merged, one of 10 left
    for query in ["kommunerne", '"lærernes arbejdstid"', "øko*", "category:Politik velfærd", "*"]:
        answers = []
        for name in ("one", "many", "merged"):
            with open_index(tmp_path / name) as index:
                result = index.search(query, limit=300)
            ranked = sorted((-round(h.score, 4), h.id) for h in result)
            answers.append((result.total, result.facets, ranked))
        assert answers[0] == answers[1] == answers[2], query


def _damage(tmp_path, generated_documents, how):
    from click.testing import CliRunner

    from klsearch.cli import cli

    build_index(tmp_path / "idx", generated_documents[:40])
    seg = next(p for p in (tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir() if p.is_dir())
    target = seg / fmt.POSTINGS_DOCS
    data = bytearray(target.read_bytes())
    how(target, data)
    result = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert "postings.docs.npy" in result.output and seg.name in result.output
    assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(CorruptIndexError, match="postings.docs.npy"):
        with open_index(tmp_path / "idx") as index:
            index.search("kommunerne")
    answer = CliRunner().invoke(cli, ["query", "kommunerne", "--index", str(tmp_path / "idx")])
    assert answer.exit_code == 2 and "Traceback" not in answer.output


def test_a_flipped_bit_is_reported_as_corruption(tmp_path, generated_documents) -> None:
    def flip(path, data):
        data[-3] ^= 0x10
        path.write_bytes(bytes(data))

    _damage(tmp_path, generated_documents, flip)


def test_a_truncated_file_is_reported_as_corruption(tmp_path, generated_documents) -> None:
    def truncate(path, data):
        path.write_bytes(bytes(data[: len(data) - 7]))

    _damage(tmp_path, generated_documents, truncate)
