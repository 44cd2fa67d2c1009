"""Snippets: a short passage of a text with the matched words marked."""

from __future__ import annotations

from ..analysis import Analyzer, display_text, normalize
from ..analysis.tokenize import raw_token_spans
from .compile import Highlights

DEFAULT_MARKS = ("**", "**")


def snippet(
    analyzer: Analyzer,
    text: str,
    highlights: Highlights,
    *,
    max_chars: int = 220,
    marks: tuple[str, str] = DEFAULT_MARKS,
) -> str:
    """The passage of ``text`` (at most about ``max_chars``) with the most matches, marked."""
    shown = " ".join(display_text(text).split())
    if not shown:
        return ""
    if not highlights.terms and not highlights.prefixes:
        end = _best_window(shown, [], max_chars)[1]
        return shown[:end] + ("…" if end < len(shown) else "")
    spans = []
    keys = highlights.keys
    for raw, start, end in raw_token_spans(normalize(shown)):
        # Analysing a token costs far more than this substring test.
        if not any(key in raw for key in keys):
            continue
        if any(raw.startswith(p) for p in highlights.prefixes) or highlights.terms.intersection(
            term for _, term in analyzer.expand(raw).terms
        ):
            spans.append((start, end))
    start, end = _best_window(shown, spans, max_chars)
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s >= start and e <= end:
            out += [shown[cursor:s], marks[0], shown[s:e], marks[1]]
            cursor = e
    out.append(shown[cursor:end])
    out.append("…" if end < len(shown) else "")
    return "".join(out)


def _best_window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    if len(text) <= max_chars:
        return 0, len(text)
    best_start, best_count = 0, 0
    for i, (s, _) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + max_chars)
        if count > best_count:
            best_start, best_count = s, count
    # Start a little before the first match, at a word boundary.
    start = max(0, best_start - max_chars // 4) if best_count else 0
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
