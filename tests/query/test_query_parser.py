"""The query parser: string -> tree, its errors, and canonical rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klsearch.errors import KlsearchError, QuerySyntaxError
from klsearch.query.parser import FIELDS, MAX_CLAUSES, MAX_DEPTH, parse
from klsearch.query.tree import (
    BooleanQuery,
    Clause,
    FieldTerm,
    MatchAll,
    Node,
    Occur,
    Phrase,
    Prefix,
    Term,
    YearRange,
    is_filter,
    walk,
)

MUST, SHOULD, MUST_NOT = Occur.MUST, Occur.SHOULD, Occur.MUST_NOT
CORPUS_DIR = Path(__file__).parent.parent.parent / "corpus"


def bq(*clauses: tuple[Occur, Node]) -> BooleanQuery:
    return BooleanQuery(tuple(Clause(o, q) for o, q in clauses))


def T(text: str, start: int = 0) -> Term:
    return Term(text, start)


def error_of(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    return info.value


def leaf_starts_ok(query: str, node: Node) -> bool:
    for n in walk(node):
        if isinstance(n, (Term, Prefix)) and query[n.start : n.start + len(n.text)] != n.text:
            return False
        if isinstance(n, Phrase) and not query.startswith(n.words[0], n.start):
            return False
        if isinstance(n, FieldTerm) and query[n.start : n.start + len(n.field) + 1].lower() != n.field + ":":
            return False
        if isinstance(n, YearRange) and query[n.start : n.start + 5].lower() != "year:":
            return False
    return True


# --- words, phrases, prefixes ------------------------------------------------


def test_plain_words_are_should_terms_with_offsets() -> None:
    tree = parse("lærernes arbejdstid")
    assert tree == bq((SHOULD, T("lærernes")), (SHOULD, T("arbejdstid")))
    assert [c.query.start for c in tree.clauses] == [0, 9]  # type: ignore[union-attr]


def test_single_term_is_still_a_boolean_query() -> None:
    assert parse("kommuner") == bq((SHOULD, T("kommuner")))


@pytest.mark.parametrize(
    "query, text",
    [
        ("Corona-smittens", "Corona-smittens"),
        ("KL’s", "KL’s"),
        ("KL's", "KL's"),
        ("MF’ere", "MF’ere"),
        ("2,5", "2,5"),
        ("150.000", "150.000"),
        ("www.kl.dk", "www.kl.dk"),
        ("Meretidsammen.dk.", "Meretidsammen.dk"),
        ("05.05.14", "05.05.14"),
        ("hvorfor?", "hvorfor"),
        ("nu!", "nu"),
        ("KL,", "KL"),
        ("(KL)", "KL"),
        ("børne-", "børne"),
        ("’citat’", "citat"),
        ("2½", "2½"),
        ("CO2", "CO2"),
        ("http://www.kl.dk", "http://www.kl.dk"),
    ],
)
def test_a_word_keeps_inner_punctuation_and_loses_the_outer(query: str, text: str) -> None:
    tree = parse(query)
    assert tree == bq((SHOULD, T(text)))
    assert leaf_starts_ok(query, tree)


def test_quoted_words_are_a_phrase() -> None:
    tree = parse('"to ud af tre"')
    assert tree == bq((SHOULD, Phrase(("to", "ud", "af", "tre"), 1)))
    assert tree.clauses[0].query.start == 1  # type: ignore[union-attr]


def test_phrase_words_lose_outer_punctuation() -> None:
    assert parse('"hvad nu, KL’s formand?"') == bq(
        (SHOULD, Phrase(("hvad", "nu", "KL’s", "formand"), 1))
    )


@pytest.mark.parametrize("query", ["”hellige”", '"hellige"', "“hellige”", "„hellige“", '"hellige”'])
def test_typographic_quotes_and_one_quoted_word_is_a_term(query: str) -> None:
    tree = parse(query)
    assert tree == bq((SHOULD, T("hellige")))
    assert tree.clauses[0].query.start == 1  # type: ignore[union-attr]


def test_danish_quotes_open_and_close_with_the_same_mark() -> None:
    assert parse("Alle DLF’s ”modeller” er ”samme vin”") == bq(
        (SHOULD, T("Alle")),
        (SHOULD, T("DLF’s")),
        (SHOULD, T("modeller")),
        (SHOULD, T("er")),
        (SHOULD, Phrase(("samme", "vin"), 0)),
    )


def test_star_inside_quotes_is_punctuation() -> None:
    assert parse('"øko*"') == bq((SHOULD, T("øko")))


@pytest.mark.parametrize(
    "query, node",
    [
        ("øko*", Prefix("øko", 0)),
        ("sundheds*", Prefix("sundheds", 0)),
        ("KL’s*", Prefix("KL’s", 0)),
        ("øko*?", Prefix("øko", 0)),
        ("*", MatchAll()),
        ("**", MatchAll()),
        ("*skole", T("skole")),
    ],
)
def test_prefix_and_match_all(query: str, node: Node) -> None:
    assert parse(query) == bq((SHOULD, node))


def test_punctuation_only_words_are_dropped() -> None:
    assert parse("– økonomi • …") == bq((SHOULD, T("økonomi", 2)))
    assert parse('velfærd "?" ,') == bq((SHOULD, T("velfærd")))


# --- modifiers and operators -------------------------------------------------


def test_plus_and_minus() -> None:
    tree = parse("+folkeskole -corona")
    assert tree == bq((MUST, T("folkeskole")), (MUST_NOT, T("corona")))
    assert [c.query.start for c in tree.clauses] == [1, 13]  # type: ignore[union-attr]


def test_modifiers_apply_to_phrases_prefixes_fields_and_groups() -> None:
    assert parse('-"to ud" +øko* -category:Politik +year:2013 -(a b)') == bq(
        (MUST_NOT, Phrase(("to", "ud"), 0)),
        (MUST, Prefix("øko", 0)),
        (MUST_NOT, FieldTerm("category", "Politik", 0)),
        (MUST, YearRange(2013, 2013, 0)),
        (MUST_NOT, bq((SHOULD, T("a")), (SHOULD, T("b")))),
    )


def test_hyphen_inside_a_word_is_not_a_modifier() -> None:
    assert parse("skole-hjem Corona-smittens") == bq(
        (SHOULD, T("skole-hjem")), (SHOULD, T("Corona-smittens"))
    )


def test_and_or_not() -> None:
    assert parse("skole AND reform") == bq((MUST, T("skole")), (MUST, T("reform")))
    assert parse("skole OR reform") == bq((SHOULD, T("skole")), (SHOULD, T("reform")))
    assert parse("NOT corona") == bq((MUST_NOT, T("corona")))
    assert parse("skole NOT corona") == bq((SHOULD, T("skole")), (MUST_NOT, T("corona")))
    assert parse("skole AND NOT corona") == bq((MUST, T("skole")), (MUST_NOT, T("corona")))
    assert parse("skole AND -corona") == bq((MUST, T("skole")), (MUST_NOT, T("corona")))


def test_lower_case_operators_are_words() -> None:
    assert parse("skole and reform or not") == bq(
        *[(SHOULD, T(w)) for w in ["skole", "and", "reform", "or", "not"]]
    )


def test_group_and_reform() -> None:
    assert parse("(skole OR folkeskole) AND reform") == bq(
        (MUST, bq((SHOULD, T("skole")), (SHOULD, T("folkeskole")))), (MUST, T("reform"))
    )


def test_and_binds_tighter_than_or() -> None:
    assert parse("a AND b OR c") == bq((SHOULD, bq((MUST, T("a")), (MUST, T("b")))), (SHOULD, T("c")))
    assert parse("a OR b AND c") == bq((SHOULD, T("a")), (SHOULD, bq((MUST, T("b")), (MUST, T("c")))))


def test_and_within_a_sequence_makes_its_operands_required_like_lucene() -> None:
    assert parse("a b AND c") == bq((SHOULD, T("a")), (MUST, T("b")), (MUST, T("c")))
    assert parse("a OR +b c") == bq((SHOULD, T("a")), (MUST, T("b")), (SHOULD, T("c")))


def test_redundant_parentheses_disappear() -> None:
    assert parse("((skole))") == bq((SHOULD, T("skole")))
    assert parse("((a b))") == bq((SHOULD, T("a")), (SHOULD, T("b")))
    assert parse("x (+a)") == bq((SHOULD, T("x")), (SHOULD, T("a")))
    assert parse("x (-a)") == bq((SHOULD, T("x")), (SHOULD, bq((MUST_NOT, T("a")))))


# --- field filters ------------------------------------------------------------


def test_filters_are_required_by_default() -> None:
    assert parse("category:Politik year:2012..2014 økonomi") == bq(
        (MUST, FieldTerm("category", "Politik", 0)),
        (MUST, YearRange(2012, 2014, 17)),
        (SHOULD, T("økonomi", 33)),
    )


def test_field_names_are_case_insensitive_and_values_kept_as_typed() -> None:
    assert parse("Category:Politik SECTION:Artikler") == bq(
        (MUST, FieldTerm("category", "Politik", 0)), (MUST, FieldTerm("section", "Artikler", 0))
    )
    assert parse('category:"Børn og unge"') == bq((MUST, FieldTerm("category", "Børn og unge", 0)))
    assert parse("category:”Børn og unge”") == bq((MUST, FieldTerm("category", "Børn og unge", 0)))


def test_year_filter() -> None:
    assert parse("year:2013") == bq((MUST, YearRange(2013, 2013, 0)))
    assert parse('year:"2013"') == bq((MUST, YearRange(2013, 2013, 0)))
    assert parse("YEAR:2012..2014") == bq((MUST, YearRange(2012, 2014, 0)))


def test_or_between_filters_makes_them_should() -> None:
    assert parse("category:Politik OR category:Velfærd") == bq(
        (SHOULD, FieldTerm("category", "Politik", 0)), (SHOULD, FieldTerm("category", "Velfærd", 0))
    )


def test_an_or_of_filters_beside_terms_is_one_required_filter_group() -> None:
    expected = bq(
        (SHOULD, T("økonomi")),
        (
            MUST,
            bq(
                (SHOULD, FieldTerm("category", "Politik", 0)),
                (SHOULD, FieldTerm("category", "Velfærd", 0)),
            ),
        ),
    )
    assert parse("økonomi category:Politik OR category:Velfærd") == expected
    assert parse("økonomi (category:Politik OR category:Velfærd)") == expected


def test_negated_and_anded_filters() -> None:
    assert parse("skat -category:Politik") == bq(
        (SHOULD, T("skat")), (MUST_NOT, FieldTerm("category", "Politik", 0))
    )
    assert parse("skat NOT year:2012") == bq((SHOULD, T("skat")), (MUST_NOT, YearRange(2012, 2012, 0)))
    assert parse("økonomi OR category:Politik") == bq(
        (SHOULD, T("økonomi")), (SHOULD, FieldTerm("category", "Politik", 0))
    )


@pytest.mark.parametrize(
    "query, words",
    [
        ("kl. 10:30", ["kl", "10:30"]),
        ("KL: Anlægsniveau skal videreføres", ["KL", "Anlægsniveau", "skal", "videreføres"]),
    ],
)
def test_colons_that_are_not_fields(query: str, words: list[str]) -> None:
    assert parse(query) == bq(*[(SHOULD, T(w)) for w in words])


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, position, reason",
    [
        ("", 0, "empty query"),
        ("   \n ", 0, "empty query"),
        ("– • …", 0, "empty query"),
        ('"?"', 0, "empty query"),
        ('"to ud af tre', 0, "unbalanced quote"),
        ("KL ”formand", 3, "unbalanced quote"),
        ('category:"Børn og', 9, "unbalanced quote"),
        ("(skole OR folkeskole", 0, "unbalanced '('"),
        ("a (b (c)", 2, "unbalanced '('"),
        ("skole)", 5, "unbalanced ')'"),
        ("(a)) b", 3, "unbalanced ')'"),
        ("()", 0, "empty parentheses"),
        ("a ( – )", 2, "empty parentheses"),
        ("AND skole", 0, "'AND' needs a term before it"),
        ("OR skole", 0, "'OR' needs a term before it"),
        ("(AND a)", 1, "'AND' needs a term before it"),
        ("skole AND", 6, "'AND' needs a term after it"),
        ("skole OR", 6, "'OR' needs a term after it"),
        ("(a OR) b", 3, "'OR' needs a term after it"),
        ("a AND OR b", 6, "'OR' cannot follow 'AND'"),
        ("a OR AND b", 5, "'AND' cannot follow 'OR'"),
        ("a NOT AND b", 6, "'AND' cannot follow 'NOT'"),
        ("NOT NOT a", 4, "'NOT' cannot follow 'NOT'"),
        ("NOT -a", 4, "'-' cannot follow 'NOT'"),
        ("NOT", 0, "'NOT' needs a term after it"),
        ("skole NOT", 6, "'NOT' needs a term after it"),
        ("+", 0, "'+' must be followed directly by a term"),
        ("skole -", 6, "'-' must be followed directly by a term"),
        ("- skole", 0, "'-' must be followed directly by a term"),
        ("+-skole", 0, "'+' must be followed directly by a term"),
        ("-AND a", 0, "'-' must be followed directly by a term"),
        ("(a -)", 3, "'-' must be followed directly by a term"),
        ("-– skole", 0, "'-' must be followed directly by a term"),
        ("category:", 0, "field 'category' has no value"),
        ("skat section: Artikler", 5, "field 'section' has no value"),
        ('category:""', 0, "field 'category' has no value"),
        ("year:", 0, "field 'year' has no value"),
        ("foo:bar", 0, "unknown field 'foo' (known: category, section, year)"),
        ("skole Emne:skole", 6, "unknown field 'Emne' (known: category, section, year)"),
        ('titel:"to ud"', 0, "unknown field 'titel' (known: category, section, year)"),
        ("year:2014..2012", 5, "empty year range 2014..2012 (low is above high)"),
        ("year:abc", 5, "invalid year 'abc' (expected YYYY or YYYY..YYYY)"),
        ("year:2012..", 5, "invalid year '2012..' (expected YYYY or YYYY..YYYY)"),
        ("year:20.5", 5, "invalid year '20.5' (expected YYYY or YYYY..YYYY)"),
        ("skat year:2012..x", 10, "invalid year '2012..x' (expected YYYY or YYYY..YYYY)"),
        ("year:0", 5, "year 0 out of range (1..9999)"),
        ("year:10000", 5, "year 10000 out of range (1..9999)"),
        ("year:2000..99999", 5, "year 99999 out of range (1..9999)"),
    ],
)
def test_errors_name_the_position(query: str, position: int, reason: str) -> None:
    error = error_of(query)
    assert (error.position, error.reason) == (position, reason)
    assert error.query == query
    assert isinstance(error, KlsearchError)
    assert "query error at position" in str(error)


def test_huge_year_is_out_of_range_not_a_crash() -> None:
    error = error_of("year:" + "9" * 10_000)
    assert error.position == 5 and "out of range" in error.reason


def test_nesting_limit() -> None:
    ok = "(" * MAX_DEPTH + "skole" + ")" * MAX_DEPTH
    assert parse(ok) == bq((SHOULD, T("skole")))
    error = error_of("(" * (MAX_DEPTH + 1) + "skole" + ")" * (MAX_DEPTH + 1))
    assert error.position == MAX_DEPTH
    assert error.reason == f"parentheses nested too deeply (at most {MAX_DEPTH} levels)"
    error = error_of("(" * 10_000 + "a" + ")" * 10_000)
    assert error.position == MAX_DEPTH


def test_term_limit() -> None:
    words = ["ord"] * MAX_CLAUSES
    assert len(parse(" ".join(words)).clauses) == MAX_CLAUSES
    error = error_of(" ".join(words + ["ord"]))
    assert error.position == 4 * MAX_CLAUSES
    assert error.reason == f"query too long: {MAX_CLAUSES + 1} terms (at most {MAX_CLAUSES})"


def test_term_limit_counts_phrase_words_and_every_kind_of_term() -> None:
    error = error_of('"' + " ".join(["ord"] * (MAX_CLAUSES + 1)) + '"')
    assert (error.position, error.reason) == (0, f"query too long: {MAX_CLAUSES + 1} terms (at most 1024)")
    # 1020 plain words, then 20 more of every shape: each counts as below.
    unit = '-a +øko* "to ud" category:"Børn og unge" year:2013 (b OR c) AND * – "?" KL: NOT d'
    per_unit = 1 + 1 + 2 + 1 + 1 + 2 + 1 + 1 + 1
    query = "x " * 1020 + " ".join([unit] * 20)
    error = error_of(query)
    assert error.reason == f"query too long: {1020 + 20 * per_unit} terms (at most 1024)"


@pytest.mark.parametrize(
    "query",
    [
        "ord " * 250_000,
        "-a " * 333_333,
        '"a" ' * 250_000,
        '"' + "a " * 499_999 + '"',
        ". " * 500_000,
        '"" ' * 333_333,
        "(" * 1_000_000,
        ")" * 1_000_000,
        "AND " * 250_000,
        "x" * 1_000_000,
        "!" * 1_000_000 + "a",
        '"' + "." * 1_000_000,
        "(a) " * 250_000,
        ("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH + " ") * 15_000,
        'økonomi* "to ud" +KL’s -(a OR b) AND c ' * 27_000,
    ],
    ids=lambda q: repr(q[:12]),
)
def test_a_megabyte_query_is_parsed_or_refused(query: str) -> None:
    # Parsing is linear; speed on such inputs is measured in benchmarks/, not timed here.
    try:
        parse(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position < len(query)


# --- tree helpers and rendering -------------------------------------------------


def test_walk_and_is_filter() -> None:
    tree = parse("skole (category:Politik OR category:Velfærd) -year:2012")
    kinds = [type(n).__name__ for n in walk(tree)]
    assert kinds == ["BooleanQuery", "Term", "BooleanQuery", "FieldTerm", "FieldTerm", "YearRange"]
    assert [is_filter(c.query) for c in tree.clauses] == [False, True, True]
    assert not is_filter(tree) and not is_filter(BooleanQuery(()))
    assert not is_filter(parse("category:Politik skole"))


def test_starts_are_not_part_of_equality() -> None:
    assert Term("skole", 0) == Term("skole", 7)
    assert hash(Prefix("øko", 1)) == hash(Prefix("øko", 9))


@pytest.mark.parametrize(
    "query, rendered",
    [
        ("lærernes  arbejdstid", "lærernes arbejdstid"),
        ("skole AND reform", "+skole +reform"),
        ("NOT corona", "-corona"),
        ("”to ud af tre”", '"to ud af tre"'),
        ("category:Politik year:2012..2014 økonomi", "+category:Politik +year:2012..2014 økonomi"),
        ("year:2013", "+year:2013"),
        ('category:"Børn og unge"', '+category:"Børn og unge"'),
        ("category:Politik OR category:Velfærd", "category:Politik OR category:Velfærd"),
        ("økonomi (category:Politik OR category:Velfærd)", "økonomi +(category:Politik OR category:Velfærd)"),
        ("(skole OR folkeskole) AND reform", "+(skole folkeskole) +reform"),
        ("a AND b OR c", "(+a +b) c"),
        ("øko* *", "øko* *"),
        ('"AND" kl. 10:30 ”KL:s” "K(L)s" http://kl.dk', '"AND" kl 10:30 "KL:s" "K(L)s" http://kl.dk'),
    ],
)
def test_str_renders_canonical_syntax(query: str, rendered: str) -> None:
    tree = parse(query)
    assert str(tree) == rendered
    assert parse(rendered) == tree


# --- properties ----------------------------------------------------------------

PIECES = [
    "skole", "øko", "KL’s", "2,5", "www.kl.dk", "Corona-smittens", "AND", "OR", "NOT", "and",
    "category:", "section:", "year:", "Category:", "foo:", "2012", "..", "2014", "10:30",
    " ", " ", " ", "\u00a0", "\n", "(", ")", '"', "”", "“", "„", "+", "-", "*", ":", ".", ",",
    "?", "–", "•", "'", "’", "_", "é", "\u0301", "½", "x", "0",
]  # fmt: skip
query_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def check(query: str) -> BooleanQuery | None:
    try:
        tree = parse(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position < max(len(query), 1)
        assert error.query == query
        return None
    assert isinstance(tree, BooleanQuery) and tree.clauses
    return tree


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_a_syntax_error(query: str) -> None:
    check(query)


@settings(max_examples=1000, deadline=None)
@given(query_text)
def test_query_like_text_round_trips_through_str(query: str) -> None:
    tree = check(query)
    if tree is None:
        return
    assert leaf_starts_ok(query, tree)
    rendered = str(tree)
    again = parse(rendered)
    assert again == tree
    assert str(again) == rendered
    assert leaf_starts_ok(rendered, again)
    assert sum(1 for n in walk(tree) if not isinstance(n, BooleanQuery)) <= MAX_CLAUSES


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), st.integers(1, 40))
def test_nested_garbage_never_escapes_as_another_exception(piece: str, depth: int) -> None:
    check("(" * depth + piece + ")" * depth)
    check(piece * depth)


def test_every_sentence_of_the_bundled_corpus_parses_or_fails_cleanly() -> None:
    text = " ".join(p.read_text("utf-8") for p in sorted(CORPUS_DIR.glob("*.txt")))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    parsed = 0
    for line in lines:
        tree = check(line)
        if tree is not None:
            parsed += 1
            assert leaf_starts_ok(line, tree)
            assert parse(str(tree)) == tree
    assert parsed > len(lines) * 0.9


def test_public_constants() -> None:
    assert MAX_CLAUSES == 1024
    assert FIELDS == ("category", "section", "year")
    assert re.fullmatch(r"\d+", str(MAX_DEPTH))


plain_word = st.text(st.sampled_from("abzæøåÆØÅéü09²½ΣдAND_OR"), min_size=1, max_size=6)
spacing = st.text(st.sampled_from(" \t\n\u00a0\u2003\u3000\x1c"), min_size=1, max_size=3)
usual_piece = st.one_of(
    plain_word,
    st.lists(plain_word, min_size=1, max_size=3).map(lambda w: '"' + " ".join(w) + '"'),
    st.sampled_from(["category:Klima", "Section:Navne", "year:2012", "YEAR:2010..2014", "year:2014..2010", "year:0",
                     "year:12345", "category:", "kl:x", "category:a.b", "(", ")", "()", "”a b„", '"a', '""']),
    st.lists(plain_word, min_size=1, max_size=3).map(lambda w: "(" + " ".join(w) + ")"),
)
usual_item = st.tuples(st.sampled_from(["", "", "+", "-", "+-"]), usual_piece).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(usual_item, spacing), min_size=1, max_size=6), spacing)
def test_usual_queries_take_a_shortcut_to_the_same_tree(items: list[tuple[str, str]], lead: str) -> None:
    from klsearch.query.parser import _Parser, _simple

    query = lead + "".join(i + s for i, s in items[:-1]) + items[-1][0]
    fast = _simple(query)
    if fast is None:
        return
    general = _Parser(query).parse()
    assert fast == general
    assert [getattr(n, "start", None) for n in walk(fast)] == [getattr(n, "start", None) for n in walk(general)]


def test_the_shortcut_takes_usual_queries_only() -> None:
    from klsearch.query.parser import _simple

    for query in ("skole  økonomi 2013", '+(skole "den danske model") category:Politik year:2012..2014', "-year:2015"):
        assert _simple(query) is not None
    for query in ("skole AND økonomi", "skole*", "skole,", "+ skole", "category:x.y", '"a, b"', "a_b", "(a (b))", " ", ""):
        assert _simple(query) is None
