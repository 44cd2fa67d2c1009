"""Peak summed RSS of a process and its descendants, sampled from a separate process.

    with TreePeak() as tree:
        build()
    tree.peak  # bytes

The sampler runs as its own process (``python -m benchmarks.tree_peak PID``),
not as a thread of the measured one: a Python thread polling /proc would
compete for the interpreter lock with a pure-Python build (about 8% of a
klsearch build's samples) but not with a build in native code, which would
skew the comparison. It stops and prints the peak when its stdin closes.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys


class TreePeak:
    """Peak summed RSS of this process and its descendants (worker processes), sampled."""

    def __init__(self, interval: float = 0.02) -> None:
        self.peak = 0
        self._interval = interval
        self._sampler: subprocess.Popen[str] | None = None

    def __enter__(self) -> "TreePeak":
        self._sampler = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.tree_peak", str(os.getpid()), str(self._interval)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._sampler is not None
        out, _ = self._sampler.communicate("")
        self.peak = int(out.strip() or 0)


def _sample(pid: int, interval: float) -> int:
    tree_rss = _proc_tree_rss if os.path.exists(f"/proc/{pid}/task/{pid}/children") else _psutil_tree_rss
    peak = 0
    while not select.select([sys.stdin], [], [], interval)[0]:
        peak = max(peak, tree_rss(pid))
    return peak


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proc_tree_rss(pid: int) -> int:
    """Summed RSS of ``pid`` and its descendants but this sampler, from the children lists
    Linux keeps per thread: a few small reads per process, where psutil's ``children()``
    reads the stat file of every process on the machine (with a 20 ms interval that alone
    took about 8% of a core, taken from the build being measured)."""
    total, pending, me = 0, [pid], os.getpid()
    while pending:
        p = pending.pop()
        if p == me:
            continue
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children", "rb") as fh:
                    pending += map(int, fh.read().split())
        except (FileNotFoundError, ProcessLookupError):  # a process or thread that just ended
            pass
    return total


def _psutil_tree_rss(pid: int) -> int:
    import psutil

    total, me = 0, os.getpid()
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        if proc.pid == me:
            continue
        try:
            total += proc.memory_info().rss
        except psutil.Error:  # a child that just ended
            pass
    return total


if __name__ == "__main__":
    print(_sample(int(sys.argv[1]), float(sys.argv[2])))
