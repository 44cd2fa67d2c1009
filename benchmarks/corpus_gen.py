"""Deterministic Danish benchmark corpus, shaped like KL's news items.

    python -m benchmarks.corpus_gen --docs 100000 [--seed 1] [--out benchmarks/work]

writes ``corpus-100k.jsonl`` (one {"id", "title", "body", "date", "category",
"section"} object per line), ``corpus-100k.df.tsv`` (document frequency of every
lower-cased word seen in at least two documents), ``corpus-100k.queries.json``
(the fixed query set, see queries.py) and ``corpus-100k.meta.json``.

Document i depends only on (seed, i): it is drawn from its own RNG, so the
first N documents of a larger run equal a smaller run. The text is real
Danish sentences (UD Danish-DDT and the bundled KL pages, see data/SOURCES.md)
whose content words are replaced, with probability SUBST_P, by words with the
same part of speech and morphological features, drawn from a Zipfian
distribution (exponent ZIPF_S) over the treebank's and wordfreq's words, plus
generated noun compounds (modifier + linking s/e/zero + head) for the long tail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import time
from bisect import bisect
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
WORK = os.path.join(HERE, "work")
GEN_VERSION = 1

CATEGORIES = [("Politik", 22), ("Økonomi", 16), ("Velfærd", 13), ("Beskæftigelse", 10), ("Sundhed", 9),
              ("Uddannelse", 8), ("Social", 7), ("Klima", 6), ("Infrastruktur", 5), ("Ledelse", 4)]
SECTIONS = [("Artikler", 70), ("Pressemeddelelser", 20), ("Navne", 10)]
YEARS = (2005, 2025)
SUBST_P = {"NOUN": 0.75, "PROPN": 0.8, "ADJ": 0.6, "VERB": 0.5}
ZIPF_S = 1.0
COMPOUND_P = 0.12   # of substituted nouns
REPEAT_P = 0.2      # a substituted word reuses one already used in this document (burstiness)
TOPIC_P = 0.25      # a substituted noun/adjective comes from the category's share of the vocabulary
TITLE_WORDS = (5, 12)
BODY_WORDS = (50, 400)
WORD_RE = re.compile(r"[^\W\d_]+")
S_LINK = ("ing", "hed", "else", "tion", "skab", "dom", "tet", "sion", "ment")


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def _cum(weights):
    out, t = [], 0.0
    for w in weights:
        t += w
        out.append(t)
    return out


class _Bucket:
    """Words of one (upos, feats), Zipf-weighted by frequency rank; per-category shares."""

    __slots__ = ("words", "cum", "by_cat")

    def __init__(self, words: list[str], n_cat: int):
        self.words = words
        self.cum = _cum(1.0 / (r + 1) ** ZIPF_S for r in range(len(words)))
        self.by_cat = None
        if len(words) >= 200:
            self.by_cat = []
            for c in range(n_cat):
                sub = words[c::n_cat]
                self.by_cat.append((sub, _cum(1.0 / (r + 1) ** ZIPF_S for r in range(len(sub)))))

    def draw(self, rnd, cat: int | None = None) -> str:
        words, cum = self.words, self.cum
        if cat is not None and self.by_cat is not None:
            words, cum = self.by_cat[cat]
        return words[bisect(cum, rnd() * cum[-1])]


class Generator:
    """Builds document i from (seed, i) alone."""

    def __init__(self, seed: int = 1, data_dir: str = DATA):
        self.seed = seed
        n_cat = len(CATEGORIES)
        groups: dict[tuple, list[str]] = defaultdict(list)
        mods: list[str] = []
        with open(os.path.join(data_dir, "da_vocab.tsv"), encoding="utf-8") as fh:
            next(fh)
            for line in fh:  # sorted by frequency, most frequent first
                form, upos, feats, _freq, _src = line.rstrip("\n").split("\t")
                groups[(upos, feats)].append(form)
                if upos == "NOUN" and "Definite=Ind" in feats and "Number=Sing" in feats \
                        and "Case=Gen" not in feats and len(form) >= 3:
                    mods.append(form)
        self.buckets = {k: _Bucket(v, n_cat) for k, v in groups.items() if len(v) >= 30}
        self.modifiers = _Bucket(mods, n_cat)
        self.vocab = {w.lower() for ws in groups.values() for w in ws}
        self.titles, self.bodies = [], []
        with open(os.path.join(data_dir, "da_templates.jsonl"), encoding="utf-8") as fh:
            for line in fh:
                t = json.loads(line)
                toks = []
                for form, upos, feats, sp in t["tokens"]:
                    key = (upos, feats)
                    slot = key if upos in SUBST_P and key in self.buckets else None
                    toks.append((form, slot, SUBST_P.get(upos, 0.0), " " if sp else ""))
                n_words = sum(1 for tok in toks if tok[0][:1].isalnum())
                tmpl = (toks, n_words, *self._compile(toks))
                weight = 3 if t["src"] == "kl" else 1  # KL's own sentences count more
                if t["kind"] in ("title", "any") and TITLE_WORDS[0] <= n_words <= TITLE_WORDS[1]:
                    self.titles += [tmpl] * weight
                if t["kind"] in ("body", "any") and n_words >= 3:
                    self.bodies += [tmpl] * weight
        self.cat_cum = _cum(w for _, w in CATEGORIES)
        self.sec_cum = _cum(w for _, w in SECTIONS)
        years = range(YEARS[0], YEARS[1] + 1)
        self.years = list(years)
        self.year_cum = _cum(1.0 + (y - YEARS[0]) / (YEARS[1] - YEARS[0]) for y in years)

    # -- one sentence ---------------------------------------------------------
    @staticmethod
    def _compile(toks) -> tuple[list, frozenset]:
        """Runs of fixed tokens joined into one string; slots as (slot, p, space, first, form,
        words of form); and the lower-cased words of the fixed tokens (for the df count)."""
        out: list = []
        fixed: list[str] = []
        fixed_words: set[str] = set()
        seen_word = False
        for form, slot, p, sp in toks:
            if slot is None:
                fixed.append(form + sp)
                fixed_words.update(WORD_RE.findall(form.lower()))
            else:
                if fixed:
                    out.append("".join(fixed))
                    fixed = []
                out.append((slot, p, sp, not seen_word, form, tuple(WORD_RE.findall(form.lower()))))
            seen_word = seen_word or form[:1].isalnum()
        if fixed:
            out.append("".join(fixed))
        return out, frozenset(fixed_words)

    def _draw(self, slot, rnd, cat: int, used: dict) -> str:
        seen = used.get(slot)
        if seen and rnd() < REPEAT_P:
            return seen[int(rnd() * len(seen))]
        upos = slot[0]
        word = self.buckets[slot].draw(rnd, cat if upos in ("NOUN", "ADJ") and rnd() < TOPIC_P else None)
        if upos == "NOUN" and rnd() < COMPOUND_P and len(word) >= 3:
            mod = self.modifiers.draw(rnd, cat if rnd() < TOPIC_P else None)
            if mod.endswith(S_LINK):
                link = "s"
            elif mod.endswith("e"):
                link = ""
            else:
                x = rnd()
                link = "s" if x < 0.4 else "e" if x < 0.55 else ""
            word = mod + link + word
        used.setdefault(slot, []).append(word)
        return word

    def _sentence(self, tmpl, rnd, cat: int, used: dict, words: set,
                  limit: int | None = None) -> tuple[str, int]:
        """One sentence from a template, its word count; adds its lower-cased words to ``words``."""
        toks, n_words, compiled, fixed_words = tmpl
        if limit is None or n_words <= limit:
            out = []
            words.update(fixed_words)
            for item in compiled:
                if item.__class__ is str:
                    out.append(item)
                    continue
                slot, p, sp, first, form, form_words = item
                if rnd() < p:
                    word = self._draw(slot, rnd, cat, used)
                    low = word.lower()
                    if low.isalpha():
                        words.add(low)
                    else:
                        words.update(WORD_RE.findall(low))
                    if first:
                        word = word[:1].upper() + word[1:]
                    out.append(word)
                else:
                    out.append(form)
                    words.update(form_words)
                out.append(sp)
            return "".join(out).strip(), n_words
        out = []  # the last sentence of a long body: cut at the word limit
        n = 0
        first = True
        for form, slot, p, sp in toks:
            if slot is not None and rnd() < p:
                word = self._draw(slot, rnd, cat, used)
                if first:
                    word = word[:1].upper() + word[1:]
            else:
                word = form
            if word[:1].isalnum():
                n += 1
                first = False
            out.append(word)
            out.append(sp)
            if n >= limit:
                out[-1] = ""
                out.append(".")
                break
        text = "".join(out).strip()
        words.update(WORD_RE.findall(text.lower()))
        return text, n

    def document(self, i: int) -> dict:
        return self.document_and_words(i)[0]

    def document_and_words(self, i: int) -> tuple[dict, set[str]]:
        """Document i and the set of its lower-cased words (as doc_words gives, but cheaper)."""
        rng = random.Random(f"klsearch-bench:{self.seed}:{i}")
        rnd = rng.random
        cat = bisect(self.cat_cum, rnd() * self.cat_cum[-1])
        sec = bisect(self.sec_cum, rnd() * self.sec_cum[-1])
        year = self.years[bisect(self.year_cum, rnd() * self.year_cum[-1])]
        start = dt.date(year, 1, 1).toordinal()
        date = dt.date.fromordinal(start + int(rnd() * (dt.date(year, 12, 31).toordinal() - start + 1)))
        used: dict = {}
        words: set[str] = set()
        title, _ = self._sentence(self.titles[int(rnd() * len(self.titles))], rnd, cat, used, words)
        title = title.rstrip(" .")
        target = min(BODY_WORDS[1], max(BODY_WORDS[0], int(math.exp(rng.gauss(math.log(170), 0.55)))))
        parts: list[str] = []
        n = 0
        while n < target:
            s, k = self._sentence(self.bodies[int(rnd() * len(self.bodies))], rnd, cat, used, words,
                                  limit=BODY_WORDS[1] - n)
            if k == 0:
                continue
            if parts:
                parts.append("\n\n" if rnd() < 0.25 else " ")
            parts.append(s)
            n += k
        return {"id": f"kl-{i:07d}", "title": title, "body": "".join(parts), "date": date.isoformat(),
                "category": CATEGORIES[cat][0], "section": SECTIONS[sec][0]}, words


def doc_words(doc: dict) -> set[str]:
    """Lower-cased words of title and body (the unit of the df file)."""
    return set(WORD_RE.findall((doc["title"] + " " + doc["body"]).lower()))


def paths(n_docs: int, out: str = WORK) -> dict[str, str]:
    base = os.path.join(out, f"corpus-{size_label(n_docs)}")
    return {k: f"{base}.{k}" for k in ("jsonl", "df.tsv", "queries.json", "meta.json")} | {"base": base}


def generate(n_docs: int, seed: int = 1, out: str = WORK, queries: bool = True, log=print) -> dict[str, str]:
    os.makedirs(out, exist_ok=True)
    p = paths(n_docs, out)
    gen = Generator(seed)
    df: Counter = Counter()
    t0 = time.perf_counter()
    with open(p["jsonl"] + ".tmp", "w", encoding="utf-8") as fh:
        for i in range(n_docs):
            doc, words = gen.document_and_words(i)
            fh.write(json.dumps(doc, ensure_ascii=False))
            fh.write("\n")
            df.update(words)
            if i % 100_000 == 99_999:
                log(f"  {i + 1} docs, {time.perf_counter() - t0:.0f} s")
    os.replace(p["jsonl"] + ".tmp", p["jsonl"])
    secs = time.perf_counter() - t0
    with open(p["df.tsv"], "w", encoding="utf-8") as fh:
        for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
            if c >= 2:
                fh.write(f"{w}\t{c}\n")
    meta = {"docs": n_docs, "seed": seed, "generator_version": GEN_VERSION, "seconds": round(secs, 2),
            "distinct_words": len(df), "bytes": os.path.getsize(p["jsonl"])}
    if queries:
        from benchmarks import queries as q
        qs = q.make_queries(df, n_docs, gen, seed)
        q.save(qs, p["queries.json"], meta)
        meta["queries"] = len(qs)
    with open(p["meta.json"], "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=1)
    log(f"corpus {p['jsonl']}: {n_docs} docs in {secs:.1f} s ({n_docs / secs:.0f} docs/s), "
        f"{meta['bytes'] / 1e6:.0f} MB, {len(df)} distinct words")
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate the Danish benchmark corpus and its query set.")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=WORK)
    ap.add_argument("--no-queries", action="store_true")
    a = ap.parse_args()
    generate(a.docs, a.seed, a.out, queries=not a.no_queries)


if __name__ == "__main__":
    main()
