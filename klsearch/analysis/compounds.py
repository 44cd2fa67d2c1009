"""Splitting Danish compounds into the parts a search should find.

A compound is read as begin + middle* + end, each part a form the lexicon
allows in that position (begin and middle parts with their linking element:
arbejds-, børne-, klima-), each at least MIN_PART letters. The reading with
the fewest parts wins (ties go to the longer first part, arbejdstids|regler,
but an "s" goes with the head when it can, fod|stykke), and each part is
split again the same way, so a word is split the same whether it stands
alone or inside a longer compound.

Derivations are not compounds: particles and prefixes (for|handling,
under|søgelse) never stand before another part, and suffixes that are also
words (sund|hed, formand|skab) never stand last. A word listed in the
dictionary is split only if its parts make up its base form, with a
productive head and parts of at least MIN_LISTED_PART letters, one of
LONG_PART (sundheds|væsenet, skole|leder; not kom|missionen, pro|grammet,
synde|ren), and a derivation of a listed word only where that word splits
(trafik|sikkerheden like trafik|sikker; hjemløsheden whole like hjemløs).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from klsearch.analysis.lexicon import BEGIN, END, MIDDLE, PRODUCTIVE, WORD, Lexicon, get_lexicon

MIN_PART = 3
SHORT_HEADS = frozenset({"år"})
"""Heads shorter than MIN_PART that are common enough to allow (kommunalvalg|år, skole|år)."""
MIN_LISTED_PART = 3
LONG_PART = 5
MAX_LENGTH = 100
"""Longer tokens (no Danish word is this long) are left whole."""
_MEMO_SIZE = 50_000
"""Entries in each splitter's memos of recurring parts, tails and stems."""

PARTICLES = frozenset(
    "for over under til ud op ind af med fra ved mod bag frem ned hen efter gennem bort "
    "sam sammen mis und gen".split()
)
"""Particles and prefixes of derivations: never a non-final part."""

HOMOGRAPHS = frozenset("hed lighed skab dom som lig ling ske vis bar ende isme mæssig agtig løs".split())
"""Derivational suffixes that are also words: never a head."""

_BOUND_SUFFIXES = frozenset("ing ning else sel".split())
"""Derivational suffixes that are not words (sorter|ing, forhandl|ing, opfatt|else)."""

_ENDINGS = frozenset("e en ens er ere erne ernes ers es et ets s t r ne nes ste este".split())
_LENGTHS = {s: sorted(set(map(len, s))) for s in (HOMOGRAPHS, _BOUND_SUFFIXES)}
"""The lengths of the suffixes in each set, so _is_suffix slices instead of trying each suffix."""
_LINKS = ("s", "e", "er")


class Part(NamedTuple):
    """One part of a compound: its span in the word and the form to index."""

    start: int
    end: int
    text: str
    """Non-final parts: the stem without linking element (tilpasnings -> tilpasning);
    the final part: the surface form (planer)."""


def _is_suffix(tail: str, suffixes: frozenset[str]) -> bool:
    """Whether tail is one of the suffixes, possibly inflected (lighed, skabet, virksom|me)."""
    for n in _LENGTHS[suffixes]:
        if tail[:n] in suffixes:
            rest = tail[n:]
            if not rest or rest in _ENDINGS or (rest[0] == tail[n - 1] and rest[1:] in _ENDINGS):
                return True
    return False


_Lengths = tuple[int, ...]
"""A reading of a word or of its tail: the lengths of its parts."""


