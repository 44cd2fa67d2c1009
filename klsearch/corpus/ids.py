"""Stable document ids, and keeping them unique within one read."""

from __future__ import annotations

import datetime as _dt
import hashlib
import unicodedata


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def stable_id(title: str, date: _dt.date | None = None, section: str | None = None) -> str:
    """``kl-`` + 12 hex chars of a hash of the normalised title, date and section.

    Depends only on the content, never on the file's name or location.
    """
    key = "\x1f".join((_norm(title), date.isoformat() if date else "", _norm(section)))
    return "kl-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


class IdAllocator:
    """Hands out ids that are unique within one read."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, doc_id: str) -> bool:
        """Take ``doc_id`` as is; False when it is already taken."""
        if doc_id in self._used:
            return False
        self._used.add(doc_id)
        return True

    def unique(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``, ... if taken (deterministic by order)."""
        if self.claim(base):
            return base
        n = 2
        while not self.claim(f"{base}-{n}"):
            n += 1
        return f"{base}-{n}"
