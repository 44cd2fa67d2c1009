"""Reader for JSON Lines corpora: one JSON object per line.

Each object has "title" (non-empty string) and "body" (string; absent or
null means empty), and optionally "id", "date" (``YYYY-MM-DD``),
"category", "section" and "url" (strings or null). Other keys are ignored,
so lines written by ``Document.to_json`` read back. Blank lines are skipped.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from klsearch.corpus._common import OnSkip, decode_utf8, skip_or_raise
from klsearch.corpus.ids import IdAllocator, stable_id
from klsearch.document import Document
from klsearch.errors import CorpusFormatError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONAL = ("category", "section", "url")
Bad = Callable[[str], CorpusFormatError]


def read_jsonl(
    path: str | Path, *, skip_bad: bool = False, on_skip: OnSkip | None = None
) -> Iterator[Document]:
    """Stream the Documents of a JSONL file, line by line.

    A bad line raises CorpusFormatError naming the file and line (when the
    iterator reaches it); with ``skip_bad`` it is passed to ``on_skip`` and
    skipped instead.
    """
    return iter_jsonl(Path(path), IdAllocator(), skip_bad, on_skip)


def iter_jsonl(
    path: Path, ids: IdAllocator, skip_bad: bool = False, on_skip: OnSkip | None = None
) -> Iterator[Document]:
    """Like :func:`read_jsonl`, drawing ids from a shared allocator."""
    explicit: dict[str, int] = {}  # explicit id -> line it was first seen on
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CorpusFormatError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    with handle:
        for lineno, raw in enumerate(handle, 1):
            try:
                doc = _parse_line(path, lineno, raw, ids, explicit)
            except CorpusFormatError as err:
                skip_or_raise(err, skip_bad, on_skip)
                continue
            if doc is not None:
                yield doc


def _parse_line(
    path: Path, lineno: int, raw: bytes, ids: IdAllocator, explicit: dict[str, int]
) -> Document | None:
    def bad(reason: str) -> CorpusFormatError:
        return CorpusFormatError(path, lineno, reason)

    text = decode_utf8(path, raw, lineno)
    if lineno == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise bad(f"expected a JSON object, got {_kind(obj)}")

    if "title" not in obj or obj["title"] is None:
        raise bad('missing "title"')
    title = _string(obj, "title", bad)
    if not title:
        raise bad('empty "title"')
    body = _string(obj, "body", bad) if obj.get("body") is not None else ""
    fields = {key: _string(obj, key, bad) or None for key in _OPTIONAL if obj.get(key) is not None}
    date = _date(obj, bad) if obj.get("date") is not None else None

    if obj.get("id") is not None:
        doc_id = _string(obj, "id", bad)
        if not doc_id:
            raise bad('empty "id"')
        if doc_id in explicit:
            raise bad(f"duplicate id {doc_id!r} (first on line {explicit[doc_id]})")
        if not ids.claim(doc_id):
            raise bad(f"id {doc_id!r} is already used by another document")
        explicit[doc_id] = lineno
    else:
        doc_id = ids.unique(stable_id(title, date, fields.get("section")))
    return Document(id=doc_id, title=title, body=body, date=date, source=path.name, **fields)


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null"
    )


def _string(obj: dict[str, object], key: str, bad: Bad) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise bad(f'"{key}" must be a string, got {_kind(value)}')
    return value.strip()


def _date(obj: dict[str, object], bad: Bad) -> _dt.date | None:
    text = _string(obj, "date", bad)
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError("expected YYYY-MM-DD")
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise bad(f"invalid date {text!r}: {exc}") from None
