"""The build-memory sampler: the peak of the summed RSS of a process and its descendants."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from benchmarks.tree_peak import TreePeak

MIB = 1 << 20
# A child that touches ``HELD`` MiB, says so, and keeps it until its stdin closes.
_HOLDER = "import sys; x = bytearray({held} << 20); print('ready', flush=True); sys.stdin.read()"


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"),
                    reason="needs Linux's /proc children lists")
def test_peak_sums_this_process_and_its_children():
    held = 96
    with TreePeak(interval=0.01) as tree:
        children = [
            subprocess.Popen([sys.executable, "-c", _HOLDER.format(held=held)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        for child in children:
            assert child.stdout.readline() == "ready\n"
        # Both children hold their memory now; give the sampler a few samples of it.
        time.sleep(0.3)
        for child in children:
            child.communicate("")
    with open(f"/proc/{os.getpid()}/statm", "rb") as fh:
        own = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    # Two children with their buffers, each with its interpreter (~10 MiB), plus this process.
    assert 2 * held * MIB + own <= tree.peak < 2 * held * MIB + own + 2 * 40 * MIB
