"""The ``klsearch`` command line. It only calls the library.

User errors print one line on stderr and exit with code 2. Each command
imports what it needs when it runs, so start-up (``klsearch query`` from a
shell) pays for numpy and the index only when a command uses them.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import KlsearchError

DEFAULT_INDEX = "indexes/kl"
F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """One line on stderr, exit code 2."""

    exit_code = 2


def _user_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KlsearchError as exc:
            raise UserError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="klsearch")
def cli() -> None:
    """Danish full-text search: index KL's pages or your own documents and query them."""


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to write.")
@click.option("--format", "fmt", type=click.Choice(["kl", "jsonl"]), default=None,
              help="Input format (default: by file extension; .jsonl is JSONL, else KL page dumps).")
@click.option("--skip-bad", is_flag=True, help="Warn about bad records and index the rest.")
@click.option("--rebuild", is_flag=True, help="Replace the index instead of updating it.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that analyse the text (default: one per CPU; 1: no worker processes).")
@_user_errors
def index(
    sources: tuple[Path, ...], index_path: str, fmt: str | None, skip_bad: bool, rebuild: bool, workers: int | None
) -> None:
    """Index SOURCES (files or folders); with none, the bundled KL corpus.

    Into an existing index, new documents are added and changed ones replaced
    by id; unchanged documents are not rewritten.
    """
    from .api import open_writer
    from .corpus import read_bundled_corpus, read_sources

    def warn(error: KlsearchError) -> None:
        click.echo(f"warning: skipped {error}", err=True)

    for source in sources:
        if not source.exists():
            raise KlsearchError(f"{source}: no such file or folder")
    if sources:
        documents = read_sources(list(sources), format=fmt, skip_bad=skip_bad, on_skip=warn)
    else:
        documents = read_bundled_corpus()
    with open_writer(index_path, replace=rebuild, workers=workers) as writer:
        if sys.stderr.isatty():
            with click.progressbar(documents, label="Indexing", file=sys.stderr) as bar:
                for doc in bar:
                    writer.update(doc)
        else:
            for doc in documents:
                writer.update(doc)
        counts = dict(writer.counts)
    changes = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("added", "updated", "unchanged"))
    click.echo(f"Indexed {writer.committed.doc_count} documents into {index_path} ({changes})")


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to change.")
@_user_errors
def delete(ids: tuple[str, ...], index_path: str) -> None:
    """Delete the documents with these IDS."""
    from .api import open_writer
    from .index.manifest import read_manifest

    read_manifest(Path(index_path))  # a missing index is an error, not a new empty one
    with open_writer(index_path) as writer:
        missing = [doc_id for doc_id in ids if not writer.delete(doc_id)]
    click.echo(f"Deleted {len(ids) - len(missing)} documents from {index_path}")
    for doc_id in missing:
        click.echo(f"warning: no document with id {doc_id!r}", err=True)


@cli.command()
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to merge.")
@_user_errors
def optimize(index_path: str) -> None:
    """Merge the index into one segment without deleted documents."""
    from .api import open_writer
    from .index.manifest import read_manifest

    read_manifest(Path(index_path))
    writer = open_writer(index_path)
    try:
        manifest = writer.optimize()
    finally:
        writer.close()
    click.echo(f"Optimized {index_path}: {manifest.doc_count} documents in {len(manifest.segments)} segment(s)")


@cli.command()
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to verify.")
@_user_errors
def check(index_path: str) -> None:
    """Verify every file of the index (checksums and structure)."""
    from .index.check import check_index

    report = check_index(index_path)
    if not report.ok:
        more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        raise KlsearchError(f"index is damaged: {report.problems[0]}{more}")
    click.echo(f"OK: {report.documents} documents in {report.segments} segment(s)")


@cli.command()
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to describe.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_user_errors
def stats(index_path: str, as_json: bool) -> None:
    """Documents, deletions, segments, terms, size and analyzer of the index."""
    from .index.stats import index_stats

    facts = index_stats(index_path)
    if as_json:
        _echo_json(facts)
        return
    for key, value in facts.items():
        if key == "analyzer":
            value = ", ".join(f"{k}={v}" for k, v in value.items())  # type: ignore[attr-defined]
        click.echo(f"{key + ':':<14}{value}")


