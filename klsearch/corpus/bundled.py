"""The KL corpus that ships with klsearch."""

from __future__ import annotations

import importlib
from pathlib import Path

from klsearch.corpus.sources import read_sources
from klsearch.document import Document


def _corpus_dir() -> Path:
    # In a wheel the files are the data package klsearch._bundled_corpus (a
    # namespace package, so use __path__ rather than __file__). In an editable
    # install it does not import: use corpus/ next to the klsearch package.
    try:
        module = importlib.import_module("klsearch._bundled_corpus")
    except ImportError:
        module = None
    for entry in getattr(module, "__path__", []):
        if any(Path(entry).glob("*.txt")):
            return Path(entry)
    return Path(__file__).resolve().parents[2] / "corpus"


def bundled_corpus_files() -> list[Path]:
    """The bundled page dumps, sorted by name."""
    return sorted(_corpus_dir().glob("*.txt"), key=lambda p: p.name)


def read_bundled_corpus() -> list[Document]:
    """All Documents of the bundled corpus, deduplicated."""
    return read_sources(bundled_corpus_files(), format="kl")
