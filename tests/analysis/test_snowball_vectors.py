"""The stemmer reproduces every Snowball Danish test vector (data: BSD-3-Clause, see COPYING)."""

from pathlib import Path

from klsearch.analysis import stem

DATA = Path(__file__).parent.parent / "data" / "snowball-danish"


def test_every_snowball_vector_matches() -> None:
    words = (DATA / "voc.txt").read_text("utf-8").splitlines()
    expected = (DATA / "output.txt").read_text("utf-8").splitlines()
    assert len(words) == len(expected) == 23_832
    mismatches = [(w, e, stem(w)) for w, e in zip(words, expected) if stem(w) != e]
    assert mismatches == []
