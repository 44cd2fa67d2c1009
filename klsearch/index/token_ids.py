"""Number the raw tokens of many texts at once: numpy in place of a regex and a dict.

Finding a field's tokens with :data:`~klsearch.analysis.tokenize.TOKEN_RE` and
looking each one up in a dict costs about 0.6 us a token, mostly for making
and hashing a string per token. Here a batch's texts are read as one array of
code points: tokens are the runs of word characters and joiners between
them (exactly the regex's tokens), each is hashed with a polynomial hash
over its code points, and the hash finds the token's number in an
open-addressing table. Every hit is compared with the token it was stored
for, code point by code point, so two tokens with one hash are never taken
for one another. Only tokens not seen before become strings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..analysis.tokenize import APOSTROPHES, HYPHENS
from .ranges import flat_ranges

_OTHER, _WORD, _JOINER, _UNLEARNED = 0, 1, 2, 3
_JOINERS = frozenset(HYPHENS + APOSTROPHES + ".,")
_SEPARATOR = "\x00"  # between texts: neither a word character nor a joiner
_BASE = 0xA0761D6478BD642F  # odd, with well-mixed bits
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: a hash's slot from its high bits
_EMPTY = np.uint64(0)  # a free slot; a token whose hash is 0 is stored as 1 (and checked like any hit)
_FIRST_BITS = 16


class _CharClasses:
    """Word character, joiner or other, for every code point; learnt from ``str`` on first sight."""

    def __init__(self) -> None:
        self._table = np.full(0x110000, _UNLEARNED, dtype=np.uint8)
        self._learn(np.arange(256))

    def of(self, codes: np.ndarray) -> np.ndarray:
        classes = self._table.take(codes)
        unlearned = classes == _UNLEARNED
        if unlearned.any():
            self._learn(np.unique(codes[unlearned]))
            classes = self._table.take(codes)
        return classes

    def _learn(self, codes: np.ndarray) -> None:
        for code in codes.tolist():
            char = chr(code)
            # What \w matches in a str pattern: isalnum() or the underscore.
            word = char.isalnum() or char == "_"
            self._table[code] = _WORD if word else _JOINER if char in _JOINERS else _OTHER


_classes: _CharClasses | None = None


def _char_classes() -> _CharClasses:
    global _classes
    if _classes is None:
        _classes = _CharClasses()
    return _classes


def _spans(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, lengths)`` of the tokens: runs of word characters, with a joiner between
    two word characters inside the run."""
    classes = _char_classes().of(codes)
    inside = classes == _WORD
    joins = classes == _JOINER
    joins[:1] = joins[-1:] = False
    joins[1:-1] &= inside[:-2] & inside[2:]
    inside |= joins
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    return starts, np.flatnonzero(edges == -1) - starts


def _geometric(ratio: int, size: int) -> np.ndarray:
    """``ratio ** i`` modulo 2**64 for i < size."""
    terms = np.full(size, ratio, dtype=np.uint64)
    terms[0] = 1
    return np.cumprod(terms, dtype=np.uint64)  # wraps modulo 2**64, as wanted


