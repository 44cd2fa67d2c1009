"""Reading several files or directories into one deduplicated list."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from klsearch.corpus._common import OnSkip
from klsearch.corpus.dedupe import dedupe
from klsearch.corpus.ids import IdAllocator
from klsearch.corpus.jsonl import iter_jsonl
from klsearch.corpus.kl_pages import parse_kl_page
from klsearch.document import Document
from klsearch.errors import CorpusFormatError

Format = Literal["kl", "jsonl"]
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_DIR_SUFFIXES = {".txt"} | _JSONL_SUFFIXES


def guess_format(path: Path) -> Format:
    """``jsonl`` for ``.jsonl``/``.ndjson`` files, else ``kl``."""
    return "jsonl" if path.suffix.lower() in _JSONL_SUFFIXES else "kl"


def expand_sources(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: a directory stands for its non-hidden ``.txt``,
    ``.jsonl`` and ``.ndjson`` files, sorted by name (not recursive)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(
                    (
                        p
                        for p in path.iterdir()
                        if p.is_file()
                        and not p.name.startswith(".")
                        and p.suffix.lower() in _DIR_SUFFIXES
                    ),
                    key=lambda p: p.name,
                )
            )
        elif path.exists():
            files.append(path)
        else:
            raise CorpusFormatError(path, None, "no such file or directory")
    return files


def read_sources(
    paths: Iterable[str | Path] | str | Path,
    *,
    format: Format | None = None,
    skip_bad: bool = False,
    on_skip: OnSkip | None = None,
) -> list[Document]:
    """Read files and directories (``format`` None: guessed per file), with
    ids unique across all of them and exact duplicates merged."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if format not in (None, "kl", "jsonl"):
        raise ValueError(f"unknown corpus format {format!r}")
    ids = IdAllocator()
    docs: list[Document] = []
    for path in expand_sources(paths):
        if (format or guess_format(path)) == "jsonl":
            docs.extend(iter_jsonl(path, ids, skip_bad, on_skip))
        else:
            docs.extend(parse_kl_page(path, ids, skip_bad, on_skip))
    return dedupe(docs)
