"""What the analyzer makes of a text, token by token (``klsearch analyze``).

Like Elasticsearch's ``_analyze``: each token with its position, its offsets
into the text as given and the terms it indexes (or, for a query, the terms
a query searches for).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator

from .analyzer import PART_MARK, Analyzer, Token
from .normalize import display_text


def source_tokens(text: str, analyzer: Analyzer | None = None) -> Iterator[Token]:
    """:meth:`Analyzer.tokens`, with ``start``/``end`` as offsets into ``text`` itself.

    ``Analyzer.tokens`` counts offsets in :func:`display_text` of the text,
    which differs from the text when it is not NFC or holds soft hyphens or
    zero-width characters; those offsets are mapped back here, so that
    ``text[start:end]`` is the token as written (soft hyphens included; a
    combining mark the tokenizer leaves out, as after "0" in "0" + U+0301,
    stays with its character). ``token`` stays the normalised raw token the
    analyzer works with.
    """
    analyzer = analyzer or Analyzer()
    tokens = analyzer.tokens(text)
    if display_text(text) == text:
        yield from tokens
        return
    starts, ends = _source_offsets(text)
    for tok in tokens:
        yield dataclasses.replace(tok, start=starts[tok.start], end=ends[tok.end - 1])


def explain(text: str, *, query: bool = False, analyzer: Analyzer | None = None) -> list[dict]:
    """One row per token: ``{"token", "position", "start", "end", "terms"}``.

    ``token`` is ``text[start:end]``. ``terms`` are the indexed terms (compound
    parts marked ``~``), or with ``query=True`` the terms a (non-phrase) query
    for the token searches for: the word's own terms, then the same inside
    compounds (``~term``, weaker); a stop word has none. A compound in a query
    also gets ``"near"``: the parts it looks for close to each other.
    """
    analyzer = analyzer or Analyzer()
    rows = []
    for tok in source_tokens(text, analyzer):
        row: dict = {"token": text[tok.start : tok.end], "position": tok.position, "start": tok.start, "end": tok.end}
        if query:
            expansions = analyzer.query_expansions(tok.token)
            row["terms"] = [t for exp in expansions for term in exp.query for t in (term, PART_MARK + term)]
            parts = [p for exp in expansions for p in exp.parts]
            if len(parts) >= 2:
                row["near"] = parts
        else:
            row["terms"] = list(tok.terms)
        rows.append(row)
    return rows


_HEADER = ("position", "offsets", "token", "terms")


def format_explanation(rows: list[dict]) -> str:
    """The rows of :func:`explain` as an aligned text table."""
    if not rows:
        return "(no tokens)"
    table = [_HEADER] + [
        (
            str(row["position"]),
            f"{row['start']}-{row['end']}",
            row["token"],
            (" ".join(row["terms"]) or "(no terms: stop word)")
            + (f"  (parts near each other: {' '.join(row['near'])})" if row.get("near") else ""),
        )
        for row in rows
    ]
    widths = [max(_width(line[i]) for line in table) for i in range(len(_HEADER) - 1)]
    return "\n".join(
        "".join(cell + " " * (width - _width(cell) + 2) for cell, width in zip(line, widths)) + line[-1]
        for line in table
    )


def _width(cell: str) -> int:
    # Combining marks and soft hyphens take no column on a terminal.
    return sum(unicodedata.category(c) not in ("Mn", "Me", "Cf") for c in cell)


def _source_offsets(text: str) -> tuple[list[int], list[int]]:
    """For each character of ``display_text(text)``, the start and the end in
    ``text`` of the piece it comes from."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _pieces(text):
        width = len(display_text(text[start:end]))
        starts.extend([start] * width)
        ends.extend([end] * width)
    return starts, ends


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """Consecutive spans of ``text`` whose display texts, joined, are the text's.

    A span starts at a character of combining class 0 unless NFC composes it
    with what comes before (Hangul jamo, for one).
    """
    bounds = [i for i in range(1, len(text)) if unicodedata.combining(text[i]) == 0] + [len(text)]
    piece = 0
    for start, end in zip(bounds, bounds[1:]):
        if _nfc(text[piece:end]) == _nfc(text[piece:start]) + _nfc(text[start:end]):
            yield piece, start
            piece = start
    yield piece, len(text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
