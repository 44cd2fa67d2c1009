"""Merging segments: the merged arrays are those of one pass over the live documents."""

from __future__ import annotations

import numpy as np
import pytest

from klsearch import CorruptIndexError, Document, IndexWriter, build_index
from klsearch.index import format as fmt
from klsearch.index import merge, stored
from klsearch.index.array_stream import ArrayWriter
from klsearch.index.manifest import read_manifest
from klsearch.index.merge_policy import MergePolicy
from klsearch.index.reader import IndexReader
from klsearch.index.storage import checksum

NO_MERGES = MergePolicy(factor=1000)
# The stored blobs differ by design: a merge copies whole blocks, so block boundaries stay where they were.
NOT_STORED = [name for name in fmt.ARRAY_FILES if not name.startswith("stored.")]


def write_segments(path, documents, segment_docs) -> None:
    with IndexWriter(path, segment_docs=segment_docs, merge_policy=NO_MERGES) as writer:
        for doc in documents:
            writer.add(doc)


def only_segment(path):
    (segment,) = IndexReader(path).segments
    return segment


def assert_same_arrays(merged, one, names) -> None:
    for name in names:
        a, b = merged.array(name), one.array(name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


@pytest.fixture
def small_chunks(monkeypatch) -> None:
    monkeypatch.setattr(merge, "CHUNK_ENTRIES", 500)  # a few hundred chunks over these documents
    monkeypatch.setattr(stored, "COPY_BLOCKS", 2)  # and stored blocks copied two at a time


def test_a_merge_gives_the_arrays_of_one_pass(tmp_path, generated_documents, small_chunks) -> None:
    build_index(tmp_path / "one", generated_documents)
    write_segments(tmp_path / "merged", generated_documents, segment_docs=23)
    assert len(IndexReader(tmp_path / "merged").segments) == 14
    with IndexWriter(tmp_path / "merged") as writer:
        writer.optimize()
    merged, one = only_segment(tmp_path / "merged"), only_segment(tmp_path / "one")
    assert_same_arrays(merged, one, NOT_STORED)
    del merged.meta["checksums"], one.meta["checksums"]  # the stored blobs' differ
    assert merged.meta == one.meta
    assert list(merged.documents()) == generated_documents


def test_a_merge_drops_deleted_documents_and_narrows_what_they_widened(
    tmp_path, generated_documents, small_chunks
) -> None:
    docs = generated_documents[:120]
    long = Document(id="long", title="Lang", body=" ".join(["kommunerne"] * 70_000), category="Politik")
    write_segments(tmp_path / "merged", [*docs[:45], long, *docs[45:]], segment_docs=30)
    removed = {"long", docs[3].id, *(d.id for d in docs[90:])}  # the last segment goes whole
    with IndexWriter(tmp_path / "merged", merge_policy=NO_MERGES) as writer:
        for doc_id in removed:
            writer.delete(doc_id)
    assert {s.postings_tf.dtype for s in IndexReader(tmp_path / "merged").segments} >= {np.dtype(np.uint32)}
    with IndexWriter(tmp_path / "merged") as writer:
        writer.optimize()
    kept = [d for d in docs if d.id not in removed]
    build_index(tmp_path / "one", kept)
    merged, one = only_segment(tmp_path / "merged"), only_segment(tmp_path / "one")
    assert merged.postings_tf.dtype == np.uint8 and merged.positions.dtype == one.positions.dtype
    # Surface words of deleted documents stay while their term has live postings.
    assert_same_arrays(merged, one, [name for name in NOT_STORED if not name.startswith("words.")])
    assert set(one.words) <= set(merged.words)
    assert list(merged.documents()) == kept


def test_a_damaged_source_stops_the_merge_and_keeps_the_commit(tmp_path, generated_documents) -> None:
    path = tmp_path / "idx"
    write_segments(path, generated_documents[:60], segment_docs=20)
    before = read_manifest(path)
    positions = path / fmt.SEGMENTS_DIR / str(before.segments[1]["name"]) / fmt.POSITIONS
    data = bytearray(positions.read_bytes())
    data[-1] ^= 0xFF
    positions.write_bytes(bytes(data))
    with pytest.raises(CorruptIndexError, match=f"{fmt.POSITIONS}: checksum mismatch"):
        with IndexWriter(path) as writer:
            writer.optimize()
    assert read_manifest(path) == before
    assert not [p for p in (path / fmt.SEGMENTS_DIR).iterdir() if p.name.startswith(".tmp-")]


def test_a_fresh_build_of_ten_segments_ends_in_one(tmp_path, generated_documents) -> None:
    with IndexWriter(tmp_path / "idx", segment_docs=30, replace=True) as writer:
        for doc in generated_documents:
            writer.add(doc)
    (segment,) = read_manifest(tmp_path / "idx").segments
    assert segment["docs"] == 300


def test_the_default_policy_merges_ten_segments_of_a_hundred_thousand() -> None:
    counts = {f"s{i}": 100_000 for i in range(10)}
    assert sorted(MergePolicy().select(counts) or []) == sorted(counts)
    assert MergePolicy().select({**counts, "s9": 99_999}) is None  # nine in the tier: not yet


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.int64])
def test_an_appended_array_file_is_what_numpy_saves(tmp_path, dtype) -> None:
    values = (np.arange(1000, dtype=np.int64) * 7) % 250
    with ArrayWriter(tmp_path / "a.npy", dtype) as out:
        for part in np.array_split(values, 7):
            out.append(part)
    np.save(tmp_path / "b.npy", values.astype(dtype))
    assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()
    with ArrayWriter(tmp_path / "narrowed.npy", dtype, narrow_from=np.uint8) as out:
        out.append(values)
    np.save(tmp_path / "c.npy", values.astype(np.uint8))
    assert (tmp_path / "narrowed.npy").read_bytes() == (tmp_path / "c.npy").read_bytes()
    assert out.checksum == checksum(values.astype(np.uint8))
