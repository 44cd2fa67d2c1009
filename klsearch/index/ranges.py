"""Index ranges of numpy arrays, concatenated without a Python loop."""

from __future__ import annotations

import numpy as np


def flat_ranges(starts: np.ndarray, counts: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
    """``arange(starts[i], starts[i] + counts[i])`` for every i, concatenated (int64).

    ``offsets``, when the caller has it, is ``[0, *cumsum(counts)]``.
    """
    if offsets is None:
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets[:-1], counts) + np.arange(total, dtype=np.int64)
