"""JSONL reader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klsearch.corpus import read_jsonl, stable_id
from klsearch.document import Document
from klsearch.errors import CorpusFormatError

GOOD = [
    {"id": "a1", "title": "KL: Anlægsniveau skal videreføres", "body": "Det er afgørende ...",
     "date": "2014-05-05", "category": "Infrastruktur", "section": "Artikler", "url": "https://kl.dk/a1"},
    {"title": "Uden id", "body": "Tekst\u00a0med no-break space."},
    {"title": "Kun titel"},
]


def write(tmp_path: Path, lines: list[str] | bytes, name: str = "docs.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(lines if isinstance(lines, bytes) else "\n".join(lines).encode("utf-8"))
    return path


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_good_file(tmp_path):
    path = write(tmp_path, [dumps(GOOD[0]), "", "   ", dumps(GOOD[1]), dumps(GOOD[2]) + "\r"])
    docs = list(read_jsonl(path))
    assert docs[0] == Document(
        id="a1", title="KL: Anlægsniveau skal videreføres", body="Det er afgørende ...",
        date=dt.date(2014, 5, 5), category="Infrastruktur", section="Artikler",
        url="https://kl.dk/a1", source="docs.jsonl",
    )
    assert docs[0].year == 2014
    assert docs[1].id == stable_id("Uden id") and docs[1].body == "Tekst\u00a0med no-break space."
    assert (docs[2].title, docs[2].body, docs[2].date) == ("Kun titel", "", None)


def test_bom_and_document_to_json_round_trip(tmp_path):
    doc = Document(id="x", title="Titel", body="Brødtekst", date=dt.date(2020, 1, 2),
                   category="Sundhed", source="docs.jsonl")
    path = write(tmp_path, ("\ufeff" + json.dumps(doc.to_json())).encode("utf-8"))
    assert list(read_jsonl(path)) == [doc]


BAD_LINES = [
    ("{not json", "invalid JSON"),
    ('["a", "list"]', "expected a JSON object, got an array"),
    ("42", "expected a JSON object, got a number"),
    ('{"body": "no title"}', 'missing "title"'),
    ('{"title": "  ", "body": "x"}', 'empty "title"'),
    ('{"title": 7, "body": "x"}', '"title" must be a string, got a number'),
    ('{"title": "t", "body": ["x"]}', '"body" must be a string, got an array'),
    ('{"title": "t", "category": true}', '"category" must be a string, got a boolean'),
    ('{"title": "t", "id": 5}', '"id" must be a string'),
    ('{"title": "t", "date": "2013-02-31"}', "invalid date '2013-02-31'"),
    ('{"title": "t", "date": "05.05.14"}', "invalid date '05.05.14'"),
    ('{"title": "t", "date": "2014-05-05T10:00"}', "invalid date"),
    ('{"title": "t", "id": "a1"}', "duplicate id 'a1' (first on line 1)"),
]


@pytest.mark.parametrize("line, reason", BAD_LINES)
def test_bad_line_names_file_and_line(tmp_path, line, reason):
    path = write(tmp_path, [dumps(GOOD[0]), "", dumps(GOOD[1]), line, dumps(GOOD[2])])
    with pytest.raises(CorpusFormatError) as exc:
        list(read_jsonl(path))
    assert exc.value.line == 4
    assert str(exc.value).startswith(f"{path}:4: ")
    assert reason in str(exc.value)


def test_invalid_utf8_names_line(tmp_path):
    data = (dumps(GOOD[0]) + "\n" + dumps(GOOD[1]) + "\n").encode("utf-8") + b'{"title": "\xff"}\n'
    with pytest.raises(CorpusFormatError, match=r"docs\.jsonl:3: invalid UTF-8 \(byte 0xff at column 12\)"):
        list(read_jsonl(write(tmp_path, data)))


def test_skip_bad_reads_the_rest(tmp_path):
    lines = [dumps(GOOD[0])] + [line for line, _ in BAD_LINES] + [dumps(GOOD[1])]
    path = write(tmp_path, lines)
    skipped: list[CorpusFormatError] = []
    docs = list(read_jsonl(path, skip_bad=True, on_skip=skipped.append))
    assert [d.title for d in docs] == [GOOD[0]["title"], GOOD[1]["title"]]
    assert [e.line for e in skipped] == list(range(2, 2 + len(BAD_LINES)))
    assert all(str(e).startswith(f"{path}:{e.line}: ") for e in skipped)
    assert len(list(read_jsonl(path, skip_bad=True))) == 2  # no callback: silently skipped


def test_streams_lazily(tmp_path):
    it = read_jsonl(write(tmp_path, [dumps(GOOD[1]), "{broken"]))
    assert next(it).title == "Uden id"  # the bad line has not been read yet
    with pytest.raises(CorpusFormatError, match=":2: invalid JSON"):
        next(it)


def test_generated_ids_stable_and_unique(tmp_path):
    lines = [
        dumps({"title": "Samme", "body": "en", "date": "2012-11-21", "section": "Navne"}),
        dumps({"title": "Samme", "body": "to", "date": "2012-11-21", "section": "Navne"}),
        dumps({"title": "Samme", "body": "tre", "date": "2012-11-22"}),
    ]
    first = [d.id for d in read_jsonl(write(tmp_path, lines, "one.jsonl"))]
    (tmp_path / "sub").mkdir()
    second = [d.id for d in read_jsonl(write(tmp_path / "sub", lines, "other.ndjson"))]
    assert first == second
    base = stable_id("Samme", dt.date(2012, 11, 21), "Navne")
    assert first == [base, base + "-2", stable_id("Samme", dt.date(2012, 11, 22))]
    # Normalised: whitespace and case do not change the id.
    assert stable_id("  samme\u00a0 ", dt.date(2012, 11, 21), "NAVNE") == base


def test_empty_file(tmp_path):
    assert list(read_jsonl(write(tmp_path, b""))) == []


text = st.text(min_size=1).map(str.strip).filter(bool)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.fixed_dictionaries(
    {"title": text, "body": st.one_of(st.just(""), text)},
    optional={"category": text, "section": text, "url": text,
              "date": st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)},
), max_size=8))
def test_round_trip(tmp_path_factory, records):
    path = write(tmp_path_factory.mktemp("rt"), [dumps(r) for r in records])
    docs = list(read_jsonl(path))
    assert len({d.id for d in docs}) == len(docs) == len(records)
    for record, doc in zip(records, docs):
        got = doc.to_json()
        for key, value in record.items():
            assert got[key] == value
