"""Analyse a batch of documents' titles and bodies into postings.

A :class:`BatchAnalyzer` runs in the writing process or in a worker process
(:mod:`.parallel`). Each distinct raw token is expanded once, on first
sight, into expansion tables (its width and the ``(relative position,
term id)`` pairs it indexes); a batch's tokens are found and numbered
with numpy (:mod:`.token_ids`), and positions and postings come from numpy.
The batch's postings are grouped by term already, so the segment writer
only places each group. Term ids are the analyzer's own: each batch
carries the terms and surface words first seen in it, so the segment
writer can map the ids to its vocabulary.
"""

from __future__ import annotations

import gc
from array import array
from dataclasses import dataclass

import numpy as np

from ..analysis import Analyzer
from . import format as fmt
from .ranges import flat_ranges
from .storage import narrow
from .token_ids import TokenIds

Texts = list[tuple[str, str]]  # (title, body) of each document


@dataclass
class AnalyzedBatch:
    """The postings of a batch of documents, grouped by term.

    ``terms`` are the batch's distinct term ids (int32) and ``postings`` and
    ``occurrences`` how many postings and positions each has (int32). Then,
    group after group and by document within a group: ``docs`` (document
    number in the batch), ``tf`` and ``tf_title`` of each posting, and the
    ``positions`` (uint16, or uint32 for a long document) of each posting
    (body positions follow the title's after the gap). ``title_len`` and
    ``body_len`` (int32) are per document.
    """

    terms: np.ndarray
    postings: np.ndarray
    occurrences: np.ndarray
    docs: np.ndarray
    tf: np.ndarray
    tf_title: np.ndarray
    positions: np.ndarray
    title_len: np.ndarray
    body_len: np.ndarray
    new_terms: list[str]  # terms first seen in this batch, in id order
    new_words: list[str]  # surface words of the raw tokens first seen in this batch
    new_word_terms: np.ndarray  # the term id of each of new_words (int32)


class Vocabulary:
    """Strings numbered in the order they are first seen."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.strings: list[str] = []

    def id(self, string: str) -> int:
        """The number of ``string``, new if it was not seen before."""
        number = self.ids.get(string)
        if number is None:
            number = self.ids[string] = len(self.strings)
            self.strings.append(string)
        return number


class BatchAnalyzer:
    """Turns batches of document texts into :class:`AnalyzedBatch` es with one growing vocabulary."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._token_ids = TokenIds(self._new_raw)
        self._width = array("i")
        self._exp_start = array("i", [0])
        self._exp_rel = array("i")
        self._exp_term = array("i")
        self._terms = Vocabulary()
        self._sent_terms = 0  # terms that went out with earlier batches
        self._new_words: list[str] = []
        self._new_word_terms = array("i")

    def analyze(self, texts: Texts) -> AnalyzedBatch:
        """The postings of ``texts``; the vocabulary keeps growing across calls."""
        index_text = self._analyzer.index_text
        fields = [index_text(field) for pair in texts for field in pair]  # title, body, title, body, ...
        # The vocabulary's tables grow by millions of objects, none in a reference
        # cycle; the collector would go over them again and again (~15% of the time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            tokens, per_field = self._token_ids.numbers(fields)
        finally:
            if collecting:
                gc.enable()
        batch = self._occurrences(tokens, per_field)
        self._sent_terms = len(self._terms.strings)
        self._new_words, self._new_word_terms = [], array("i")
        return batch

    def _new_raw(self, raw: str) -> int:
        exp = self._analyzer.expand_uncached(raw)  # our tables are the cache
        number = len(self._width)
        self._width.append(exp.width)
        for rel, term in exp.terms:
            self._exp_rel.append(rel)
            self._exp_term.append(self._terms.id(term))
        self._exp_start.append(len(self._exp_rel))
        for word, term in exp.words:
            self._new_words.append(word)
            self._new_word_terms.append(self._terms.id(term))
        return number

    def _occurrences(self, tokens: np.ndarray, per_field: np.ndarray) -> AnalyzedBatch:
        # Where each token starts in the batch's run of positions, and each field.
        width = np.frombuffer(self._width, dtype=np.intc)[tokens]
        before = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(width, out=before[1:])
        field_first = np.zeros(len(per_field) + 1, dtype=np.int64)
        np.cumsum(per_field, out=field_first[1:])
        field_len = np.diff(before[field_first])
        title_len, body_len = field_len[0::2], field_len[1::2]
        # Position within the document: body positions follow the title's after a gap.
        field_offset = np.zeros(len(per_field), dtype=np.int64)
        field_offset[1::2] = title_len + fmt.FIELD_GAP
        pos = before[:-1] - np.repeat(before[field_first[:-1]] - field_offset, per_field)
        # Each token emits the (relative position, term) pairs of its expansion.
        exp_start = np.frombuffer(self._exp_start, dtype=np.intc)
        first = exp_start[tokens]
        count = exp_start[1:][tokens] - first
        emitted = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(count, out=emitted[1:])
        entry = flat_ranges(first, count, emitted)
        terms = np.frombuffer(self._exp_term, dtype=np.intc)[entry]
        positions = np.repeat(pos, count) + np.frombuffer(self._exp_rel, dtype=np.intc)[entry]
        per_field_occ = np.diff(emitted[field_first])
        docs = np.repeat(np.arange(len(title_len), dtype=np.int32), per_field_occ[0::2] + per_field_occ[1::2])
        return self._postings(terms, docs, positions, title_len, body_len)

    def _postings(
        self, terms: np.ndarray, docs: np.ndarray, positions: np.ndarray, title_len: np.ndarray, body_len: np.ndarray
    ) -> AnalyzedBatch:
        """The occurrences (in document order) grouped by term, keeping document order within a term."""
        # Sorting (term, occurrence number) pairs is several times faster than a stable argsort.
        key = terms.astype(np.int64) << 32
        key |= np.arange(len(terms), dtype=np.int64)
        key.sort()
        order = key & 0xFFFFFFFF
        terms, docs, positions = key >> 32, docs[order], positions[order]
        new_term = np.empty(len(terms), dtype=bool)
        new_term[:1] = True
        np.not_equal(terms[1:], terms[:-1], out=new_term[1:])
        new_posting = new_term.copy()
        new_posting[1:] |= docs[1:] != docs[:-1]
        groups = np.flatnonzero(new_term)
        runs = np.flatnonzero(new_posting)
        in_title = np.zeros(len(terms) + 1, dtype=np.int32)  # running count of title occurrences
        np.cumsum(positions < (title_len + fmt.FIELD_GAP)[docs], out=in_title[1:])
        ends = np.append(runs[1:], len(terms))
        return AnalyzedBatch(
            terms=terms[groups].astype(np.int32),
            postings=np.diff(np.append(np.searchsorted(runs, groups), len(runs))).astype(np.int32),
            occurrences=np.diff(np.append(groups, len(terms))).astype(np.int32),
            docs=docs[runs],
            tf=(ends - runs).astype(np.int32),
            tf_title=in_title[ends] - in_title[runs],
            positions=narrow(positions, at_least=np.uint16),
            title_len=title_len.astype(np.int32),
            body_len=body_len.astype(np.int32),
            new_terms=self._terms.strings[self._sent_terms :],
            new_words=self._new_words,
            new_word_terms=np.frombuffer(self._new_word_terms, dtype=np.intc).astype(np.int32),
        )
