"""bm25s: BM25 as a sparse matrix of precomputed scores (numpy; numba backend when installed).

Set up as its documentation says: BM25() (method "lucene", k1 1.5, b 0.75)
indexed from token lists, save()/load(), retrieve(k=10); the numba backend
(bm25s[core]) when numba is importable. Text is pre-analysed as for FTS5.
Filters through retrieve(weight_mask=...), a 0/1 mask over all documents
built per query from category and year arrays kept beside the index.

It cannot: count facets (returns None), match phrases (raises Unsupported),
weight fields (title and body are one bag of words).
"""

from __future__ import annotations

import json
import os

import bm25s
import numpy as np

from benchmarks.engines import Base, Unsupported, dir_size
from benchmarks.engines.common import PreAnalysed, read_corpus

try:
    import numba  # noqa: F401

    BACKEND = "numba"
except ImportError:
    BACKEND = "numpy"


class Engine(PreAnalysed, Base):
    name = "bm25s"
    capabilities = {
        "facets": False, "filters": True, "phrases": False, "fields": False,
        "analysis": "none of its own for Danish: text pre-analysed in Python before indexing and querying",
        "notes": f"backend {BACKEND}; no facet counts (its latency excludes them); no phrase queries; "
                 "one field (title and body as one bag of words); filters as a weight mask over every document; "
                 "with numba the first query after open compiles its kernels (seconds)",
    }

    def versions(self):
        from importlib.metadata import version

        v = {"bm25s": version("bm25s")}
        if BACKEND == "numba":
            v["numba"] = version("numba")
        return v

    def build(self, corpus_path: str, workdir: str) -> dict:
        path = os.path.join(workdir, "index")
        os.makedirs(path, exist_ok=True)
        an = self.index_fn
        tokens, ids, cats, years = [], [], [], []
        for d in read_corpus(corpus_path):
            tokens.append(an(d["title"]) + an(d["body"]))
            ids.append(d["id"])
            cats.append(d["category"])
            years.append(d["year"])
        ret = bm25s.BM25(backend=BACKEND)
        ret.index(tokens, show_progress=False)
        ret.save(path, show_progress=False)
        names = sorted(set(cats))
        code = {c: i for i, c in enumerate(names)}
        np.save(os.path.join(path, "category.npy"), np.array([code[c] for c in cats], dtype=np.uint8))
        np.save(os.path.join(path, "year.npy"), np.array(years, dtype=np.uint16))
        with open(os.path.join(path, "docmeta.json"), "w", encoding="utf-8") as fh:
            json.dump({"ids": ids, "categories": names}, fh, ensure_ascii=False)
        return {"docs": len(ids), "size_bytes": dir_size(path), "analysis": self.analysis}

    def open(self, workdir: str) -> None:
        path = os.path.join(workdir, "index")
        self.ret = bm25s.BM25.load(path, backend=BACKEND)
        self.cat = np.load(os.path.join(path, "category.npy"))
        self.year = np.load(os.path.join(path, "year.npy"))
        with open(os.path.join(path, "docmeta.json"), encoding="utf-8") as fh:
            meta = json.load(fh)
        self.ids = meta["ids"]
        self.code = {c: i for i, c in enumerate(meta["categories"])}
        self.vocab = self.ret.vocab_dict

    def search(self, q: dict):
        if q["phrase"]:
            raise Unsupported("bm25s has no positions: no phrase queries")
        terms = [t for w in q["terms"] for t in self.query_fn(w) if t in self.vocab]
        if not terms:
            return [], None
        mask = None
        if q["category"] or q["years"]:
            keep = np.ones(len(self.ids), dtype=bool)
            if q["category"]:
                keep &= self.cat == self.code.get(q["category"], 255)
            if q["years"]:
                keep &= (self.year >= q["years"][0]) & (self.year <= q["years"][1])
            mask = keep.astype(np.float32)
        docs, scores = self.ret.retrieve([terms], k=10, show_progress=False, weight_mask=mask)
        return [self.ids[i] for i, s in zip(docs[0].tolist(), scores[0].tolist()) if s > 0], None

    def close(self) -> None:
        self.ret = None
