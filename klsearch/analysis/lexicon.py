"""The Danish lexicon: word forms, compound roles and base forms from hunspell-da.

The data file (data/da_lexicon.bin, built by scripts/build_lexicon.py; licence
in data/LEXICON-LICENSE.md) holds about 900,000 lower-cased, accent-folded
forms as a minimised automaton (about 1 MB, loaded in about 20 ms, about 5 MB
in memory):

    MAGIC, u32 little-endian header length, JSON header, zlib-compressed body
    body = u32[states + 1] first edge of each state
           u32[edges]      target state of each edge
           u16[states]     category of the form ending in the state (0: none)
           UTF-8           edge labels, one character per edge, sorted per state

A category (listed in the header) gives a form's roles (WORD, BEGIN, MIDDLE,
END, PRODUCTIVE) and the (strip, append) rules to its stems as a compound
part and to its base forms as a word. Look-ups expect lower-cased words with
accents folded (klsearch.analysis.folding.fold_accents).

Analysing many words adds to the memory: each state's edges become a dict
when a walk first passes through it (about 10 MB after the 250,000 distinct
words of 100,000 documents, 30 MB if every state is visited), and the
categories of the last words walked are remembered (at most _MEMO_LIMIT).
"""

from __future__ import annotations

import json
import struct
import sys
import threading
import zlib
from array import array
from dataclasses import dataclass
from importlib import resources

MAGIC = b"KLSLEX\r\n"
FORMAT_VERSION = 1

WORD = 1
"""The form is a word on its own."""
BEGIN = 2
"""The form may begin a compound (with its linking element: arbejds, børne)."""
MIDDLE = 4
"""The form may stand inside a compound."""
END = 8
"""The form may end a compound (any inflected form: forhandlingerne)."""
PRODUCTIVE = 16
"""The form may end a compound and its base form heads several listed compounds (område, leder)."""

_Rule = tuple[int, str]
_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class FormInfo:
    """What the lexicon knows about one form."""

    roles: int
    link_stems: tuple[str, ...]
    """Stems of the form as a compound begin/middle part: tilpasnings -> tilpasning."""
    base_forms: tuple[str, ...]
    """Base forms of the form as a word: børn -> barn, forhandlingerne -> forhandling."""


def _apply(form: str, rules: tuple[_Rule, ...]) -> tuple[str, ...]:
    if not rules:  # most look-ups: an unknown form
        return ()
    return tuple([form[: len(form) - strip] + append for strip, append in rules])


class Lexicon:
    """Read-only lookups in the lexicon automaton."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(MAGIC):
            raise ValueError("not a klsearch lexicon file")
        pos = len(MAGIC)
        (head_len,) = struct.unpack_from("<I", data, pos)
        pos += 4
        header = json.loads(data[pos : pos + head_len].decode("utf-8"))
        if header["format"] != FORMAT_VERSION:
            raise ValueError(f"lexicon format {header['format']}, expected {FORMAT_VERSION}")
        body = zlib.decompress(data[pos + head_len :])
        states, edges = header["states"], header["edges"]
        self._first = _array("I", body, 0, states + 1)
        off = 4 * (states + 1)
        self._targets = _array("I", body, off, edges)
        off += 4 * edges
        self._values = _array("H", body, off, states)
        off += 2 * states
        self._labels = body[off : off + header["label_bytes"]].decode("utf-8")
        self._root: int = header["root"]
        # Each state's edges as a dict, built on a state's first visit: a walk
        # then costs a dict look-up per character instead of a str.find over
        # the state's labels, about a quarter less time on a stream of new words.
        self._edges: list[dict[str, int] | None] = [None] * states
        self._categories: dict[str, int] = {}  # see _walk
        cats = header["categories"]
        self._roles = (0,) + tuple(c[0] for c in cats)
        self._links: tuple[tuple[_Rule, ...], ...] = ((),) + tuple(
            tuple((s, a) for s, a in c[1]) for c in cats
        )
        self._lemmas: tuple[tuple[_Rule, ...], ...] = ((),) + tuple(
            tuple((s, a) for s, a in c[2]) for c in cats
        )

    def _state_edges(self, state: int) -> dict[str, int]:
        start, end = self._first[state], self._first[state + 1]
        edges = self._edges[state] = dict(zip(self._labels[start:end], self._targets[start:end]))
        return edges

    def _category(self, word: str) -> int:
        cat = self._categories.get(word)
        return self._walk(word, 0)[1] if cat is None else cat

    def _walk(self, word: str, start: int) -> tuple[list[tuple[int, int]], int]:
        """(end, roles) of every known form word[start:end], and the category of word[start:].

        The category of a whole word is remembered: a word is looked up
        again and again while it is analysed (its walk for its compound
        parts, then its base forms).
        """
        all_edges, values, roles = self._edges, self._values, self._roles
        state: int | None = self._root
        cat = values[state]
        found = []
        for end, ch in enumerate(word[start:], start + 1):
            edges = all_edges[state]
            if edges is None:
                edges = self._state_edges(state)
            state = edges.get(ch)
            if state is None:
                cat = 0
                break
            cat = values[state]
            if cat:
                found.append((end, roles[cat]))
        if not start:
            if len(self._categories) >= _MEMO_LIMIT:
                self._categories.clear()
            self._categories[word] = cat
        return found, cat

    def roles(self, word: str) -> int:
        """WORD/BEGIN/MIDDLE/END/PRODUCTIVE bits of a form (0 if unknown)."""
        return self._roles[self._category(word)]

    def is_word(self, word: str) -> bool:
        """Whether the form is a word on its own."""
        return bool(self._roles[self._category(word)] & WORD)

    __contains__ = is_word

    def lookup(self, word: str) -> FormInfo | None:
        """Everything the lexicon knows about a form, or None."""
        cat = self._category(word)
        if not cat:
            return None
        return FormInfo(self._roles[cat], _apply(word, self._links[cat]), _apply(word, self._lemmas[cat]))

    def link_stems(self, word: str) -> tuple[str, ...]:
        """Stems a compound begin/middle form stands for: arbejds -> arbejde, børne -> børn."""
        return _apply(word, self._links[self._category(word)])

    def base_forms(self, word: str) -> tuple[str, ...]:
        """Base forms of a word form: børn -> barn, væsnet -> væsen, forhandlingerne -> forhandling."""
        return _apply(word, self._lemmas[self._category(word)])

    def prefixes(self, word: str, start: int = 0) -> list[tuple[int, int]]:
        """(end, roles) for every known form word[start:end], shortest first."""
        return self._walk(word, start)[0]


def _array(typecode: str, body: bytes, offset: int, count: int) -> array:
    arr = array(typecode)
    if arr.itemsize != struct.calcsize("<" + typecode):
        raise RuntimeError(f"array('{typecode}') has an unexpected item size on this platform")
    arr.frombytes(body[offset : offset + count * arr.itemsize])
    if sys.byteorder == "big":
        arr.byteswap()
    return arr


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def get_lexicon() -> Lexicon:
    """The shipped lexicon, loaded on first use and shared by the process."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                data = resources.files("klsearch.analysis").joinpath("data/da_lexicon.bin").read_bytes()
                _lexicon = Lexicon(data)
    return _lexicon
