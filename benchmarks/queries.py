"""The fixed query set, made with the corpus from its document frequencies.

Every query asks for facet counts over category and year. Classes:

  1-rare 1-medium 1-common   one word, by document frequency in the corpus
  2-* and 3-*                two / three words of the same df class, OR-ed and ranked
  phrase-2 phrase-3          2-3 consecutive words (no stop words) from a generated body
  filter-cat                 two medium words + category:X
  filter-year                two medium words + year:A..B (1-3 years)
  filter-cat-year            one common word + category + year range

df classes (N documents, df over lower-cased surface words of 3+ letters, stop
words excluded): rare 2 <= df <= max(5, N/10000); medium N/500 <= df <= N/50;
common df >= N/20.

A query is a dict: id, class, terms, phrase, category, years ([from, to] or
null), facets, text (the klsearch query string) and df (of its words).
"""

from __future__ import annotations

import json
import os
import random
import re

from benchmarks.corpus_gen import CATEGORIES, WORD_RE, YEARS

PER_CLASS = 20
FACETS = ["category", "year"]


def stop_words() -> set[str]:
    from whoosh.lang import stopwords_for_language  # the Snowball list (94 words)

    return set(stopwords_for_language("da"))


def pools(df: dict[str, int], n_docs: int) -> dict[str, list[str]]:
    stop = stop_words()
    words = sorted(((w, c) for w, c in df.items() if len(w) >= 3 and w not in stop),
                   key=lambda wc: (-wc[1], wc[0]))
    rare_max = max(5, n_docs // 10_000)
    out = {
        "rare": [w for w, c in words if 2 <= c <= rare_max],
        "medium": [w for w, c in words if n_docs / 500 <= c <= n_docs / 50],
        "common": [w for w, c in words if c >= n_docs / 20],
    }
    for k, v in out.items():
        if len(v) < 10:
            raise ValueError(f"only {len(v)} {k} words for {n_docs} docs")
    return out


def _text(terms, phrase, category, years) -> str:
    parts = list(terms)
    if phrase:
        parts.append('"' + " ".join(phrase) + '"')
    if category:
        parts.append(f"category:{category}")
    if years:
        parts.append(f"year:{years[0]}" if years[0] == years[1] else f"year:{years[0]}..{years[1]}")
    return " ".join(parts)


def _phrase(gen, n_docs: int, length: int, rng: random.Random, stop: set[str]) -> list[str]:
    while True:
        doc = gen.document(rng.randrange(n_docs))
        runs = []
        for chunk in re.split(r"[^\w\s]|\d", doc["body"]):  # no span across punctuation or numbers
            ws = WORD_RE.findall(chunk.lower())
            for j in range(len(ws) - length + 1):
                span = ws[j:j + length]
                if all(len(w) >= 2 and w not in stop for w in span):
                    runs.append(span)
        if runs:
            return runs[rng.randrange(len(runs))]


def make_queries(df: dict[str, int], n_docs: int, gen, seed: int = 1, per_class: int = PER_CLASS) -> list[dict]:
    rng = random.Random(f"klsearch-bench-queries:{seed}:{n_docs}")
    pool = pools(df, n_docs)
    stop = stop_words()
    cats = [c for c, _ in CATEGORIES]
    out: list[dict] = []

    def years():
        a = rng.randint(YEARS[0], YEARS[1])
        return [a, min(YEARS[1], a + rng.randint(0, 2))]

    def add(cls, terms=(), phrase=(), category=None, yrs=None):
        terms, phrase = list(terms), list(phrase)
        out.append({"id": f"q{len(out):04d}", "class": cls, "terms": terms, "phrase": phrase,
                    "category": category, "years": yrs, "facets": FACETS,
                    "text": _text(terms, phrase, category, yrs),
                    "df": [df.get(w, 1) for w in terms + phrase]})

    for n in (1, 2, 3):
        for kind in ("rare", "medium", "common"):
            for _ in range(per_class):
                add(f"{n}-{kind}", rng.sample(pool[kind], n))
    for n in (2, 3):
        for _ in range(per_class):
            add(f"phrase-{n}", phrase=_phrase(gen, n_docs, n, rng, stop))
    for _ in range(per_class):
        add("filter-cat", rng.sample(pool["medium"], 2), category=rng.choice(cats))
    for _ in range(per_class):
        add("filter-year", rng.sample(pool["medium"], 2), yrs=years())
    for _ in range(per_class):
        add("filter-cat-year", rng.sample(pool["common"], 1), category=rng.choice(cats), yrs=years())
    return out


def classes(qs: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for q in qs:
        seen.setdefault(q["class"], None)
    return list(seen)


def save(qs: list[dict], path: str, meta: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"meta": meta, "classes": classes(qs), "queries": qs}, fh, ensure_ascii=False, indent=1)


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["queries"]


def main() -> None:
    """Remake the query set of an existing corpus from its df file."""
    import argparse

    from benchmarks.corpus_gen import Generator, paths

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    p = paths(a.docs)
    with open(p["df.tsv"], encoding="utf-8") as fh:
        df = {w: int(c) for w, c in (ln.rstrip("\n").split("\t") for ln in fh)}
    with open(p["meta.json"], encoding="utf-8") as fh:
        meta = json.load(fh)
    qs = make_queries(df, a.docs, Generator(a.seed), a.seed)
    save(qs, p["queries.json"], meta)
    print(f"{len(qs)} queries -> {p['queries.json']}")


if __name__ == "__main__" and os.environ.get("_KLB_NO_MAIN") is None:
    main()
