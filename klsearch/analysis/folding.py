"""Careful Danish folding of lower-cased words.

Accents go (é->e, ü->u, ç->c), Swedish/German ä/ö become æ/ø, and "aa"
becomes "å" where it spells å (Aalborg, Bundsgaard, paa). æ, ø and å are never
folded, and oe/ae are never read as ø/æ (koordineringen, skoene,
ekstraordinære stay as they are).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_KEEP = frozenset("åæø")
_SPECIAL = {"ä": "æ", "ö": "ø", "ß": "ss"}


def _accent_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _SPECIAL.items()}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        if ch in _KEEP or ch.lower() != ch or code in table:
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if base.isascii() and base.isalpha() and marks and all(unicodedata.combining(m) for m in marks):
            table[code] = base
    return table


_ACCENTS = _accent_table()


def fold_accents(word: str) -> str:
    """Drop accents and map ä/ö to æ/ø; leave æ, ø, å and everything else alone."""
    if word.isascii():
        return word
    return word.translate(_ACCENTS)


def fold(word: str) -> str:
    """Fold a lower-cased word: accents, ä/ö, and aa->å where aa spells å."""
    word = fold_accents(word)
    if "aa" in word:
        return _fold_aa(word)
    return word


@lru_cache(maxsize=65536)
def _fold_aa(word: str) -> str:
    from klsearch.analysis.aa import fold_aa

    return fold_aa(word)
