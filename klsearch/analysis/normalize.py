"""Character normalisation applied to all text before tokenising."""

from __future__ import annotations

import unicodedata

# No-break spaces become spaces; soft hyphens and zero-width characters vanish.
# (A few str.replace calls guarded by `in` are ~100x faster than str.translate.)
_REPLACEMENTS = (
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2007", " "),
    ("\u00ad", ""),
    ("\u200b", ""),
    ("\u200c", ""),
    ("\u200d", ""),
    ("\ufeff", ""),
)


def _clean(text: str) -> str:
    for char, replacement in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    return text


def normalize(text: str) -> str:
    """NFC-normalise, lower-case (Unicode, never ASCII-only) and clean spaces.

    NFC (not NFKC) keeps "2½" as written. The result has the same length as
    the NFC form except where soft hyphens or zero-width characters were
    removed, so offsets into it are offsets into ``display_text(text)``
    only when :func:`keeps_offsets` says so.
    """
    if not text.isascii():
        text = _clean(unicodedata.normalize("NFC", text))
    return _lower_same_length(text)


def display_text(text: str) -> str:
    """The text as it is shown in snippets: NFC, with the same removals as :func:`normalize`."""
    if text.isascii():
        return text
    return _clean(unicodedata.normalize("NFC", text))


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (İ) grow when lower-cased; keep offsets aligned.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
