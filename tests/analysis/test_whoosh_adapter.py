"""klsearch's Danish analysis inside a real whoosh index of the bundled KL corpus."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import NullQuery

from klsearch.analysis import Analyzer
from klsearch.analysis.whoosh_adapter import whoosh_analyzer
from klsearch.corpus import read_bundled_corpus

A = Analyzer()
TEXT_ = "I lyset af Corona-smittens opblussen siger KL’s formand, at to ud af tre bør bære mundbind."


def whoosh_tokens(text: str, **kwargs: object) -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in whoosh_analyzer(A)(text, positions=True, chars=True, **kwargs)
    ]


def test_index_mode_yields_exactly_the_klsearch_terms() -> None:
    pairs, _ = A.index_terms(TEXT_)
    assert [text for text, *_ in whoosh_tokens(TEXT_, mode="index")] == [term for term, _ in pairs]


def test_terms_of_one_position_share_pos_and_stop_words_take_none() -> None:
    tokens = whoosh_tokens("Corona-smittens to ud af tre", mode="index")
    whole = A.query_terms("Corona-smittens")[0]
    assert [(text, pos) for text, pos, *_ in tokens] == [
        (whole, 0), ("corona", 0), (A.query_terms("smittens")[0], 1), ("to", 2), ("tre", 3)
    ]


def test_offsets_point_into_the_value_as_given() -> None:
    text = "Op\u00admærksom på A\u030angstrup"  # soft hyphen, decomposed Å
    spans = [text[start:end] for _, _, start, end in whoosh_tokens(text, mode="index")]
    assert spans == ["Op\u00admærksom", "A\u030angstrup"]
    shifted = whoosh_analyzer(A)(text, chars=True, start_char=100)
    assert [t.startchar for t in shifted] == [100, 114]


def test_query_mode_yields_query_terms_and_the_parts_of_hyphenated_words() -> None:
    tokens = whoosh_tokens("Lærernes og KL’s corona-smittens", mode="query")
    assert [(text, pos) for text, pos, *_ in tokens] == [
        (A.query_terms("lærernes")[0], 0), ("kl", 1), ("corona", 2), (A.query_terms("smittens")[0], 3)
    ]


def test_untokenized_value_is_one_normalised_word() -> None:
    assert [t.text for t in whoosh_analyzer(A)("KL’s", tokenize=False)] == ["kl"]


def test_the_default_analyzer_is_not_pickled_into_the_schema() -> None:
    analyzer = whoosh_analyzer()
    list(analyzer(TEXT_))  # fills the analyzer's cache
    restored = pickle.loads(pickle.dumps(analyzer))
    assert len(pickle.dumps(analyzer)) < 200
    assert restored == analyzer
    assert [t.text for t in restored(TEXT_)] == [t.text for t in analyzer(TEXT_)]


@pytest.fixture(scope="module")
def kl_index(tmp_path_factory: pytest.TempPathFactory):
    schema = Schema(
        id=ID(stored=True),
        title=ID(stored=True),
        text=TEXT(analyzer=whoosh_analyzer(), phrase=True, stored=True),
    )
    ix = whoosh_index.create_in(Path(tmp_path_factory.mktemp("whoosh")), schema)
    with ix.writer() as writer:
        for doc in read_bundled_corpus():
            writer.add_document(id=doc.id, title=doc.title, text=f"{doc.title}\n{doc.body}")
    reopened = whoosh_index.open_dir(ix.storage.folder)
    with reopened.searcher() as searcher:
        yield searcher, QueryParser("text", reopened.schema)


def titles(kl_index, query: str) -> set[str]:
    searcher, parser = kl_index
    return {hit["title"] for hit in searcher.search(parser.parse(query), limit=None)}


def test_inflected_forms_find_each_other(kl_index) -> None:
    assert "Sammenbrud i forhandlingerne med lærerne" in titles(kl_index, "lærernes")
    assert "Avisannoncer skal give ”aktindsigt” i lærernes arbejdstid" in titles(kl_index, "lærerne")


def test_possessives_find_the_name(kl_index) -> None:
    assert "Lærerne underviser ikke så meget, som DLF hævder" in titles(kl_index, "DLF’s")
    assert titles(kl_index, "KL’s bestyrelse") == titles(kl_index, "KL bestyrelse") != set()


MUNDBIND = "Indfør mundbind i sygetransport og FlexTrafik"  # "I lyset af Corona-smittens opblussen ..."


def test_a_part_finds_the_hyphenated_word(kl_index) -> None:
    assert MUNDBIND in titles(kl_index, "corona")
    assert titles(kl_index, '"corona smittens opblussen"') == {MUNDBIND}
    assert titles(kl_index, '"Corona-smittens opblussen"') == {MUNDBIND}


def test_phrase_with_stop_words(kl_index) -> None:
    assert titles(kl_index, '"to ud af tre"') == {"Jobcentre optrapper samarbejde med virksomheder"}
    assert titles(kl_index, '"tre ud af to"') == set()


def test_stop_words_do_not_break_queries(kl_index) -> None:
    assert titles(kl_index, "lockout og lærerne") == titles(kl_index, "lockout lærerne") != set()
    _, parser = kl_index
    assert parser.parse("og i af") is NullQuery
    assert titles(kl_index, "lockout AND af") == titles(kl_index, "lockout")


def test_highlights_mark_the_matched_words(kl_index) -> None:
    searcher, parser = kl_index
    hits = searcher.search(parser.parse("lærernes arbejdstid"), limit=3)
    assert hits
    assert all("<b" in hit.highlights("text") for hit in hits)
    hits = searcher.search(parser.parse("corona"), limit=None)
    marked = {hit["title"]: hit.highlights("text") for hit in hits}
    assert ">Corona-smittens</b>" in marked[MUNDBIND]
