"""Facet counts over all matching documents (not just the page shown)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..index.segment_reader import SegmentReader

FACETS = ("category", "year", "section")


def count_facets(seg: SegmentReader, docs: np.ndarray, facets: tuple[str, ...], into: dict[str, Counter[str]]) -> None:
    """Add the facet counts of ``docs`` (a segment's matching doc numbers) to ``into``."""
    for facet in facets:
        counter = into.setdefault(facet, Counter())
        if facet == "year":
            years, counts = np.unique(seg.year[docs], return_counts=True)
            for year, count in zip(years.tolist(), counts.tolist()):
                if year:
                    counter[str(year)] += count
            continue
        column = seg.category if facet == "category" else seg.section
        values = seg.category_values if facet == "category" else seg.section_values
        counts = np.bincount(column[docs].astype(np.int64) + 1, minlength=len(values) + 1)
        for value, count in zip(values, counts[1:].tolist()):
            if count:
                counter[value] += count


def ordered(counter: Counter[str], facet: str) -> dict[str, int]:
    """Years newest first; other facets by count, then name."""
    if facet == "year":
        return {k: counter[k] for k in sorted(counter, key=int, reverse=True)}
    return {k: counter[k] for k in sorted(counter, key=lambda k: (-counter[k], k))}
