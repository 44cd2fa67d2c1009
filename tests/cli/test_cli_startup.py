"""What the ``klsearch`` script loads: each command imports only what it needs.

Start-up time itself is measured by benchmarks/cli_startup.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest
from click.testing import CliRunner

from klsearch.analysis.stem import stem, stemmer_version
from klsearch.cli import cli

# Runs the real entry point in a fresh interpreter, then reports what it imported.
RUN_MAIN = """
import json, os, sys
from klsearch.cli import main
sys.argv = ["klsearch", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules), "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


def run_main(*args: str, env: dict[str, str] | None = None) -> tuple[str, dict]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *args], capture_output=True, text=True, check=True, env=env
    )
    output, _, report = done.stdout.rpartition("\n\n")
    return output, json.loads(report)


@pytest.fixture(scope="module")
def kl_index(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("kl") / "index")
    assert CliRunner().invoke(cli, ["index", "--index", path]).exit_code == 0
    return path


def test_query_answers_without_the_writer_or_package_metadata(kl_index) -> None:
    output, report = run_main("query", "--index", kl_index, "lærernes arbejdstid", "-n", "1")
    assert report["code"] in (0, None)
    assert "Avisannoncer skal give ”aktindsigt” i lærernes arbejdstid" in output
    modules = set(report["modules"])
    assert "numpy" in modules and "klsearch.query.searcher" in modules
    assert not modules & {"klsearch.index.writer", "klsearch.index.segment_writer", "klsearch.corpus", "importlib.metadata"}


def test_help_and_usage_errors_do_not_import_numpy() -> None:
    output, report = run_main("--help")
    assert report["code"] in (0, None) and "query" in output
    assert "numpy" not in report["modules"] and "klsearch.api" not in report["modules"]
    _, report = run_main("query")  # missing TEXT: a usage error from click
    assert report["code"] == 2 and "numpy" not in report["modules"]


def test_openblas_kept_to_one_thread_unless_the_user_chose(kl_index) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert run_main("query", "--index", kl_index, "skole", env=env)[1]["blas"] == "1"
    assert run_main("query", "--index", kl_index, "skole", env={**env, "OPENBLAS_NUM_THREADS": "2"})[1]["blas"] == "2"


def test_stemmer_version_is_the_installed_distributions() -> None:
    assert stemmer_version() == f"PyStemmer {metadata.version('PyStemmer')}"


def test_pure_python_stemmer_reports_its_own_version_and_stems_alike() -> None:
    words = ["lærernes", "arbejdstiden", "forhandlingerne", "kommunerne", "økonomiske"]
    code = (
        "import json, sys; sys.modules['Stemmer'] = None\n"  # PyStemmer missing: snowballstemmer's own code
        "from klsearch.analysis.stem import stem, stemmer_version\n"
        f"print(json.dumps([stemmer_version(), [stem(w) for w in {words!r}]]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, stems = json.loads(done.stdout)
    assert version == f"snowballstemmer {metadata.version('snowballstemmer')}"
    assert stems == [stem(w) for w in words]
