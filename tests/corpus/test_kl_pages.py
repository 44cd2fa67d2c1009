"""KL page reader, dedupe, read_sources and the bundled corpus, on real data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import types
from collections import Counter
from pathlib import Path

import pytest

from klsearch.corpus import (
    bundled_corpus_files,
    dedupe,
    read_bundled_corpus,
    read_kl_page,
    read_sources,
)
from klsearch.document import Document
from klsearch.errors import CorpusFormatError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NEWS = CORPUS / "000_e36043390833c23f.txt"
REPORTS = CORPUS / "004_96e70d651c101632.txt"
SECTIONS = ("Artikler", "Navne", "Pressemeddelelser")
CHROME = ("TILMELD NYHEDSBREV", "Kontaktpersoner", "Log ind", "×", "PDF", "Tidligere beretninger")


def raw_items() -> list[tuple[str, str, str]]:
    """(section, headline, date line) per bullet, straight from the raw file."""
    items, section = [], None
    lines = NEWS.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(lines):
        if line.strip() in SECTIONS:
            section = line.strip()
        m = re.match(r"^ *• (.+)$", line)
        if m:
            items.append((section, m.group(1).strip(), lines[n + 1].strip()))
    return items


@pytest.fixture(scope="module")
def news() -> list[Document]:
    return read_kl_page(NEWS)


def by_title(docs: list[Document], title: str) -> Document:
    (doc,) = [d for d in docs if d.title == title]
    return doc


# -- the news page ----------------------------------------------------------


def test_items_per_section_match_raw_file(news):
    expected = Counter(section for section, _, _ in raw_items())
    assert expected == {"Artikler": 18, "Navne": 10, "Pressemeddelelser": 85}
    assert Counter(d.section for d in news if d.date) == expected
    assert len(news) == sum(expected.values()) + 1  # + the blurb


def test_items_in_page_order(news):
    assert [d.title for d in news[1:]] == [title for _, title, _ in raw_items()]


@pytest.mark.parametrize(
    "title, date, category, section",
    [
        ("KL: Anlægsniveau skal videreføres", dt.date(2014, 5, 5), "Infrastruktur", "Artikler"),
        ("Hvad er digital velfærd i virkeligheden?", dt.date(2011, 9, 29), None, "Artikler"),
        ("KL fyrer Arne Eggert øjeblikkeligt", dt.date(2019, 1, 30), "Ledelse", "Navne"),
        ("KL får ny næstformand", dt.date(2016, 1, 14), "Politik", "Navne"),
        ("Jacob Bundsgaard ny i KL's top", dt.date(2012, 5, 13), "Politik", "Navne"),
        ("Indfør mundbind i sygetransport og FlexTrafik", dt.date(2020, 8, 10), "Sundhed", "Pressemeddelelser"),
        ("Kan vi overhovedet have en normal skoledag efter sommerferien?", dt.date(2020, 6, 16), "Uddannelse", "Pressemeddelelser"),
        ("Giv kommunerne mulighed for at styrke indsatsen mod socialt bedrageri", dt.date(2011, 12, 13), "Social", "Pressemeddelelser"),
        ("Færre skal på overførselsindkomst, hvis vi skal undgå massive forringelser", dt.date(2012, 2, 26), None, "Pressemeddelelser"),
    ],
)
def test_specific_items(news, title, date, category, section):
    doc = by_title(news, title)
    assert (doc.date, doc.year, doc.category, doc.section) == (date, date.year, category, section)
    assert doc.source == NEWS.name and doc.url is None


def test_navne_items(news):
    navne = [d for d in news if d.section == "Navne"]
    assert Counter(d.category for d in navne) == {"Ledelse": 6, "Politik": 4}
    assert navne[0].title == "KL fyrer Arne Eggert øjeblikkeligt"
    assert navne[-1].title == "Jacob Bundsgaard ny i KL's top"


def test_categories_match_date_lines(news):
    raw = Counter(
        (line.split(maxsplit=1) + [None])[1] for _, _, line in raw_items()
    )
    assert Counter(d.category for d in news if d.date) == raw
    assert raw[None] == 49
    assert set(raw) - {None} == {
        "Politik", "Velfærd", "Ledelse", "Kommunalt", "Infrastruktur", "Sundhed", "Uddannelse", "Social"
    }


def test_blurb(news):
    blurb = news[0]
    assert blurb.title == "KL"
    assert (blurb.date, blurb.category, blurb.section) == (None, None, None)
    assert blurb.body.startswith("Weidekampsgade 10, 2300 København S")
    for text in ("Telefon: 3370 3370", "Kommunernes Landsforening (KL) er\xa0en", "Mission",
                 "Vision", "Organisationsværdier", "- Vi repræsenterer og samler kommunerne"):
        assert text in blurb.body
    assert "Artikler" not in blurb.body
    assert blurb.body.endswith("kommunerne")


def test_bodies_are_summaries_without_chrome(news):
    for doc in news:
        assert doc.body and doc.body == doc.body.strip()
        assert not any(chrome in doc.body for chrome in CHROME)
        assert "•" not in doc.body and "\n\n\n" not in doc.body
    last = news[-1]
    assert last.title == "KL: Frikommuner skal skabe nye løsninger"
    assert last.body.endswith("Og det har vi brug for.”")
    # Trailing space + no-break space stripped; the text itself is as published.
    assert by_title(news, "KL: Samme regulering af vederlag til kommunalpolitikere som til MF’ere").body.endswith("lønudvikling.")


def test_ids_stable_unique_and_path_independent(news, tmp_path):
    assert [d.id for d in read_kl_page(NEWS)] == [d.id for d in news]
    assert len({d.id for d in news}) == len(news)
    assert all(re.fullmatch(r"kl-[0-9a-f]{12}(-\d+)?", d.id) for d in news)
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    shutil.copy(NEWS, moved)
    assert [d.id for d in read_kl_page(moved)] == [d.id for d in news]


def test_digitaliseringsmessen_items_are_not_duplicates(news):
    docs = [d for d in read_bundled_corpus() if d.title.startswith("Digitaliseringsmessen")]
    assert [d.date for d in docs] == [dt.date(2011, 9, 21), dt.date(2011, 8, 26)]


def test_real_exact_duplicate_is_merged(news):
    counts = Counter((title, line) for _, title, line in raw_items())
    dupes = [key for key, n in counts.items() if n > 1]
    assert dupes == [("Skoleverdenen løb med begge KL’s innovationspriser", "21.11.12")]
    title = dupes[0][0]
    pair = [d for d in news if d.title == title]
    assert len(pair) == 2 and pair[0].id != pair[1].id  # the reader keeps both
    merged = [d for d in read_bundled_corpus() if d.title == title]
    assert len(merged) == 1
    assert merged[0].id == pair[0].id and merged[0].body == pair[0].body  # the longer one
    assert "Selsmoseskolen" in merged[0].body


# -- the annual-reports page ------------------------------------------------


def test_annual_reports_page():
    (doc,) = read_kl_page(REPORTS)
    assert doc.title == "KL's beretninger"
    assert (doc.date, doc.category, doc.section) == (None, None, None)
    assert doc.body.startswith("Her på siden finder du KL's beretninger")
    assert "Forord fra seneste beretning" in doc.body
    assert "lærernes arbejdstid" in doc.body
    assert "Politik KL's politiske organisation" not in doc.body
    assert not any(chrome in doc.body for chrome in CHROME)
    assert doc.body.endswith("deltage i det lokale demokrati.")


# -- bundled corpus ---------------------------------------------------------


def test_bundled_corpus():
    assert [p.name for p in bundled_corpus_files()] == [NEWS.name, REPORTS.name]
    docs = read_bundled_corpus()
    assert len(docs) == 1 + 113 - 1 + 1  # blurb, items less one duplicate, reports page
    assert Counter(d.section for d in docs) == {
        "Artikler": 18, "Navne": 10, "Pressemeddelelser": 84, None: 2
    }
    assert len({d.id for d in docs}) == len(docs)
    assert [d.id for d in read_bundled_corpus()] == [d.id for d in docs]


def test_bundled_corpus_from_wheel_data_package(tmp_path, monkeypatch):
    shutil.copy(REPORTS, tmp_path / REPORTS.name)
    fake = types.ModuleType("klsearch._bundled_corpus")
    fake.__path__ = [str(tmp_path)]
    monkeypatch.setitem(sys.modules, "klsearch._bundled_corpus", fake)
    assert bundled_corpus_files() == [tmp_path / REPORTS.name]


# -- bad and odd input ------------------------------------------------------

PAGE = """Nyheder

 • Første nyhed
  01.02.13 Politik

  Første resumé.

 • Anden nyhed
  {date} Velfærd

  Andet resumé.

 • Tredje nyhed
  03.04.2013

  Tredje resumé.
