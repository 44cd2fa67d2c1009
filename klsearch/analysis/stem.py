"""The Snowball Danish stemmer, with a plain dict cache per process."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

_stemmer = snowballstemmer.stemmer("danish")
if hasattr(_stemmer, "maxCacheSize"):  # PyStemmer: its own cache would only repeat ours, slower
    _stemmer.maxCacheSize = 0
_cache: dict[str, str] = {}
_CACHE_LIMIT = 500_000


def stem(word: str) -> str:
    """Snowball Danish stem of a lower-case word."""
    result = _cache.get(word)
    if result is None:
        result = _stemmer.stemWord(word)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[word] = result
    return result


@lru_cache(maxsize=1)
def stemmer_version() -> str:
    """Which implementation and version stems (recorded in every index)."""
    if type(_stemmer).__module__ == "Stemmer":
        import Stemmer  # PyStemmer: snowballstemmer hands out its stemmer when it is installed

        return f"PyStemmer {Stemmer.version()}"
    # The pure-Python fallback has no version attribute; importlib.metadata costs
    # tens of milliseconds to import, so only this case pays for it.
    from importlib import metadata

    try:
        return f"snowballstemmer {metadata.version('snowballstemmer')}"
    except metadata.PackageNotFoundError:
        return "snowballstemmer"
