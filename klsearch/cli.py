"""The ``klsearch`` command line. It only calls the library.

User errors print one line on stderr and exit with code 2.
"""

from __future__ import annotations

import json
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
@click.option("--index", "index_path", default=DEFAULT_INDEX, show_default=True, help="Where to write the index.")
@click.option("--format", "fmt", type=click.Choice(["kl", "jsonl"]), default=None,
              help="Input format (default: by file extension; .jsonl is JSONL, else KL page dumps).")
@click.option("--skip-bad", is_flag=True, help="Warn about bad records and index the rest.")
@_user_errors
def index(sources: tuple[Path, ...], index_path: str, fmt: str | None, skip_bad: bool) -> None:
    """Index SOURCES (files or folders); with none, the bundled KL corpus."""
    from .api import build_index
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
    if sys.stderr.isatty():
        with click.progressbar(length=len(documents), label="Indexing", file=sys.stderr) as bar:
            count = build_index(index_path, documents, progress=bar.update)
    else:
        count = build_index(index_path, documents)
    click.echo(f"Indexed {count} documents into {index_path}")


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
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _print_result(result)


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


def main() -> None:
    """Entry point of the ``klsearch`` script."""
    cli.main(prog_name="klsearch")
