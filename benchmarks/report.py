"""Markdown table, JSON and the PNG chart of a latency run (benchmarks/results/)."""

from __future__ import annotations

import glob
import json
import os
import platform
import sqlite3
import sys
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("klsearch", "numpy", "whoosh", "tantivy", "bm25s", "numba", "snowballstemmer", "PyStemmer",
            "wordfreq", "psutil", "matplotlib")


def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            mem = int(next(ln.split()[1] for ln in fh if ln.startswith("MemTotal"))) * 1024
    except (OSError, StopIteration):
        pass
    pkgs = {}
    for p in PACKAGES:
        try:
            pkgs[p] = version(p)
        except PackageNotFoundError:
            pkgs[p] = None
    pkgs["sqlite"] = sqlite3.sqlite_version
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 2**30, 1),
            "os": platform.platform(), "python": sys.version.split()[0], "packages": pkgs, "git": _git()}


def _git() -> dict:
    """The commit measured, and whether klsearch/ had uncommitted changes."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "klsearch"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {"commit": head, "klsearch_dirty": bool(dirty)}


def _mib(b) -> str:
    return f"{b / 2**20:.1f}" if b else "–"


def markdown(res: dict) -> str:
    m, s, c = res["machine"], res["settings"], res["corpus"]
    eng = res["engines"]
    live = [n for n, e in eng.items() if "all" in e]
    out = [f"# Latency benchmark: {res['docs']:,} documents ({res['size']})", "",
           f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}; Python {m['python']}.",
           "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v) + ".",
           (f"klsearch at commit {m['git']['commit']}"
            + (" with uncommitted changes in klsearch/" if m["git"].get("klsearch_dirty") else "") + "."
            if m.get("git") else ""), "",
           f"Corpus: benchmarks.corpus_gen seed {c['seed']} (generator v{c['generator_version']}), "
           f"{c['bytes'] / 1e6:.0f} MB JSONL, {c['distinct_words']:,} distinct words. "
           f"Queries: {s['queries']} in {len(s['classes'])} classes, every one with facet counts (category, year); "
           f"1 warm-up round + {s['reps']} measured rounds, queries shuffled per round and engines shuffled per query. "
           f"Latency is timed inside each engine's own process (pinned to CPU {s['query_cpu']}) around one "
           f"search: top-10 ids plus facet counts. qps = 1 / mean latency on that one core. "
           f"Cold start: {s['cold']}. Load average (1/5/15 min) at start "
           f"{'/'.join(f'{x:.1f}' for x in s.get('loadavg_start', ()))}, before the measured rounds ended "
           f"{'/'.join(f'{x:.1f}' for x in s.get('loadavg_end', ()))} (other work on the machine shows here).", ""]
    out += ["## Indexing, size and memory", "",
            "| engine | docs/s | build s | index MiB | build peak RSS MiB | query peak RSS MiB "
            "| cold: import ms | open ms | first query ms | spawn to first answer ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in live:
        e = eng[n]
        b, k = e["build"], e["cold"]
        out.append(f"| {n} | {b['docs_per_s']:,.0f} | {b['seconds']:.1f} | {_mib(b['size_bytes'])} "
                   f"| {_mib(b.get('peak_rss_tree', b['peak_rss']))} | {_mib(e.get('query_peak_rss'))} | {k['import_s'] * 1e3:.0f} "
                   f"| {k['open_s'] * 1e3:.1f} | {k['first_query_s'] * 1e3:.1f} | {k['spawn_to_first_answer_s'] * 1e3:.0f} |")
    out += ["", "Build peak RSS is the building process plus any worker processes it starts "
            "(summed, sampled every 20 ms). Index size includes stored documents where an engine stores them.",
            "", "## Latency per query class (ms: p50 / p95 / p99)", "",
            "| class | " + " | ".join(live) + " |", "|---|" + "---:|" * len(live)]
    for cls in s["classes"] + ["all"]:
        row = []
        for n in live:
            x = eng[n]["all"] if cls == "all" else eng[n]["classes"].get(cls)
            if x is None:
                row.append("n/a (" + ("unsupported" if cls in eng[n].get("unsupported", {}) else "–") + ")")
            else:
                row.append(f"{x['p50_ms']:.2f} / {x['p95_ms']:.2f} / {x['p99_ms']:.2f}")
        out.append(f"| {cls} | " + " | ".join(row) + " |")
    out.append("| **qps, one core** | " + " | ".join(f"{eng[n]['all']['qps_one_core']:,.0f}" for n in live) + " |")
    no_facets = [n for n in live if not eng[n]["capabilities"].get("facets")]
    if no_facets:
        out += ["", f"**{', '.join(no_facets)}: no facet counts, so these latencies are for top-10 only "
                    "and not comparable with the others'.**"]
    for n in live:
        if eng[n].get("errors"):
            qid, msg = next(iter(eng[n]["errors"].items()))
            out += ["", f"**{n}: {len(eng[n]['errors'])} queries failed** (left out of its numbers), "
                        f"e.g. {qid}: {msg}"]
    out += ["", "## Sanity: median matching documents per class (sum of category facet counts)", "",
            "Different analyzers match different documents; large gaps mean the engines did different work.", "",
            "| class | " + " | ".join(live) + " |", "|---|" + "---:|" * len(live)]
    for cls in s["classes"]:
        out.append(f"| {cls} | " + " | ".join(
            f"{eng[n]['matches'][cls]:,.0f}" if cls in eng[n].get("matches", {}) else "–" for n in live) + " |")
    ref = s.get("overlap_reference")
    if ref:
        out.append(f"| top-10 overlap with {ref} | " + " | ".join(
            f"{eng[n]['overlap_at_10']:.2f}" if eng[n].get("overlap_at_10") is not None else "–" for n in live) + " |")
    out += ["", "## What each engine cannot do, and how it was set up", ""]
    for n, e in eng.items():
        if "error" in e:
            out.append(f"- **{n}: not measured**: {e['error']}")
            continue
        cap = e["capabilities"]
        missing = [w for w in ("facets", "filters", "phrases", "fields") if not cap.get(w)]
        out.append(f"- **{n}** ({', '.join(f'{k} {v}' for k, v in e['versions'].items())}): "
                   + ("cannot: " + ", ".join({"fields": "per-field weights"}.get(w, w) for w in missing) + ". "
                      if missing else "")
                   + f"Analysis: {cap.get('analysis', '?')}. {cap.get('notes', '')}".rstrip())
    return "\n".join(out) + "\n"


def chart(results_dir: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = []
    for path in glob.glob(os.path.join(results_dir, "latency-*.json")):
        with open(path, encoding="utf-8") as fh:
            runs.append(json.load(fh))
    runs.sort(key=lambda r: r["docs"])
    fig, axes = plt.subplots(len(runs), 1, figsize=(13, 4.2 * len(runs)), squeeze=False)
    for ax, r in zip(axes[:, 0], runs):
        live = [n for n, e in r["engines"].items() if "all" in e]
        classes = r["settings"]["classes"] + ["all"]
        width = 0.8 / max(1, len(live))
        for j, n in enumerate(live):
            e = r["engines"][n]
            xs, p50, p95, p99 = [], [], [], []
            for i, c in enumerate(classes):
                x = e["all"] if c == "all" else e["classes"].get(c)
                if x:
                    xs.append(i + (j - (len(live) - 1) / 2) * width)
                    p50.append(x["p50_ms"]), p95.append(x["p95_ms"]), p99.append(x["p99_ms"])
            bars = ax.bar(xs, p50, width, label=n + ("" if e["capabilities"].get("facets") else " (no facets)"))
            col = bars.patches[0].get_facecolor() if bars.patches else None
            ax.vlines(xs, p50, p95, colors="black", linewidth=1)
            ax.scatter(xs, p99, marker="_", color=col, s=90, linewidths=2, zorder=3)
        ax.set_yscale("log")
        ax.set_xticks(range(len(classes)), classes, rotation=30, ha="right")
        ax.set_ylabel("ms (bar p50, line to p95, tick p99)")
        ax.set_title(f"{r['docs']:,} documents: top-10 + facet counts, one core")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, ncol=len(live))
    fig.tight_layout()
    path = os.path.join(results_dir, "latency.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(res: dict, results_dir: str) -> dict:
    os.makedirs(results_dir, exist_ok=True)
    base = os.path.join(results_dir, f"latency-{res['size']}")
    with open(base + ".json", "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, indent=1)
    with open(base + ".md", "w", encoding="utf-8") as fh:
        fh.write(markdown(res))
    return {"md": base + ".md", "json": base + ".json", "png": chart(results_dir)}
