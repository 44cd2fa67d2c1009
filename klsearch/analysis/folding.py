"""Careful Danish folding of lower-cased words.

Accents go (é->e, ü->u, ç->c), Swedish/German ä/ö become æ/ø, and "aa"
becomes "å" where it spells å (Aalborg, Taastrup, Bundsgaard, old "paa"), but
not across a compound boundary (ekstra|arbejde, klima|aftale). æ, ø and å are
never folded, and oe/ae/oo are never read as ø/æ (koordineringen, skoene,
ekstraordinære stay as they are).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from klsearch.analysis.compounds import Decompounder
from klsearch.analysis.lexicon import BEGIN, END, MIDDLE, get_lexicon

_KEEP = frozenset("åæø")
_SPECIAL = {"ä": "æ", "ö": "ø", "ß": "ss"}


def _accent_table() -> dict[int, str]:
    """Lower-case Latin letters with diacritics -> their base letter, except å/æ/ø."""
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
    if word.isascii() or word.replace("æ", "").replace("ø", "").replace("å", "").isascii():
        return word  # most Danish words: translate() would look up every letter for nothing
    return word.translate(_ACCENTS)


def fold(word: str) -> str:
    """Fold a lower-cased word: accents, ä/ö, and aa->å where aa spells å."""
    word = fold_accents(word)
    if "aa" in word:
        return _fold_aa(word)
    return word


@lru_cache(maxsize=1)
def _decompounder() -> Decompounder:
    return Decompounder()


@lru_cache(maxsize=65536)
def _fold_aa(word: str) -> str:
    splitter = _decompounder()
    cuts = {part.start for part in splitter.parts(word)[1:]}
    out = []
    i = 0
    while i < len(word):
        if word.startswith("aa", i) and not _is_boundary(splitter, word, i + 1, cuts):
            out.append("å")
            i += 2
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _is_boundary(splitter: Decompounder, word: str, cut: int, cuts: set[int]) -> bool:
    """Whether a compound boundary falls between the two a's (ekstra|arbejde)."""
    if cut in cuts:
        return True
    # Listed compounds (ekstraarbejde, klimaaftale) need not be split by the
    # decompounder; their two halves are enough.
    roles = get_lexicon().roles
    return cut >= 3 and bool(roles(word[:cut]) & (BEGIN | MIDDLE)) and bool(roles(word[cut:]) & END)
