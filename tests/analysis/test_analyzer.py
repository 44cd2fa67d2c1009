"""The analyzer chain on Danish text as KL writes it."""

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from klsearch.analysis import Analyzer, danish_stop_words, normalize, tokenize
from klsearch.corpus import read_bundled_corpus

A = Analyzer()


def terms(text: str) -> list[str]:
    return [t for t, _ in A.index_terms(text)[0]]


def test_possessives_with_both_apostrophes() -> None:
    assert terms("KL’s formand") == terms("KL's formand") == ["kl", "formand"]
    assert A.query_terms("DLF’s") == ("dlf",)
    assert "mf" in terms("til MF’ere")


def test_hyphenated_word_indexes_whole_and_parts() -> None:
    found = terms("Corona-smittens opblussen")
    assert "corona" in found and A.query_terms("Corona-smittens")[0] in found
    assert A.query_terms("corona")[0] in found
    # a line-break artefact is found by the joined word
    assert A.query_terms("anlægsniveau")[0] in terms("et højt anlægs-niveau")


def test_numbers_are_kept_whole() -> None:
    assert terms("2,5 mia. kr. og 150.000 borgere") [:1] == ["2,5"]
    assert "150.000" in terms("150.000 borgere")
    assert terms("05.05.14 Infrastruktur")[0] == "05.05.14"


def test_no_break_space_and_soft_hyphen() -> None:
    assert terms("troværdigt\u00a0for") == terms("troværdigt for")
    assert terms("op\u00admærksom") == terms("opmærksom")


def test_stop_words_are_dropped_but_keep_their_place() -> None:
    pairs, width = A.index_terms("to ud af tre")
    assert [t for t, _ in pairs] == ["tre"] or all(t not in danish_stop_words() for t, _ in pairs)
    assert width == 4
    assert A.query_terms("og") == ()


def test_upper_case_is_lowered_with_unicode_rules() -> None:
    assert terms("ØKONOMISK") == terms("økonomisk")


def test_inflected_forms_share_a_stem() -> None:
    assert A.query_terms("lærernes") == A.query_terms("lærerne")
    assert A.query_terms("forhandlingerne") == A.query_terms("forhandlinger")


def test_domains_are_found_by_their_label() -> None:
    assert A.query_terms("meretidsammen")[0] in terms("Meretidsammen.dk. Sådan lyder navnet")
    assert terms("bl.a. ingeniører")[0] == "bl.a"


def test_token_offsets_point_into_the_text() -> None:
    text = "Det siger KL’s formand Martin Damm"
    for tok in A.tokens(text):
        assert text[tok.start : tok.end].lower() == tok.token


danish = st.text(alphabet=string.ascii_letters + "æøåÆØÅéü0123456789 .,-'’\u00a0\u00ad”\n", max_size=200)


@settings(max_examples=300, deadline=None)
@given(danish)
def test_any_text_analyses_with_increasing_positions(text: str) -> None:
    pairs, width = A.index_terms(text)
    positions = [p for _, p in pairs]
    assert positions == sorted(positions)
    assert all(0 <= p < max(width, 1) for p in positions)
    assert all(t and t == t.lower() for t, _ in pairs)


@settings(max_examples=300, deadline=None)
@given(danish)
def test_tokens_and_index_terms_agree(text: str) -> None:
    from_tokens = [t for tok in A.tokens(text) for t in tok.terms]
    from_index = list(dict.fromkeys(t for t, _ in A.index_terms(text)[0]))
    assert list(dict.fromkeys(from_tokens)) == from_index


_PLAIN_TOKEN = re.compile(tokenize._TOKEN)


def test_the_token_pattern_finds_the_plain_patterns_tokens_in_kl_text() -> None:
    texts = [normalize(text) for doc in read_bundled_corpus() for text in (doc.title, doc.body)]
    assert sum(len(tokenize.raw_tokens(text)) for text in texts) > 5_000
    assert all(tokenize.raw_tokens(text) == _PLAIN_TOKEN.findall(text) for text in texts)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab1_ æ-\u2010\u2011'\u2019.,\n", max_size=40))
def test_the_token_pattern_finds_the_plain_patterns_tokens(text: str) -> None:
    assert tokenize.raw_tokens(text) == _PLAIN_TOKEN.findall(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Kommunerne", "KL’s", "corona-smittens", "og", "2,5", "lærernes", "arbejdstid"]), min_size=1, max_size=8))
def test_a_phrase_of_indexed_words_lines_up_with_the_index(words: list[str]) -> None:
    pairs, _ = A.index_terms(" ".join(words))
    indexed = {(p, t) for t, p in pairs}
    phrase = A.phrase_terms(words)
    assert all((rel, term) in indexed for rel, term in phrase)