_YEAR_RANGE = re.compile(r"^\s*(\d{1,4})\s*(?:\.\.\s*(\d{1,4})\s*)?$")


def _parse_year(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = _YEAR_RANGE.match(value)
    if not match:
        raise KlsearchError(f"bad year {value!r}: use a year (2013) or a range (2012..2014)")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if low > high:
        raise KlsearchError(f"bad year range {value!r}: the first year is after the last")
    return low, high


@cli.command()
@click.argument("text")
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="The index to search.")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(min=0), help="Hits to show.")
@click.option("--offset", default=0, type=click.IntRange(min=0), help="Hits to skip (for paging).")
@click.option("--category", multiple=True, help="Only this category (repeat for several).")
@click.option("--section", multiple=True, help="Only this section (repeat for several).")
@click.option("--year", help="Only this year (2013) or range (2012..2014).")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_user_errors
def query(
    text: str,
    index_path: str,
    limit: int,
    offset: int,
    category: tuple[str, ...],
    section: tuple[str, ...],
    year: str | None,
    sort: str,
    as_json: bool,
) -> None:
    """Search the index for TEXT (see 'klsearch query --help' and the README for the syntax)."""
    from .api import open_index

    filters: dict[str, Any] = {}
    if category:
        filters["category"] = list(category)
    if section:
        filters["section"] = list(section)
    years = _parse_year(year)
    if years:
        filters["year"] = years
    if not text.strip():
        raise KlsearchError("empty query")
    bold = not as_json and sys.stdout.isatty()
    marks = ("\x1b[1m", "\x1b[0m") if bold else ("**", "**")
    with open_index(index_path) as idx:
        result = idx.search(text, limit=limit, offset=offset, filters=filters, sort=sort, marks=marks)  # type: ignore[arg-type]
    if as_json:
        _echo_json(result.to_json())
        return
    _print_result(result)


def _echo_json(value: object) -> None:
    import json

    click.echo(json.dumps(value, ensure_ascii=False))


def _print_result(result: Any) -> None:
    shown = len(result.hits)
    click.echo(f"{result.total} matches ({result.took_ms:.1f} ms)" + (f", showing {shown}" if shown < result.total else ""))
    for rank, hit in enumerate(result.hits, 1):
        meta = " · ".join(x for x in (hit.date, hit.category, hit.section) if x)
        click.echo(f"\n{rank:>2}. {hit.title}  [{hit.score:.2f}]")
        if meta:
            click.echo(f"    {meta}")
        if hit.snippet:
            click.echo(f"    {hit.snippet}")
    for facet, counts in result.facets.items():
        if counts:
            listed = ", ".join(f"{value} {count}" for value, count in counts.items())
            click.echo(f"\n{facet}: {listed}")


@cli.command()
@click.argument("text")
@click.option("--query", "as_query", is_flag=True, help="Show the terms a query would search for.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of tokens.")
@_user_errors
def analyze(text: str, as_query: bool, as_json: bool) -> None:
    """Show how TEXT is analysed: tokens, positions, offsets and terms."""
    from .analysis.explain import explain, format_explanation

    rows = explain(text, query=as_query)
    if as_json:
        _echo_json(rows)
    else:
        click.echo(format_explanation(rows))


def limit_blas_threads() -> None:
    """Keep numpy's OpenBLAS to one thread unless the user chose otherwise.

    Importing numpy starts OpenBLAS's thread pool, which costs 50-60 ms of a
    command's start-up on a two-core machine; no command does linear algebra.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    """Entry point of the ``klsearch`` script."""
    limit_blas_threads()
    try:
        cli.main(prog_name="klsearch")
    finally:
        # Every command has closed what it opened; the interpreter's shutdown
        # need not search everything imported for garbage (about 15 ms).
        gc.freeze()
