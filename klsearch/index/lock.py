"""The single-writer lock: a file created exclusively, holding the owner's pid."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import IndexLockedError
from . import format as fmt


class WriteLock:
    """Held by the one writer of an index; a lock left by a dead process is taken over."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / fmt.LOCK
        self._held = False

    def acquire(self) -> None:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(owner):
                    raise IndexLockedError(
                        f"{self.path.parent}: index is locked by another writer (pid {owner})"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its writer died
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self._held = True
            return
        raise IndexLockedError(f"{self.path.parent}: could not take the write lock")

    def release(self) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def _owner(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def __enter__(self) -> "WriteLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
