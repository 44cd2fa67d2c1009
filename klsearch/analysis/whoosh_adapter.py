"""klsearch's Danish analysis as a whoosh analyzer.

    from whoosh.fields import Schema, TEXT
    schema = Schema(body=TEXT(analyzer=whoosh_analyzer(), phrase=True, stored=True))

The only module of klsearch that imports whoosh.

Two things differ from klsearch's own index, because whoosh's phrase query
only asks for its words at consecutive positions (it never looks at the gaps
the query analyzer reports):

- positions that hold no term (stop words) are not counted, as whoosh's own
  StopFilter does, so "to ud af tre" matches; it also matches "to tre";
- in query mode a hyphenated word yields its parts at consecutive positions,
  like :meth:`Analyzer.phrase_terms`, so phrases across it line up; a query
  word "corona-smittens" therefore asks for both parts (how whoosh joins them
  is the field's ``multitoken_query``). Every other word yields its query term.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer

from .analyzer import Analyzer
from .explain import source_tokens


def whoosh_analyzer(analyzer: Analyzer | None = None) -> DanishTokenizer:
    """A whoosh analyzer running ``analyzer`` (by default a new :class:`Analyzer`)."""
    return DanishTokenizer(analyzer)


class DanishTokenizer(Tokenizer):
    """Yields one whoosh token per klsearch term, terms of one position sharing ``pos``.

    Stop words have no term and are never yielded, not even with
    ``removestops=False``.
    whoosh pickles it into the index's schema: a default analyzer is made
    anew on unpickling, a custom one is pickled with it.
    """

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self._custom = analyzer is not None
        self._analyzer = analyzer

    @property
    def analyzer(self) -> Analyzer:
        """The klsearch analyzer it runs."""
        if self._analyzer is None:
            self._analyzer = Analyzer()
        return self._analyzer

    def __getstate__(self) -> dict[str, object]:
        # The default analyzer's cache (and data) need not go into the index.
        return {"_custom": self._custom, "_analyzer": self._analyzer if self._custom else None}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DanishTokenizer) and self.analyzer.config == other.analyzer.config

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[WhooshToken]:
        # whoosh's convention: one Token object, reset and yielded over and over.
        t = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        if not tokenize:  # whoosh asks for this for the ends of a range query
            t.text = self.analyzer.normalize_word(value)
            if keeporiginal:
                t.original = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos - 1
        last = None
        for tok in source_tokens(value, self.analyzer):
            for rel, term in self._terms(tok.token, query=mode == "query"):
                if tok.position + rel != last:
                    last = tok.position + rel
                    pos += 1
                t.text = term
                if keeporiginal:
                    t.original = value[tok.start : tok.end]
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + tok.start, start_char + tok.end
                yield t

    def _terms(self, raw: str, *, query: bool) -> Iterable[tuple[int, str]]:
        """``(relative position, term)`` of one raw token, in position order."""
        if query:
            return self.analyzer.phrase_terms([raw])
        return sorted(self.analyzer.expand(raw).terms, key=lambda rel_term: rel_term[0])
