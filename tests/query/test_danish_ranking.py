"""Query-side Danish analysis: compounds both ways, exact words first, folding."""

from __future__ import annotations

import pytest

from klsearch import Document, build_index, open_index

DOCS = [
    Document(id="compound", title="Ny folkeskolereform", body="Regeringen fremlægger en folkeskolereform."),
    Document(id="separate", title="Reform af folkeskolen", body="Der kommer en reform af folkeskolen til august."),
    Document(id="unrelated", title="Skolen og reformen", body="Skolen i byen. Senere kom en helt anden reform."),
    Document(id="dagpenge", title="Dagpengekommissionens anbefalinger", body="Kommissionen har talt."),
    Document(id="ledelse", title="God ledelse", body="Ledelsen af kommunen skal styrkes."),
    Document(id="ledighed", title="Ledigheden falder", body="Færre ledige i kommunen."),
    Document(id="formand", title="KL's formand", body="Formanden udtaler sig."),
    Document(id="naestformand", title="Ny næstformand", body="Næstformanden er valgt."),
    Document(id="aalborg", title="Topmøde i Aalborg", body="Mødet holdes i Aalborg."),
    Document(id="ekstra", title="Ekstraarbejde", body="Ekstraarbejde i weekenden."),
    Document(id="skoene", title="Skudt i skoene", body="Det blev skudt i skoene."),
    Document(id="landet", title="Rundt i landet", body="Turen gik rundt i hele landet."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("danish") / "idx"
    build_index(path, DOCS)
    with open_index(path) as idx:
        yield idx


def ids(index, query: str) -> list[str]:
    return [h.id for h in index.search(query, limit=20, facets=())]


def test_a_part_finds_the_compound(index) -> None:
    assert ids(index, "dagpenge") == ["dagpenge"]
    assert "compound" in ids(index, "folkeskole")


def test_a_compound_finds_its_parts_nearby_ranked_below_itself(index) -> None:
    found = ids(index, "folkeskolereform")
    assert found[:2] == ["compound", "separate"]
    assert "unrelated" not in found  # parts far apart do not count


def test_one_word_with_both_parts_among_its_analyses_is_not_the_parts_near_each_other(index) -> None:
    # "landet" is analysed as both "land" and "lande": the parts of "landlande",
    # but at one position, not two words near each other.
    assert "landet" not in ids(index, "landlandets")


def test_the_word_typed_ranks_above_words_that_contain_it(index) -> None:
    assert ids(index, "formand")[:2] == ["formand", "naestformand"]


def test_unrelated_words_with_one_snowball_stem_are_kept_apart(index) -> None:
    assert ids(index, "ledelse") == ["ledelse"]
    assert ids(index, "ledighed") == ["ledighed"]


def test_aa_is_folded_to_aa_but_not_across_compound_boundaries(index) -> None:
    assert ids(index, "Ålborg") == ids(index, "Aalborg") == ["aalborg"]
    assert ids(index, "ekstraarbejde") == ["ekstra"]
    assert ids(index, "ekstråbejde") == []


def test_oe_is_never_folded_to_oe(index) -> None:
    assert ids(index, "skøne") == []
    assert ids(index, "skoene") == ["skoene"]
