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
    import psutil

    root, me = psutil.Process(pid), os.getpid()
    peak = 0
    while not select.select([sys.stdin], [], [], interval)[0]:
        total = 0
        for proc in [root, *root.children(recursive=True)]:
            if proc.pid == me:
                continue
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a child that just ended
                pass
        peak = max(peak, total)
    return peak


if __name__ == "__main__":
    print(_sample(int(sys.argv[1]), float(sys.argv[2])))
