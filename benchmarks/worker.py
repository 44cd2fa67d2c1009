"""One engine in its own process, so its memory and cold start are its own.

    python -m benchmarks.worker build NAME CORPUS WORKDIR
        builds the index; the last stdout line is JSON: seconds, docs, size_bytes,
        peak_rss (this process's own peak VmHWM, tantivy's writer threads included)
        and peak_rss_tree (this process plus its child processes, sampled).
    python -m benchmarks.worker serve NAME WORKDIR [--cpu N]
        imports and opens the engine (timed), then answers JSON lines on stdin:
        {"op": "search", "q": {...}} -> {"ns", "ids", "facets"}, {"unsupported": why} or {"error": what}
        {"op": "exit"}               -> {"peak_rss"}
Exit code 3 with a JSON {"unavailable": why} when the engine cannot be imported.
Anything the engine's library prints goes to stderr, never into the protocol.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def _peak_rss() -> int:
    """Peak RSS of this process's memory (threads included), in bytes.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a
    child would report at least the harness's own size when it forked.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str]) -> int:
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # library chatter on fd 1 goes to stderr
    sys.stdout = sys.stderr

    def send(obj) -> None:
        proto.write(json.dumps(obj, ensure_ascii=False) + "\n")
        proto.flush()

    mode, name = argv[0], argv[1]
    if "--cpu" in argv:
        os.sched_setaffinity(0, {int(argv[argv.index("--cpu") + 1])})
    t0 = time.perf_counter()
    from benchmarks.engines import Unavailable, Unsupported, load
    from benchmarks.tree_peak import TreePeak

    try:
        engine = load(name)
    except Unavailable as e:
        send({"unavailable": str(e)})
        return 3
    import_s = time.perf_counter() - t0

    if mode == "build":
        corpus, workdir = argv[2], argv[3]
        base_rss = _rss()
        with TreePeak() as tree:
            t = time.perf_counter()
            info = engine.build(corpus, workdir)
            secs = time.perf_counter() - t
        send(dict(info, seconds=secs, peak_rss=_peak_rss(), peak_rss_tree=max(tree.peak, _peak_rss()), rss_before=base_rss,
                  capabilities=engine.capabilities, versions=engine.versions()))
        return 0

    workdir = argv[2]
    t = time.perf_counter()
    engine.open(workdir)
    open_s = time.perf_counter() - t
    send({"ready": True, "import_s": import_s, "open_s": open_s, "rss_open": _rss(),
          "capabilities": engine.capabilities, "versions": engine.versions()})
    clock = time.perf_counter_ns
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["op"] == "exit":
            engine.close()
            send({"peak_rss": _peak_rss()})
            return 0
        q = msg["q"]
        t = clock()
        try:
            ids, facets = engine.search(q)
        except Unsupported as e:
            send({"unsupported": str(e)})
            continue
        except Exception as e:  # noqa: BLE001 - reported per query, the run goes on
            send({"error": f"{type(e).__name__}: {e}"})
            continue
        ns = clock() - t
        send({"ns": ns, "ids": ids, "facets": facets})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
