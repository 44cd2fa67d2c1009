"""The Danish analyzer chain: normalise -> tokenise -> stop -> stem.

Each distinct raw token is expanded once into an :class:`Expansion` (the
terms it indexes at which relative positions) and served from a bounded
cache afterwards, which is what makes analysis fast on running text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from . import tokenize
from .normalize import display_text, normalize
from .stem import stem, stemmer_version
from .stopwords import danish_stop_words
from .words import WordAnalyzer, complete_suspended

# Compound parts are indexed as their own terms under this mark, so a query
# can find "formand" inside "næstformand" but rank it below "formand" itself.
PART_MARK = "~"
ANALYZER_NAME = "klsearch-danish"
ANALYZER_VERSION = 3
_CACHE_LIMIT = 1_000_000


class Expansion(NamedTuple):
    """What one raw token contributes to the index.

    ``terms`` are ``(relative position, term)`` pairs; ``width`` is how many
    positions the token occupies (a hyphenated word takes one per part);
    ``query`` are the terms a non-phrase query searches for (none for a stop
    word); ``words`` are ``(surface word, term)`` pairs for prefix search;
    ``parts`` are the terms of a compound's parts, which a query also looks
    for near each other ("folkeskolereform" finds "reform af folkeskolen").
    """

    width: int
    terms: tuple[tuple[int, str], ...]
    query: tuple[str, ...]
    words: tuple[tuple[str, str], ...]
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Token:
    """A token of a text with its place: see ``klsearch analyze``."""

    token: str
    position: int
    start: int
    end: int
    terms: tuple[str, ...]


class Analyzer:
    """Danish analysis shared by indexing and querying."""

    def __init__(self, *, lemmas: bool = True, decompound: bool = True, folding: bool = True) -> None:
        self._stop = danish_stop_words()
        self._cache: dict[str, Expansion] = {}
        self._words = WordAnalyzer(lemmas=lemmas, decompound=decompound, folding=folding)

    @classmethod
    def from_config(cls, config: dict[str, object]) -> "Analyzer":
        """The analyzer an index records in its manifest (its switches)."""
        return cls(
            lemmas=bool(config.get("lemmas", True)),
            decompound=bool(config.get("decompound", True)),
            folding=bool(config.get("folding", True)),
        )

    @property
    def config(self) -> dict[str, object]:
        """Identifies the analysis; recorded in each index and checked on open."""
        return {
            "name": ANALYZER_NAME,
            "version": ANALYZER_VERSION,
            "stemmer": stemmer_version(),
            "stop_words": len(self._stop),
            "lemmas": self._words.lemmas,
            "decompound": self._words.decompound,
            "folding": self._words.folding,
        }

    def expand(self, raw: str) -> Expansion:
        """The (cached) expansion of one raw, normalised token."""
        exp = self._cache.get(raw)
        if exp is None:
            exp = self.expand_uncached(raw)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[raw] = exp
        return exp

    def expand_uncached(self, raw: str) -> Expansion:
        """The expansion of one raw, normalised token, not kept in the cache (for
        callers that keep their own table of the tokens they have seen)."""
        if raw.isalpha():  # most tokens: no digits, hyphens, apostrophes, dots or commas
            return self._expand_word(raw)
        if tokenize.is_number(raw):
            return Expansion(1, ((0, raw),), (raw,), ((raw, raw),))
        if "," in raw:  # words run together with a comma: "ord,ord"
            return self._sequence(raw.split(","))
        labels = tokenize.dotted_labels(raw)
        if labels is not None:
            if tokenize.is_domain(labels):
                return self._expand_domain(raw, labels)
            if all(len(label) <= 3 for label in labels):  # bl.a, f.eks, mio.kr
                return Expansion(1, ((0, raw),), (raw,), ((raw, raw),))
            return self._sequence(labels)  # a missing space after a full stop
        parts = [tokenize.strip_apostrophe(p) for p in tokenize.hyphen_parts(raw)]
        if len(parts) == 1:
            return self._expand_word(parts[0])
        # Hyphenated (corona-smittens) or broken at a line end (praktik-pladser):
        # the joined word at the first position, each part at its own.
        joined = self._expand_word("".join(parts))
        terms = list(joined.terms)
        words = list(joined.words)
        expansions = [self._expand_word(part) for part in parts]
        for i, exp in enumerate(expansions):
            terms += [(i, t) for _, t in exp.terms if (i, t) not in terms]
            words += exp.words
        part_terms = tuple(t for exp in expansions for t in exp.query)
        return Expansion(len(parts), tuple(terms), joined.query, tuple(words), part_terms)

    def _expand_word(self, word: str) -> Expansion:
        if not word or word in self._stop:
            return Expansion(1, (), (), ())
        folded = self._words.fold(word)
        if folded in self._stop:
            return Expansion(1, (), (), ())
        analysis = self._words.analyze(folded)
        whole = analysis.whole
        inside = dict.fromkeys([PART_MARK + t for t in analysis.parts + analysis.related]) if analysis.parts else ()
        terms = tuple([(0, t) for t in (*whole, *inside)])
        surfaces = (word,) if word == folded else (word, folded)
        words = tuple([(w, t) for w in surfaces for t in whole])
        return Expansion(1, terms, whole[:1], words, analysis.parts)

    def _expand_domain(self, raw: str, labels: list[str]) -> Expansion:
        # A domain (meretidsammen.dk, www.kl.dk) is also found by its labels
        # other than www and the top-level domain.
        terms: list[tuple[int, str]] = [(0, raw)]
        words: list[tuple[str, str]] = [(raw, raw)]
        for label in labels[:-1]:
            if label != "www" and label not in self._stop and not tokenize.is_number(label):
                term = stem(label)
                if (0, term) not in terms:
                    terms.append((0, term))
                words.append((label, term))
        return Expansion(1, tuple(terms), (raw,), tuple(words))

    def _sequence(self, parts: list[str]) -> Expansion:
        """Separate tokens that were written without a space between them."""
        terms: list[tuple[int, str]] = []
        query: list[str] = []
        words: list[tuple[str, str]] = []
        width = 0
        for part in parts:
            exp = self.expand(part) if part else Expansion(0, (), (), ())
            terms += [(width + rel, term) for rel, term in exp.terms]
            query += exp.query
            words += exp.words
            width += exp.width
        return Expansion(width, tuple(terms), tuple(query), tuple(words))

    # -- indexing --------------------------------------------------------

    def index_text(self, text: str) -> str:
        """A field's text as it is tokenised for the index: normalised, suspended hyphens completed."""
        return complete_suspended(normalize(text), self._words)

    def index_tokens(self, text: str) -> list[str]:
        """The raw tokens a field's text is indexed as."""
        return tokenize.raw_tokens(self.index_text(text))

    def index_terms(self, text: str, start: int = 0) -> tuple[list[tuple[str, int]], int]:
        """``(term, position)`` pairs of a field's text and the field's width."""
        cache = self._cache
        out: list[tuple[str, int]] = []
        pos = start
        for raw in self.index_tokens(text):
            exp = cache.get(raw) or self.expand(raw)
            for rel, term in exp.terms:
                out.append((term, pos + rel))
            pos += exp.width
        return out, pos - start

    def tokens(self, text: str) -> Iterator[Token]:
        """Every token of ``text`` with position, offsets and indexed terms.

        Offsets refer to :func:`display_text` of ``text``.
        """
        pos = 0
        for raw, start, end in tokenize.raw_token_spans(normalize(text)):
            exp = self.expand(raw)
            yield Token(raw, pos, start, end, tuple(dict.fromkeys(t for _, t in exp.terms)))
            pos += exp.width

    # -- querying --------------------------------------------------------

    def query_expansions(self, word: str) -> list[Expansion]:
        """The expansions of a non-phrase query word's tokens."""
        return [self.expand(raw) for raw in tokenize.raw_tokens(normalize(word))]

    def query_terms(self, word: str) -> tuple[str, ...]:
        """Terms a non-phrase query word searches for (none for a stop word)."""
        out: list[str] = []
        for raw in tokenize.raw_tokens(normalize(word)):
            for term in self.expand(raw).query:
                if term not in out:
                    out.append(term)
        return tuple(out)

    def phrase_terms(self, words: Iterable[str]) -> list[tuple[int, str]]:
        """``(relative position, term)`` of a phrase, one term per position.

        A hyphenated word contributes its parts, so "corona-smittens" and
        "corona smittens" match each other; stop words keep their place.
        """
        out: list[tuple[int, str]] = []
        pos = 0
        for raw in tokenize.raw_tokens(normalize(" ".join(words))):
            exp = self.expand(raw)
            by_pos: dict[int, str] = {}
            for rel, term in exp.terms:
                by_pos[rel] = term  # the last term at a position is the part, not the joined form
            if exp.width == 1 and exp.query:
                by_pos[0] = exp.query[0]
            out.extend((pos + rel, term) for rel, term in sorted(by_pos.items()))
            pos += exp.width
        return out

    def normalize_word(self, word: str) -> str:
        """A query word as it appears in the surface vocabulary (for prefix search)."""
        return tokenize.strip_apostrophe(normalize(word).strip())


__all__ = ["PART_MARK", "Analyzer", "Expansion", "Token", "display_text", "normalize"]
