"""The Snowball Danish stop list (94 words; BSD-3-Clause, see data/)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def danish_stop_words() -> frozenset[str]:
    """The stop words, lower-case."""
    text = resources.files("klsearch.analysis").joinpath("data/danish_stop.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())
