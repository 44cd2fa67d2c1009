"""The benchmark corpus generator: deterministic, KL-shaped, Danish-like.

Run with: pytest --import-mode=importlib tests/benchmarks
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from benchmarks import corpus_gen, queries
from benchmarks.corpus_gen import CATEGORIES, SECTIONS, WORD_RE, Generator

N = 300


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator(seed=7)


@pytest.fixture(scope="module")
def docs(gen) -> list[dict]:
    return [gen.document(i) for i in range(N)]


def test_prefix_property(tmp_path):
    small = corpus_gen.generate(40, seed=3, out=str(tmp_path / "a"), queries=False, log=lambda *_: None)
    large = corpus_gen.generate(120, seed=3, out=str(tmp_path / "b"), queries=False, log=lambda *_: None)
    a = open(small["jsonl"], encoding="utf-8").read().splitlines()
    b = open(large["jsonl"], encoding="utf-8").read().splitlines()
    assert len(a) == 40 and len(b) == 120
    assert b[:40] == a


def test_same_seed_same_document_other_seed_other_document(gen, docs):
    assert Generator(seed=7).document(17) == docs[17]
    assert Generator(seed=8).document(17) != docs[17]
    assert gen.document(5) == docs[5]  # no state carried from one document to the next


def test_shape(docs):
    cats = {c for c, _ in CATEGORIES}
    secs = {s for s, _ in SECTIONS}
    ids = set()
    titles = []
    for d in docs:
        assert set(d) == {"id", "title", "body", "date", "category", "section"}
        ids.add(d["id"])
        n_title = sum(1 for t in d["title"].split() if any(ch.isalnum() for ch in t))
        assert 3 <= n_title <= 14, d["title"]  # 5-12 template tokens ("KL’s", "5-6-årige" join several)
        titles.append(n_title)
        assert 50 <= len(d["body"].split()) <= 460
        assert 2005 <= dt.date.fromisoformat(d["date"]).year <= 2025
        assert d["category"] in cats and d["section"] in secs
    assert len(ids) == len(docs)
    assert 5 <= sum(titles) / len(titles) <= 12


def test_skewed_categories(docs):
    counts = Counter(d["category"] for d in docs)
    assert counts["Politik"] > 2 * counts["Ledelse"]
    assert len(counts) >= 8


def test_danish_like(gen, docs):
    stop = queries.stop_words()
    words = [w for d in docs for w in WORD_RE.findall((d["title"] + " " + d["body"]).lower())]
    known = gen.vocab | stop | {f.lower() for t in gen.bodies + gen.titles for f, *_ in t[0]}
    assert sum(w in known for w in words) / len(words) > 0.85
    top = [w for w, _ in Counter(words).most_common(20)]
    assert sum(w in stop for w in top) >= 12  # og, i, at, det, en ... lead the counts
    assert sum(w in stop for w in words) / len(words) > 0.3
    assert any(len(w) > 15 for w in words)  # compounds in the long tail
    assert set("æøå") <= set("".join(words))


def test_word_sets_match_the_text(gen, docs):
    for i in range(0, N, 7):
        doc, words = gen.document_and_words(i)
        assert doc == docs[i]
        assert words == corpus_gen.doc_words(doc)


def test_queries_deterministic_and_well_formed(gen, docs):
    df = Counter(w for d in docs for w in corpus_gen.doc_words(d))
    q1 = queries.make_queries(df, N, gen, seed=7, per_class=3)
    q2 = queries.make_queries(df, N, gen, seed=7, per_class=3)
    assert json.dumps(q1) == json.dumps(q2)
    classes = queries.classes(q1)
    assert {"1-rare", "2-medium", "3-common", "phrase-2", "phrase-3", "filter-cat", "filter-year",
            "filter-cat-year"} <= set(classes)
    for q in q1:
        assert q["facets"] == ["category", "year"]
        assert q["terms"] or q["phrase"]
        if q["class"].startswith("phrase"):
            assert len(q["phrase"]) == int(q["class"][-1])
            assert f'"{" ".join(q["phrase"])}"' in q["text"]
        if q["class"].endswith("rare"):
            assert all(2 <= c <= 5 for c in q["df"])
