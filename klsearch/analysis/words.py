"""The terms of one Danish word: careful folding, base forms, compound parts.

A word known to the lexicon is indexed under its dictionary base forms
(ledelsen -> ledelse, børn -> barn, årene -> år), which keeps apart what
Snowball conflates (ledelse/ledighed -> led) and joins what it misses
(år/året, sundhedsvæsen/-væsnet). Unknown words fall back to Snowball. A
compound is also indexed under its parts and its two-part sub-compounds,
so "dagpenge" finds "dagpengekommissionens".
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import NamedTuple

from .compounds import Decompounder
from .folding import fold
from .lexicon import Lexicon, get_lexicon
from .stem import stem

# Shorter words are rarely compounds; skipping them keeps analysis fast.
MIN_COMPOUND_LENGTH = 7
_MEMO_SIZE = 50_000


class WordTerms(NamedTuple):
    """``whole``: the word's own terms; ``parts``: its compound parts' terms, in order;
    ``related``: sub-compounds (folkeskole in folkeskolereform)."""

    whole: tuple[str, ...]
    parts: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


class WordAnalyzer:
    """Terms of single lower-cased words, with each feature switchable for measurements."""

    def __init__(self, *, lemmas: bool = True, decompound: bool = True, folding: bool = True) -> None:
        self.lemmas = lemmas
        self.decompound = decompound
        self.folding = folding
        self._heads: dict[str, str | None] = {}
        # Compound parts recur across words (området, kommissionens): their base forms are looked up once.
        self._part_base = lru_cache(maxsize=_MEMO_SIZE)(self.base)

    @cached_property
    def _lexicon(self) -> Lexicon:
        return get_lexicon()

    @cached_property
    def _decompounder(self) -> Decompounder:
        return Decompounder(lexicon=self._lexicon)

    def fold(self, word: str) -> str:
        return fold(word) if self.folding else word

    def base(self, word: str) -> tuple[str, ...]:
        """Base forms, or the Snowball stem for a word the lexicon does not know."""
        forms = self._lexicon.base_forms(word) if self.lemmas else ()
        return forms[:2] or (stem(word),)

    def head(self, word: str) -> str | None:
        """The last part of a compound as written (området in ungeområdet), or None."""
        if word not in self._heads:
            parts = self._decompounder.parts(self.fold(word)) if self.decompound else ()
            if len(self._heads) > 100_000:
                self._heads.clear()
            self._heads[word] = word[parts[-1].start :] if len(parts) >= 2 else None
        return self._heads[word]

    def analyze(self, word: str) -> WordTerms:
        """Terms of a lower-case word that :meth:`fold` has folded already."""
        parts = self._decompounder.parts(word) if self.decompound and len(word) >= MIN_COMPOUND_LENGTH else ()
        if len(parts) < 2:
            return WordTerms(self.base(word))
        base = self._part_base
        head = parts[-1]
        if self.lemmas and not self._lexicon.base_forms(word):
            # An unknown compound: its modifier as written plus the head's base form.
            whole = tuple([word[: head.start] + b for b in base(head.text)])
        else:
            whole = self.base(word)
        part_terms = tuple([base(p.text)[0] for p in parts])
        related = []
        for k in range(2, len(parts)):
            related.append(base(word[: parts[k - 1].end])[0])  # folkeskole(reform)
            related.append(base(word[parts[-k].start :])[0])  # (folke)skolereform
        return WordTerms(whole, part_terms, tuple(related))


def complete_suspended(text: str, words: WordAnalyzer) -> str:
    """Complete suspended hyphens: "børne- og ungeområdet" -> "børneområdet og ungeområdet".

    The completed word replaces the truncated one, so the token count and
    every position stay as they were.
    """
    pieces: list[str] = []
    done = 0
    for hyphen in _hanging_hyphens(text):
        match = _SUSPENDED.match(text, hyphen)
        start = _WORD_BEFORE.search(text, max(done, hyphen - 60), hyphen) if match else None
        head = words.head(match.group(1)) if match and start else None
        if start and head:
            pieces += [text[done : start.start()], start.group() + head]
            done = hyphen + 1
    return "".join(pieces) + text[done:] if pieces else text


def _hanging_hyphens(text: str) -> list[int]:
    """Offsets of hyphens after a letter or digit and before a space or comma."""
    if "-" not in text:  # most texts, in one fast scan
        return []
    return [m.start() for m in _HANGING.finditer(text) if m.start() and text[m.start() - 1].isalnum()]


_HANGING = re.compile(r"-[ ,]")
_SUSPENDED = re.compile(r"-(?=(?:,?\s+\w+-)*,?\s+(?:og|eller|samt|til)\s+(\w+))")
_WORD_BEFORE = re.compile(r"\w+$")