class Decompounder:
    """Split lower-cased, folded words with the shipped lexicon and optional corpus words.

    `extra_words` (e.g. frequent words of the indexed corpus that the
    dictionary lacks, such as mpox) may stand as any part, also with -s-.
    """

    def __init__(self, extra_words: Iterable[str] = (), lexicon: Lexicon | None = None) -> None:
        self._lex = lexicon if lexicon is not None else get_lexicon()
        self._extra = frozenset(w for w in extra_words if len(w) >= MIN_PART and w.isalpha())
        self._extra_max = max(map(len, self._extra), default=0)
        if not self._extra:
            self._prefixes = self._lex.prefixes  # one call less on the hottest path
        # Parts, tails and linking forms recur across compounds (området,
        # kommissionens, arbejds): each is worked out once, in bounded memos.
        self._inner_parts = lru_cache(maxsize=_MEMO_SIZE)(self.parts)
        self._rest = lru_cache(maxsize=_MEMO_SIZE)(self._read_rest)
        self._stem = lru_cache(maxsize=_MEMO_SIZE)(self._link_stem)

    def split(self, word: str) -> tuple[str, ...]:
        """Parts to index and search for, () if the word is not a compound.

        klimatilpasningsplaner -> ("klima", "tilpasning", "planer");
        dagpengekommissionens -> ("dagpenge", "kommissionens").
        """
        return tuple(p.text for p in self.parts(word))

    def parts(self, word: str) -> tuple[Part, ...]:
        """The parts with their spans in the word, () if it is not a compound."""
        lengths = self._segment(word)
        if lengths is None:
            return ()
        out: list[Part] = []
        last = len(lengths) - 1
        end = 0
        for i, length in enumerate(lengths):
            start, end = end, end + length
            surface = word[start:end]
            text = surface if i == last else self._stem(surface)
            inner = self._inner_parts(text)
            kept: list[Part] = []
            if inner:
                # Cuts of the stem carry over where stem and surface still agree.
                limit = _common_prefix(surface, text)
                kept = [p for p in inner[1:] if p.start < limit]
            if not kept:
                out.append(Part(start, end, text))
                continue
            cuts = [start] + [start + p.start for p in kept] + [end]
            texts = [inner[0].text] + [p.text for p in kept[:-1]] + [text[kept[-1].start :]]
            out.extend(Part(a, b, t) for a, b, t in zip(cuts, cuts[1:], texts))
        return tuple(out)

    def is_known(self, word: str) -> bool:
        """Whether the word is listed (or an extra word) or splits into known parts."""
        return self._lex.is_word(word) or word in self._extra or self._segment(word) is not None

    def _link_stem(self, part: str) -> str:
        """The searchable form of a non-final part."""
        bases = self._lex.base_forms(part)
        if part in bases:
            return part  # folke, fælles, skatte: a word in its own right
        stems = self._lex.link_stems(part)
        for link in _LINKS:
            if part.endswith(link):
                bare = part[: -len(link)]
                if bare in stems or bare in bases or bare in self._extra:
                    return bare  # tilpasning|s, børn|e, mand|s
        return min(stems, key=lambda s: (len(s), s)) if stems else part  # arbejds -> arbejde

    def _segment(self, word: str) -> _Lengths | None:
        """The lengths of the top-level parts (see _order); None if not a compound."""
        if not 2 * MIN_PART <= len(word) <= MAX_LENGTH:
            return None
        options = self._readings(word, self._prefixes(word), BEGIN)
        if not options:
            return None
        ordered = _order(word, options)
        if self._lex.is_word(word):
            return next((lengths for lengths in ordered if self._split_listed(word, lengths)), None)
        return ordered[0]

    def _read_rest(self, tail: str) -> _Lengths | None:
        """Fewest parts for the tail of a word as middle* + end (a tail reads the same in every word)."""
        found = self._prefixes(tail)
        if self._is_head(tail, found[-1][1] if found and found[-1][0] == len(tail) else 0):
            return (len(tail),)
        options = self._readings(tail, found, MIDDLE)
        return _order(tail, options)[0] if options else None

    def _readings(self, word: str, found: list[tuple[int, int]], role: int) -> dict[int, _Lengths]:
        """The best reading of the word as a part in this role (BEGIN or MIDDLE) and a rest,
        by where that part ends, for each of the forms it starts with (found)."""
        options: dict[int, _Lengths] = {}
        roomy = len(word) - MIN_PART  # a part ending after this leaves room only for a short head
        for j, roles in found:
            if j < MIN_PART or not roles & role or j > roomy and word[j:] not in SHORT_HEADS or word[:j] in PARTICLES:
                continue
            rest = self._rest(word[j:])
            if rest is not None:
                options[j] = (j, *rest)
        return options

    def _is_head(self, head: str, roles: int) -> bool:
        """Whether a form with these lexicon roles may end a compound."""
        if head in SHORT_HEADS:
            return True
        extra = self._extra
        if len(head) < MIN_PART or not (roles & END or extra) or _is_suffix(head, HOMOGRAPHS):
            return False
        if roles & END:
            return True
        return head in extra or any(head.endswith(e) and head[: -len(e)] in extra for e in _ENDINGS)

    def _prefixes(self, word: str) -> list[tuple[int, int]]:
        """(end, roles) of the known forms the word starts with, extra words included
        (without extra words, the lexicon's prefixes: see __init__)."""
        merged = dict(self._lex.prefixes(word))
        for j in range(MIN_PART, min(len(word), self._extra_max + 1) + 1):
            piece = word[:j]
            if piece in self._extra or (piece[-1] == "s" and piece[:-1] in self._extra):
                merged[j] = merged.get(j, 0) | WORD | BEGIN | MIDDLE
        return sorted(merged.items())

    def _derivation_base(self, word: str, i: int) -> str | None:
        """The listed word that word[:i] + a suffix derives from, if word[i:] is a suffix."""
        tail = word[i:]
        if not (_is_suffix(tail, HOMOGRAPHS) or _is_suffix(tail, _BOUND_SUFFIXES)):
            return None
        for base in (word[:i], word[:i] + "e"):
            if self._lex.is_word(base):
                return base
        return None

    def _split_listed(self, word: str, lengths: _Lengths) -> bool:
        """Whether a word listed in the dictionary should be split into parts of these lengths."""
        head_start = len(word) - lengths[-1]
        head = word[head_start:]
        if not self._lex.roles(head) & PRODUCTIVE:
            return False
        # The parts must make up the word's base form (not synde|ren: synderen
        # is a form of synder; not reform|ens), and the lengths count in the
        # base form, so that formanden is whole like formand.
        left = word[:head_start]
        bases = set(self._lex.base_forms(word))
        head_bases = [h for h in self._lex.base_forms(head) if left + h in bases]
        if not head_bases:
            return False
        head_length = max(map(len, head_bases))
        if any(h in SHORT_HEADS for h in head_bases):
            head_length = max(head_length, MIN_LISTED_PART)
        in_base = (*lengths[:-1], head_length)
        if min(in_base) < MIN_LISTED_PART or max(in_base) < LONG_PART:
            return False
        # A derivation of a listed word is split where that word is:
        # trafik|sikkerheden like trafik|sikker, hjemløsheden and sorteringen
        # (sortere) not at all.
        cuts = list(accumulate(lengths[:-1]))
        for i in range(MIN_PART, len(word) - 1):
            base = self._derivation_base(word, i)
            if base is not None:
                inner = self._segment(base)
                if inner is None or list(accumulate(inner[:-1])) != [c for c in cuts if c < i]:
                    return False
        return True


def _order(word: str, options: dict[int, _Lengths]) -> list[_Lengths]:
    """Readings by preference: fewest parts, then the longest first part, except that
    an "s" goes with the head when both readings exist (fod|stykke, not fods|tykke).
    """
    if len(options) < 2:
        return list(options.values())

    def key(j: int) -> tuple[int, float]:
        count = len(options[j])
        shifted = word[j - 1] == "s" and j - 1 in options and len(options[j - 1]) == count
        return count, -j + 1.5 if shifted else -j

    return [options[j] for j in sorted(options, key=key)]


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix((a, b)))
