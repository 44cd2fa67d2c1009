"""TokenIds numbers exactly the tokens TOKEN_RE finds, one number per distinct token."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klsearch.analysis import Analyzer
from klsearch.analysis.tokenize import TOKEN_RE
from klsearch.corpus import read_bundled_corpus
from klsearch.index import token_ids
from klsearch.index.token_ids import TokenIds

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's benchmarks package
from benchmarks import corpus_gen  # noqa: E402


def _regex_numbers(batches: list[list[str]], tokens: dict[str, int]) -> list[tuple[list[int], list[int]]]:
    """What TokenIds should give: per batch, each token's number in a dict, and tokens per text."""
    out = []
    for texts in batches:
        found = [TOKEN_RE.findall(text) for text in texts]
        out.append(([tokens.setdefault(t, len(tokens)) for f in found for t in f], [len(f) for f in found]))
    return out


def _numbers(batches: list[list[str]]) -> tuple[list[tuple[list[int], list[int]]], list[str]]:
    seen: list[str] = []

    def new(raw: str) -> int:
        seen.append(raw)
        return len(seen) - 1

    ids = TokenIds(new)
    return [tuple(a.tolist() for a in ids.numbers(texts)) for texts in batches], seen  # type: ignore[misc]


def _check(batches: list[list[str]]) -> None:
    got, new_tokens = _numbers(batches)
    tokens: dict[str, int] = {}
    assert got == _regex_numbers(batches, tokens)
    assert new_tokens == list(tokens)  # each distinct token numbered once, in order of first sight


def test_the_bundled_and_a_generated_corpus_are_numbered_as_the_regex_tokenizes_them() -> None:
    analyzer = Analyzer()
    generated = corpus_gen.Generator(seed=11)
    docs = [(d.title, d.body) for d in read_bundled_corpus()]
    docs += [(d["title"], d["body"]) for d in map(generated.document, range(3000))]
    texts = [analyzer.index_text(field) for doc in docs for field in doc]
    _check([texts[i : i + 512] for i in range(0, len(texts), 512)])


def test_tokens_whose_hashes_collide_keep_their_own_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    # With base 1 a token's hash is the sum of its code points: "ab" and "ba" collide, and so on.
    monkeypatch.setattr(token_ids, "_BASE", 1)
    words = ["".join(p) for p in itertools.permutations("abcd", 3)] + ["ad", "bc", "da", "cb", "a", "b"]
    batches = [[" ".join(words[:10]), " ".join(words[5:20])], [" ".join(reversed(words))], [" ".join(words)]]
    _check(batches)
    ids = TokenIds(lambda raw: 0)
    ids.numbers([" ".join(words)])
    assert ids._shared  # the collisions went through the shared dict


def test_the_table_grows_and_keeps_every_number() -> None:
    words = [f"ord{i}x" for i in range(200_000)]
    _check([[" ".join(words[i : i + 50_000])] for i in range(0, 200_000, 50_000)] + [[" ".join(words[::7])]])


_ALPHABET = "ab æøå-‐‑'’.,_1 2\t\n\u00a0\x00€éİ\U0001d400\ud800"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=_ALPHABET, max_size=30), max_size=5), min_size=1, max_size=4))
def test_any_text_is_numbered_as_the_regex_tokenizes_it(batches: list[list[str]]) -> None:
    _check(batches)