"""


def write(tmp_path: Path, text: str | bytes, name: str = "page.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_small_page(tmp_path):
    docs = read_kl_page(write(tmp_path, PAGE.format(date="02.03.13")))
    assert [(d.title, d.date, d.category, d.section, d.body) for d in docs] == [
        ("Første nyhed", dt.date(2013, 2, 1), "Politik", "Nyheder", "Første resumé."),
        ("Anden nyhed", dt.date(2013, 3, 2), "Velfærd", "Nyheder", "Andet resumé."),
        ("Tredje nyhed", dt.date(2013, 4, 3), None, "Nyheder", "Tredje resumé."),
    ]


def test_invalid_date_names_line(tmp_path):
    path = write(tmp_path, PAGE.format(date="31.02.13"))
    with pytest.raises(CorpusFormatError) as exc:
        read_kl_page(path)
    assert exc.value.line == 9
    assert str(exc.value).startswith(f"{path}:9: invalid date '31.02.13'")


def test_skip_bad_item(tmp_path):
    skipped: list[CorpusFormatError] = []
    docs = read_kl_page(write(tmp_path, PAGE.format(date="31.02.13")), skip_bad=True, on_skip=skipped.append)
    assert [d.title for d in docs] == ["Første nyhed", "Tredje nyhed"]
    assert [e.line for e in skipped] == [9]


def test_item_without_date_line(tmp_path):
    text = PAGE.format(date="02.03.13").replace("  03.04.2013\n", "")
    with pytest.raises(CorpusFormatError, match=r":13: news item 'Tredje nyhed' has no"):
        read_kl_page(write(tmp_path, text))


def test_invalid_utf8_names_line(tmp_path):
    data = PAGE.format(date="02.03.13").encode("utf-8").replace("Andet".encode(), b"And\xe6t")
    path = write(tmp_path, data)
    with pytest.raises(CorpusFormatError) as exc:
        read_kl_page(path)
    assert exc.value.line == 11 and "invalid UTF-8" in str(exc.value)
    assert str(exc.value).startswith(f"{path}:11: ")
    skipped: list[CorpusFormatError] = []
    assert read_kl_page(path, skip_bad=True, on_skip=skipped.append) == []
    assert [e.line for e in skipped] == [11]


def test_binary_file_is_an_error(tmp_path):
    with pytest.raises(CorpusFormatError, match="not a text file"):
        read_kl_page(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


@pytest.mark.parametrize("text", ["", "\n\n", " \u00a0 \n"])
def test_empty_file_gives_nothing(tmp_path, text):
    assert read_kl_page(write(tmp_path, text)) == []


def test_missing_file(tmp_path):
    with pytest.raises(CorpusFormatError, match="cannot read file"):
        read_kl_page(tmp_path / "nope.txt")


def test_plain_page_heading_after_breadcrumb(tmp_path):
    text = (
        "Forside Om KL\n\nSådan arbejder vi\n\n"
        "KL arbejder for kommunerne i hele landet og taler deres sag over for regeringen.\n\n"
        "Kort mellemrubrik\n\nMere tekst om arbejdet, der fortsætter her i et helt afsnit.\n\n"
        "\u00a0\n\n  • PDF\n\n    Bilag 2020\n\n×\n\nLog ind"
    )
    (doc,) = read_kl_page(write(tmp_path, text))
    assert doc.title == "Sådan arbejder vi"
    assert doc.body == (
        "KL arbejder for kommunerne i hele landet og taler deres sag over for regeringen."
        "\n\nKort mellemrubrik\n\nMere tekst om arbejdet, der fortsætter her i et helt afsnit."
    )


# -- dedupe -----------------------------------------------------------------


def doc(id: str, title: str, body: str, date=dt.date(2012, 11, 21), **kw) -> Document:
    return Document(id=id, title=title, body=body, date=date, **kw)


def test_dedupe_constructed():
    docs = [
        doc("a", "Samme", "Kort  tekst."),
        doc("b", "Anden", "Noget andet."),
        doc("c", "Samme", "Kort tekst.\nOg så mere.", category="Politik"),
        doc("d", "Samme", "Kort tekst. Men en anden slutning."),  # not a prefix of c
        doc("e", "Samme", "Kort tekst.", date=dt.date(2012, 11, 22)),  # other date
        doc("f", "samme", "Kort tekst."),  # other title
        doc("g", "Samme", "Kort"),  # prefix of a/c: merged there
    ]
    out = dedupe(docs)
    assert [d.id for d in out] == ["a", "b", "d", "e", "f"]
    assert out[0].body == "Kort tekst.\nOg så mere." and out[0].category == "Politik"
    assert dedupe(out) == out


def test_dedupe_keeps_distinct_and_order():
    docs = [doc(str(i), f"T{i}", "x") for i in range(5)]
    assert dedupe(docs) == docs
    assert dedupe([]) == []


# -- read_sources -----------------------------------------------------------


def test_read_sources_directory(tmp_path):
    shutil.copy(NEWS, tmp_path / "b_news.txt")
    shutil.copy(REPORTS, tmp_path / "a_reports.txt")
    write(tmp_path, '{"title": "KL", "body": "En anden KL-tekst."}\n', "c.jsonl")
    write(tmp_path, "ignored", ".hidden.txt")
    write(tmp_path, "ignored", "notes.md")
    docs = read_sources([tmp_path])
    assert docs[0].title == "KL's beretninger" and docs[1].title == "KL"
    assert docs[-1].body == "En anden KL-tekst." and docs[-1].source == "c.jsonl"
    assert len(docs) == 1 + (1 + 113 - 1) + 1  # reports, news page less one duplicate, jsonl
    assert len({d.id for d in docs}) == len(docs)  # the two "KL" documents differ
    assert docs[-1].id == docs[1].id + "-2"


def test_read_sources_merges_across_files_and_formats(tmp_path):
    a = write(tmp_path, PAGE.format(date="02.03.13"), "a.txt")
    b = write(tmp_path, PAGE.format(date="02.03.13"), "b.data")
    assert len(read_sources([a, b])) == 3
    assert len(read_sources(str(a))) == 3
    with pytest.raises(CorpusFormatError, match="invalid JSON"):
        read_sources([a], format="jsonl")


def test_read_sources_missing_path(tmp_path):
    with pytest.raises(CorpusFormatError, match="no such file"):
        read_sources([tmp_path / "missing"])


def test_plain_page_without_running_text(tmp_path):
    (doc,) = read_kl_page(write(tmp_path, "Overskrift\n\nkort linje\n"))
    assert (doc.title, doc.body) == ("Overskrift", "kort linje")
