"""whoosh 2.7: pure Python, BM25F, LanguageAnalyzer('da').

Set up as its documentation says: TEXT fields with LanguageAnalyzer("da")
(regex tokenizer, lowercase, whoosh's Danish stop list plus its English one,
whoosh's own Snowball Danish stemmer), title boosted 2.0, category and year as
sortable ID fields (column storage, for facets); queries through a
MultifieldParser with OrGroup; filters through search(filter=...); facet
counts through groupedby with FieldFacet(..., maptype=Count), which makes
whoosh score and group every match.
"""

from __future__ import annotations

import os

from whoosh import index as windex
from whoosh import qparser, sorting
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import And, Term, TermRange

from benchmarks.engines import Base, dir_size
from benchmarks.engines.common import read_corpus


class Engine(Base):
    name = "whoosh"
    capabilities = {
        "facets": True, "filters": True, "phrases": True, "fields": True,
        "analysis": "whoosh LanguageAnalyzer('da'): also drops English stop words "
                    "(Danish 'to', 'by', 'is', 'and'); whoosh's own (older) Snowball Danish stemmer",
        "notes": "facet counts via groupedby score and group every match; its StopFilter renumbers "
                 "positions, so a phrase also matches across a removed stop word; indexing in one process "
                 "(whoosh's procs= option not used)",
    }

    def versions(self):
        import whoosh

        return {"whoosh": whoosh.versionstring()}

    def build(self, corpus_path: str, workdir: str) -> dict:
        path = os.path.join(workdir, "index")
        os.makedirs(path, exist_ok=True)
        ana = LanguageAnalyzer("da")
        schema = Schema(id=ID(stored=True, unique=False), title=TEXT(analyzer=ana, field_boost=2.0),
                        body=TEXT(analyzer=ana), category=ID(sortable=True), section=ID(sortable=True),
                        year=ID(sortable=True))
        ix = windex.create_in(path, schema)
        writer = ix.writer(limitmb=256)
        n = 0
        for d in read_corpus(corpus_path):
            writer.add_document(id=d["id"], title=d["title"], body=d["body"], category=d["category"],
                                section=d["section"], year=str(d["year"]))
            n += 1
        writer.commit()
        return {"docs": n, "size_bytes": dir_size(path)}

    def open(self, workdir: str) -> None:
        self.ix = windex.open_dir(os.path.join(workdir, "index"))
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "body"], self.ix.schema, group=qparser.OrGroup)
        self.groups = {"category": sorting.FieldFacet("category", maptype=sorting.Count),
                       "year": sorting.FieldFacet("year", maptype=sorting.Count)}

    def search(self, q: dict):
        parts = list(q["terms"])
        if q["phrase"]:
            parts.append('"' + " ".join(q["phrase"]) + '"')
        query = self.parser.parse(" ".join(parts))
        filters = []
        if q["category"]:
            filters.append(Term("category", q["category"]))
        if q["years"]:
            filters.append(TermRange("year", str(q["years"][0]), str(q["years"][1])))
        flt = (filters[0] if len(filters) == 1 else And(filters)) if filters else None
        res = self.searcher.search(query, limit=10, filter=flt, groupedby=self.groups)
        ids = [hit["id"] for hit in res]
        facets = {k: {str(v): n for v, n in res.groups(k).items()} for k in ("category", "year")}
        return ids, facets

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()
