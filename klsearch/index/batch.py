"""Analyse a batch of documents' titles and bodies into term occurrences.

A :class:`BatchAnalyzer` runs in the writing process or in a worker process
(:mod:`.parallel`). Each distinct raw token is expanded once, on first
sight, into expansion tables (its width and the ``(relative position,
term id)`` pairs it indexes); a batch then costs a regex pass and one
dictionary lookup per token, and positions come from numpy. Term ids are
the analyzer's own: each batch carries the terms and surface words first
seen in it, so the segment writer can map the ids to its vocabulary.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from ..analysis import Analyzer
from . import format as fmt
from .storage import narrow

Texts = list[tuple[str, str]]  # (title, body) of each document


@dataclass
class AnalyzedBatch:
    """The term occurrences of a batch of documents, document by document.

    ``terms`` (int32) and ``positions`` (uint16, or uint32 for a long
    document) hold every occurrence: title terms, then body terms (body
    positions follow the title's after the gap); ``occurrences``,
    ``title_len`` and ``body_len`` (int32) are per document.
    """

    terms: np.ndarray
    positions: np.ndarray
    occurrences: np.ndarray
    title_len: np.ndarray
    body_len: np.ndarray
    new_terms: list[str]  # terms first seen in this batch, in id order
    new_words: list[tuple[str, int]]  # (surface word, term id) of raw tokens first seen in this batch


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
        self._raw_ids: dict[str, int] = {}
        self._width = array("i")
        self._exp_start = array("i", [0])
        self._exp_rel = array("i")
        self._exp_term = array("i")
        self._terms = Vocabulary()
        self._sent_terms = 0  # terms that went out with earlier batches
        self._new_words: list[tuple[str, int]] = []
        self._tokens = array("i")  # raw token ids of the batch, field by field

    def analyze(self, texts: Texts) -> AnalyzedBatch:
        """The occurrences of ``texts``; the vocabulary keeps growing across calls."""
        self._tokens = array("i")
        lengths = array("i")  # tokens per field: title, body, title, body, ...
        for title, body in texts:
            lengths.append(self._field(title))
            lengths.append(self._field(body))
        batch = self._occurrences(lengths)
        self._sent_terms = len(self._terms.strings)
        self._new_words = []
        return batch

    def _field(self, text: str) -> int:
        tokens = self._analyzer.index_tokens(text)
        mark = len(self._tokens)
        try:
            self._tokens.extend(map(self._raw_ids.__getitem__, tokens))  # faster than .get
        except KeyError:  # a token not seen before
            del self._tokens[mark:]
            for raw in set(tokens).difference(self._raw_ids):
                self._new_raw(raw)
            self._tokens.extend(map(self._raw_ids.__getitem__, tokens))
        return len(tokens)

    def _new_raw(self, raw: str) -> None:
        exp = self._analyzer.expand(raw)
        self._raw_ids[raw] = len(self._width)
        self._width.append(exp.width)
        for rel, term in exp.terms:
            self._exp_rel.append(rel)
            self._exp_term.append(self._terms.id(term))
        self._exp_start.append(len(self._exp_rel))
        self._new_words += [(word, self._terms.id(term)) for word, term in exp.words]

    def _occurrences(self, lengths: array) -> AnalyzedBatch:
        tokens = np.frombuffer(self._tokens, dtype=np.intc)
        per_field = np.frombuffer(lengths, dtype=np.intc)
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
        entry = np.repeat(first - emitted[:-1], count) + np.arange(emitted[-1])
        terms = np.frombuffer(self._exp_term, dtype=np.intc)[entry].astype(np.int32)
        positions = narrow(np.repeat(pos, count) + np.frombuffer(self._exp_rel, dtype=np.intc)[entry], at_least=np.uint16)
        per_field_occ = np.diff(emitted[field_first])
        return AnalyzedBatch(
            terms=terms,
            positions=positions,
            occurrences=(per_field_occ[0::2] + per_field_occ[1::2]).astype(np.int32),
            title_len=title_len.astype(np.int32),
            body_len=body_len.astype(np.int32),
            new_terms=self._terms.strings[self._sent_terms :],
            new_words=self._new_words,
        )
