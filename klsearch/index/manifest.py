"""The manifest: which segments make up the committed index.

A commit writes the whole manifest to a temporary file, fsyncs it and
renames it over the old one, so readers see one commit or the next.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptIndexError, IndexNotFoundError, IndexVersionError
from . import format as fmt
from .storage import atomic_write


@dataclass
class Manifest:
    """One commit of an index."""

    generation: int
    analyzer: dict[str, object]
    segments: list[dict[str, object]] = field(default_factory=list)
    committed_at: str = ""

    @property
    def doc_count(self) -> int:
        """Live documents (deleted ones left out)."""
        return sum(int(s["docs"]) - int(s.get("deleted", 0)) for s in self.segments)  # type: ignore[call-overload]

    @property
    def deleted_count(self) -> int:
        return sum(int(s.get("deleted", 0)) for s in self.segments)  # type: ignore[call-overload]

    def to_json(self) -> dict[str, object]:
        return {
            "format": fmt.FORMAT_NAME,
            "format_version": fmt.FORMAT_VERSION,
            "generation": self.generation,
            "committed_at": self.committed_at,
            "analyzer": self.analyzer,
            "segments": self.segments,
        }


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Commit ``manifest`` atomically."""
    manifest.committed_at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    data = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
    atomic_write(index_dir / fmt.MANIFEST, data)


def read_manifest(index_dir: Path) -> Manifest:
    """The committed manifest of the index at ``index_dir``."""
    path = index_dir / fmt.MANIFEST
    if not path.exists():
        if index_dir.is_dir() and any(index_dir.iterdir()):
            raise IndexNotFoundError(f"{index_dir}: not a klsearch index (no {fmt.MANIFEST})")
        raise IndexNotFoundError(f"{index_dir}: no index here (build one with 'klsearch index')")
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != fmt.FORMAT_NAME:
            raise CorruptIndexError(f"{path}: not a klsearch manifest")
        if data.get("format_version") != fmt.FORMAT_VERSION:
            raise IndexVersionError(
                f"{index_dir}: index format version {data.get('format_version')} "
                f"is not {fmt.FORMAT_VERSION}; rebuild it with 'klsearch index'"
            )
        segments = data["segments"]
        if not isinstance(segments, list) or not all(
            isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("docs"), int)
            for s in segments
        ):
            raise CorruptIndexError(f"{path}: malformed segment list")
        return Manifest(
            generation=int(data["generation"]),
            analyzer=dict(data["analyzer"]),
            segments=segments,
            committed_at=str(data.get("committed_at", "")),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptIndexError(f"{path}: malformed manifest ({exc})") from None
