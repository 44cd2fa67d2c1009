"""The Snowball Danish stemmer, with a plain dict cache per process."""

from __future__ import annotations

from importlib import metadata

import snowballstemmer

_stemmer = snowballstemmer.stemmer("danish")
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


def stemmer_version() -> str:
    """Which implementation and version stems (recorded in every index)."""
    for dist in ("PyStemmer", "snowballstemmer"):
        if dist == "PyStemmer" and type(_stemmer).__module__ != "Stemmer":
            continue
        try:
            return f"{dist} {metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
    return "snowballstemmer"
