"""The Danish findability cases (tests/data/danish_findability_cases.tsv), end to end.

Each case indexes one text and runs one query through the real engine: a
quoted query is a phrase query. Every case must pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from klsearch import Document, build_index, open_index

CASES = Path(__file__).parent.parent / "data" / "danish_findability_cases.tsv"


def cases() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CASES.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, query, expect, note = line.split("\t")
        rows.append((text.replace("\\n", "\n"), query, expect, note))
    return rows


@pytest.mark.parametrize("text, query, expect, note", cases(), ids=[f"{c[1]}:{c[2]}" for c in cases()])
def test_findability_case(tmp_path, text, query, expect, note) -> None:
    build_index(tmp_path / "idx", [Document(id="case", title="", body=text)])
    with open_index(tmp_path / "idx") as index:
        found = index.search(query, facets=()).total == 1
    assert found == (expect == "match"), note


def test_there_are_44_cases() -> None:
    assert len(cases()) == 44
