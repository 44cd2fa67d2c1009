"""Speed of the Danish analysis chain on running Danish text.

    python -m benchmarks.analysis_speed [--docs 5000] [--reps 5] [--words CORPUS.jsonl [--word-reps 3]]

Text: the first --docs documents of the benchmark corpus generator (real
Danish sentences with a long-tailed vocabulary). Reports tokens per second,
median of --reps runs, for:

- index chain: what the index writer runs on each batch of documents
  (``BatchAnalyzer``: normalise, complete suspended hyphens, tokenise, map
  every token to its analysed entry, positions), in the steady state of a
  large segment where every distinct word has been analysed once already;
- terms with positions: ``Analyzer.index_terms`` producing every
  ``(term, position)`` pair in Python (warm cache);
- tokenise: normalising and splitting into raw tokens only;
- uncached: the index chain in a fresh process per run, so every distinct
  word is folded, looked up in the lexicon, decompounded and stemmed once
  (the first pass over a new corpus, no cache warm; loading the lexicon
  is not counted).

With --words, it also collects every distinct raw token of a JSONL corpus
(titles and bodies, as the index writer tokenises them) and times expanding
each one once, in a fresh process per run so that no cache is warm: the
microseconds per distinct word that dominate building a large index.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from klsearch.analysis import Analyzer, tokenize
from klsearch.analysis.lexicon import get_lexicon
from klsearch.analysis.normalize import normalize
from klsearch.corpus import read_jsonl
from klsearch.index.batch import BatchAnalyzer, Texts
from klsearch.index.parallel import BATCH_DOCS

from .corpus_gen import Generator


def documents(n_docs: int) -> Texts:
    gen = Generator()
    return [(doc["title"], doc["body"]) for doc in map(gen.document, range(n_docs))]


def index_chain(batches: BatchAnalyzer, docs: Texts) -> float:
    """Seconds to analyse the documents batch by batch, as the index writer does."""
    started = time.perf_counter()
    for i in range(0, len(docs), BATCH_DOCS):
        batches.analyze(docs[i : i + BATCH_DOCS])
    return time.perf_counter() - started


def uncached(docs: Texts) -> float:
    """index_chain with a fresh analyzer (run in a fresh process)."""
    get_lexicon()  # loading is not analysis
    return index_chain(BatchAnalyzer(Analyzer()), docs)


def terms_with_positions(analyzer: Analyzer, fields: list[str]) -> float:
    started = time.perf_counter()
    for text in fields:
        analyzer.index_terms(text)
    return time.perf_counter() - started


def tokenise(fields: list[str]) -> tuple[int, float]:
    """Raw tokens of the fields and seconds to find them."""
    started = time.perf_counter()
    tokens = 0
    for text in fields:
        tokens += len(tokenize.raw_tokens(normalize(text)))
    return tokens, time.perf_counter() - started


def in_fresh_process(function: Callable[..., float], *args: object) -> float:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def distinct_tokens(path: str) -> list[str]:
    """Every distinct raw token of a JSONL corpus's titles and bodies, in order of first use."""
    analyzer = Analyzer()
    seen: dict[str, None] = {}
    for doc in read_jsonl(path):
        seen.update(dict.fromkeys(analyzer.index_tokens(doc.title)))
        seen.update(dict.fromkeys(analyzer.index_tokens(doc.body)))
    return list(seen)


def time_words(words: list[str]) -> float:
    """Seconds to expand every word once with a fresh analyzer (run in a fresh process)."""
    get_lexicon()  # loading is not analysis
    analyzer = Analyzer()
    started = time.perf_counter()
    for raw in words:
        analyzer.expand(raw)
    return time.perf_counter() - started


def per_distinct_word(path: str, reps: int) -> None:
    words = distinct_tokens(path)
    seconds = [in_fresh_process(time_words, words) for _ in range(reps)]
    median = statistics.median(seconds)
    print(f"{path}: {len(words):,} distinct raw tokens; median of {reps} fresh processes")
    per_word = median / len(words) * 1e6
    print(f"  analysing each once                  {median:6.2f} s, {per_word:6.1f} us per distinct word")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.analysis_speed")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--words", metavar="CORPUS.jsonl", help="also time each distinct raw token of this corpus once")
    parser.add_argument("--word-reps", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.docs)
    fields = [text for doc in docs for text in doc]
    warm = Analyzer()
    steady = BatchAnalyzer(warm)
    index_chain(steady, docs)  # every distinct word analysed once
    n = tokenise(fields)[0]
    rates: dict[str, list[float]] = {
        "index chain (warm cache)": [],
        "terms with positions (warm cache)": [],
        "tokenise (normalise + raw tokens)": [],
        "uncached (fresh process)": [],
    }
    for _ in range(args.reps):
        rates["index chain (warm cache)"].append(n / index_chain(steady, docs))
        rates["terms with positions (warm cache)"].append(n / terms_with_positions(warm, fields))
        rates["tokenise (normalise + raw tokens)"].append(n / tokenise(fields)[1])
        rates["uncached (fresh process)"].append(n / in_fresh_process(uncached, docs))
    distinct = len(warm._cache)
    print(f"{args.docs} documents, {n:,} tokens, {distinct:,} distinct raw tokens; median of {args.reps} runs")
    for name, values in rates.items():
        print(f"  {name:36} {statistics.median(values) / 1e6:6.2f} M tokens/s")
    if args.words:
        per_distinct_word(args.words, args.word_reps)


if __name__ == "__main__":
    main()
