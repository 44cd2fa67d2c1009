"""Turn a parsed query tree into an executable plan with global weights.

Query words go through the same analyzer as the documents; each scoring
leaf gets its idf from the statistics of the whole index (all segments),
so scores do not depend on how the index is split into segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..analysis.analyzer import PART_MARK, Analyzer
from ..index.ranges import flat_ranges
from ..index.reader import IndexReader
from . import tree
from .bm25 import idf


# A word found only inside a compound scores this share of a match of the word
# itself; a compound's parts found near each other score this share of the
# parts' idf. Both rank such documents below ones that use the word as typed.
PART_WEIGHT = 0.5
NEAR_WEIGHT = 0.5
NEAR_WINDOW = 3


@dataclass
class TermLeaf:
    term: str
    weight: float
    term_ids: list[int] | None = None  # per segment, -1 where absent; looked up when None


@dataclass
class PhraseLeaf:
    terms: list[str]
    offsets: list[int]
    weight: float
    term_ids: list[list[int]] | None = None  # per segment, one id (or -1) per term


@dataclass
class NearLeaf:
    """Every part is within ``window`` positions of the first part, as a word of its own
    (``part``) or inside a compound (``~part``); at the same position only when both are
    inside one compound."""

    parts: list[tuple[str, str]]  # (part, ~part)
    window: int
    weight: float
    part_ids: list[list[tuple[int, int]]] | None = None  # per segment, each part's two ids (-1 where absent)


@dataclass
class PrefixLeaf:
    prefix: str
    weight: float
    term_ids: list[np.ndarray]  # per segment


@dataclass
class FilterLeaf:
    field: str
    values: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


@dataclass
class MatchAllLeaf:
    pass


@dataclass
class MatchNoneLeaf:
    pass


@dataclass
class BoolPlan:
    must: list["Plan"] = field(default_factory=list)
    should: list["Plan"] = field(default_factory=list)
    must_not: list["Plan"] = field(default_factory=list)


Plan = TermLeaf | PhraseLeaf | NearLeaf | PrefixLeaf | FilterLeaf | MatchAllLeaf | MatchNoneLeaf | BoolPlan


class Highlights:
    """What a snippet marks: analysed terms and surface prefixes, and the starts of
    words a matching token must contain. Worked out from the query's words on first
    use: most searches make no snippet."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._words: list[str] = []  # query words, as typed
        self._phrases: list[tuple[tuple[str, ...], list[str]]] = []  # phrase words and their terms
        self._prefixes: list[str] = []  # normalised prefixes
        self._sets: tuple[set[str], set[str], set[str]] | None = None

    def add_word(self, text: str) -> None:
        """A query word as typed."""
        self._words.append(text)

    def add_phrase(self, words: tuple[str, ...], terms: list[str]) -> None:
        """A phrase's words as typed and the terms they search."""
        self._phrases.append((words, terms))

    def add_prefix(self, prefix: str) -> None:
        """A normalised prefix."""
        self._prefixes.append(prefix)

    @property
    def terms(self) -> set[str]:
        return self._resolved()[0]

    @property
    def prefixes(self) -> set[str]:
        return self._resolved()[1]

    @property
    def keys(self) -> set[str]:
        """A token containing none of these cannot match."""
        return self._resolved()[2]

    def _resolved(self) -> tuple[set[str], set[str], set[str]]:
        if self._sets is None:
            terms: set[str] = set()
            keys: set[str] = set()
            analyzer = self._analyzer
            for text in self._words:
                _add_key(keys, analyzer.normalize_word(text))
                for exp in analyzer.query_expansions(text):
                    for part in exp.parts:
                        _add_key(keys, part)
                    for term in exp.query:
                        terms.update((term, PART_MARK + term))
                        _add_key(keys, term)
            for words, phrase_terms in self._phrases:
                terms.update(phrase_terms)
                for word in (*words, *phrase_terms):
                    _add_key(keys, analyzer.normalize_word(word))
            for prefix in self._prefixes:
                _add_key(keys, prefix)
            self._sets = terms, set(self._prefixes), keys
        return self._sets


def _add_key(keys: set[str], word: str) -> None:
    """Remember the start of a word a matching token must contain (and its aa spelling)."""
    key = word.lstrip(PART_MARK)[:3]
    if key:
        keys.update((key, key.replace("å", "aa")))


