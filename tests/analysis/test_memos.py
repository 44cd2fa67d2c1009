"""Analysing a word does not depend on what was analysed before.

The lexicon builds its states' edges on first use and remembers the
categories of the words it walks; the compound splitter and the word
analyzer remember recurring parts, tails and base forms in bounded memos.
None of that may change a result: the words of the bundled KL corpus and
the Snowball Danish vocabulary give the same expansions in either order,
with memos so small that they are emptied all the time, and a fresh
lexicon answers like one that has seen everything.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from klsearch.analysis import Analyzer, Expansion, compounds, lexicon, words
from klsearch.analysis.folding import fold
from klsearch.analysis.lexicon import Lexicon
from klsearch.corpus import read_bundled_corpus

LEXICON_DATA = resources.files("klsearch.analysis").joinpath("data/da_lexicon.bin").read_bytes()
SNOWBALL_VOCABULARY = Path(__file__).resolve().parents[1] / "data" / "snowball-danish" / "voc.txt"


@pytest.fixture(scope="module")
def vocabulary() -> list[str]:
    """Every distinct raw token of the bundled KL corpus, then the Snowball Danish vocabulary."""
    analyzer = Analyzer()
    texts = [text for doc in read_bundled_corpus() for text in (doc.title, doc.body)]
    kl = (raw for text in texts for raw in analyzer.index_tokens(text))
    return list(dict.fromkeys([*kl, *SNOWBALL_VOCABULARY.read_text("utf-8").split()]))


def _expansions(raws: list[str]) -> dict[str, Expansion]:
    analyzer = Analyzer()
    return {raw: analyzer.expand(raw) for raw in raws}


def test_the_vocabulary_is_large_and_has_compounds(vocabulary: list[str]) -> None:
    assert len(vocabulary) > 20_000
    assert sum(len(compounds.Decompounder().split(fold(w))) > 1 for w in vocabulary if w.isalpha()) > 3_000


def test_expansions_do_not_depend_on_order_or_memo_size(
    vocabulary: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forward = _expansions(vocabulary)
    monkeypatch.setattr(compounds, "_MEMO_SIZE", 3)
    monkeypatch.setattr(words, "_MEMO_SIZE", 3)
    monkeypatch.setattr(lexicon, "_MEMO_LIMIT", 3)
    backward = _expansions(vocabulary[::-1])
    assert backward == forward


def test_splits_do_not_depend_on_the_lexicon_having_seen_the_words(vocabulary: list[str]) -> None:
    forms = [fold(w) for w in vocabulary if w.isalpha()]
    seen = compounds.Decompounder()
    fresh = compounds.Decompounder(lexicon=Lexicon(LEXICON_DATA))
    assert [fresh.parts(w) for w in reversed(forms)] == [seen.parts(w) for w in reversed(forms)]


def test_looked_up_and_walked_roles_agree(vocabulary: list[str]) -> None:
    """A form's roles are those of the prefix walk's last form when that spans the form,
    whether the form was looked up before it was walked or the other way round."""
    forms = [fold(w) for w in vocabulary if w.isalpha()]
    looked_up_first, walked_first = Lexicon(LEXICON_DATA), Lexicon(LEXICON_DATA)
    roles = [looked_up_first.roles(w) for w in forms]
    walked = [dict(walked_first.prefixes(w)).get(len(w), 0) for w in forms]
    assert walked == roles == [walked_first.roles(w) for w in forms]
    assert sum(map(bool, roles)) > 5_000
    assert [looked_up_first.prefixes(w, 3) for w in forms] == [
        [(end + 3, r) for end, r in walked_first.prefixes(w[3:])] for w in forms
    ]
    assert [looked_up_first.roles(w) for w in forms] == roles
