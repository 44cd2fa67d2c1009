"""Helpers shared by the corpus readers: decoding and bad-record handling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from klsearch.errors import CorpusFormatError

OnSkip = Callable[[CorpusFormatError], None]
"""Called with the error of each record a reader skips (``skip_bad=True``)."""


def skip_or_raise(err: CorpusFormatError, skip_bad: bool, on_skip: OnSkip | None) -> None:
    """Raise ``err`` unless bad records are skipped; then report it."""
    if not skip_bad:
        raise err
    if on_skip is not None:
        on_skip(err)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; an unreadable file is a CorpusFormatError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusFormatError(path, None, f"cannot read file: {exc.strerror or exc}") from None


def decode_utf8(path: Path, data: bytes, first_line: int = 1) -> str:
    """Decode ``data`` (which starts on line ``first_line``) as UTF-8.

    Raises CorpusFormatError naming the line of the first bad byte; a NUL
    byte means the file is not text at all.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        line = first_line + data.count(b"\n", 0, nul)
        raise CorpusFormatError(path, line, "not a text file (contains a NUL byte)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CorpusFormatError(
            path, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"
        ) from None
