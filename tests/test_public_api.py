"""The public API is what __init__ exports, and every CLI command is documented."""

import re
from pathlib import Path

import klsearch
from klsearch.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def test_exported_members() -> None:
    assert klsearch.__all__ == sorted(
        [
            "CorpusFormatError",
            "CorruptIndexError",
            "Document",
            "Hit",
            "Index",
            "IndexLockedError",
            "IndexNotFoundError",
            "IndexVersionError",
            "IndexWriter",
            "KlsearchError",
            "QuerySyntaxError",
            "SearchResult",
            "build_index",
            "open_index",
            "open_writer",
        ]
    )
    for name in klsearch.__all__:
        assert getattr(klsearch, name) is not None


def test_errors_share_one_base() -> None:
    for name in klsearch.__all__:
        obj = getattr(klsearch, name)
        if isinstance(obj, type) and name.endswith("Error"):
            assert issubclass(obj, klsearch.KlsearchError)


def test_every_cli_command_and_option_is_in_the_readme() -> None:
    for name, command in cli.commands.items():
        assert f"klsearch {name}" in README, name
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert re.search(re.escape(opt) + r"\b", README), f"{name} {opt}"


def test_package_is_typed() -> None:
    assert (Path(klsearch.__file__).parent / "py.typed").exists()
