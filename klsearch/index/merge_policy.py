"""Which segments to merge: size tiers, so the segment count stays logarithmic."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class MergePolicy:
    """Merge ``factor`` segments of the same size tier into one.

    A tier holds segments whose live document counts share
    ``floor(log_factor(count))``; with at most ``factor - 1`` segments per
    tier, an index of N documents has O(log N) segments. A merge streams its
    postings, but its term and word dictionaries and per-document columns
    grow with the documents it makes, so merges beyond ``max_merged_docs``
    documents are left to ``optimize``.
    """

    factor: int = 10
    max_merged_docs: int = 2_000_000

    def __post_init__(self) -> None:
        if self.factor < 2:
            raise ValueError(f"illegal merge factor {self.factor}, must be at least 2")

    def select(self, live_counts: dict[str, int]) -> list[str] | None:
        """Names of segments to merge next, or None when the index is in shape."""
        tiers: dict[int, list[str]] = defaultdict(list)
        for name, count in live_counts.items():
            tiers[int(math.log(max(count, 1), self.factor))].append(name)
        for tier in sorted(tiers):
            names = sorted(tiers[tier], key=lambda n: live_counts[n])[: self.factor]
            if len(names) >= self.factor and sum(live_counts[n] for n in names) <= self.max_merged_docs:
                return names
        return None
