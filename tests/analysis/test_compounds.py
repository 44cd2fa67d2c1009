"""The Danish compound splitter.

Quality is measured by benchmarks/compound_splitter.py (loaded here by path):
boundary precision (predicted boundaries that are required '|' or optional
'~' gold boundaries) and recall (required boundaries found) over
tests/data/danish_compounds_gold.tsv + danish_compounds_extra.tsv, and the
share of control words (derivations, lexicalised words) left whole.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import snowballstemmer

from klsearch.analysis.compounds import Decompounder

ROOT = Path(__file__).resolve().parents[2]


def _load_benchmark():
    path = ROOT / "benchmarks" / "compound_splitter.py"
    spec = importlib.util.spec_from_file_location("compound_splitter_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture(scope="module")
def splitter() -> Decompounder:
    return Decompounder()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("dagpengekommissionens", ("dagpenge", "kommissionens")),
        ("økonomiforhandlingerne", ("økonomi", "forhandlingerne")),
        ("klimatilpasningsplaner", ("klima", "tilpasning", "planer")),
        ("folkeskolereform", ("folke", "skole", "reform")),
        ("sundhedsvæsnet", ("sundhed", "væsnet")),
        ("arbejdsmarkedet", ("arbejde", "markedet")),
        ("børneområdet", ("børn", "området")),
        ("ældrekommissionen", ("ældre", "kommissionen")),
        ("kommunalvalgår", ("kommunal", "valg", "år")),
        ("studentereksamen", ("student", "eksamen")),
    ],
)
def test_splits(splitter: Decompounder, word: str, parts: tuple[str, ...]) -> None:
    assert splitter.split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "forhandling",  # for- is a particle, not a part
        "undersøgelse",
        "udvikling",
        "ledighed",  # -hed is a suffix, not a head
        "formandskab",
        "virksomme",
        "sorteringen",  # derivation of sortere
        "hjemløshed",  # derivation of hjemløs, which is whole
        "kommissionen",  # listed simplex word, kom|missionen is a misreading
        "programmet",
        "kommune",
        "og",
        "år",
    ],
)
def test_leaves_whole(splitter: Decompounder, word: str) -> None:
    assert splitter.split(word) == ()


def test_parts_tile_the_word(splitter: Decompounder) -> None:
    for g in bench.read_gold(ROOT / "tests" / "data" / "danish_compounds_extra.tsv"):
        parts = splitter.parts(g.word)
        if parts:
            assert parts[0].start == 0 and parts[-1].end == len(g.word)
            assert all(a.end == b.start for a, b in zip(parts, parts[1:]))
            assert parts[-1].text == g.word[parts[-1].start :]


def test_a_word_splits_the_same_alone_and_inside_a_compound(splitter: Decompounder) -> None:
    assert splitter.split("klimatilpasning") == ("klima", "tilpasning")
    assert splitter.split("klimatilpasningsplaner")[:2] == ("klima", "tilpasning")
    assert splitter.split("folkeskole") == splitter.split("folkeskolereform")[:2]


_stem = snowballstemmer.stemmer("danish").stemWord


def _terms(splitter: Decompounder, word: str) -> set[str]:
    return {_stem(word)} | {_stem(p) for p in splitter.split(word)}


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("folkeskole", "folkeskolereform"),
        ("reform", "folkeskolereform"),
        ("klimatilpasning", "klimatilpasningsplaner"),
        ("børnehave", "børnehaveklassebørn"),
        ("hovedstad", "hovedstadskommunerne"),
        ("kommission", "ældrekommissionen"),
        ("rådgiver", "socialrådgiver"),
        ("geografi", "kulturgeografi"),
        ("forhandling", "økonomiforhandlingerne"),
    ],
)
def test_parts_are_findable(splitter: Decompounder, query: str, text: str) -> None:
    """Every term of the query (the word or its parts, stemmed) is among the text's terms."""
    query_terms = {_stem(p) for p in splitter.split(query)} or {_stem(query)}
    assert query_terms <= _terms(splitter, text)


@pytest.mark.parametrize(
    ("query", "text"), [("handling", "forhandlinger"), ("lighed", "ligheden"), ("hed", "virksomheder")]
)
def test_derivations_are_not_findable_by_their_pieces(splitter: Decompounder, query: str, text: str) -> None:
    assert _stem(query) not in {_stem(p) for p in splitter.split(text)}


def test_extra_words() -> None:
    """Corpus words the dictionary lacks (mpox) may stand as parts, also with -s-."""
    assert Decompounder().split("mpoxpatienter") == ()
    extra = Decompounder(extra_words=["mpox"])
    assert extra.split("mpoxpatienter") == ("mpox", "patienter")
    assert extra.split("mpoxsmitten") == ("mpox", "smitten")
    assert extra.split("mpoxsvaccinen") == ("mpox", "vaccinen")
    assert extra.split("abempox") == ("abe", "mpox")
    assert extra.is_known("mpox") and not Decompounder().is_known("mpox")


def test_is_known(splitter: Decompounder) -> None:
    assert splitter.is_known("kommune")  # listed
    assert splitter.is_known("klimatilpasningsplanerne")  # not listed, but known parts
    assert not splitter.is_known("xqztplaner")


def test_quality_on_gold_and_controls(splitter: Decompounder) -> None:
    """Measured 0.990 / 0.968 / 0.984 (265 compounds, 127 controls); fails on a regression."""
    gold = [g for path in bench.GOLD_FILES for g in bench.read_gold(path)]
    controls = [w for path in bench.CONTROL_FILES for w in bench.read_controls(path)]
    assert len(gold) >= 160
    scores = bench.evaluate(splitter, gold, controls)
    assert scores.precision >= 0.97, scores.errors
    assert scores.recall >= 0.94, scores.errors
    assert scores.control_pass >= 0.96, scores.errors


def test_seed_gold_alone(splitter: Decompounder) -> None:
    """Measured 0.978 / 1.000 on the 70 seed compounds."""
    scores = bench.evaluate(splitter, bench.read_gold(bench.GOLD_FILES[0]), [])
    assert scores.precision >= 0.95 and scores.recall >= 0.97, scores.errors
