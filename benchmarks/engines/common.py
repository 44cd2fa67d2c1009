"""What the peer adapters share: the corpus reader and the pre-analysis for FTS5 and bm25s."""

from __future__ import annotations

import hashlib
import itertools
import json
import re

CATEGORY_YEAR = ("category", "year")


def read_corpus(path: str):
    """The benchmark JSONL as dicts, with ``year`` (int) added."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            d["year"] = int(d["date"][:4])
            yield d


def _fallback():
    import snowballstemmer

    from whoosh.lang import stopwords_for_language

    stem = snowballstemmer.stemmer("danish").stemWord
    stop = frozenset(stopwords_for_language("da"))
    cache: dict[str, str] = {}
    word = re.compile(r"\w+")

    def analyze(text: str) -> list[str]:
        out = []
        for w in word.findall(text.lower()):
            if w in stop:
                continue
            s = cache.get(w)
            if s is None:
                s = cache[w] = stem(w)
            out.append(s)
        return out

    return analyze


def analyzer():
    """(analyze_for_index, analyze_for_query, description): klsearch's analysis when it exists.

    Both functions take text and return a list of terms. Terms of one position
    (a hyphenated word's joined form and parts) come out one after another.
    """
    try:
        from klsearch import analysis as ka
    except ImportError:
        ka = None
    if ka is not None and hasattr(ka, "analyze_for_index"):
        index_fn = ka.analyze_for_index
        return index_fn, getattr(ka, "analyze_for_query", index_fn), "klsearch.analysis.analyze_for_index"
    if ka is not None and hasattr(ka, "Analyzer"):
        a = ka.Analyzer()
        cfg = getattr(a, "config", {})

        def index_fn(text: str) -> list[str]:
            return [t for t, _pos in a.index_terms(text)[0]]

        def query_fn(text: str) -> list[str]:
            return [t for w in text.split() for t in a.query_terms(w)]

        return index_fn, query_fn, f"klsearch.analysis.Analyzer ({cfg.get('name')} v{cfg.get('version')})"
    fn = _fallback()
    return fn, fn, "FALLBACK (klsearch.analysis not available): lower-case, \\w+ tokens, " \
                       "Snowball stop words, snowballstemmer('danish')"


def facets_from_pairs(pairs) -> dict:
    """{"category": {...}, "year": {...}} from (category, year, count) rows."""
    cat: dict[str, int] = {}
    year: dict[str, int] = {}
    for c, y, n in pairs:
        cat[c] = cat.get(c, 0) + n
        y = str(y)
        year[y] = year.get(y, 0) + n
    return {"category": cat, "year": year}


def analysis_fingerprint(index_fn, corpus_path: str, n_docs: int = 200) -> str:
    """A hash of the terms ``index_fn`` makes of the first documents: changes when the analysis does."""
    h = hashlib.sha1()
    for d in itertools.islice(read_corpus(corpus_path), n_docs):
        h.update("\x1f".join(index_fn(d["title"] + "\n" + d["body"])).encode())
    return h.hexdigest()[:16]


class PreAnalysed:
    """For peers without Danish analysis: they index text analysed by klsearch's analyzer."""

    capabilities: dict

    def __init__(self):
        self.index_fn, self.query_fn, self.analysis = analyzer()
        self.capabilities = dict(self.capabilities, analysis=self.capabilities["analysis"] + "; " + self.analysis)

    def fingerprint(self, corpus_path: str) -> str:
        return analysis_fingerprint(self.index_fn, corpus_path)
