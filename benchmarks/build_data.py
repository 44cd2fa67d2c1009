"""Build the data files the corpus generator ships with (benchmarks/data/).

Run once by a maintainer, not by the benchmark itself:

    python -m benchmarks.build_data [--ddt DIR] [--kl DIR]

Inputs
  * the Universal Dependencies Danish treebank (UD_Danish-DDT, CC BY-SA 4.0),
    default ../shared/data/ud-danish-ddt/*.conllu: sentences with UPOS tags and
    morphological features;
  * the bundled KL corpus (corpus/*.txt): KL headlines and sentences, tagged
    with a lexicon learnt from the treebank;
  * ``wordfreq`` (if installed; data CC BY-SA 4.0): the Danish word list with
    frequencies, tagged with that lexicon or, for words the treebank does not
    have, a suffix classifier learnt from the treebank.

Outputs (see benchmarks/data/SOURCES.md)
  * da_templates.jsonl: one sentence per line, tokens [form, upos, feats, space_after]
  * da_vocab.tsv: form, upos, feats, frequency, source (ddt / wf / ddt+wf)
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
CONTENT = ("NOUN", "VERB", "ADJ", "PROPN")
WORD_RE = re.compile(r"^[^\W\d_]+$")
KL_TOKEN_RE = re.compile(r"(?:www\.)?[\w-]+\.(?:dk|com|org|eu)\b|[^\W_]+(?:[-’'][^\W_]+)*|\d+(?:[.,]\d+)*|[^\w\s]")
ABBREV = ("bl.a.", "vedr.", "mia.", "kr.", "ca.", "f.eks.", "mio.", "pct.", "nr.")


def read_conllu(path: str):
    """Yield sentences as lists of [form, upos, feats, space_after]."""
    sent: list[list] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            feats = cols[5] if cols[5] != "_" else ""
            sent.append([cols[1], cols[3], feats, 0 if "SpaceAfter=No" in cols[9] else 1])
    if sent:
        yield sent


class Tagger:
    """Lexicon lookup with a suffix classifier as fallback, both from the treebank."""

    def __init__(self, sentences):
        self.lex: dict[str, Counter] = defaultdict(Counter)
        self.case: dict[str, Counter] = defaultdict(Counter)
        for sent in sentences:
            for form, upos, feats, _ in sent:
                self.lex[form.lower()][(upos, feats)] += 1
                self.case[form.lower()][form] += 1
        self.suffix: dict[str, Counter] = defaultdict(Counter)
        for low, tags in self.lex.items():
            (upos, feats), _ = tags.most_common(1)[0]
            for n in range(2, 6):
                if len(low) > n + 1:
                    self.suffix[low[-n:]][(upos, feats)] += 1

    def lookup(self, word: str):
        tags = self.lex.get(word.lower())
        return tags.most_common(1)[0][0] if tags else None

    def guess(self, word: str):
        """(upos, feats) from the longest well-attested suffix, or None if unsure."""
        low = word.lower()
        for n in range(5, 1, -1):
            tags = self.suffix.get(low[-n:]) if len(low) > n + 1 else None
            if not tags or sum(tags.values()) < 4:
                continue
            by_upos: Counter = Counter()
            for (upos, _), c in tags.items():
                by_upos[upos] += c
            upos, c = by_upos.most_common(1)[0]
            if c / sum(by_upos.values()) < 0.7:
                return None
            feats = max(((f, k) for (u, f), k in tags.items() if u == upos), key=lambda x: x[1])[0]
            return upos, feats
        return None

    def proper_case(self, word: str) -> str:
        forms = self.case.get(word.lower())
        return forms.most_common(1)[0][0] if forms else word


def kl_sentences(kl_dir: str, tagger: Tagger):
    """Headlines (kind 'title') and sentences (kind 'body') from the KL page dumps."""
    out = []
    for path in sorted(glob.glob(os.path.join(kl_dir, "*.txt"))):
        with open(path, encoding="utf-8") as fh:
            lines = [ln.replace("\u00a0", " ").strip() for ln in fh]
        for ln in lines:
            if not ln or re.match(r"^\d\d\.\d\d\.\d\d", ln) or len(ln.split()) < 4:
                continue
            if ln.startswith("•"):
                out.append(("title", ln.lstrip("• ").strip()))
                continue
            ln = ln.lstrip("-• ").strip()
            protected = ln
            for a in ABBREV:
                protected = protected.replace(a, a.replace(".", "\u2024"))
            for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ”\"])", protected):
                s = s.replace("\u2024", ".")
                if len(s.split()) >= 4:
                    out.append(("body", s))
    result = []
    for kind, text in out:
        toks = []
        for m in KL_TOKEN_RE.finditer(text):
            form = m.group(0)
            nxt = text[m.end():m.end() + 1]
            sp = 0 if (not nxt or not nxt.isspace()) else 1
            if m.end() == len(text):
                sp = 1
            tag = tagger.lookup(form)
            if form[0].isupper() and (toks or form.isupper()) and form[0].isalpha():
                if tag is None or tag[0] != "PROPN":  # names and acronyms (KL, DR)
                    tag = ("PROPN", "")
            elif tag is None and WORD_RE.match(form):
                tag = tagger.guess(form) or ("X", "")
            elif tag is None:
                tag = ("NUM", "") if form[0].isdigit() else ("PUNCT", "") if not re.search(r"\w", form) else ("X", "")
            toks.append([form, tag[0], tag[1], sp])
        result.append({"src": "kl", "kind": kind, "tokens": toks})
    return result


def build(ddt_dir: str, kl_dir: str, out_dir: str) -> None:
    sentences = []
    for path in sorted(glob.glob(os.path.join(ddt_dir, "*.conllu"))):
        sentences.extend(read_conllu(path))
    tagger = Tagger(sentences)
    templates = [{"src": "ddt", "kind": "any", "tokens": s} for s in sentences]
    templates += kl_sentences(kl_dir, tagger)
    for t in templates:  # keep feats only where the generator uses them
        for tok in t["tokens"]:
            if tok[1] not in CONTENT:
                tok[2] = ""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "da_templates.jsonl"), "w", encoding="utf-8") as fh:
        for t in templates:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")

    # vocabulary: (form, upos, feats) -> [frequency, source]
    tb_counts: Counter = Counter()
    for s in sentences:
        for form, upos, feats, _ in s:
            if upos in CONTENT and WORD_RE.match(form.replace("-", "")):
                tb_counts[(form if upos == "PROPN" else form.lower(), upos, feats)] += 1
    vocab: dict[tuple, list] = {}
    for key, c in tb_counts.items():
        vocab[key] = [1e-6 * c, "ddt"]  # treebank-only words: the tail of wordfreq's scale
    n_wf = 0
    try:
        import wordfreq
    except ImportError:
        print("wordfreq not installed: vocabulary from the treebank only")
    else:
        for word in wordfreq.top_n_list("da", 50000):
            if not WORD_RE.match(word) or len(word) < 2:
                continue
            tag = tagger.lookup(word)
            if tag is None:
                if re.search(r"[qwxz]", word):  # mostly English and names
                    continue
                tag = tagger.guess(word) if len(word) >= 5 else None
            if tag is None or tag[0] not in CONTENT:
                continue
            form = word
            if tag[0] == "PROPN":
                form = tagger.proper_case(word)
                form = form if form[0].isupper() else form.capitalize()
            key = (form, tag[0], tag[1])
            freq = wordfreq.word_frequency(word, "da")
            src = "ddt+wf" if key in vocab else "wf"
            vocab[key] = [freq, src]
            n_wf += 1
    with open(os.path.join(out_dir, "da_vocab.tsv"), "w", encoding="utf-8") as fh:
        fh.write("form\tupos\tfeats\tfreq\tsource\n")
        for (form, upos, feats), (freq, src) in sorted(vocab.items(), key=lambda kv: (-kv[1][0], kv[0])):
            fh.write(f"{form}\t{upos}\t{feats}\t{freq:.4g}\t{src}\n")
    print(f"{len(templates)} templates ({len(sentences)} from DDT), {len(vocab)} vocabulary entries "
          f"({n_wf} from wordfreq)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ddt", default=os.path.join(REPO, "..", "shared", "data", "ud-danish-ddt"))
    ap.add_argument("--kl", default=os.path.join(REPO, "corpus"))
    ap.add_argument("--out", default=DATA)
    a = ap.parse_args()
    build(a.ddt, a.kl, a.out)


if __name__ == "__main__":
    main()
