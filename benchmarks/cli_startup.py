"""``klsearch query`` from the shell: wall time with Python start-up, and where it goes.

    python -m benchmarks.cli_startup                                  # this venv's klsearch
    python -m benchmarks.cli_startup --python /tmp/venv-cli/bin/python  # another install of it
    python -m benchmarks.cli_startup --runs 41 --query "økonomi" --top 20

Indexes the bundled corpus with the klsearch under test (the ``klsearch``
script beside ``--python``) into a temporary folder, or uses ``--index``.
Then, in each of ``--runs`` rounds, in a new random order so the machine's
noise falls on all alike, it runs:

- ``klsearch query QUERY`` (the number this benchmark is about);
- ``klsearch --help`` (click and the CLI module, no command);
- ``python -c pass`` (interpreter and site: .pth files such as an editable
  install's finder) and ``python -I -S -c pass`` (the interpreter alone);
- a probe that does what ``klsearch query`` does with timers in between:
  imports, open the index, search, render (hit fields and snippets are read
  lazily, so the render step makes the snippets);
- the same probe under ``-X importtime``, whose self times are summed per
  package: a standard-library module counts for the package that imported
  it first (numpy pulls in inspect, pickle, ...), klsearch is split by
  subpackage. Tracing inflates these; the probe's untraced imports line is
  the real total.

All commands run with .pyc files enabled (PYTHONDONTWRITEBYTECODE removed)
from a temporary folder, so a checkout in the working directory is not
imported by accident. Times are medians in ms; compare numbers within one
run, as the machine is shared and noisy. The processes' CPU time is listed
too: other jobs on the machine inflate wall time far more than CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

_MARK = "--klsearch-probe--"

# Runs in the interpreter under test; mirrors klsearch.cli's query command.
# io, sys and time are loaded with the interpreter: the imports phase is all the command's.
_PROBE = f"""
import io, sys, time
sys.stderr.write({_MARK!r} + "\\n"); sys.stderr.flush()
t0 = time.perf_counter()
from klsearch import cli
cli.limit_blas_threads()
from klsearch.api import open_index
t1 = time.perf_counter()
index = open_index(sys.argv[1])
t2 = time.perf_counter()
result = index.search(sys.argv[2], limit=10, offset=0, filters={{}}, sort="score", marks=("**", "**"))
t3 = time.perf_counter()
shell, sys.stdout = sys.stdout, io.StringIO()
cli._print_result(result)
sys.stdout = shell
t4 = time.perf_counter()
import json
phases = {{"imports": t1 - t0, "open": t2 - t1, "search": t3 - t2, "render": t4 - t3}}
print(json.dumps({{"phases": phases, "docs": index.doc_count, "modules": sorted(sys.modules)}}))
"""


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str], env: dict[str, str], cwd: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done


def _import_groups(traced: subprocess.CompletedProcess[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Self times (ms) per package and per module of the imports after the probe's mark."""
    loaded = set(json.loads(traced.stdout)["modules"])
    lines = traced.stderr.split(_MARK + "\n", 1)[-1].splitlines()
    rows = []  # (level, module, self ms), children before their parent
    for line in lines:
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        rows.append(((len(name) - len(name.lstrip())) // 2, name.strip(), int(own) / 1000))
    parent: dict[int, int] = {}
    open_rows: list[int] = []
    for i, (level, _, _) in enumerate(rows):
        while open_rows and rows[open_rows[-1]][0] > level:
            parent[open_rows.pop()] = i
        open_rows.append(i)

    def group(i: int) -> str:
        name = rows[i][1]
        top = name.split(".")[0]
        if top == "klsearch":
            return ".".join(name.split(".")[:2])
        if top in sys.stdlib_module_names or name not in loaded:  # not loaded: a failed try (org.python.core)
            return group(parent[i]) if i in parent else "other (imported inside functions)"
        return top

    packages: dict[str, float] = defaultdict(float)
    modules: dict[str, float] = {}
    for i, (_, name, own) in enumerate(rows):
        packages[group(i)] += own
        modules[name] = own
    return packages, modules


def _table(title: str, samples: dict[str, list[float]], top: int | None = None) -> None:
    print(f"\n{title}")
    rows = sorted(samples.items(), key=lambda kv: -statistics.median(kv[1]))[:top]
    width = max(len(name) for name, _ in rows)
    print(f"  {'':<{width}}  {'median':>7}  {'q1':>7}  {'q3':>7}  {'min':>7}")
    for name, values in rows:
        q1, _, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0],) * 3
        print(f"  {name:<{width}}  {statistics.median(values):7.1f}  {q1:7.1f}  {q3:7.1f}  {min(values):7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter of the install under test")
    parser.add_argument("--index", help="an existing index (default: the bundled corpus, indexed now)")
    parser.add_argument("--query", default="lærernes arbejdstid")
    parser.add_argument("--runs", type=int, default=21, help="rounds after one warm-up round (>= 2)")
    parser.add_argument("--top", type=int, default=12, help="slowest modules to list")
    args = parser.parse_args()
    python = str(Path(args.python).absolute())  # a venv's python is a symlink: keep its path
    script = str(Path(python).parent / "klsearch")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    with tempfile.TemporaryDirectory(prefix="klsearch-cli-") as cwd:
        index = str(Path(args.index).absolute()) if args.index else os.path.join(cwd, "index")
        if not args.index:
            _run([script, "index", "--rebuild", "--index", index], env, cwd)
        commands = {
            "klsearch query": [script, "query", args.query, "--index", index],
            "klsearch --help": [script, "--help"],
            "python -c pass": [python, "-c", "pass"],
            "python -I -S -c pass": [python, "-I", "-S", "-c", "pass"],
        }
        probe = [python, "-c", _PROBE, index, args.query]
        traced = [python, "-X", "importtime", "-c", _PROBE, index, args.query]
        wall: dict[str, list[float]] = defaultdict(list)
        cpu: dict[str, list[float]] = defaultdict(list)
        phases: dict[str, list[float]] = defaultdict(list)
        packages: dict[str, list[float]] = defaultdict(list)
        modules: dict[str, list[float]] = defaultdict(list)
        load = os.getloadavg()[0]
        docs = 0
        for round_no in range(args.runs + 1):
            jobs = [*commands, "probe", "traced"]
            random.shuffle(jobs)
            for job in jobs:
                if job == "probe":
                    measured = json.loads(_run(probe, env, cwd).stdout)
                    docs = measured["docs"]
                    if round_no:
                        for phase, seconds in measured["phases"].items():
                            phases[phase].append(seconds * 1000)
                elif job == "traced":
                    by_package, by_module = _import_groups(_run(traced, env, cwd))
                    if round_no:
                        for name in {*packages, *by_package}:
                            packages[name].append(by_package.get(name, 0.0))
                        for name, ms in by_module.items():
                            modules[name].append(ms)
                else:
                    start, start_cpu = time.perf_counter(), _cpu_of_children()
                    _run(commands[job], env, cwd)
                    if round_no:
                        wall[job].append((time.perf_counter() - start) * 1000)
                        cpu[job].append((_cpu_of_children() - start_cpu) * 1000)

    print(f"klsearch query {args.query!r}: {docs} documents, {args.runs} runs of each, {python}")
    print(f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    _table("wall time of whole processes (ms)", wall)
    _table("CPU time (user + system, all threads) of the same processes (ms; steadier on a busy machine)", cpu)
    _table("the query command in-process, by phase (ms; python start-up and exit not included)", phases)
    rest = statistics.median(wall["klsearch query"]) - statistics.median(wall["python -c pass"])
    rest -= sum(statistics.median(v) for v in phases.values())
    print(f"  query wall - start-up - phases (exit, console script): {rest:.1f}")
    _table("imports by package (-X importtime self times, ms)", packages)
    _table(f"slowest {args.top} modules to import (-X importtime self time, ms)", modules, args.top)
    print(json.dumps({"query_wall_median_ms": round(statistics.median(wall["klsearch query"]), 1)}))


if __name__ == "__main__":
    main()
