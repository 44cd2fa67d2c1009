"""Split normalised text into raw tokens, and classify each token.

A raw token is what a reader would call one word: ``kl’s``, ``corona-smittens``,
``2,5``, ``150.000``, ``05.05.14``, ``meretidsammen.dk``. How a raw token
becomes index terms is decided in :mod:`klsearch.analysis.analyzer`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

# Hyphen-like characters that join word parts: hyphen-minus, hyphen, non-breaking hyphen.
HYPHENS = "-\u2010\u2011"
# Apostrophes between letters: ASCII and U+2019.
APOSTROPHES = "'\u2019"

# One raw token: word characters, joined by hyphens, apostrophes, dots or
# commas with no space around them (kl’s, corona-smittens, 2,5, 150.000,
# 05.05.14, meretidsammen.dk, bl.a). A simple pattern is ~1.6x faster than
# one that tells these apart; the analyzer classifies each distinct token once.
_TOKEN = rf"\w+(?:[{HYPHENS}{APOSTROPHES}.,]\w+)*"
# The same with possessive quantifiers (Python 3.11+): a run of word
# characters never has to give any back, so the tokens are the same, found
# with ~14% fewer instructions.
_TOKEN_POSSESSIVE = rf"\w++(?:[{HYPHENS}{APOSTROPHES}.,]\w++)*+"
TOKEN_RE = re.compile(_TOKEN_POSSESSIVE if sys.version_info >= (3, 11) else _TOKEN)
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_HYPHEN_SPLIT = re.compile(f"[{HYPHENS}]")
_APOSTROPHE_SPLIT = re.compile(f"[{APOSTROPHES}]")


def raw_tokens(normalized: str) -> list[str]:
    """All raw tokens of already-normalised text, in order."""
    return TOKEN_RE.findall(normalized)


def raw_token_spans(normalized: str) -> Iterator[tuple[str, int, int]]:
    """Raw tokens with their character offsets ``(token, start, end)``."""
    for match in TOKEN_RE.finditer(normalized):
        yield match.group(), match.start(), match.end()


def is_number(token: str) -> bool:
    """True for ``2012``, ``2,5``, ``150.000``, ``05.05.14``."""
    return NUMBER_RE.fullmatch(token) is not None


def hyphen_parts(token: str) -> list[str]:
    """``corona-smittens`` -> ``["corona", "smittens"]``; a plain word -> ``[word]``."""
    return _HYPHEN_SPLIT.split(token)


def strip_apostrophe(word: str) -> str:
    """``kl’s`` -> ``kl``, ``mf’ere`` -> ``mf``: what follows an apostrophe is an ending."""
    return _APOSTROPHE_SPLIT.split(word, maxsplit=1)[0]


def dotted_labels(token: str) -> list[str] | None:
    """Labels of a dotted non-number token (``meretidsammen.dk``), or None."""
    if "." not in token or is_number(token):
        return None
    return token.split(".")


_TLDS = frozenset({"dk", "com", "org", "net", "eu", "gl", "fo", "de", "se", "no", "info", "nu", "io"})


def is_domain(labels: list[str]) -> bool:
    """True for ``["www", "kl", "dk"]`` or ``["meretidsammen", "dk"]``, not ``["bl", "a"]``."""
    return len(labels) >= 2 and (labels[0] == "www" or labels[-1] in _TLDS)
