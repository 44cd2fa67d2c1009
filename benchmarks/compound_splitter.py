"""Quality and speed of the Danish compound splitter.

    python -m benchmarks.compound_splitter

Boundaries are character offsets inside a word. Over the gold compounds
(tests/data/danish_compounds_gold.tsv + danish_compounds_extra.tsv):

- precision: predicted boundaries that are gold boundaries ('|' required or
  '~' optional) / all predicted boundaries;
- recall: required boundaries that were predicted / all required boundaries.

Control pass rate: control words (derivations, lexicalised words) left whole.
Speed: distinct words split per second by a fresh Decompounder (no cache),
over the Snowball Danish vocabulary and the bundled KL pages.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from klsearch.analysis.compounds import Decompounder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
GOLD_FILES = (DATA / "danish_compounds_gold.tsv", DATA / "danish_compounds_extra.tsv")
CONTROL_FILES = (DATA / "danish_compound_controls.txt", DATA / "danish_compound_controls_extra.txt")
SPEED_FILES = (DATA / "snowball-danish" / "voc.txt", *sorted((ROOT / "corpus").glob("*.txt")))


@dataclass(frozen=True)
class GoldCompound:
    word: str
    required: frozenset[int]
    optional: frozenset[int]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    control_pass: float
    compounds: int
    controls: int
    errors: tuple[str, ...]
    """Compounds split wrongly or incompletely, and controls that were split."""


def read_gold(path: Path) -> list[GoldCompound]:
    """Compounds with their required and optional boundary offsets."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, split = line.split("\t")[:2]
        required, optional, pos = set(), set(), 0
        for ch in split:
            if ch == "|":
                required.add(pos)
            elif ch == "~":
                optional.add(pos)
            else:
                pos += 1
        out.append(GoldCompound(word, frozenset(required), frozenset(optional)))
    return out


def read_controls(path: Path) -> list[str]:
    """Words that must stay whole."""
    lines = path.read_text("utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def boundaries(decompounder: Decompounder, word: str) -> frozenset[int]:
    """Offsets where the splitter cuts the word."""
    return frozenset(part.start for part in decompounder.parts(word)[1:])


def evaluate(decompounder: Decompounder, gold: list[GoldCompound], controls: list[str]) -> Scores:
    """Boundary precision/recall over the gold compounds and the control pass rate."""
    predicted = correct = required = found = 0
    errors = []
    for g in gold:
        cuts = boundaries(decompounder, g.word)
        predicted += len(cuts)
        correct += len(cuts & (g.required | g.optional))
        required += len(g.required)
        found += len(cuts & g.required)
        if cuts - g.required - g.optional or g.required - cuts:
            errors.append(f"{g.word}: {'|'.join(decompounder.split(g.word)) or '(whole)'}")
    passed = 0
    for word in controls:
        if decompounder.split(word):
            errors.append(f"control {word}: {'|'.join(decompounder.split(word))}")
        else:
            passed += 1
    return Scores(
        precision=correct / predicted if predicted else 1.0,
        recall=found / required if required else 1.0,
        control_pass=passed / len(controls) if controls else 1.0,
        compounds=len(gold),
        controls=len(controls),
        errors=tuple(errors),
    )


def distinct_words(paths: tuple[Path, ...]) -> list[str]:
    """Distinct lower-case words of the given text files."""
    words: set[str] = set()
    for path in paths:
        words.update(re.findall(r"[^\W\d_]+", path.read_text("utf-8").lower()))
    return sorted(words)


def words_per_second(words: list[str], repeat: int = 3) -> float:
    """Best of `repeat` runs of a fresh Decompounder over the words (lexicon already loaded)."""
    Decompounder().split("klimatilpasningsplaner")
    best = float("inf")
    for _ in range(repeat):
        splitter = Decompounder()
        start = time.perf_counter()
        for word in words:
            splitter.split(word)
        best = min(best, time.perf_counter() - start)
    return len(words) / best


def main() -> None:
    splitter = Decompounder()
    controls = [w for path in CONTROL_FILES for w in read_controls(path)]
    for path in GOLD_FILES:
        part = evaluate(splitter, read_gold(path), [])
        print(f"{path.name}: {part.compounds} compounds, precision {part.precision:.3f}, recall {part.recall:.3f}")
    scores = evaluate(splitter, [g for path in GOLD_FILES for g in read_gold(path)], controls)
    words = distinct_words(SPEED_FILES)
    speed = words_per_second(words)
    print(f"all: {scores.compounds} compounds, {scores.controls} control words")
    print(f"boundary precision {scores.precision:.3f}")
    print(f"boundary recall    {scores.recall:.3f}")
    print(f"control pass rate  {scores.control_pass:.3f}")
    print(f"speed              {speed:,.0f} distinct words/s ({len(words)} words)")
    for line in scores.errors:
        print("  ", line)


if __name__ == "__main__":
    main()
