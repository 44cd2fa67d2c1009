"""Ranking quality on the bundled KL corpus: nDCG@10 and recall@10 over judged queries.

    python -m benchmarks.ranking_quality            # builds a temporary index of the bundled corpus
    python -m benchmarks.ranking_quality --index indexes/kl --json

The judgments are ``tests/data/judged_queries.tsv`` (graded 2 / 1; anything
not listed is not relevant). To compare analyzer variants, build one index
per variant and call :func:`evaluate` on each.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import klsearch
from klsearch.analysis import Analyzer
from klsearch.index.writer import build_index
from klsearch.corpus import read_bundled_corpus

JUDGMENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "judged_queries.tsv"
K = 10
WORST = 5  # how many queries the report flags

Judgments = dict[str, dict[str, int]]


def judgment_rows(path: str | os.PathLike[str] = JUDGMENTS) -> list[tuple[str, int, str, str]]:
    """``(query, grade, doc id, title)`` rows of a judgments TSV (``#`` lines are comments)."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    rows = []
    for line in lines[1:]:  # the header
        query, grade, doc_id, title = line.split("\t")
        rows.append((query, int(grade), doc_id, title))
    return rows


def load_judgments(path: str | os.PathLike[str] = JUDGMENTS) -> Judgments:
    """``{query: {doc id: grade}}``, queries in file order."""
    judgments: Judgments = {}
    for query, grade, doc_id, _title in judgment_rows(path):
        judgments.setdefault(query, {})[doc_id] = grade
    return judgments


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    """nDCG@k with gains 2^grade - 1."""
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    """Relevant documents in the top k over min(k, relevant documents): 1.0 is reachable."""
    relevant = {doc for doc, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / min(k, len(relevant))


def evaluate(
    index_path: str | os.PathLike[str], judgments: Judgments | None = None, k: int = K
) -> dict[str, object]:
    """Run every judged query on the index at ``index_path``.

    Returns ``{"ndcg", "recall"}`` (means over queries) and ``"queries"``:
    per query its ``ndcg``, ``recall``, ``ranked`` ids and the relevant ids it
    ``missed`` in the top k.
    """
    judgments = load_judgments() if judgments is None else judgments
    per_query: dict[str, dict[str, object]] = {}
    with klsearch.open_index(index_path) as index:
        for query, grades in judgments.items():
            ranked = [hit.id for hit in index.search(query, limit=k, facets=())]
            per_query[query] = {
                "ndcg": ndcg(ranked, grades, k),
                "recall": recall(ranked, grades, k),
                "ranked": ranked,
                "missed": [doc for doc, g in grades.items() if g > 0 and doc not in ranked],
            }
    return {
        "ndcg": sum(q["ndcg"] for q in per_query.values()) / len(per_query),
        "recall": sum(q["recall"] for q in per_query.values()) / len(per_query),
        "queries": per_query,
    }


def build_bundled_index(path: str | os.PathLike[str], analyzer: Analyzer | None = None) -> Path:
    """Index the bundled KL corpus at ``path`` (with the default or the given analyzer)."""
    build_index(path, read_bundled_corpus(), analyzer=analyzer)
    return Path(path)


# Analyzer variants compared by --variants: each switch of the Danish analysis on its own.
VARIANTS = {
    "Snowball only (lowercase, stop, stem)": {"lemmas": False, "decompound": False, "folding": False},
    "+ folding (aa/å, accents)": {"lemmas": False, "decompound": False, "folding": True},
    "+ base forms": {"lemmas": True, "decompound": False, "folding": True},
    "+ decompounding (default)": {"lemmas": True, "decompound": True, "folding": True},
    "decompounding without base forms": {"lemmas": False, "decompound": True, "folding": True},
}


def compare_variants(judgments: Judgments) -> str:
    """nDCG@10 and recall@10 of each analyzer variant, as a markdown table."""
    lines = [f"| analyzer | nDCG@{K} | recall@{K} |", "|---|---:|---:|"]
    for name, switches in VARIANTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            result = evaluate(build_bundled_index(Path(tmp) / "kl", Analyzer(**switches)), judgments)
        lines.append(f"| {name} | {result['ndcg']:.3f} | {result['recall']:.3f} |")
    return "\n".join(lines)


def report(result: Mapping[str, object], k: int = K) -> str:
    """Means, then one line per query; the WORST queries by nDCG are flagged with ``!``."""
    queries: dict[str, dict] = result["queries"]  # type: ignore[assignment]
    worst = set(sorted(queries, key=lambda q: (queries[q]["ndcg"], queries[q]["recall"]))[:WORST])
    titles = {doc.id: doc.title.strip() for doc in read_bundled_corpus()}
    width = max(len(q) for q in queries)
    lines = [
        f"{len(queries)} judged queries: "
        f"mean nDCG@{k} {result['ndcg']:.3f}  mean recall@{k} {result['recall']:.3f}",
        "",
        f"   {'query'.ljust(width)}  nDCG@{k}  recall@{k}",
    ]
    for query, scores in queries.items():
        flag = "!" if query in worst else " "
        lines.append(f"{flag}  {query.ljust(width)}  {scores['ndcg']:7.3f}  {scores['recall']:9.3f}")
        if query in worst:
            lines += [f"{' ' * (width + 5)}missed: {titles.get(doc, doc)}" for doc in scores["missed"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ranking_quality", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--index", help="evaluate this index instead of a fresh one of the bundled corpus")
    parser.add_argument("--judgments", default=str(JUDGMENTS), help="judgments TSV (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--variants", action="store_true", help="compare the analyzer's switches")
    args = parser.parse_args(argv)
    judgments = load_judgments(args.judgments)
    if args.variants:
        print(compare_variants(judgments))
        return
    if args.index:
        result = evaluate(args.index, judgments)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = evaluate(build_bundled_index(Path(tmp) / "kl"), judgments)
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else report(result))


if __name__ == "__main__":
    main()
