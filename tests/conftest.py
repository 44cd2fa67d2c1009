"""Shared fixtures: the bundled KL corpus and a generated Danish corpus."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from klsearch import Document

CORPUS_DIR = Path(__file__).parent.parent / "corpus"
CATEGORIES = ["Politik", "Velfærd", "Økonomi", "Sundhed", None]
SECTIONS = ["Artikler", "Navne", "Pressemeddelelser"]


def danish_sentences() -> list[str]:
    """Real sentences from the bundled KL pages."""
    text = " ".join(p.read_text("utf-8") for p in sorted(CORPUS_DIR.glob("*.txt")))
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in sentences if 30 <= len(s) <= 300 and "•" not in s]


def generate_documents(count: int, seed: int = 7) -> list[Document]:
    """Documents made of shuffled KL sentences: real Danish, known statistics."""
    rng = random.Random(seed)
    sentences = danish_sentences()
    docs = []
    for i in range(count):
        body = " ".join(rng.sample(sentences, rng.randint(1, 6)))
        title = " ".join(rng.choice(sentences).split()[: rng.randint(2, 8)])
        docs.append(
            Document(
                id=f"gen-{i}",
                title=title,
                body=body,
                date=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 4000)),
                category=rng.choice(CATEGORIES),
                section=rng.choice(SECTIONS),
            )
        )
    return docs


@pytest.fixture(scope="session")
def generated_documents() -> list[Document]:
    return generate_documents(300)
