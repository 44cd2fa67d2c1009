"""Build klsearch's Danish lexicon from hunspell-da.

Reads /usr/share/hunspell/da_DK.{dic,aff} (Debian package hunspell-da,
Stavekontrolden), expands every stem with its suffixes, records for each
lower-cased, accent-folded form whether it is a word on its own, whether it
may begin, continue or end a compound (and from which stem), and its base
forms, and writes them as a minimised automaton to
klsearch/analysis/data/da_lexicon.bin (format in klsearch/analysis/lexicon.py).

    apt-get install hunspell-da
    python scripts/build_lexicon.py [--dic ...] [--aff ...] [--out ...]

The output depends only on the two input files: same input, same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import struct
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from klsearch.analysis.compounds import MIN_PART, PARTICLES  # noqa: E402
from klsearch.analysis.folding import fold_accents  # noqa: E402
from klsearch.analysis.lexicon import (  # noqa: E402
    BEGIN,
    END,
    FORMAT_VERSION,
    MAGIC,
    MIDDLE,
    PRODUCTIVE,
    WORD,
)

DIC = Path("/usr/share/hunspell/da_DK.dic")
AFF = Path("/usr/share/hunspell/da_DK.aff")
OUT = REPO / "klsearch" / "analysis" / "data" / "da_lexicon.bin"

# Verb classes ("Verbum, svagt bøjet"). hunspell-da lets any verb form end a
# compound; in practice only participles do (vildt|levende, hjemme|født), and
# the other verb forms mostly make misreadings (grund|lagde, øde|lægge).
VERBS = frozenset({1, 20, 21})
PARTICIPLES = frozenset({"+PERF_PART", "+PRÆSENS_PART"})

# Flags of da_DK.aff (checked against its comments and COMPOUND*/ONLYINCOMPOUND lines).
FORBIDDEN = 6
NEEDAFFIX = 8
COMPOUNDBEGIN = 32
COMPOUNDMIDDLE = 33
COMPOUNDEND = 34
ONLYINCOMPOUND = 36
LAST_IN_COMPOUND = 39  # "Sammensætning, ord sidst i sammensætning": the stem may end a compound
# "Substantiv, torso": nouns listed with their singular forms only.
TORSO = frozenset({44, 45, 57, 58})
# "Substantiv, kun flertal": plurals listed as stems of their own (børn, mænd, bøger).
PLURAL_ONLY = 74

# A word that starts this many listed compounds may begin one even without
# hunspell-da's flag (kommunal-, ældre-, mindste-).
INFERRED_BEGIN_MIN = 10
# Shorter words start too many simplex words by chance (kom|mission, min|ister).
INFERRED_BEGIN_LEN = 4
# A head of this many listed compounds is productive.
PRODUCTIVE_MIN = 2

Rule = tuple[int, str]  # (characters to strip from the end, text to append)


@dataclass(frozen=True)
class Affix:
    """One line of an SFX/PFX class."""

    strip: str
    add: str
    cont: frozenset[int]
    condition: re.Pattern[str]
    tag: str  # morphological description, e.g. +DATID


@dataclass(frozen=True)
class AffixClass:
    suffix: bool
    cross: bool
    rules: tuple[Affix, ...]


@dataclass(frozen=True)
class Entry:
    """One line of the .dic file."""

    word: str
    flags: frozenset[int]
    stem: str | None  # the st: field: base form of an irregular form


def parse_aff(path: Path) -> dict[int, AffixClass]:
    """Read the SFX/PFX classes of a `FLAG num` affix file."""
    classes: dict[int, AffixClass] = {}
    pending: dict[int, tuple[bool, bool, int, list[Affix]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 4 or parts[0] not in ("SFX", "PFX"):
            continue
        suffix, flag = parts[0] == "SFX", int(parts[1])
        if flag not in pending and flag not in classes:
            pending[flag] = (suffix, parts[2] == "Y", int(parts[3]), [])
            continue
        _, _, _, rules = pending[flag]
        strip = "" if parts[2] == "0" else parts[2]
        add, _, cont = parts[3].partition("/")
        add = "" if add == "0" else add
        condition = parts[4] if len(parts) > 4 else "."
        pattern = f"(?:{condition})$" if suffix else f"^(?:{condition})"
        tag = parts[5] if len(parts) > 5 and parts[5].startswith("+") else ""
        rules.append(Affix(strip, add, _flags(cont), re.compile(pattern), tag))
        sfx, cross, count, rules = pending[flag]
        if len(rules) == count:
            classes[flag] = AffixClass(sfx, cross, tuple(rules))
            del pending[flag]
    if pending:
        raise ValueError(f"incomplete affix classes: {sorted(pending)}")
    return classes


def _flags(text: str) -> frozenset[int]:
    return frozenset(int(f) for f in text.split(",") if f)


_WORD_FLAGS = re.compile(r"(.+?)(?:/([0-9,]+))?")


def parse_dic(path: Path) -> Iterator[Entry]:
    """Read the entries of a .dic file; multi-word entries are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        fields = line.split()
        morph = [f for f in fields[1:] if re.match(r"^[a-z]{2}:", f)]
        if len(fields) - len(morph) != 1:
            continue
        word, flags = _WORD_FLAGS.fullmatch(fields[0]).groups(default="")
        stem = next((m[3:] for m in morph if m.startswith("st:")), None)
        yield Entry(word, _flags(flags), stem)