class _Column:
    """A numpy array that grows at the end."""

    def __init__(self, dtype: type) -> None:
        self._data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.zeros(max(end, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = values
        self.size = end

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]


class TokenIds:
    """Raw token -> number, for batches of texts; ``new`` numbers a token not seen before."""

    def __init__(self, new: Callable[[str], int]) -> None:
        self._new = new
        self._up = self._down = np.ones(1, dtype=np.uint64)  # powers of the base and of its inverse
        self._bits = _FIRST_BITS
        self._keys = np.zeros(1 << self._bits, dtype=np.uint64)
        self._slot_entry = np.zeros(1 << self._bits, dtype=np.int64)
        # Per entry: the caller's number for the token, its hash, and its code points.
        self._numbers = _Column(np.int64)
        self._hashes = _Column(np.uint64)
        self._starts = _Column(np.int64)
        self._lengths = _Column(np.int64)
        self._codes = _Column(np.uint32)
        self._shared: dict[str, int] = {}  # tokens whose hash another token's entry holds

    def numbers(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(number of every token of the texts, in order (intc), tokens per text)``.

        The texts are normalised already; tokens never span two texts.
        """
        joined = _SEPARATOR.join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts, lengths = _spans(codes)
        text_starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(text) + 1 for text in texts], out=text_starts[1:])
        per_text = np.diff(np.searchsorted(starts, text_starts))
        hashes = self._hash(codes, starts, lengths)
        entries = self._find(hashes)
        hit = entries >= 0
        hit[hit] = self._same(codes, starts[hit], lengths[hit], entries[hit])
        numbers = np.empty(len(starts), dtype=np.intc)
        numbers[hit] = self._numbers.values.take(entries[hit])
        missed = np.flatnonzero(~hit)
        if len(missed):
            numbers[missed] = self._learn(joined, codes, starts, lengths, hashes, missed)
        return numbers, per_text

    def _hash(self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Polynomial hash of each token's code points, the same wherever the token stands."""
        if len(self._up) <= len(codes):
            size = max(len(codes) + 1, 2 * len(self._up))
            self._up, self._down = _geometric(_BASE, size), _geometric(pow(_BASE, -1, 1 << 64), size)
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum(codes * self._up[: len(codes)], out=prefix[1:])
        hashes = (prefix.take(starts + lengths) - prefix.take(starts)) * self._down.take(starts)
        hashes[hashes == _EMPTY] = 1
        return hashes

    def _slots(self, hashes: np.ndarray) -> np.ndarray:
        return ((hashes * _SPREAD) >> np.uint64(64 - self._bits)).astype(np.intp)

    def _find(self, hashes: np.ndarray) -> np.ndarray:
        """The entry holding each hash, -1 for none."""
        found = np.full(len(hashes), -1, dtype=np.int64)
        pending = np.arange(len(hashes))
        slots = self._slots(hashes)
        mask = len(self._keys) - 1
        while len(pending):
            keys = self._keys.take(slots)
            hit = keys == hashes.take(pending)
            found[pending[hit]] = self._slot_entry.take(slots[hit])
            probe = ~hit & (keys != _EMPTY)
            pending, slots = pending[probe], (slots[probe] + 1) & mask
        return found

    def _same(self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """Whether each token has the code points of its entry's token."""
        same = self._lengths.values.take(entries) == lengths
        compared = np.where(same, lengths, 0)
        ends = np.zeros(len(starts) + 1, dtype=np.int64)
        np.cumsum(compared, out=ends[1:])
        ours = codes.take(flat_ranges(starts, compared, ends))
        kept = self._codes.values.take(flat_ranges(self._starts.values.take(entries), compared, ends))
        differ = np.flatnonzero(ours != kept)
        same[np.searchsorted(ends, differ, side="right") - 1] = False
        return same

    def _learn(
        self, joined: str, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, hashes: np.ndarray, missed: np.ndarray
    ) -> list[int]:
        """Number the tokens not found (new ones, or ones whose hash another token's entry
        holds), in order; new ones get entries."""
        numbers: list[int] = []
        seen: dict[str, int] = {}
        added: list[int] = []  # the first occurrence of each new token
        added_numbers: list[int] = []
        for i, start, length in zip(missed.tolist(), starts[missed].tolist(), lengths[missed].tolist()):
            raw = joined[start : start + length]
            number = seen.get(raw)
            if number is None:
                number = self._shared.get(raw)
                if number is None:
                    number = self._new(raw)
                    added.append(i)
                    added_numbers.append(number)
                seen[raw] = number
            numbers.append(number)
        if added:
            at = np.asarray(added)
            self._add(codes, starts.take(at), lengths.take(at), hashes.take(at), np.asarray(added_numbers))
        return numbers

    def _add(self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, hashes: np.ndarray, numbers: np.ndarray) -> None:
        """Entries for new tokens (distinct strings). A token whose hash is held already, by an
        entry or by an earlier new token, goes to the shared dict instead."""
        _, first = np.unique(hashes, return_index=True)
        own = np.zeros(len(hashes), dtype=bool)
        own[first] = True
        own &= self._find(hashes) < 0
        for i in np.flatnonzero(~own).tolist():
            start, length = int(starts[i]), int(lengths[i])
            self._shared[codes[start : start + length].tobytes().decode("utf-32-le", "surrogatepass")] = int(numbers[i])
        starts, lengths, hashes = starts[own], lengths[own], hashes[own]
        entries = self._numbers.size + np.arange(len(hashes))
        self._numbers.extend(numbers[own])
        self._hashes.extend(hashes)
        self._lengths.extend(lengths)
        self._starts.extend(self._codes.size + np.cumsum(lengths) - lengths)
        self._codes.extend(codes.take(flat_ranges(starts, lengths)))
        if 2 * self._numbers.size > len(self._keys):  # keep the table at most half full
            while 2 * self._numbers.size > len(self._keys):
                self._bits += 1
                self._keys = np.zeros(1 << self._bits, dtype=np.uint64)
            self._slot_entry = np.zeros(1 << self._bits, dtype=np.int64)
            hashes, entries = self._hashes.values, np.arange(self._numbers.size)
        self._place(hashes, entries)

    def _place(self, hashes: np.ndarray, entries: np.ndarray) -> None:
        """Put distinct hashes not in the table into free slots, probing as :meth:`_find` does."""
        pending = np.arange(len(hashes))
        slots = self._slots(hashes)
        mask = len(self._keys) - 1
        while len(pending):
            free = np.flatnonzero(self._keys.take(slots) == _EMPTY)
            _, first = np.unique(slots.take(free), return_index=True)  # one hash per free slot
            chosen = free.take(first)
            self._keys[slots.take(chosen)] = hashes.take(pending.take(chosen))
            self._slot_entry[slots.take(chosen)] = entries.take(pending.take(chosen))
            waiting = np.ones(len(pending), dtype=bool)
            waiting[chosen] = False
            pending, slots = pending[waiting], (slots[waiting] + 1) & mask
