"""End to end: index the bundled KL corpus with the CLI and check real answers."""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from klsearch.cli import cli

NEWS_PAGE = Path(__file__).parent.parent.parent / "corpus" / "000_e36043390833c23f.txt"


@pytest.fixture(scope="module")
def kl_index(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("kl") / "index")
    result = CliRunner().invoke(cli, ["index", "--index", path])
    assert result.exit_code == 0, result.output
    assert "Indexed 114 documents" in result.output
    return path


def query(index: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["query", "--index", index, "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def titles(answer: dict) -> list[str]:
    return [h["title"] for h in answer["hits"]]


def independent_facets() -> dict[str, collections.Counter]:
    """Facet counts read straight off the raw news page with a regex (not the reader)."""
    lines = NEWS_PAGE.read_text("utf-8").splitlines()
    section = None
    seen = set()
    counts = {"category": collections.Counter(), "year": collections.Counter(), "section": collections.Counter()}
    for i, line in enumerate(lines):
        if line.strip() in ("Artikler", "Navne", "Pressemeddelelser"):
            section = line.strip()
        item = re.match(r"^\s*•\s+(.*\S)\s*$", line)
        if not item:
            continue
        date = re.match(r"^\s*(\d\d)\.(\d\d)\.(\d\d)(?:\s+(\S.*?))?\s*$", lines[i + 1])
        key = (item.group(1), date.group(0).strip() if date else None)
        if key in seen:  # an exact duplicate of an earlier item
            continue
        seen.add(key)
        counts["section"][section] += 1
        if date:
            counts["year"][str(2000 + int(date.group(3)))] += 1
            if date.group(4):
                counts["category"][date.group(4)] += 1
    return counts


def test_facets_of_everything_match_the_corpus_files(kl_index) -> None:
    answer = query(kl_index, "*", "-n", "0")
    expected = independent_facets()
    assert answer["total"] == sum(expected["section"].values()) + 2  # + blurb + annual report
    for facet in ("category", "year", "section"):
        assert answer["facets"][facet] == dict(expected[facet]), facet


def test_teachers_working_time_ranks_first(kl_index) -> None:
    answer = query(kl_index, "lærernes arbejdstid", "-n", "3")
    assert answer["total"] >= 3
    for hit in answer["hits"][:2]:
        text = (hit["title"] + " " + hit["snippet"]).lower()
        assert "arbejdstid" in text and "lærer" in text


def test_inflected_form_finds_the_same_items(kl_index) -> None:
    base = query(kl_index, "forhandling", "-n", "100")
    inflected = query(kl_index, "forhandlingerne", "-n", "100")
    assert base["total"] > 0
    assert {h["id"] for h in base["hits"]} == {h["id"] for h in inflected["hits"]}


def test_names_and_possessives(kl_index) -> None:
    answer = query(kl_index, "Arne Eggert")
    assert titles(answer)[0] in {"KL fyrer Arne Eggert øjeblikkeligt", "Arne Eggert bliver direktør"}
    assert all(h["section"] == "Navne" for h in answer["hits"][:2])
    possessive = query(kl_index, "KL’s formand", "-n", "1")
    snippet = possessive["hits"][0]["snippet"]
    assert "**KL" in snippet and re.search(r"\*\*form(and|ænd)", snippet), snippet


def test_hyphenated_word_found_by_its_part(kl_index) -> None:
    answer = query(kl_index, "corona")
    assert "Indfør mundbind i sygetransport og FlexTrafik" in titles(answer)


def test_filters_and_phrases(kl_index) -> None:
    answer = query(kl_index, "kommunerne", "--category", "Politik", "--year", "2012..2013", "-n", "50")
    assert answer["total"] > 0
    assert all(h["category"] == "Politik" and 2012 <= h["year"] <= 2013 for h in answer["hits"])
    assert set(answer["facets"]["category"]) == {"Politik"}
    inline = query(kl_index, "kommunerne category:politik year:2012..2013", "-n", "50")
    assert inline["total"] == answer["total"]
    phrase = query(kl_index, '"to ud af tre"')
    assert titles(phrase) == ["Jobcentre optrapper samarbejde med virksomheder"]


def test_prefix_and_exclusion(kl_index) -> None:
    assert query(kl_index, "sundheds*")["total"] > 0
    all_eco = query(kl_index, "øko*", "-n", "0")["total"]
    without = query(kl_index, "øko* -corona", "-n", "0")["total"]
    assert 0 < without < all_eco


def test_sort_by_date_and_paging(kl_index) -> None:
    page1 = query(kl_index, "kommunerne", "--sort", "date", "-n", "5")
    dates = [h["date"] for h in page1["hits"]]
    assert dates == sorted(dates, reverse=True)
    page2 = query(kl_index, "kommunerne", "--sort", "date", "-n", "5", "--offset", "5")
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page2["hits"]}


def test_json_shape(kl_index) -> None:
    answer = query(kl_index, "velfærd")
    assert set(answer) == {"query", "total", "took_ms", "hits", "facets"}
    assert set(answer["hits"][0]) == {"id", "score", "title", "date", "year", "category", "section", "snippet"}
    assert set(answer["facets"]) == {"category", "year", "section"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "skole", "--index", "/nonexistent/index"], "no index here"),
        (["query", "   "], "empty query"),
        (["query", "skole", "--year", "2014..2012"], "bad year range"),
        (["query", "skole", "--year", "sidste år"], "bad year"),
        (["query", '"lærernes arbejdstid'], "position 1"),
        (["query", "(skole"], "position 1"),
        (["query", "skole AND"], "position 7"),
        (["query", "forfatter:Damm"], "unknown field"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(kl_index, args, message) -> None:
    if "--index" not in args:
        args = [*args, "--index", kl_index]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output


def test_absurdly_long_query_is_answered_or_refused(kl_index) -> None:
    result = CliRunner().invoke(cli, ["query", "--index", kl_index, " ".join(["skole"] * 5000)])
    assert result.exit_code in (0, 2)
    assert len(result.output.strip().splitlines()) >= 1


def test_installed_script_runs_and_fails_cleanly(kl_index) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "klsearch", "query", "--index", kl_index, "--json", "velfærd"],
        capture_output=True, text=True, check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["total"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "klsearch", "query", "--index", kl_index, "a AND"],
        capture_output=True, text=True, check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_index_reports_bad_jsonl_with_file_and_line(tmp_path) -> None:
    data = tmp_path / "docs.jsonl"
    data.write_text('{"title": "Skole", "body": "Folkeskolen"}\n[1, 2]\n{"title": "Ældre", "body": "Pleje"}\n', "utf-8")
    bad = CliRunner().invoke(cli, ["index", str(data), "--index", str(tmp_path / "i")])
    assert bad.exit_code == 2 and f"{data}:2" in bad.output
    skipped = CliRunner().invoke(cli, ["index", str(data), "--index", str(tmp_path / "i"), "--skip-bad"])
    assert skipped.exit_code == 0 and "Indexed 2 documents" in skipped.output


def test_words_with_filters_must_still_match(kl_index) -> None:
    everything = query(kl_index, "category:Politik", "-n", "0")["total"]
    words = query(kl_index, "lærernes arbejdstid category:Politik", "-n", "50")
    assert 0 < words["total"] < everything
    assert query(kl_index, "xyzzyq category:Politik")["total"] == 0
    assert query(kl_index, "* category:Politik", "-n", "0")["total"] == everything