def _apply(word: str, affix: Affix, suffix: bool) -> str | None:
    if not affix.condition.search(word):
        return None
    if suffix:
        if not word.endswith(affix.strip):
            return None
        return word[: len(word) - len(affix.strip)] + affix.add
    if not word.startswith(affix.strip):
        return None
    return affix.add + word[len(affix.strip) :]


def expand(entry: Entry, classes: dict[int, AffixClass]) -> Iterator[tuple[str, frozenset[int], str]]:
    """Every form of an entry with its flags and stem (hunspell's two suffix levels).

    A prefixed form (Nordjylland from Jylland) is a stem of its own. Verb
    forms other than participles lose COMPOUNDEND (see VERBS).
    """
    verb = bool(entry.flags & VERBS)
    yield entry.word, entry.flags - {COMPOUNDEND} if verb else entry.flags, entry.word
    for form, flags in _suffixed(entry.word, entry.flags, classes, depth=2, verb=verb):
        yield form, flags, entry.word
    for flag in sorted(entry.flags):
        cls = classes.get(flag)
        if cls is None or cls.suffix:
            continue
        for affix in cls.rules:
            stem = _apply(entry.word, affix, suffix=False)
            if stem is None:
                continue
            yield stem, affix.cont, stem
            flags = affix.cont | (entry.flags if cls.cross else frozenset())
            for form, form_flags in _suffixed(stem, flags, classes, depth=2, verb=verb, cross_only=True):
                yield form, form_flags, stem


def _suffixed(
    word: str,
    flags: frozenset[int],
    classes: dict[int, AffixClass],
    depth: int,
    verb: bool,
    cross_only: bool = False,
) -> Iterator[tuple[str, frozenset[int]]]:
    if depth == 0:
        return
    for flag in sorted(flags):
        cls = classes.get(flag)
        if cls is None or not cls.suffix or (cross_only and not cls.cross):
            continue
        for affix in cls.rules:
            form = _apply(word, affix, suffix=True)
            if form is None:
                continue
            yield form, affix.cont - {COMPOUNDEND} if verb and affix.tag not in PARTICIPLES else affix.cont
            yield from _suffixed(form, affix.cont, classes, depth - 1, verb)


def roles(flags: frozenset[int]) -> int:
    """WORD/BEGIN/MIDDLE/END bits of one (form, flags) pair."""
    if NEEDAFFIX in flags or FORBIDDEN in flags:
        return 0
    bits = 0 if ONLYINCOMPOUND in flags else WORD
    if COMPOUNDBEGIN in flags:
        bits |= BEGIN
    if COMPOUNDMIDDLE in flags:
        bits |= MIDDLE
    if COMPOUNDEND in flags:
        bits |= END
    return bits


