"""tantivy (tantivy-py): Rust, BM25, its own Danish Snowball stemmer and stop list.

Set up as its documentation says: a TextAnalyzer (simple tokenizer, lowercase,
stopword("danish"), stemmer("danish")) registered on the Index before the
writer is made and again after every Index.open (tantivy does not store it);
top-10 with search(..., count=False) so its block-max pruning stays on; facet
counts with aggregate() (terms aggregations) on fast fields, a second pass.
Title, body, date, category and section are stored (tantivy's default
compressed doc store), as klsearch stores every document: a search library
shows titles and snippets of its hits, and index sizes compare like with like.
"""

from __future__ import annotations

import os

import tantivy as tv

from benchmarks.engines import Base, dir_size
from benchmarks.engines.common import read_corpus

ANALYZER = "da_stem"
AGGS = {"category": {"terms": {"field": "category", "size": 100}},
        "year": {"terms": {"field": "year", "size": 100}}}


def _analyzer():
    return (tv.TextAnalyzerBuilder(tv.Tokenizer.simple())
            .filter(tv.Filter.remove_long(40))
            .filter(tv.Filter.lowercase())
            .filter(tv.Filter.stopword("danish"))
            .filter(tv.Filter.stemmer("danish"))
            .build())


def _schema():
    sb = tv.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("body", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("date", stored=True, tokenizer_name="raw")
    sb.add_text_field("category", stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("section", stored=True, fast=True, tokenizer_name="raw")
    sb.add_unsigned_field("year", indexed=True, fast=True)
    return sb.build()


class Engine(Base):
    name = "tantivy"
    capabilities = {
        "facets": True, "filters": True, "phrases": True, "fields": True,
        "analysis": "tantivy simple tokenizer + lowercase + stopword('danish') + stemmer('danish') "
                    "(no decompounding, no aa/å handling; splits KL’s at the apostrophe)",
        "notes": "facet counts are a second pass (aggregate) over the matches; "
                 "indexing uses tantivy's writer threads (all cores); title, body, date, category "
                 "and section stored (default doc store) like klsearch's stored documents",
    }

    def versions(self):
        from importlib.metadata import version

        return {"tantivy-py": version("tantivy")}

    def fingerprint(self, corpus_path: str) -> str:
        return "stored-title-body-v2"  # indexes built before the doc store held the text are rebuilt

    def build(self, corpus_path: str, workdir: str) -> dict:
        path = os.path.join(workdir, "index")
        os.makedirs(path, exist_ok=True)
        index = tv.Index(_schema(), path=path, reuse=False)
        index.register_tokenizer(ANALYZER, _analyzer())
        writer = index.writer(heap_size=256_000_000)
        n = 0
        for d in read_corpus(corpus_path):
            doc = tv.Document(id=d["id"], title=d["title"], body=d["body"], date=d["date"],
                              category=d["category"], section=d["section"])
            doc.add_unsigned("year", d["year"])  # a plain int would be taken as i64
            writer.add_document(doc)
            n += 1
        writer.commit()
        writer.wait_merging_threads()
        return {"docs": n, "size_bytes": dir_size(path)}

    def open(self, workdir: str) -> None:
        self.index = tv.Index.open(os.path.join(workdir, "index"))
        self.index.register_tokenizer(ANALYZER, _analyzer())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _query(self, q: dict):
        parts = []
        if q["terms"]:
            parts.append(" ".join(q["terms"]))
        if q["phrase"]:
            parts.append('"' + " ".join(q["phrase"]) + '"')
        text = self.index.parse_query(" ".join(parts), ["title", "body"], field_boosts={"title": 2.0})
        clauses = [(tv.Occur.Must, text)]
        if q["category"]:
            clauses.append((tv.Occur.Must, tv.Query.const_score_query(
                tv.Query.term_query(self.schema, "category", q["category"]), 0.0)))
        if q["years"]:
            a, b = q["years"]
            clauses.append((tv.Occur.Must, tv.Query.const_score_query(
                tv.Query.range_query(self.schema, "year", tv.FieldType.Unsigned, a, b), 0.0)))
        return tv.Query.boolean_query(clauses) if len(clauses) > 1 else text

    def search(self, q: dict):
        query = self._query(q)
        s = self.searcher
        hits = s.search(query, limit=10, count=False).hits
        ids = [s.doc(addr)["id"][0] for _score, addr in hits]
        agg = s.aggregate(query, AGGS)
        facets = {k: {str(b["key"]): b["doc_count"] for b in agg[k]["buckets"]} for k in ("category", "year")}
        return ids, facets

    def close(self) -> None:
        self.searcher = self.index = None
