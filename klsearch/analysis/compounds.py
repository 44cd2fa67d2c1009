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
from typing import NamedTuple

from klsearch.analysis.lexicon import BEGIN, END, MIDDLE, PRODUCTIVE, WORD, Lexicon, get_lexicon

MIN_PART = 3
SHORT_HEADS = frozenset({"år"})
"""Heads shorter than MIN_PART that are common enough to allow (kommunalvalg|år, skole|år)."""
MIN_LISTED_PART = 3
LONG_PART = 5
MAX_LENGTH = 100
"""Longer tokens (no Danish word is this long) are left whole."""

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
    for suffix in suffixes:
        if tail.startswith(suffix):
            rest = tail[len(suffix) :]
            if not rest or rest in _ENDINGS or (rest[0] == suffix[-1] and rest[1:] in _ENDINGS):
                return True
    return False


_Spans = tuple[tuple[int, int], ...]
_Reading = tuple[int, _Spans]  # (number of parts, spans)


class Decompounder:
    """Split lower-cased, folded words with the shipped lexicon and optional corpus words.

    `extra_words` (e.g. frequent words of the indexed corpus that the
    dictionary lacks, such as mpox) may stand as any part, also with -s-.
    """

    def __init__(self, extra_words: Iterable[str] = (), lexicon: Lexicon | None = None) -> None:
        self._lex = lexicon if lexicon is not None else get_lexicon()
        self._extra = frozenset(w for w in extra_words if len(w) >= MIN_PART and w.isalpha())
        self._extra_max = max(map(len, self._extra), default=0)

    def split(self, word: str) -> tuple[str, ...]:
        """Parts to index and search for, () if the word is not a compound.

        klimatilpasningsplaner -> ("klima", "tilpasning", "planer");
        dagpengekommissionens -> ("dagpenge", "kommissionens").
        """
        return tuple(p.text for p in self.parts(word))

    def parts(self, word: str) -> tuple[Part, ...]:
        """The parts with their spans in the word, () if it is not a compound."""
        top = self._segment(word)
        if top is None:
            return ()
        out: list[Part] = []
        for i, (start, end) in enumerate(top):
            last = i == len(top) - 1
            surface = word[start:end]
            text = surface if last else self._stem(surface)
            inner = self.parts(text)
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

    def _stem(self, part: str) -> str:
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

    def _segment(self, word: str) -> _Spans | None:
        """Top-level parts in order of preference (see _order); None if not a compound."""
        if not 2 * MIN_PART <= len(word) <= MAX_LENGTH:
            return None
        memo: dict[int, _Reading | None] = {}
        options: dict[int, _Reading] = {}
        for j, roles in self._prefixes(word, 0):
            if j < MIN_PART or not self._room(word, j) or not roles & BEGIN or word[:j] in PARTICLES:
                continue
            rest = self._rest(word, j, memo)
            if rest is not None:
                options[j] = (rest[0] + 1, ((0, j),) + rest[1])
        ordered = _order(word, options)
        if ordered and self._lex.is_word(word):
            return next((spans for spans in ordered if self._split_listed(word, spans)), None)
        return ordered[0] if ordered else None

    def _rest(self, word: str, i: int, memo: dict[int, _Reading | None]) -> _Reading | None:
        """Fewest parts for word[i:] as middle* + end."""
        if i in memo:
            return memo[i]
        best: _Reading | None = None
        if self._is_head(word[i:]):
            best = (1, ((i, len(word)),))
        else:
            options: dict[int, _Reading] = {}
            for j, roles in self._prefixes(word, i):
                if j - i < MIN_PART or not self._room(word, j) or not roles & MIDDLE or word[i:j] in PARTICLES:
                    continue
                rest = self._rest(word, j, memo)
                if rest is not None:
                    options[j] = (rest[0] + 1, ((i, j),) + rest[1])
            ordered = _order(word, options)
            if ordered:
                best = (len(ordered[0]), ordered[0])
        memo[i] = best
        return best

    @staticmethod
    def _room(word: str, j: int) -> bool:
        """Whether word[j:] is long enough to hold at least one more part."""
        return len(word) - j >= MIN_PART or word[j:] in SHORT_HEADS

    def _is_head(self, head: str) -> bool:
        if head in SHORT_HEADS:
            return True
        if len(head) < MIN_PART or _is_suffix(head, HOMOGRAPHS):
            return False
        if self._lex.roles(head) & END:
            return True
        extra = self._extra
        return bool(extra) and (
            head in extra or any(head.endswith(e) and head[: -len(e)] in extra for e in _ENDINGS)
        )

    def _prefixes(self, word: str, i: int) -> list[tuple[int, int]]:
        """(end, roles) of the known forms starting at i, extra words included."""
        found = self._lex.prefixes(word, i)
        if not self._extra:
            return found
        merged = dict(found)
        for j in range(i + MIN_PART, min(len(word), i + self._extra_max + 1) + 1):
            piece = word[i:j]
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

    def _split_listed(self, word: str, spans: _Spans) -> bool:
        """Whether a word listed in the dictionary should be split like this."""
        head_start = spans[-1][0]
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
        lengths = [end - start for start, end in spans[:-1]]
        head_length = max(map(len, head_bases))
        if any(h in SHORT_HEADS for h in head_bases):
            head_length = max(head_length, MIN_LISTED_PART)
        lengths.append(head_length)
        if min(lengths) < MIN_LISTED_PART or max(lengths) < LONG_PART:
            return False
        # A derivation of a listed word is split where that word is:
        # trafik|sikkerheden like trafik|sikker, hjemløsheden and sorteringen
        # (sortere) not at all.
        cuts = [start for start, _ in spans[1:]]
        for i in range(MIN_PART, len(word) - 1):
            base = self._derivation_base(word, i)
            if base is not None:
                inner = self._segment(base)
                if inner is None or [start for start, _ in inner[1:]] != [c for c in cuts if c < i]:
                    return False
        return True


def _order(word: str, options: dict[int, _Reading]) -> list[_Spans]:
    """Readings by preference: fewest parts, then the longest first part, except that
    an "s" goes with the head when both readings exist (fod|stykke, not fods|tykke).
    """

    def key(j: int) -> tuple[int, float]:
        count = options[j][0]
        shifted = word[j - 1] == "s" and j - 1 in options and options[j - 1][0] == count
        return count, -j + 1.5 if shifted else -j

    return [options[j][1] for j in sorted(options, key=key)]


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix((a, b)))
