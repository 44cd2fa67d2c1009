"""Sorted string tables stored as a UTF-8 blob plus offsets.

Used for the term dictionary and the surface-word vocabulary: both are
memory-mapped and searched by bisection, so opening costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .storage import narrow


def encode_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(blob uint8, offsets)`` of strings in the given order."""
    # Joined and encoded at once: a bytes object per string costs several times more.
    joined = "".join(strings)
    blob = joined.encode("utf-8")
    offsets = offsets_of(map(len, strings), len(strings))  # in characters
    if len(blob) != len(joined):  # not all ASCII: count each character's UTF-8 bytes
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        size = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
        ends = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(size, out=ends[1:])
        offsets = narrow(ends[offsets], at_least=np.uint32)
    return np.frombuffer(blob, dtype=np.uint8), offsets


def offsets_of(lengths: Iterable[int], count: int) -> np.ndarray:
    """``[0, l0, l0+l1, ...]``: where each of ``count`` items of these lengths starts, and the end."""
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.fromiter(lengths, dtype=np.int64, count=count), out=offsets[1:])
    return narrow(offsets, at_least=np.uint32)


class StringTable:
    """Read side: sorted strings in a blob, found by binary search."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob
        self._offsets = offsets
        self.size = len(offsets) - 1

    def __len__(self) -> int:
        return self.size

    def key(self, i: int) -> bytes:
        """The i-th string as UTF-8 bytes."""
        return self._blob[int(self._offsets[i]) : int(self._offsets[i + 1])].tobytes()

    def __getitem__(self, i: int) -> str:
        return self.key(i).decode("utf-8")

    def lower_bound(self, target: bytes) -> int:
        """First index whose string is >= target (UTF-8 byte order = code point order)."""
        lo, hi = 0, self.size
        while lo < hi:
            mid = (lo + hi) // 2
            if self.key(mid) < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find(self, s: str) -> int:
        """Index of ``s``, or -1."""
        target = s.encode("utf-8")
        i = self.lower_bound(target)
        return i if i < self.size and self.key(i) == target else -1

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """``[start, stop)`` of the strings that start with ``prefix``."""
        target = prefix.encode("utf-8")
        start = self.lower_bound(target)
        stop = self.lower_bound(target + b"\xff")
        return start, stop
