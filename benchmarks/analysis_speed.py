"""Speed of the Danish analysis chain on running Danish text.

    python -m benchmarks.analysis_speed [--docs 5000] [--reps 5]

Text: the first --docs documents of the benchmark corpus generator (real
Danish sentences with a long-tailed vocabulary). Reports tokens per second,
median of --reps runs, for:

- index chain: what the index writer runs per field (normalise, complete
  suspended hyphens, tokenise, map every token to its analysed entry), in
  the steady state of a large segment where every distinct word has been
  analysed once already;
- terms with positions: ``Analyzer.index_terms`` producing every
  ``(term, position)`` pair in Python (warm cache);
- uncached: a fresh analyzer per run, so every distinct word is folded,
  looked up in the lexicon, decompounded and stemmed once (the first pass
  over a new corpus).
"""

from __future__ import annotations

import argparse
import statistics
import time

from klsearch.analysis import Analyzer
from klsearch.index.segment_writer import SegmentWriter

from .corpus_gen import Generator


def texts(n_docs: int) -> list[str]:
    gen = Generator()
    out = []
    for i in range(n_docs):
        doc = gen.document(i)
        out += [doc["title"], doc["body"]]
    return out


def index_chain(analyzer: Analyzer, fields: list[str], writer: SegmentWriter | None = None) -> tuple[int, float]:
    writer = writer if writer is not None else SegmentWriter(analyzer)
    started = time.perf_counter()
    tokens = 0
    for text in fields:
        tokens += writer._field(text)
    return tokens, time.perf_counter() - started


def terms_with_positions(analyzer: Analyzer, fields: list[str]) -> tuple[int, float]:
    started = time.perf_counter()
    tokens = 0
    for text in fields:
        tokens += analyzer.index_terms(text)[1]
    return tokens, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.analysis_speed")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    fields = texts(args.docs)
    warm = Analyzer()
    steady = SegmentWriter(warm)
    index_chain(warm, fields, steady)  # every distinct word analysed once
    rates: dict[str, list[float]] = {"index chain (warm cache)": [], "terms with positions (warm cache)": [], "uncached (fresh analyzer)": []}
    for _ in range(args.reps):
        n, s = index_chain(warm, fields, steady)
        rates["index chain (warm cache)"].append(n / s)
        n, s = terms_with_positions(warm, fields)
        rates["terms with positions (warm cache)"].append(n / s)
        n, s = index_chain(Analyzer(), fields)
        rates["uncached (fresh analyzer)"].append(n / s)
    distinct = len(warm._cache)
    print(f"{args.docs} documents, {n:,} tokens, {distinct:,} distinct raw tokens; median of {args.reps} runs")
    for name, values in rates.items():
        print(f"  {name:36} {statistics.median(values) / 1e6:6.2f} M tokens/s")


if __name__ == "__main__":
    main()
