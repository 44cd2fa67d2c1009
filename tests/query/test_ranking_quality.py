"""Ranking quality on the judged KL queries must not fall below what was measured."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level folder of the repo, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.ranking_quality import (  # noqa: E402
    build_bundled_index,
    evaluate,
    judgment_rows,
    load_judgments,
    ndcg,
    recall,
)

from klsearch.corpus import read_bundled_corpus  # noqa: E402

# Measured with `python -m benchmarks.ranking_quality` (Analyzer v1, BM25F defaults).
# Raise these when the ranking improves.
BASELINE = {"ndcg": 0.927, "recall": 0.878}
MARGIN = 0.01  # about one query of 52 losing half its nDCG


def test_ndcg() -> None:
    grades = {"a": 2, "b": 1}
    assert ndcg(["a", "b", "x"], grades) == pytest.approx(1.0)
    assert ndcg(["b", "a"], grades) == pytest.approx((1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3)))
    assert ndcg(["x", "a", "b"], grades) < ndcg(["a", "x", "b"], grades) < 1.0
    assert ndcg([], grades) == 0.0
    assert ndcg(["x"] * 10 + ["a"], grades) == 0.0  # below the cut-off


def test_recall_is_capped_at_k() -> None:
    grades = {f"d{i}": 1 for i in range(12)}
    assert recall([f"d{i}" for i in range(10)], grades) == 1.0
    assert recall(["d0", "x"], {"d0": 2, "d1": 1}) == 0.5


def test_judgments_name_real_documents() -> None:
    titles = {doc.id: doc.title.strip() for doc in read_bundled_corpus()}
    rows = judgment_rows()
    assert len({query for query, *_ in rows}) >= 30
    for query, grade, doc_id, title in rows:
        assert titles.get(doc_id) == title, (query, doc_id)
        assert grade in {1, 2}
    assert all(2 in grades.values() for grades in load_judgments().values())


def test_ranking_quality_does_not_regress(tmp_path: Path) -> None:
    result = evaluate(build_bundled_index(tmp_path / "kl"))
    assert len(result["queries"]) == len(load_judgments())
    assert result["ndcg"] >= BASELINE["ndcg"] - MARGIN
    assert result["recall"] >= BASELINE["recall"] - MARGIN
