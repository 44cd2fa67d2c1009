"""Facet counts over all matching documents (not just the page shown).

Each facet field has small per-document codes (:meth:`SegmentReader.facet_codes`:
0 for a missing value, years offset from the segment's first year). The facets
asked for are combined into one key per document, so one gather and one
``np.bincount`` over the matching documents count them all; the counts of each
facet are the margins of that joint count.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..index.segment_reader import SegmentReader

FACETS = ("category", "year", "section")

MAX_JOINT_BINS = 1 << 16
"""Largest joint key space; beyond it each facet is counted on its own."""

_JOINT_ABOVE = 512  # fewer matching documents: a bincount per facet costs less than the joint one's margins


class SegmentFacets:
    """Counts the values of some facets for documents of one segment."""

    def __init__(self, seg: SegmentReader, facets: tuple[str, ...]) -> None:
        self.seg = seg
        self.facets = facets
        coded = [seg.facet_codes(f) for f in facets]
        self.codes = [c for c, _ in coded]
        self.labels = [labels for _, labels in coded]
        self.sizes = tuple(len(labels) for labels in self.labels)
        bins = int(np.prod(self.sizes, dtype=np.int64)) if facets else 0
        self.key: np.ndarray | None = None
        self.bins = bins
        if len(facets) > 1 and bins <= MAX_JOINT_BINS:
            key = self.codes[0].copy()
            for codes, size in zip(self.codes[1:], self.sizes[1:]):
                key *= size
                key += codes
            self.key = key
        self._all: list[np.ndarray] | None = None

    @classmethod
    def of(cls, seg: SegmentReader, facets: tuple[str, ...]) -> "SegmentFacets":
        """The (cached) counter of ``facets`` for ``seg``."""
        return seg.derived(("facets", facets), lambda: cls(seg, facets))

    def count(self, docs: np.ndarray) -> list[np.ndarray]:
        """Counts per code of each facet over ``docs`` (intp document numbers)."""
        if self.key is not None and len(docs) > _JOINT_ABOVE:
            joint = np.bincount(self.key[docs], minlength=self.bins).reshape(self.sizes)
            axes = range(len(self.sizes))
            return [joint.sum(axis=tuple(a for a in axes if a != i)) for i in axes]
        return [np.bincount(codes[docs], minlength=size) for codes, size in zip(self.codes, self.sizes)]

    def count_live(self) -> list[np.ndarray]:
        """Counts over every live document of the segment (computed once)."""
        if self._all is None:
            self._all = self.count(self.seg.live_docs)
        return self._all

    def by_value(self, i: int, column: np.ndarray) -> dict[str, int]:
        """Per-code counts of facet ``i`` (from :meth:`count`) by value, in display order."""
        labels = self.labels[i]
        values = column.tolist()
        if self.facets[i] == "year":  # codes go up with the year
            newest_first = range(len(values) - 1, 0, -1)
            return {labels[code]: values[code] for code in newest_first if values[code]}  # type: ignore[misc]
        ranked = sorted((-count, labels[code]) for code, count in enumerate(values) if code and count)
        return {label: -neg for neg, label in ranked}  # type: ignore[misc]  # by count, then name

    def add(self, counts: list[np.ndarray], into: dict[str, dict[str, int]]) -> None:
        """Add per-code counts (from :meth:`count`) to ``into`` by value; missing values are left out."""
        for facet, labels, column in zip(self.facets, self.labels, counts):
            out = into[facet]
            values = column.tolist()
            for code in range(1, len(values)):
                count = values[code]
                if count:
                    label = labels[code]
                    out[label] = out.get(label, 0) + count  # type: ignore[index]


def facet_counts(
    counted: list[tuple[SegmentFacets, list[np.ndarray]]], facets: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Counts by value of each facet, in display order (see :func:`ordered`), from each
    segment's counter and its per-code counts."""
    if len(counted) == 1:
        counter, columns = counted[0]
        return {facet: counter.by_value(i, columns[i]) for i, facet in enumerate(facets)}
    into: dict[str, dict[str, int]] = {facet: {} for facet in facets}
    for counter, columns in counted:
        counter.add(columns, into)
    return {facet: ordered(into[facet], facet) for facet in facets}


def ordered(counter: Mapping[str, int], facet: str) -> dict[str, int]:
    """Years newest first; other facets by count, then name."""
    if facet == "year":
        return {k: counter[k] for k in sorted(counter, key=int, reverse=True)}
    return {k: counter[k] for k in sorted(counter, key=lambda k: (-counter[k], k))}
