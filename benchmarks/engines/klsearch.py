"""klsearch, the engine under test, through its public API only.

    klsearch.build_index(path, documents)        documents from klsearch.corpus.read_jsonl
    idx = klsearch.open_index(path)
    res = idx.search(text, limit=10, facets=("category", "year"))
    [h.id for h in res], res.facets, res.total

The query string is the query's ``text`` (words OR-ed and ranked, "a phrase",
category:X, year:A..B), except that with a filter the words are grouped as
required, ``+(words "phrase") category:X year:A..B``: klsearch's parser follows
Lucene, where next to a required filter the words are optional, so the plain
form would match (and count facets over) every document the filter lets
through, not what the peers do.
"""

from __future__ import annotations

import os

import klsearch
from klsearch import build_index, open_index  # ImportError until the API exists
from klsearch.corpus import read_jsonl

from benchmarks.engines import Base, dir_size

FACETS = ("category", "year")


class Engine(Base):
    name = "klsearch"
    capabilities = {
        "facets": True, "filters": True, "phrases": True, "fields": True,
        "analysis": "klsearch's Danish analysis",
        "notes": "",
    }

    def versions(self):
        return {"klsearch": getattr(klsearch, "__version__", None) or _dist_version()}

    def fingerprint(self, corpus_path: str) -> str:
        """klsearch is under development: any change to its code means a rebuild."""
        import hashlib
        from pathlib import Path

        h = hashlib.sha1()
        for f in sorted(Path(klsearch.__file__).parent.rglob("*.py")):
            h.update(f.read_bytes())
        return h.hexdigest()[:16]

    def build(self, corpus_path: str, workdir: str) -> dict:
        path = os.path.join(workdir, "index")
        n = 0

        def counted():  # streamed: the harness does not hold the corpus in memory
            nonlocal n
            for doc in read_jsonl(corpus_path):
                n += 1
                yield doc

        build_index(path, counted())
        return {"docs": n, "size_bytes": dir_size(path)}

    def open(self, workdir: str) -> None:
        self.idx = open_index(os.path.join(workdir, "index"))

    def search(self, q: dict):
        text = q["text"]
        if q["category"] or q["years"]:
            words = " ".join(q["terms"] + (['"' + " ".join(q["phrase"]) + '"'] if q["phrase"] else []))
            text = f"+({words}) " + text[len(words):].strip()
        res = self.idx.search(text, limit=10, facets=FACETS)
        facets = {k: {str(v): n for v, n in res.facets.get(k, {}).items()} for k in FACETS}
        return [h.id for h in res], facets

    def close(self) -> None:
        close = getattr(self.idx, "close", None)
        if close:
            close()


def _dist_version() -> str:
    from importlib.metadata import version

    return version("klsearch")
