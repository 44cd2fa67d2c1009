"""Verify an index: every file's checksum and the arrays' invariants."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CorruptIndexError, KlsearchError
from . import format as fmt
from .manifest import read_manifest
from .reader import _open_segment
from .segment_reader import SegmentReader


@dataclass
class CheckReport:
    """What ``klsearch check`` found: problems name the segment and file."""

    documents: int = 0
    segments: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(path: str | os.PathLike[str]) -> CheckReport:
    """Read every byte of the committed index and report damage."""
    index_dir = Path(path)
    manifest = read_manifest(index_dir)
    report = CheckReport(documents=manifest.doc_count, segments=len(manifest.segments))
    for entry in manifest.segments:
        name = str(entry["name"])
        try:
            seg = _open_segment(index_dir, entry)
            _check_segment(seg)
        except FileNotFoundError as exc:
            report.problems.append(f"segment {name}: {Path(str(exc.filename or exc)).name} is missing")
        except KlsearchError as exc:
            report.problems.append(str(exc))
    return report


def _check_segment(seg: SegmentReader) -> None:
    for name in fmt.ARRAY_FILES:
        seg.array(name)  # verifies the checksum
    n = seg.doc_count
    for name in (fmt.TITLE_LEN, fmt.BODY_LEN, fmt.CATEGORY, fmt.SECTION, fmt.YEAR, fmt.DATE, fmt.DOC_HASH):
        _require(len(seg.array(name)) == n, seg, name, f"has {len(seg.array(name))} entries for {n} documents")
    n_terms = len(seg.terms)
    _require(_runs_from_zero(seg.postings_start, len(seg.postings_docs)) and len(seg.postings_start) == n_terms + 1,
             seg, fmt.POSTINGS_START, "does not cover the postings in order")
    _require(_runs_from_zero(seg.positions_start, len(seg.positions)) and len(seg.positions_start) == n_terms + 1,
             seg, fmt.POSITIONS_START, "does not cover the positions in order")
    _require(bool(np.all(seg.postings_docs < n)) if n else len(seg.postings_docs) == 0, seg, fmt.POSTINGS_DOCS, "names a document that does not exist")
    _require(int(seg.postings_tf.sum(dtype=np.int64)) == len(seg.positions), seg, fmt.POSTINGS_TF, "does not match the positions")
    in_title, tf_title = seg.array(fmt.POSTINGS_IN_TITLE).astype(np.int64), seg.array(fmt.POSTINGS_TF_TITLE)
    in_order = bool(np.all(np.diff(in_title) > 0)) and (len(in_title) == 0 or 0 <= in_title[0] <= in_title[-1] < len(seg.postings_docs))
    _require(in_order and len(tf_title) == len(in_title), seg, fmt.POSTINGS_IN_TITLE, "names postings out of order or range")
    fits = bool(np.all((tf_title > 0) & (tf_title <= seg.postings_tf[in_title])))
    _require(fits, seg, fmt.POSTINGS_TF_TITLE, "does not fit the postings' frequencies")
    _require(len(seg.ids()) == n, seg, fmt.IDS_OFFSETS, "wrong number of ids")
    _check_stored(seg)
    for _ in seg.documents():  # decompresses every block, checking its size, and parses every document
        pass


def _check_stored(seg: SegmentReader) -> None:
    blocks, block_docs = seg.array(fmt.STORED_BLOCKS), seg.array(fmt.STORED_BLOCK_DOCS)
    offsets = seg.array(fmt.STORED_OFFSETS)
    covers_blob = _runs_from_zero(blocks, len(seg.array(fmt.STORED_BLOB)))
    _require(covers_blob, seg, fmt.STORED_BLOCKS, "does not cover the blob")
    non_empty = bool(np.all(np.diff(block_docs.astype(np.int64)) > 0))
    covers_docs = _runs_from_zero(block_docs, seg.doc_count) and len(block_docs) == len(blocks) and non_empty
    _require(covers_docs, seg, fmt.STORED_BLOCK_DOCS, "does not cover the documents")
    in_order = len(offsets) == seg.doc_count + 1 and _runs_from_zero(offsets, int(offsets[-1]))
    _require(in_order, seg, fmt.STORED_OFFSETS, "offsets out of order")


def _runs_from_zero(offsets: np.ndarray, end: int) -> bool:
    """``offsets`` ascend from 0 to ``end``."""
    if len(offsets) == 0 or int(offsets[0]) != 0 or int(offsets[-1]) != end:
        return False
    return bool(np.all(np.diff(offsets.astype(np.int64)) >= 0))


def _require(condition: bool, seg: SegmentReader, name: str, problem: str) -> None:
    if not condition:
        raise CorruptIndexError(f"{seg.folder / name}: {problem}")
