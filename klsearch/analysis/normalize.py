"""Character normalisation applied to all text before tokenising."""

from __future__ import annotations

import unicodedata

# No-break spaces become spaces; soft hyphens and zero-width characters vanish.
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)


def normalize(text: str) -> str:
    """NFC-normalise, lower-case (Unicode, never ASCII-only) and clean spaces.

    NFC (not NFKC) keeps "2½" as written. The result has the same length as
    the NFC form except where soft hyphens or zero-width characters were
    removed, so offsets into it are offsets into ``display_text(text)``
    only when :func:`keeps_offsets` says so.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return _lower_same_length(text)


def display_text(text: str) -> str:
    """The text as it is shown in snippets: NFC, with the same removals as :func:`normalize`."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text).translate(_TRANSLATE)


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (İ) grow when lower-cased; keep offsets aligned.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
