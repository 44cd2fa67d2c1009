"""Format version 2: compressed stored documents, sparse title frequencies, and their checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from klsearch import CorruptIndexError, IndexVersionError, IndexWriter, build_index, open_index
from klsearch.cli import cli
from klsearch.index import format as fmt
from klsearch.index.check import check_index
from klsearch.index.merge_policy import MergePolicy
from klsearch.index.reader import IndexReader
from klsearch.index.storage import checksum, save_array
from klsearch.index.stored import BLOCK_BYTES


def test_stored_documents_span_many_compressed_blocks(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents)
    seg = IndexReader(tmp_path / "idx").segments[0]
    raw_bytes = int(seg.array(fmt.STORED_OFFSETS)[-1])
    assert seg.stored.block_count >= raw_bytes // (2 * BLOCK_BYTES) > 1
    assert len(seg.array(fmt.STORED_BLOB)) < raw_bytes * 0.7  # Danish text compresses
    assert list(seg.documents()) == generated_documents
    # single reads, in an order that jumps between blocks
    for doc in [299, 0, 150, 17, 298, 1]:
        assert seg.document(doc) == generated_documents[doc]


def test_a_merge_copies_whole_blocks_and_repacks_the_rest(tmp_path, generated_documents) -> None:
    path = tmp_path / "idx"
    with IndexWriter(path, segment_docs=100, merge_policy=MergePolicy(factor=1000)) as writer:
        for doc in generated_documents:
            writer.add(doc)
    deleted = {generated_documents[i].id for i in (3, 150, 151, 299)}
    with IndexWriter(path, merge_policy=MergePolicy(factor=1000)) as writer:
        for doc_id in deleted:
            writer.delete(doc_id)
    before = IndexReader(path)
    assert len(before.segments) == 3
    whole_blocks = []
    for seg in before.segments:
        for block in range(seg.stored.block_count):
            first, end = seg.stored.block_range(block)
            if seg.live[first:end].all():
                whole_blocks.append(bytes(seg.stored.compressed(block)))

    with IndexWriter(path) as writer:
        writer.optimize()
    (merged,) = IndexReader(path).segments
    assert list(merged.documents()) == [d for d in generated_documents if d.id not in deleted]
    merged_blocks = {bytes(merged.stored.compressed(b)) for b in range(merged.stored.block_count)}
    assert whole_blocks and set(whole_blocks) <= merged_blocks
    assert check_index(path).ok


def test_title_frequencies_are_the_title_positions(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "one", generated_documents)
    with IndexWriter(tmp_path / "merged", segment_docs=29) as writer:
        for doc in generated_documents:
            writer.add(doc)
    for path in (tmp_path / "one", tmp_path / "merged"):
        for seg in IndexReader(path).segments:
            tf = seg.postings_tf.astype(np.int64)
            doc_of_position = np.repeat(seg.postings_docs.astype(np.int64), tf)
            in_title = seg.positions < seg.title_len[doc_of_position].astype(np.int64) + fmt.FIELD_GAP
            expected = np.add.reduceat(in_title.astype(np.int64), np.cumsum(tf) - tf)
            assert np.array_equal(seg.postings_tf_title, expected)
            assert 0 < len(seg.array(fmt.POSTINGS_IN_TITLE)) < len(tf) / 4


def test_an_index_of_the_previous_format_asks_for_a_rebuild(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:20])
    manifest_path = tmp_path / "idx" / fmt.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "format_version": 1}))
    with pytest.raises(IndexVersionError, match="rebuild"):
        open_index(tmp_path / "idx")
    result = CliRunner().invoke(cli, ["query", "kommunerne", "--index", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "rebuild" in result.output


def _replace_array(index_dir, name: str, array: np.ndarray) -> None:
    """Overwrite one array of the only segment and fix its checksum: damage a checksum cannot see."""
    manifest_path = index_dir / fmt.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    (entry,) = manifest["segments"]
    save_array(index_dir / fmt.SEGMENTS_DIR / entry["name"] / name, array)
    entry["files"][name] = checksum(array)
    manifest_path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("name", "damage", "problem"),
    [
        (fmt.STORED_OFFSETS, lambda a: np.append(a[:-1], a[-1] + 1), "stored block"),
        (fmt.STORED_BLOCK_DOCS, lambda a: a[::-1].copy(), "does not cover the documents"),
        (fmt.POSTINGS_IN_TITLE, lambda a: a[::-1].copy(), "out of order"),
        (fmt.POSTINGS_TF_TITLE, lambda a: a + 100, "does not fit"),
    ],
)
def test_check_finds_inconsistent_new_arrays(tmp_path, generated_documents, name, damage, problem) -> None:
    build_index(tmp_path / "idx", generated_documents[:60])
    assert check_index(tmp_path / "idx").ok
    seg_dir = next(p for p in (tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir() if p.is_dir())
    _replace_array(tmp_path / "idx", name, damage(np.load(seg_dir / name)))
    result = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert problem in result.output and seg_dir.name in result.output


def test_a_flipped_bit_in_the_stored_documents_is_found(tmp_path, generated_documents) -> None:
    build_index(tmp_path / "idx", generated_documents[:60])
    seg_dir = next(p for p in (tmp_path / "idx" / fmt.SEGMENTS_DIR).iterdir() if p.is_dir())
    data = bytearray((seg_dir / fmt.STORED_BLOB).read_bytes())
    data[len(data) // 2] ^= 0x01
    (seg_dir / fmt.STORED_BLOB).write_bytes(bytes(data))
    report = check_index(tmp_path / "idx")
    assert [p for p in report.problems if fmt.STORED_BLOB in p]
    with open_index(tmp_path / "idx") as index:
        hits = index.search("kommunerne", limit=3)
        with pytest.raises(CorruptIndexError, match="stored.blob.npy"):
            [hit.title for hit in hits]