class Compiler:
    """Compiles query trees against one index snapshot."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.analyzer = reader.analyzer
        self.highlights = Highlights(self.analyzer)
        self._terms: dict[str, tuple[list[int], int]] = {}

    def _lookup(self, term: str) -> tuple[list[int], int]:
        """``(per-segment ids, live document frequency)`` of ``term``, looked up once per query."""
        found = self._terms.get(term)
        if found is None:
            segments = self.reader.segments
            ids = [seg.term_id(term) for seg in segments]
            df = sum(seg.live_doc_freq(tid) for seg, tid in zip(segments, ids) if tid >= 0)
            found = self._terms[term] = (ids, df)
        return found

    def _doc_freq(self, term: str) -> int:
        return self._lookup(term)[1]

    def compile(self, node: tree.Node) -> Plan:
        if isinstance(node, tree.BooleanQuery):
            return self._bool(node)
        if isinstance(node, tree.Term):
            return self._term(node.text)
        if isinstance(node, tree.Phrase):
            return self._phrase(node.words)
        if isinstance(node, tree.Prefix):
            return self._prefix(node.text)
        if isinstance(node, tree.MatchAll):
            return MatchAllLeaf()
        if isinstance(node, tree.FieldTerm):
            return FilterLeaf(node.field.lower(), values=(node.value,))
        if isinstance(node, tree.YearRange):
            return FilterLeaf("year", low=node.low, high=node.high)
        raise TypeError(f"unknown query node {node!r}")

    def _bool(self, node: tree.BooleanQuery) -> Plan:
        plan = BoolPlan()
        dropped = False
        for clause in node.clauses:
            sub = self.compile(clause.query)
            if isinstance(sub, MatchNoneLeaf) and clause.occur is not tree.Occur.MUST_NOT:
                if clause.occur is tree.Occur.MUST:
                    return MatchNoneLeaf()
                dropped = True
                continue
            if clause.occur is tree.Occur.MUST:
                plan.must.append(sub)
            elif clause.occur is tree.Occur.SHOULD:
                plan.should.append(sub)
            else:
                plan.must_not.append(sub)
        if dropped and not plan.must and not plan.should:
            return MatchNoneLeaf()  # every positive clause was a stop word or unknown
        if not plan.must and not plan.should and not plan.must_not:
            return MatchNoneLeaf()
        if (dropped or plan.should) and plan.must and all(map(_is_filter, plan.must)):
            # Filters restrict, words rank: "skole category:Politik" means the
            # word within the category, not the whole category.
            if not plan.should:
                return MatchNoneLeaf()
            words = plan.should[0] if len(plan.should) == 1 else BoolPlan(should=plan.should)
            plan = BoolPlan(must=[*plan.must, words], must_not=plan.must_not)
        if len(plan.should) == 1 and not plan.must and not plan.must_not:
            return plan.should[0]
        return plan

    def _weight(self, term: str) -> float:
        return idf(self.reader.doc_count, self._doc_freq(term))

    def _term(self, text: str) -> Plan:
        """A word: its own terms; weaker, the same word inside compounds; and
        for a compound, its parts near each other ("reform af folkeskolen")."""
        leaves: list[Plan] = []
        self.highlights.add_word(text)
        doc_count = self.reader.doc_count
        for exp in self.analyzer.query_expansions(text):
            for term in exp.query:
                inside = PART_MARK + term
                ids, df = self._lookup(term)
                ids_inside, df_inside = self._lookup(inside)
                weight = idf(doc_count, df + df_inside)
                if df:
                    leaves.append(TermLeaf(term, weight, ids))
                if df_inside:
                    leaves.append(TermLeaf(inside, weight * PART_WEIGHT, ids_inside))
            if len(exp.parts) >= 2:
                parts = [(part, PART_MARK + part) for part in exp.parts]
                found = [(self._lookup(plain), self._lookup(inside)) for plain, inside in parts]
                dfs = [plain[1] + inside[1] for plain, inside in found]
                if all(dfs):
                    weight = NEAR_WEIGHT * sum(idf(doc_count, df) for df in dfs)
                    part_ids = [
                        [(plain[0][i], inside[0][i]) for plain, inside in found] for i in range(len(self.reader.segments))
                    ]
                    leaves.append(NearLeaf(parts, NEAR_WINDOW, weight, part_ids))
        if not leaves:
            return MatchNoneLeaf()
        return leaves[0] if len(leaves) == 1 else BoolPlan(should=leaves)

    def _phrase(self, words: tuple[str, ...]) -> Plan:
        positioned = self.analyzer.phrase_terms(words)
        if not positioned:
            return MatchNoneLeaf()
        self.highlights.add_phrase(words, [t for _, t in positioned])
        if len(positioned) == 1:
            term = positioned[0][1]
            return TermLeaf(term, self._weight(term), self._lookup(term)[0])
        offsets = [p for p, _ in positioned]
        terms = [t for _, t in positioned]
        term_ids = [[self._lookup(t)[0][i] for t in terms] for i in range(len(self.reader.segments))]
        return PhraseLeaf(terms, offsets, sum(self._weight(t) for t in terms), term_ids)

    def _prefix(self, text: str) -> Plan:
        prefix = self.analyzer.normalize_word(text)
        if not prefix:
            return MatchNoneLeaf()
        self.highlights.add_prefix(prefix)
        per_segment = [seg.terms_with_prefix(prefix) for seg in self.reader.segments]
        doc_freq = 0
        for seg, tids in zip(self.reader.segments, per_segment):
            if len(tids):
                docs = np.unique(gather_ranges(seg.postings_start, seg.postings_docs, tids))
                doc_freq += len(docs) if seg.live is None else int(np.count_nonzero(seg.live[docs]))
        if doc_freq == 0:
            return MatchNoneLeaf()
        return PrefixLeaf(prefix, idf(self.reader.doc_count, doc_freq), per_segment)


def _is_filter(plan: Plan) -> bool:
    """True for plans that only restrict (facet and year filters), never score."""
    if isinstance(plan, FilterLeaf):
        return True
    if isinstance(plan, BoolPlan):
        return all(map(_is_filter, plan.must + plan.should + plan.must_not))
    return False


def gather_ranges(starts: np.ndarray, values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Concatenate ``values[starts[i]:starts[i+1]]`` for every i in ``ids``."""
    lo = starts[ids].astype(np.int64)
    return values[flat_ranges(lo, starts[ids + 1].astype(np.int64) - lo)]

