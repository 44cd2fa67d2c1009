"""explain(): what `klsearch analyze` shows for a text."""

from __future__ import annotations

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from klsearch.analysis import Analyzer, normalize
from klsearch.analysis.explain import explain, format_explanation

A = Analyzer()


def test_rows_like_elasticsearch_analyze() -> None:
    rows = explain("KL’s formand: Corona-smittens opblussen", analyzer=A)
    assert rows[:2] == [
        {"token": "KL’s", "position": 0, "start": 0, "end": 4, "terms": ["kl"]},
        {"token": "formand", "position": 1, "start": 5, "end": 12, "terms": ["formand"]},
    ]
    corona, opblussen = rows[2:]
    assert corona["token"] == "Corona-smittens"
    assert corona["terms"] == [A.query_terms("coronasmittens")[0], "corona", A.query_terms("smittens")[0]]
    assert opblussen["position"] == corona["position"] + 2  # one position per part
    json.dumps(rows)


def test_index_terms_are_what_the_index_gets() -> None:
    text = "Lærernes arbejdstid, to ud af tre og www.kl.dk"
    pairs, _ = A.index_terms(text)
    assert [term for row in explain(text) for term in row["terms"]] == [term for term, _ in pairs]


def test_query_terms_per_token() -> None:
    rows = explain("lærernes og Corona-smittens folkeskolereform", query=True)
    whole = A.query_terms("Corona-smittens")[0]
    assert [row["terms"] for row in rows] == [
        [A.query_terms("lærernes")[0], "~" + A.query_terms("lærernes")[0]],
        [],
        [whole, "~" + whole],  # the whole word (and inside compounds), not its parts
        ["folkeskolereform", "~folkeskolereform"],
    ]
    assert rows[2]["near"] == ["corona", "smitte"]
    assert rows[3]["near"] == ["folke", "skole", "reform"]
    assert "near" not in rows[0]
    assert [row["token"] for row in rows] == ["lærernes", "og", "Corona-smittens", "folkeskolereform"]


def test_offsets_are_into_the_text_as_given() -> None:
    # BOM, soft hyphen, decomposed Å, zero width space
    text = "\ufeffop\u00admærksom  A\u030angstrup\u200b Kommune"
    rows = explain(text)
    assert [row["token"] for row in rows] == ["op\u00admærksom", "A\u030angstrup", "Kommune"]
    words = ("opmærksom", "Ångstrup", "kommune")
    assert [row["terms"] for row in rows] == [list(A.query_terms(w)) for w in words]
    assert all(text[row["start"] : row["end"]] == row["token"] for row in rows)


messy = st.text(
    # Danish text, invisible characters, combining marks, Hangul jamo that NFC composes
    alphabet=string.ascii_letters + "æøåÆØÅ0123456789 .,-'’\n\u00a0\u00ad\u200b\u0301\u030a\u0327\u1100\u1161한",
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(messy)
def test_every_token_maps_back_to_its_place_in_the_text(text: str) -> None:
    rows = explain(text, analyzer=A)
    tokens = list(A.tokens(text))
    assert len(rows) == len(tokens)
    previous_end = 0
    for row, tok in zip(rows, tokens):
        assert text[row["start"] : row["end"]] == row["token"]
        # a combining mark the tokenizer leaves out (0́) stays with its character
        widened = normalize(row["token"])
        assert widened.startswith(tok.token)
        assert not any(c.isalnum() for c in widened[len(tok.token) :])
        assert row["start"] >= previous_end
        previous_end = row["end"]


def test_table_lines_up_and_marks_stop_words() -> None:
    table = format_explanation(explain("Ålborg og A\u030alborg", analyzer=A))
    lines = table.splitlines()
    assert lines[0].split() == ["position", "offsets", "token", "terms"]
    assert lines[1].split() == ["0", "0-6", "Ålborg", A.query_terms("ålborg")[0]]
    assert "stop word" in lines[2]
    column = lines[0].index("terms")
    assert lines[1][column:] == A.query_terms("ålborg")[0]
    assert lines[3].replace("A\u030a", "Å")[column:] == A.query_terms("ålborg")[0]
    assert format_explanation([]) == "(no tokens)"
