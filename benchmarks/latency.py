"""Query latency, indexing throughput, index size and memory: klsearch and its peers.

    python -m benchmarks.latency --docs 100000 [--engines klsearch,tantivy,...] [--reps 5]

1. Generates the corpus and query set if missing (benchmarks/work/corpus-<size>.*).
2. Reads the corpus once (into the OS page cache), then builds each engine's
   index in its own subprocess (benchmarks.worker build):
   seconds, docs/s, size on disk, the build process's peak RSS. --reuse keeps an
   index built before from the same corpus (for development runs only).
3. Starts one query subprocess per engine, pinned to CPU 0 (this process runs on
   CPU 1): its import + open + first query is the cold start.
4. One warm-up round, then --reps rounds. In each round the queries come in a new
   shuffled order and every query goes to every engine in a new shuffled order,
   so machine noise hits all engines alike. Latency is timed inside the engine's
   process around search(): top-10 ids plus facet counts (category, year).
5. Writes benchmarks/results/latency-<size>.{md,json} and the chart latency.png.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time

import numpy as np

from benchmarks import corpus_gen, queries as qmod, report
from benchmarks.engines import NAMES, Unavailable, load

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")


class Worker:
    def __init__(self, name: str, workdir: str, cpu: int | None):
        cmd = [sys.executable, "-m", "benchmarks.worker", "serve", name, workdir]
        if cpu is not None:
            cmd += ["--cpu", str(cpu)]
        self.t_spawn = time.perf_counter()
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  encoding="utf-8", cwd=REPO, bufsize=1)
        self.hello = self.recv()

    def recv(self) -> dict:
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"worker exited with {self.p.wait()}")
        return json.loads(line)

    def ask(self, msg: dict) -> dict:
        self.p.stdin.write(json.dumps(msg, ensure_ascii=False) + "\n")
        self.p.stdin.flush()
        return self.recv()

    def stop(self) -> dict:
        out = self.ask({"op": "exit"})
        self.p.wait()
        return out


def _fingerprint(name: str, corpus: str) -> str | None:
    try:
        return load(name).fingerprint(corpus)
    except Unavailable:
        return None


def build(name: str, corpus: str, workdir: str, meta: dict, reuse: bool, log) -> dict:
    stamp = os.path.join(workdir, "build.json")
    key = {"corpus": meta, "fingerprint": _fingerprint(name, corpus)}
    if reuse and os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as fh:
            info = json.load(fh)
        if info.get("key") == key:
            log(f"  {name}: reusing the index built before ({stamp})")
            return info
    if os.path.exists(stamp):
        os.remove(stamp)
    os.makedirs(workdir, exist_ok=True)
    log(f"  {name}: building ...")
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "benchmarks.worker", "build", name, corpus, workdir],
                       cwd=REPO, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    lines = p.stdout.strip().splitlines()
    info = json.loads(lines[-1]) if lines else {}
    if p.returncode != 0 or not lines:
        return {"error": info.get("unavailable") or f"build failed (exit {p.returncode}); see stderr above"}
    info["wall_seconds"] = time.perf_counter() - t
    info["docs_per_s"] = info["docs"] / info["seconds"]
    info["key"] = key
    with open(stamp, "w", encoding="utf-8") as fh:
        json.dump(info, fh, indent=1)
    log(f"  {name}: {info['docs']} docs in {info['seconds']:.1f} s, {info['size_bytes'] / 2**20:.1f} MiB")
    return info


def warm_page_cache(path: str) -> None:
    """Read the corpus once, so that no engine's build (the first one especially) pays for
    reading it from disk."""
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def drop_caches() -> bool:
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def summarize(ns: list[int]) -> dict:
    a = np.asarray(ns, dtype=np.float64) / 1e6
    return {"n": int(a.size), "p50_ms": float(np.percentile(a, 50)), "p95_ms": float(np.percentile(a, 95)),
            "p99_ms": float(np.percentile(a, 99)), "mean_ms": float(a.mean()), "qps_one_core": float(1e3 / a.mean())}


def run(args, log=print) -> dict:
    p = corpus_gen.paths(args.docs)
    if not os.path.exists(p["meta.json"]) or not os.path.exists(p["queries.json"]):
        log(f"generating the corpus ({args.docs} docs) ...")
        corpus_gen.generate(args.docs, args.seed, log=log)
    with open(p["meta.json"], encoding="utf-8") as fh:
        meta = json.load(fh)
    qs = qmod.load(p["queries.json"])
    if args.per_class:
        kept, seen = [], {}
        for q in qs:
            seen[q["class"]] = seen.get(q["class"], 0) + 1
            if seen[q["class"]] <= args.per_class:
                kept.append(q)
        qs = kept
    names = [n for n in args.engines.split(",") if n]
    res: dict = {"size": corpus_gen.size_label(args.docs), "docs": args.docs, "corpus": meta,
                 "machine": report.machine(), "settings": {"reps": args.reps, "warmup": 1, "queries": len(qs),
                 "classes": qmod.classes(qs), "query_cpu": 0, "harness_cpu": 1,
                 "cold": "fresh process; OS page cache " + ("dropped" if args.drop_caches else "warm (not dropped)")},
                 "engines": {}}
    res["settings"]["loadavg_start"] = os.getloadavg()
    log("building:")
    warm_page_cache(p["jsonl"])
    for n in names:
        info = build(n, p["jsonl"], os.path.join(p["base"] + "-idx", n), meta, args.reuse, log)
        res["engines"][n] = {"build": info} if "error" not in info else {"error": info["error"]}
        if "error" in info:
            log(f"  {n}: SKIPPED: {info['error']}")
    live = [n for n in names if "error" not in res["engines"][n]]
    try:
        os.sched_setaffinity(0, {1})
    except (OSError, AttributeError):
        pass
    cold_q = next(q for q in qs if q["class"] == "2-medium")
    workers: dict[str, Worker] = {}
    log("cold start (fresh process: import + open + first query):")
    for n in live:
        dropped = drop_caches() if args.drop_caches else False
        try:
            w = Worker(n, os.path.join(p["base"] + "-idx", n), cpu=0)
            if "unavailable" in w.hello:
                res["engines"][n] = {"error": w.hello["unavailable"]}
                w.p.wait()
                continue
            first = w.ask({"op": "search", "q": cold_q})
        except (RuntimeError, OSError, ValueError) as e:
            res["engines"][n] = {"error": f"open or first query failed ({e}); see stderr"}
            log(f"  {n}: SKIPPED: open or first query failed ({e})")
            continue
        total = time.perf_counter() - w.t_spawn
        h = w.hello
        res["engines"][n].update(capabilities=h["capabilities"], versions=h["versions"], cold={
            "import_s": h["import_s"], "open_s": h["open_s"], "first_query_s": first.get("ns", 0) / 1e9,
            "spawn_to_first_answer_s": total, "caches_dropped": dropped}, rss_after_open=h["rss_open"])
        workers[n] = w
        log(f"  {n}: open {h['open_s'] * 1e3:.1f} ms, first query {first.get('ns', 0) / 1e6:.1f} ms, "
            f"spawn to answer {total * 1e3:.0f} ms")
    rng = random.Random(f"latency:{args.seed}")
    cls_of = {q["id"]: q["class"] for q in qs}
    times: dict[str, dict[str, list[int]]] = {n: {} for n in workers}
    answers: dict[str, dict[str, dict]] = {n: {} for n in workers}
    unsupported: dict[str, dict[str, str]] = {n: {} for n in workers}
    errors: dict[str, dict[str, str]] = {n: {} for n in workers}
    for rep in range(args.reps + 1):  # round 0 is the warm-up
        order = qs[:]
        rng.shuffle(order)
        t = time.perf_counter()
        for q in order:
            engines = list(workers)
            rng.shuffle(engines)
            for n in engines:
                try:
                    out = workers[n].ask({"op": "search", "q": q})
                except (RuntimeError, OSError, ValueError) as e:
                    log(f"  {n}: DROPPED: worker failed on {q['id']} {q['text']!r} ({e}); see stderr")
                    res["engines"][n] = {"error": f"failed on query {q['id']} {q['text']!r}: {e}"}
                    del workers[n]
                    continue
                if "unsupported" in out:
                    unsupported[n][q["class"]] = out["unsupported"]
                    continue
                if "error" in out:
                    errors[n].setdefault(q["id"], out["error"])
                    continue
                if rep == 0:
                    answers[n][q["id"]] = out
                else:
                    times[n].setdefault(q["class"], []).append(out["ns"])
        log(f"{'warm-up' if rep == 0 else f'round {rep}/{args.reps}'}: {time.perf_counter() - t:.1f} s")
    res["settings"]["loadavg_end"] = os.getloadavg()
    for n, w in workers.items():
        e = res["engines"][n]
        e["query_peak_rss"] = w.stop()["peak_rss"]
        e["classes"] = {c: summarize(v) for c, v in times[n].items()}
        e["all"] = summarize([x for v in times[n].values() for x in v])
        e["unsupported"] = unsupported[n]
        e["errors"] = errors[n]
        matches: dict[str, list[int]] = {}
        for qid, a in answers[n].items():
            if a.get("facets"):
                matches.setdefault(cls_of[qid], []).append(sum(a["facets"]["category"].values()))
        e["matches"] = {c: float(np.median(m)) for c, m in matches.items()}
    ref = next((n for n in ("klsearch", "tantivy") if n in workers), None)
    res["settings"]["overlap_reference"] = ref
    if ref:
        for n in workers:
            ov = [len(set(a["ids"]) & set(answers[ref][qid]["ids"])) / max(1, min(10, len(answers[ref][qid]["ids"])))
                  for qid, a in answers[n].items() if qid in answers[ref] and answers[ref][qid]["ids"]]
            res["engines"][n]["overlap_at_10"] = float(np.mean(ov)) if ov else None
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description="Query latency and indexing benchmark: klsearch and peers.")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--engines", default=",".join(NAMES))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--per-class", type=int, default=0, help="use only the first N queries of each class")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="reuse indexes built before from the same corpus")
    ap.add_argument("--drop-caches", action="store_true", help="try to drop the OS page cache before each cold start")
    ap.add_argument("--out", default=RESULTS)
    a = ap.parse_args()
    res = run(a)
    paths = report.write(res, a.out)
    print(open(paths["md"], encoding="utf-8").read())
    print("wrote", ", ".join(paths.values()))


if __name__ == "__main__":
    main()
