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
    for name in (fmt.POSTINGS_START, fmt.POSITIONS_START):
        starts = seg.array(name)
        _require(len(starts) == n_terms + 1 and bool(np.all(np.diff(starts) >= 0)), seg, name, "offsets out of order")
    _require(int(seg.postings_start[-1]) == len(seg.postings_docs), seg, fmt.POSTINGS_START, "does not cover the postings")
    _require(int(seg.positions_start[-1]) == len(seg.positions), seg, fmt.POSITIONS_START, "does not cover the positions")
    _require(bool(np.all(seg.postings_docs < n)) if n else len(seg.postings_docs) == 0, seg, fmt.POSTINGS_DOCS, "names a document that does not exist")
    _require(int(seg.postings_tf.sum(dtype=np.int64)) == len(seg.positions), seg, fmt.POSTINGS_TF, "does not match the positions")
    _require(len(seg.ids()) == n, seg, fmt.IDS_OFFSETS, "wrong number of ids")
    for doc in range(n):
        seg.document(doc)


def _require(condition: bool, seg: SegmentReader, name: str, problem: str) -> None:
    if not condition:
        raise CorruptIndexError(f"{seg.folder / name}: {problem}")
