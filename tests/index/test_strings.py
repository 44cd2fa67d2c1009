"""String tables: the words of the KL pages encoded as a blob with byte offsets."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from klsearch.index.strings import StringTable, encode_strings

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


def _corpus_words() -> list[str]:
    """Every distinct word of the KL pages, with a few that take three and four UTF-8 bytes."""
    text = " ".join(p.read_text("utf-8") for p in sorted(CORPUS_DIR.glob("*.txt")))
    return sorted({*re.findall(r"\w+", text.lower()), "€-støtte", "𝔎l", ""})


def test_blob_and_offsets_are_the_utf8_of_each_string() -> None:
    words = _corpus_words()
    blob, offsets = encode_strings(words)
    assert any(ord(c) > 0x7F for w in words for c in w) and any(ord(c) > 0xFFFF for w in words for c in w)
    assert offsets.dtype == np.uint32 and offsets[0] == 0
    assert blob.tobytes() == "".join(words).encode("utf-8")
    assert np.diff(offsets.astype(np.int64)).tolist() == [len(w.encode("utf-8")) for w in words]
    table = StringTable(blob, offsets)
    assert [table[i] for i in range(len(table))] == words
    assert all(table.find(word) == i for i, word in list(enumerate(words))[::97])


def test_ascii_strings_and_no_strings() -> None:
    blob, offsets = encode_strings(["kl", "", "dk"])
    assert blob.tobytes() == b"kldk" and offsets.tolist() == [0, 2, 2, 4]
    blob, offsets = encode_strings([])
    assert len(blob) == 0 and offsets.tolist() == [0]
