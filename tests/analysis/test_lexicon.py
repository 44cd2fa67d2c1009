"""The shipped Danish lexicon (klsearch/analysis/data/da_lexicon.bin) and its build script."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import struct
import sys
from pathlib import Path

import pytest

from klsearch.analysis.lexicon import BEGIN, END, MAGIC, MIDDLE, PRODUCTIVE, WORD, FormInfo, Lexicon, get_lexicon

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "klsearch" / "analysis" / "data"
DIC = Path("/usr/share/hunspell/da_DK.dic")
AFF = Path("/usr/share/hunspell/da_DK.aff")


def _build_script():
    spec = importlib.util.spec_from_file_location("build_lexicon", ROOT / "scripts" / "build_lexicon.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return get_lexicon()


def test_small_and_loaded_once() -> None:
    # Load time is measured by benchmarks/cli_startup.py, not asserted here.
    data = (DATA / "da_lexicon.bin").read_bytes()
    assert len(data) < 3_000_000
    assert Lexicon(data).is_word("kommune")
    assert get_lexicon() is get_lexicon()


def test_licence_travels_with_the_data() -> None:
    notice = " ".join((DATA / "LEXICON-LICENSE.md").read_text("utf-8").split())
    assert "Foreningen for frit tilgængelige sprogværktøjer" in notice
    assert "hunspell-da" in notice and "LGPL-2.1" in notice
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (DATA / "LEXICON-LGPL-2.1.txt").read_text("utf-8")


@pytest.mark.parametrize("word", ["kommune", "kommunerne", "forhandlingerne", "børn", "væsnet", "aalborg", "ide"])
def test_words(lex: Lexicon, word: str) -> None:
    assert lex.is_word(word)
    assert word in lex


@pytest.mark.parametrize("word", ["", "xqzt", "arbejds", "børne", "kommunerne2", "idé"])
def test_not_words(lex: Lexicon, word: str) -> None:
    """Linking forms are compound parts only; keys are accent-folded (idé is stored as ide)."""
    assert not lex.is_word(word)


def test_roles(lex: Lexicon) -> None:
    assert lex.roles("arbejds") & (BEGIN | MIDDLE) == BEGIN | MIDDLE
    assert not lex.roles("arbejds") & WORD
    assert lex.roles("tilpasnings") & BEGIN
    assert lex.roles("forhandlingerne") & END
    assert lex.roles("område") & PRODUCTIVE
    assert lex.roles("kommunal") & BEGIN  # inferred from kommunalbestyrelse, kommunaldirektør, ...
    assert not lex.roles("lagde") & END  # verb forms other than participles do not end compounds
    assert lex.roles("xqzt") == 0


@pytest.mark.parametrize(
    ("form", "stem"),
    [("arbejds", "arbejde"), ("tilpasnings", "tilpasning"), ("børne", "børn"), ("hovedstads", "hovedstad")],
)
def test_link_stems(lex: Lexicon, form: str, stem: str) -> None:
    assert stem in lex.link_stems(form)


@pytest.mark.parametrize(
    ("form", "base"),
    [
        ("børn", "barn"),
        ("mænd", "mand"),
        ("fødder", "fod"),
        ("mødre", "moder"),
        ("væsnet", "væsen"),
        ("gik", "gå"),
        ("forhandlingerne", "forhandling"),
        ("kommunernes", "kommune"),
    ],
)
def test_base_forms(lex: Lexicon, form: str, base: str) -> None:
    assert base in lex.base_forms(form)


def test_lookup(lex: Lexicon) -> None:
    info = lex.lookup("tilpasnings")
    assert isinstance(info, FormInfo)
    assert "tilpasning" in info.link_stems and "tilpasning" in info.base_forms
    assert lex.lookup("xqzt") is None


def test_prefixes(lex: Lexicon) -> None:
    ends = {end for end, _ in lex.prefixes("klimatilpasningsplaner")}
    assert {5, 15, 16} <= ends  # klima, klimatilpasning, klimatilpasnings
    assert {end for end, _ in lex.prefixes("klimatilpasningsplaner", 5)} >= {15, 16}
    assert lex.prefixes("0000") == []


def test_rejects_other_files() -> None:
    with pytest.raises(ValueError):
        Lexicon(b"not a lexicon")
    header = json.dumps({"format": 999}).encode()
    with pytest.raises(ValueError):
        Lexicon(MAGIC + struct.pack("<I", len(header)) + header)


MINI_AFF = """SET UTF-8
FLAG num
SFX 2 Y 2
SFX 2 0 n/34 e	+BESTEMT_ENTAL
SFX 2 0 en/34 [^e]	+BESTEMT_ENTAL
SFX 11 Y 2
SFX 11 0 r/34 e	+PLUR_UBEK
SFX 11 0 er/34 [^e]	+PLUR_UBEK
SFX 21 Y 1
SFX 21 0 r/34 .	+NUTID
SFX 29 Y 2
SFX 29 0 s/32,35,36 .
SFX 29 0 s/33,35,36 .
SFX 31 Y 2
SFX 31 0 0/32,36,35 .
SFX 31 0 0/33,36,35 .
SFX 39 Y 1
SFX 39 0 0/35,34 .	+ORD_SIDST
"""

MINI_DIC = """7
skole/2,11,39,31
plan/2,11,39,31
tilpasning/2,11,39,29
lave/21,39
barn/45,10,39
børn/74,10,39
væsnet st:væsen
"""


def test_build_script_on_a_tiny_dictionary(tmp_path: Path) -> None:
    build = _build_script()
    (tmp_path / "t.aff").write_text(MINI_AFF, "utf-8")
    (tmp_path / "t.dic").write_text(MINI_DIC, "utf-8")
    data, counts = build.build(tmp_path / "t.dic", tmp_path / "t.aff")
    assert data == build.build(tmp_path / "t.dic", tmp_path / "t.aff")[0]
    lex = Lexicon(data)
    assert lex.is_word("skolen") and lex.roles("skolen") & END
    assert lex.roles("tilpasnings") & BEGIN and not lex.roles("tilpasning") & BEGIN
    assert lex.roles("skole") & (BEGIN | END | WORD) == BEGIN | END | WORD
    assert lex.base_forms("planer") == ("plan",)
    assert lex.base_forms("børn") == ("barn",)
    assert lex.base_forms("væsnet") == ("væsen",)
    assert lex.is_word("laver") and not lex.roles("laver") & END
    assert lex.is_word("lave") and not lex.roles("lave") & END


@pytest.mark.skipif(
    not (DIC.exists() and os.environ.get("KLSEARCH_REBUILD_LEXICON")),
    reason="set KLSEARCH_REBUILD_LEXICON=1 with hunspell-da installed (takes about 25 s)",
)
def test_shipped_file_is_reproducible() -> None:
    shipped = (DATA / "da_lexicon.bin").read_bytes()
    (head_len,) = struct.unpack_from("<I", shipped, len(MAGIC))
    header = json.loads(shipped[len(MAGIC) + 4 : len(MAGIC) + 4 + head_len])
    if header["dic_sha256"] != hashlib.sha256(DIC.read_bytes()).hexdigest():
        pytest.skip("installed hunspell-da differs from the one the file was built from")
    assert _build_script().build(DIC, AFF)[0] == shipped

