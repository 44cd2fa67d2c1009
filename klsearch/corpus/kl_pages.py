"""Reader for KL page dumps (the text captures in the bundled corpus).

A *news page* has bullet items::

    Artikler                               <- section heading

     • KL: Anlægsniveau skal videreføres   <- headline
      05.05.14 Infrastruktur               <- date and optional category

      Det er afgørende, at ...             <- summary (indented)

and gives one Document per item, plus one for the organisation blurb above
the first heading. Any other page gives one Document: its heading and text.
The text is kept as published; only surrounding whitespace is stripped.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from klsearch.corpus._common import OnSkip, decode_utf8, read_bytes, skip_or_raise
from klsearch.corpus.ids import IdAllocator, stable_id
from klsearch.document import Document
from klsearch.errors import CorpusFormatError

_BULLET = re.compile(r"^\s*•(.*)$")
_DATE_LINE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:\s+(.*?))?\s*$")
# Page furniture that is not part of any text.
_CHROME = {"log ind", "tilmeld nyhedsbrev", "kontaktpersoner"}


def read_kl_page(
    path: str | Path, *, skip_bad: bool = False, on_skip: OnSkip | None = None
) -> list[Document]:
    """Read one KL page dump into Documents (see the module docstring).

    With ``skip_bad`` a bad item (or an undecodable file) is passed to
    ``on_skip`` and left out; otherwise the first one raises CorpusFormatError.
    """
    return parse_kl_page(Path(path), IdAllocator(), skip_bad, on_skip)


def parse_kl_page(
    path: Path, ids: IdAllocator, skip_bad: bool = False, on_skip: OnSkip | None = None
) -> list[Document]:
    """Like :func:`read_kl_page`, drawing ids from a shared allocator."""
    data = read_bytes(path)
    try:
        text = decode_utf8(path, data)
    except CorpusFormatError as err:
        skip_or_raise(err, skip_bad, on_skip)
        return []
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    if not any(line.strip() for line in lines):
        return []
    if not any(_is_item_start(lines, i) for i in range(len(lines))):
        return _plain_page(path, lines, ids)
    return _news_page(path, lines, ids, skip_bad, on_skip)


# -- line classification ----------------------------------------------------


def _next_nonblank(lines: list[str], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _is_item_start(lines: list[str], i: int) -> bool:
    """A bullet whose next text line looks like a date (valid or not)."""
    if not _BULLET.match(lines[i]):
        return False
    j = _next_nonblank(lines, i)
    return j is not None and _DATE_LINE.match(lines[j]) is not None


def _is_heading(lines: list[str], i: int) -> bool:
    """An unindented line directly above a bullet list."""
    line = lines[i]
    if not line.strip() or line[0].isspace() or _BULLET.match(line):
        return False
    j = _next_nonblank(lines, i)
    return j is not None and _BULLET.match(lines[j]) is not None


def _is_chrome(line: str) -> bool:
    s = line.strip()
    return not any(c.isalnum() for c in s) or s.casefold() in _CHROME


def _is_running_text(line: str) -> bool:
    words = line.split()
    return len(words) >= 12 or (len(words) >= 6 and line.rstrip()[-1] in ".!?\"”")


def _is_title_like(line: str) -> bool:
    # Rules out address and contact lines ("Weidekampsgade 10, ...", "Telefon: ...").
    s = line.strip()
    return 0 < len(s) <= 100 and "," not in s and s[-1] not in ".:;"


# -- documents --------------------------------------------------------------


def _paragraphs(lines: list[str], indices: list[int]) -> str:
    """Join the given lines; a gap (blank or chrome line) starts a paragraph."""
    out: list[str] = []
    prev = None
    for i in indices:
        sep = "\n" if prev is not None and i == prev + 1 else "\n\n"
        out.append((sep if out else "") + lines[i].strip())
        prev = i
    return "".join(out)


def _titled_block(
    lines: list[str], lo: int, hi: int, *, cut_trailing: bool
) -> tuple[str, str] | None:
    """(title, body) of lines[lo:hi]; None when there is no text.

    The title is the last title-like line before the first line of running
    text (so a breadcrumb above the heading is skipped), or the first one
    when there is no running text. With ``cut_trailing`` the body ends at
    the last line of running text: what follows on a page is link lists
    and other chrome.
    """
    content = [i for i in range(lo, hi) if not _is_chrome(lines[i])]
    if not content:
        return None
    running = [k for k, i in enumerate(content) if _is_running_text(lines[i])]
    first_run = running[0] if running else len(content)
    heads = [k for k in range(first_run) if _is_title_like(lines[content[k]])]
    if heads:
        head = heads[-1] if running else heads[0]
        title = lines[content[head]].strip()
        body = content[head + 1 :]
    else:
        title = _shorten(lines[content[0]].strip())
        body = content
    if cut_trailing and running:
        body = [i for i in body if i <= content[running[-1]]]
    return title, _paragraphs(lines, body)


def _shorten(text: str, limit: int = 80) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _plain_page(path: Path, lines: list[str], ids: IdAllocator) -> list[Document]:
    block = _titled_block(lines, 0, len(lines), cut_trailing=True)
    if block is None:
        return []
    title, body = block
    return [Document(id=ids.unique(stable_id(title)), title=title, body=body, source=path.name)]


def _news_page(
    path: Path, lines: list[str], ids: IdAllocator, skip_bad: bool, on_skip: OnSkip | None
) -> list[Document]:
    docs: list[Document] = []
    first = next(i for i in range(len(lines)) if _is_heading(lines, i) or _BULLET.match(lines[i]))
    blurb = _titled_block(lines, 0, first, cut_trailing=False)
    if blurb is not None and blurb[1]:
        title, body = blurb
        docs.append(Document(ids.unique(stable_id(title)), title, body, source=path.name))

    section: str | None = None
    i = first
    while i < len(lines):
        if _is_heading(lines, i):
            section = lines[i].strip()
            i += 1
        elif _BULLET.match(lines[i]):
            end = _item_end(lines, i)
            try:
                docs.append(_item(path, lines, i, end, section, ids))
            except CorpusFormatError as err:
                skip_or_raise(err, skip_bad, on_skip)
            i = end
        else:
            i += 1  # blank lines and chrome between or after the lists
    return docs


def _item_end(lines: list[str], start: int) -> int:
    """Index after the item at ``start``: its lines are blank or indented.

    An unindented line (the next heading, or "TILMELD NYHEDSBREV" at the end
    of the page) or the next bullet ends the item.
    """
    j = start + 1
    while j < len(lines):
        line = lines[j]
        if line.strip() and (not line[0].isspace() or _BULLET.match(line)):
            break
        j += 1
    return j


def _item(
    path: Path, lines: list[str], start: int, end: int, section: str | None, ids: IdAllocator
) -> Document:
    title = lines[start].strip().removeprefix("•").strip()
    if not title:
        raise CorpusFormatError(path, start + 1, "empty headline after the bullet")
    rest = [j for j in range(start + 1, end) if lines[j].strip()]
    m = _DATE_LINE.match(lines[rest[0]]) if rest else None
    if m is None:
        raise CorpusFormatError(
            path, start + 1, f"news item {title!r} has no 'dd.mm.yy [category]' line"
        )
    day, month, year = (int(g) for g in m.group(1, 2, 3))
    if len(m.group(3)) == 2:
        year += 2000
    try:
        date = _dt.date(year, month, day)
    except ValueError as exc:
        token = lines[rest[0]].split()[0]
        raise CorpusFormatError(path, rest[0] + 1, f"invalid date {token!r}: {exc}") from None
    body = _paragraphs(lines, [j for j in rest[1:] if not _is_chrome(lines[j])])
    return Document(
        id=ids.unique(stable_id(title, date, section)),
        title=title,
        body=body,
        date=date,
        category=m.group(4) or None,
        section=section,
        source=path.name,
    )
