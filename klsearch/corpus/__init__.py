"""Corpus readers: KL page dumps, JSON Lines, and the bundled KL corpus."""

from klsearch.corpus.bundled import bundled_corpus_files, read_bundled_corpus
from klsearch.corpus.dedupe import dedupe
from klsearch.corpus.ids import stable_id
from klsearch.corpus.jsonl import read_jsonl
from klsearch.corpus.kl_pages import read_kl_page
from klsearch.corpus.sources import read_sources

__all__ = [
    "bundled_corpus_files",
    "dedupe",
    "read_bundled_corpus",
    "read_jsonl",
    "read_kl_page",
    "read_sources",
    "stable_id",
]
