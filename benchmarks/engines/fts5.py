"""SQLite FTS5 (the sqlite3 module's SQLite), bm25(), text pre-analysed.

Set up as its documentation says for ranking: ORDER BY bm25(fts, 2.0, 1.0)
(title weight 2) LIMIT 10. FTS5 has no Danish stemmer, so title and body are
stored pre-analysed (space-joined terms from benchmarks.engines.common.analyzer:
klsearch's analysis when it exists) with tokenize = "unicode61
remove_diacritics 0" (the default folds å to a). The FTS table is contentless
(content=''): ids, category and year live in an ordinary table joined on rowid.
Facet counts are a second query, GROUP BY category, year over all matches.
"""

from __future__ import annotations

import os
import sqlite3

from benchmarks.engines import Base
from benchmarks.engines.common import PreAnalysed, facets_from_pairs, read_corpus


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class Engine(PreAnalysed, Base):
    name = "fts5"
    capabilities = {
        "facets": True, "filters": True, "phrases": True, "fields": True,
        "analysis": "none of its own for Danish: text pre-analysed in Python before indexing and querying",
        "notes": "facet counts are a second SQL query (GROUP BY over all matches joined to a metadata table); "
                 "stop words are gone from the pre-analysed text, so a phrase also matches across one; terms the "
                 "analyzer puts at one position (compound or hyphen parts) follow one another in the flat text, "
                 "so a phrase next to such a word can miss",
    }

    def versions(self):
        return {"sqlite": sqlite3.sqlite_version}

    def build(self, corpus_path: str, workdir: str) -> dict:
        os.makedirs(workdir, exist_ok=True)
        path = os.path.join(workdir, "index.sqlite")
        if os.path.exists(path):
            os.remove(path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', "
                   "tokenize='unicode61 remove_diacritics 0')")
        db.execute("CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, category TEXT, year INTEGER)")
        an = self.index_fn
        n = 0
        batch_f, batch_m = [], []
        for d in read_corpus(corpus_path):
            n += 1
            batch_f.append((n, " ".join(an(d["title"])), " ".join(an(d["body"]))))
            batch_m.append((n, d["id"], d["category"], d["year"]))
            if len(batch_f) == 5000:
                db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", batch_f)
                db.executemany("INSERT INTO meta VALUES (?,?,?,?)", batch_m)
                batch_f, batch_m = [], []
        db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", batch_f)
        db.executemany("INSERT INTO meta VALUES (?,?,?,?)", batch_m)
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
        db.close()
        return {"docs": n, "size_bytes": os.path.getsize(path), "analysis": self.analysis}

    def open(self, workdir: str) -> None:
        self.db = sqlite3.connect(f"file:{os.path.join(workdir, 'index.sqlite')}?mode=ro", uri=True)

    def _match(self, q: dict) -> str:
        parts = []
        terms = [t for w in q["terms"] for t in self.query_fn(w)]
        if terms:
            parts.append(" OR ".join(_quote(t) for t in terms))
        if q["phrase"]:
            phrase = self.query_fn(" ".join(q["phrase"]))
            parts.append(_quote(" ".join(phrase)))
        if not parts:
            return ""
        return "(" + ") AND (".join(parts) + ")" if len(parts) > 1 else parts[0]

    def search(self, q: dict):
        match = self._match(q)
        if not match:
            return [], {"category": {}, "year": {}}
        where, args = "fts MATCH ?", [match]
        if q["category"]:
            where += " AND m.category = ?"
            args.append(q["category"])
        if q["years"]:
            where += " AND m.year BETWEEN ? AND ?"
            args += q["years"]
        ids = [r[0] for r in self.db.execute(
            f"SELECT m.id FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE {where} "
            f"ORDER BY bm25(fts, 2.0, 1.0) LIMIT 10", args)]
        rows = self.db.execute(
            f"SELECT m.category, m.year, count(*) FROM fts JOIN meta m ON m.rowid = fts.rowid "
            f"WHERE {where} GROUP BY m.category, m.year", args)
        return ids, facets_from_pairs(rows)

    def close(self) -> None:
        self.db.close()