def rule(form: str, base: str) -> Rule:
    """The (strip, append) rule that turns form into base."""
    common = len(os.path.commonprefix((form, base)))
    return len(form) - common, base[common:]


def normalise(word: str) -> str | None:
    """The lexicon's key for a form: lower-cased, accents folded, letters only."""
    key = fold_accents(word.lower())
    return key if key.isalpha() else None


class Collector:
    """Roles, link stems and base forms per form."""

    def __init__(self) -> None:
        self.roles: dict[str, int] = defaultdict(int)
        self.links: dict[str, set[Rule]] = defaultdict(set)
        self.lemmas: dict[str, set[Rule]] = defaultdict(set)

    def add(self, form: str, flags: frozenset[int], stem: str, base: str) -> None:
        """Record a form of the dictionary stem `stem` whose base form is `base`."""
        key, stem_key, base_key = normalise(form), normalise(stem), normalise(base)
        if key is None or stem_key is None or base_key is None:
            return
        bits = roles(flags)
        if not bits:
            return
        self.roles[key] |= bits
        if bits & (BEGIN | MIDDLE):
            self.links[key].add(rule(key, stem_key))
        if bits & (WORD | END):
            self.lemmas[key].add(rule(key, base_key))


def irregular_plurals(entries: list[Entry]) -> dict[str, str]:
    """Link plural-only stems to their singular: børn->barn, mænd->mand, fødder->fod.

    hunspell-da lists such plurals as stems of their own (flag 74) without an
    st: field; the singular is a "torso" noun (flags 44/45/57/58) that differs
    by umlaut, a dropped -e-, a doubled consonant and/or an ending. A compound
    plural follows its head: kattemødre -> kattemoder (if listed), never kattemad.
    """
    singulars = {e.word for e in entries if e.flags & TORSO}
    plurals = sorted({e.word for e in entries if PLURAL_ONLY in e.flags} - singulars, key=lambda w: (len(w), w))
    links: dict[str, str] = {}
    for plural in plurals:
        head = next((plural[i:] for i in range(1, len(plural) - 2) if plural[i:] in links), None)
        if head is not None:
            singular = plural[: len(plural) - len(head)] + links[head]
            if singular in singulars:
                links[plural] = singular
            continue
        found = {s for s in _singular_candidates(plural) if s in singulars}
        if found:
            # The longest reading keeps most of the plural: mødre -> moder, not mad.
            links[plural] = min(found, key=lambda s: (-len(s), s))
    return links


_UMLAUT = {"æ": "aå", "ø": "ao", "y": "u"}
_VOWELS = "aeiouyæøå"


def _singular_candidates(plural: str) -> Iterator[str]:
    for ending in ("", "e", "er", "re", "ne"):
        if ending and not plural.endswith(ending):
            continue
        body = plural[: len(plural) - len(ending)]
        for i, ch in enumerate(body):
            for vowel in _UMLAUT.get(ch, ""):
                umlauted = body[:i] + vowel + body[i + 1 :]
                yield umlauted
                yield umlauted + "e"  # bønd(er) -> bonde
                if len(body) > 2 and body[-1] == body[-2]:
                    yield umlauted[:-1]  # fødd(er) -> fod
                if len(body) > 2 and body[-1] in "lnr" and body[-2] not in _VOWELS:
                    yield umlauted[:-1] + "e" + body[-1]  # brødr(e) -> broder


