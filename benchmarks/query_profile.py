"""klsearch's query path alone: per-class latency and where the time goes.

    python -m benchmarks.query_profile --docs 10000            # the index latency.py built
    python -m benchmarks.query_profile --index PATH --queries benchmarks/work/corpus-10k.queries.json
    python -m benchmarks.query_profile --docs 100000 --classes 1-common,3-common --top 40
    python -m benchmarks.query_profile --docs 10000 --no-profile --reps 20 --cpu
    python -m benchmarks.query_profile --index /tmp/idx --queries benchmarks/work/corpus-100k.queries.json

Opens an existing klsearch index (``benchmarks/work/corpus-<size>-idx/klsearch/index``
by default; build it with ``python -m benchmarks.latency --docs N --engines klsearch``)
and sends it the benchmark's queries through the same adapter as latency.py
(top-10 ids plus facet counts over category and year), in this process. It
prints the median / p95 / p99 latency of each query class over ``--reps``
shuffled rounds (after one warm-up round), then runs one more round under
cProfile and prints the top functions by own time and by cumulative time.

Timings here are in-process and unpinned: compare them with each other within
one run (before/after a change on the same machine state), not with another
day's numbers; on a shared machine ``--cpu`` (thread CPU time) varies less
than wall time. For the comparison with other engines use latency.py.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import time

import numpy as np

from benchmarks import corpus_gen
from benchmarks import queries as qmod


def _load(args) -> tuple[object, list[dict]]:
    from klsearch import open_index

    from benchmarks.engines.klsearch import Engine

    p = corpus_gen.paths(args.docs)
    index_dir = args.index or os.path.join(p["base"] + "-idx", "klsearch", "index")
    queries_path = args.queries or p["queries.json"]
    if not os.path.exists(os.path.join(index_dir, "manifest.json")):
        raise SystemExit(
            f"no klsearch index at {index_dir}; build it with "
            f"'python -m benchmarks.latency --docs {args.docs} --engines klsearch --reuse'"
        )
    qs = qmod.load(queries_path)
    if args.classes:
        wanted = set(args.classes.split(","))
        qs = [q for q in qs if q["class"] in wanted]
    engine = Engine()
    t = time.perf_counter()
    engine.idx = open_index(index_dir)  # what Engine.open does, for any index folder
    print(f"index {index_dir}: opened in {(time.perf_counter() - t) * 1e3:.1f} ms, "
          f"{engine.idx.doc_count:,} documents, {len(qs)} queries")
    return engine, qs


def measure(engine, qs: list[dict], reps: int, seed: int = 1, cpu: bool = False) -> dict[str, list[float]]:
    """Latency (ms) of every query in ``reps`` shuffled rounds after one warm-up round
    (wall time, or with ``cpu`` this thread's CPU time: steadier on a busy machine)."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {}
    clock = time.thread_time_ns if cpu else time.perf_counter_ns
    for rep in range(reps + 1):
        order = qs[:]
        rng.shuffle(order)
        for q in order:
            t = clock()
            engine.search(q)
            ns = clock() - t
            if rep:
                times.setdefault(q["class"], []).append(ns / 1e6)
    return times


def report(times: dict[str, list[float]], classes: list[str]) -> None:
    print(f"\n{'class':<16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    every: list[float] = []
    for c in classes:
        if c not in times:
            continue
        a = np.asarray(times[c])
        every += times[c]
        print(f"{c:<16} {a.size:>5} {np.percentile(a, 50):>8.3f} {np.percentile(a, 95):>8.3f} "
              f"{np.percentile(a, 99):>8.3f} {a.mean():>8.3f}")
    a = np.asarray(every)
    print(f"{'all':<16} {a.size:>5} {np.percentile(a, 50):>8.3f} {np.percentile(a, 95):>8.3f} "
          f"{np.percentile(a, 99):>8.3f} {a.mean():>8.3f}")


def profile(engine, qs: list[dict], top: int, rounds: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(rounds):
        for q in qs:
            engine.search(q)
    prof.disable()
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key)
        stats.print_stats(top)
        text = out.getvalue()
        # Drop pstats' preamble up to the table header.
        start = text.find("   ncalls")
        print(f"\ncProfile over {rounds} round(s) of {len(qs)} queries, top {top} by {key}:")
        print(text[start:] if start >= 0 else text)


def main() -> None:
    ap = argparse.ArgumentParser(description="klsearch query latency per class, and a cProfile summary.")
    ap.add_argument("--docs", type=int, default=10_000, help="corpus size (finds the index and queries latency.py made)")
    ap.add_argument("--index", help="klsearch index folder (default: benchmarks/work/corpus-<size>-idx/klsearch/index)")
    ap.add_argument("--queries", help="queries JSON (default: benchmarks/work/corpus-<size>.queries.json)")
    ap.add_argument("--classes", help="comma-separated query classes to run (default: all)")
    ap.add_argument("--reps", type=int, default=10, help="measured rounds (after one warm-up round)")
    ap.add_argument("--top", type=int, default=25, help="functions shown per cProfile table")
    ap.add_argument("--profile-rounds", type=int, default=2)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--cpu", action="store_true", help="time with thread CPU time instead of wall time")
    a = ap.parse_args()
    engine, qs = _load(a)
    times = measure(engine, qs, a.reps, cpu=a.cpu)
    if a.cpu:
        print("(CPU time of the searching thread, not wall time)")
    report(times, qmod.classes(qs))
    if not a.no_profile:
        profile(engine, qs, a.top, a.profile_rounds)
    engine.close()


if __name__ == "__main__":
    main()
