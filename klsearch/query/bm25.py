"""BM25 with Lucene's idf, over two fields combined the BM25F way.

    idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))
    tf~(t,d) = w_title * tf_title / B_title(d) + w_body * tf_body / B_body(d)
    B_f(d)   = 1 - b + b * len_f(d) / avglen_f
    score    = idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BM25Params:
    """Ranking parameters; validated on construction."""

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 2.0
    body_weight: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.k1) and self.k1 >= 0):
            raise ValueError(f"illegal k1 value: {self.k1}, must be a non-negative finite value")
        if not (math.isfinite(self.b) and 0 <= self.b <= 1):
            raise ValueError(f"illegal b value: {self.b}, must be between 0 and 1")
        for name in ("title_weight", "body_weight"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"illegal {name}: {value}, must be a non-negative finite value")


def idf(doc_count: int, doc_freq: int) -> float:
    """Lucene's BM25 idf (always positive)."""
    return math.log(1.0 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def length_norm(lengths: np.ndarray, avg_length: float, b: float) -> np.ndarray:
    """``1 / B_f(d)`` for every document of a segment."""
    if avg_length <= 0:
        return np.ones(len(lengths), dtype=np.float32)
    return (1.0 / (1.0 - b + b * lengths.astype(np.float32) / np.float32(avg_length))).astype(np.float32)


def bm25f(
    weight: float,
    tf_title: np.ndarray,
    tf_body: np.ndarray,
    norm_title: np.ndarray,
    norm_body: np.ndarray,
    params: BM25Params,
) -> np.ndarray:
    """Scores of the given postings; ``weight`` is the (summed) idf of the leaf."""
    tf = (params.title_weight * norm_title) * tf_title + (params.body_weight * norm_body) * tf_body
    return (np.float32(weight * (params.k1 + 1)) * tf / (np.float32(params.k1) + tf)).astype(np.float32)