def collect(entries: list[Entry], classes: dict[int, AffixClass]) -> Collector:
    """Expand all entries into the collector."""
    plural_links = irregular_plurals(entries)
    verbs = {e.word for e in entries if e.flags & VERBS}
    end_stems = {e.word for e in entries if e.flags & {LAST_IN_COMPOUND, COMPOUNDEND}} - verbs
    out = Collector()
    for e in entries:
        base = e.stem or (plural_links.get(e.word, e.word) if PLURAL_ONLY in e.flags else e.word)
        for form, flags, stem in expand(e, classes):
            out.add(form, flags, stem, base if stem == e.word else stem)
        if e.stem and not e.flags:
            # Irregular forms (væsnet st:væsen) carry no flags; they end a
            # compound wherever their base does (sundhedsvæsnet), unless they
            # are verb forms (gik st:gå).
            flags = frozenset({COMPOUNDEND}) if e.stem in end_stems else frozenset()
            out.add(e.word, flags, e.word, e.stem)
    return out


def _splits(stems: set[str]) -> Iterator[tuple[str, str]]:
    """Every (left, right) cut of a listed stem with both sides at least MIN_PART long."""
    for stem in sorted(stems):
        for i in range(MIN_PART, len(stem) - MIN_PART + 1):
            yield stem[:i], stem[i:]


# Words that start with these are mostly derivations (fors|age, best|emme, ans|lag).
_PREFIXES = tuple(sorted(PARTICLES | {"an", "be", "er", "ge", "u"}))


def infer_begins(col: Collector, stems: set[str]) -> None:
    """Let words that start many listed compounds begin one (with no linking element).

    hunspell-da lists kommunalbestyrelse, kommunaldirektør, ... as stems of
    their own instead of flagging kommunal as a compound begin, so news
    compounds such as kommunaldirektørens or ældrekommissionen would not split.
    """
    counts: Counter[str] = Counter()
    for left, right in _splits(stems):
        if right in stems and col.roles.get(right, 0) & END and not col.roles.get(left, 0) & BEGIN:
            counts[left] += 1
    for left, n in counts.items():
        if (
            n >= INFERRED_BEGIN_MIN
            and len(left) >= INFERRED_BEGIN_LEN
            and col.roles.get(left, 0) & WORD
            and not left.startswith(_PREFIXES)
        ):
            col.roles[left] |= BEGIN | MIDDLE
            col.links[left].add((0, ""))


def mark_productive(col: Collector, stems: set[str]) -> None:
    """Flag the forms of heads that end many listed compounds (område, plads, leder)."""
    counts: Counter[str] = Counter()
    for left, right in _splits(stems):
        if right in stems and col.roles.get(left, 0) & BEGIN and left not in PARTICLES:
            counts[right] += 1
    productive = {head for head, n in counts.items() if n >= PRODUCTIVE_MIN}
    for form, rules in col.lemmas.items():
        if col.roles[form] & END and any(form[: len(form) - s] + a in productive for s, a in rules):
            col.roles[form] |= PRODUCTIVE


def categories(col: Collector) -> tuple[list[tuple[int, tuple[Rule, ...], tuple[Rule, ...]]], dict[str, int]]:
    """Distinct (roles, link rules, lemma rules) triples and each form's index (from 1)."""
    table: dict[tuple[int, tuple[Rule, ...], tuple[Rule, ...]], int] = {}
    cat_of: dict[str, int] = {}
    for form in sorted(col.roles):
        key = (col.roles[form], tuple(sorted(col.links.get(form, ()))), tuple(sorted(col.lemmas.get(form, ()))))
        cat_of[form] = table.setdefault(key, len(table) + 1)
    ordered = sorted(table, key=table.__getitem__)
    return ordered, cat_of


class DawgBuilder:
    """Minimal acyclic automaton from sorted keys (Daciuk et al. 2000), with a value per key."""

    def __init__(self) -> None:
        self.register: dict[tuple[int, tuple[tuple[str, int], ...]], int] = {}
        self.states: list[tuple[int, tuple[tuple[str, int], ...]]] = []
        # The unfrozen path: [value, [(label, child), ...]] nodes, child unfrozen for the last edge.
        self.path: list[list] = [[0, []]]
        self.previous = ""

    def add(self, key: str, value: int) -> None:
        if key <= self.previous and self.previous:
            raise ValueError("keys must be added in strictly increasing order")
        common = 0
        for a, b in zip(key, self.previous):
            if a != b:
                break
            common += 1
        self._freeze(common)
        for ch in key[common:]:
            node: list = [0, []]
            self.path[-1][1].append((ch, node))
            self.path.append(node)
        self.path[-1][0] = value
        self.previous = key

    def _freeze(self, depth: int) -> None:
        while len(self.path) > depth + 1:
            node = self.path.pop()
            parent_edges = self.path[-1][1]
            label, _ = parent_edges[-1]
            parent_edges[-1] = (label, self._register(node))

    def _register(self, node: list) -> int:
        signature = (node[0], tuple(node[1]))
        state = self.register.get(signature)
        if state is None:
            state = len(self.states)
            self.register[signature] = state
            self.states.append(signature)
        return state

    def finish(self) -> tuple[int, list[tuple[int, tuple[tuple[str, int], ...]]]]:
        self._freeze(0)
        root = self._register(self.path.pop())
        return root, self.states


def serialise(
    root: int,
    states: list[tuple[int, tuple[tuple[str, int], ...]]],
    table: list[tuple[int, tuple[Rule, ...], tuple[Rule, ...]]],
    header: dict,
) -> bytes:
    """The data file: MAGIC, u32 header length, JSON header, zlib body of arrays."""
    first = [0]
    labels: list[str] = []
    targets: list[int] = []
    values: list[int] = []
    for value, edges in states:
        values.append(value)
        for label, target in edges:
            labels.append(label)
            targets.append(target)
        first.append(len(targets))
    label_bytes = "".join(labels).encode("utf-8")
    body = b"".join(
        [
            struct.pack(f"<{len(first)}I", *first),
            struct.pack(f"<{len(targets)}I", *targets),
            struct.pack(f"<{len(values)}H", *values),
            label_bytes,
        ]
    )
    header = dict(
        header,
        format=FORMAT_VERSION,
        root=root,
        states=len(states),
        edges=len(targets),
        label_bytes=len(label_bytes),
        categories=[[bits, [list(r) for r in links], [list(r) for r in lemmas]] for bits, links, lemmas in table],
    )
    head = json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return MAGIC + struct.pack("<I", len(head)) + head + zlib.compress(body, 9)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(dic: Path, aff: Path) -> tuple[bytes, dict[str, int]]:
    """The data file for these inputs, plus counts for the log."""
    classes = parse_aff(aff)
    entries = list(parse_dic(dic))
    col = collect(entries, classes)
    stems = {key for key in (normalise(e.word) for e in entries) if key is not None}
    infer_begins(col, stems)
    mark_productive(col, stems)
    table, cat_of = categories(col)
    if len(table) >= 1 << 16:
        raise ValueError(f"{len(table)} categories do not fit in 16 bits")
    builder = DawgBuilder()
    for form in sorted(cat_of):
        builder.add(form, cat_of[form])
    root, states = builder.finish()
    header = {
        "source": "hunspell-da da_DK.dic/.aff (Stavekontrolden, Foreningen for frit tilgængelige sprogværktøjer)",
        "dic_sha256": _sha256(dic),
        "aff_sha256": _sha256(aff),
        "inferred_begin_min": INFERRED_BEGIN_MIN,
        "inferred_begin_len": INFERRED_BEGIN_LEN,
        "productive_min": PRODUCTIVE_MIN,
        "licence": "LGPL-2.1 (one of the upstream GPL-2.0/LGPL-2.1/MPL-1.1); see LEXICON-LICENSE.md",
    }
    data = serialise(root, states, table, header)
    counts = {
        "entries": len(entries),
        "forms": len(cat_of),
        "categories": len(table),
        "states": len(states),
        "edges": sum(len(e) for _, e in states),
    }
    return data, counts


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dic", type=Path, default=DIC)
    parser.add_argument("--aff", type=Path, default=AFF)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    data, counts = build(args.dic, args.aff)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), f"bytes={len(data)}", args.out)


if __name__ == "__main__":
    main()
