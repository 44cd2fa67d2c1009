"""File primitives of the index: atomic writes, fsync, checksums, arrays.

Arrays are ``.npy`` files read with ``allow_pickle=False`` and memory-mapped,
so opening an index never runs code stored in it.
"""

from __future__ import annotations

import os
import signal
import zlib
from pathlib import Path

import numpy as np

from ..errors import CorruptIndexError


# Fault injection for the crash tests: with KLSEARCH_FAILPOINT=N in the
# environment, the process kills itself (SIGKILL) at the N-th file operation.
_FAILPOINT = int(os.environ.get("KLSEARCH_FAILPOINT", "0") or 0)
_operations = 0


def failpoint() -> None:
    """Count one durable file operation; die here if the crash test asks to."""
    global _operations
    _operations += 1
    if _FAILPOINT and _operations == _FAILPOINT:
        os.kill(os.getpid(), signal.SIGKILL)


def arm_failpoint(point: int) -> None:
    """Die at the ``point``-th file operation from now (0 disarms); for crash tests."""
    global _FAILPOINT, _operations
    _FAILPOINT, _operations = point, 0


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    """Write and fsync ``data`` to a new file."""
    with open(path, "wb") as f:
        f.write(data)
        failpoint()
        f.flush()
        os.fsync(f.fileno())
    failpoint()


def rename(src: Path, dst: Path) -> None:
    """Rename durably (the folder entry is fsynced)."""
    os.replace(src, dst)
    fsync_dir(dst.parent)
    failpoint()


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old or the new file, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_file(tmp, data)
    rename(tmp, path)


def save_array(path: Path, array: np.ndarray) -> None:
    """Write one array as ``.npy`` and fsync it."""
    with open(path, "wb") as f:
        np.save(f, np.ascontiguousarray(array), allow_pickle=False)
        failpoint()
        f.flush()
        os.fsync(f.fileno())
    failpoint()


def load_array(path: Path) -> np.ndarray:
    """Memory-map one ``.npy`` file (plain ndarray view, no pickle)."""
    try:
        if path.stat().st_size <= 128:
            # Tiny or empty arrays: mmap of a zero-length payload is not possible.
            return np.load(path, allow_pickle=False)
        return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
    except FileNotFoundError:
        raise  # the reader retries: a writer may have just replaced the segment
    except (ValueError, OSError, EOFError) as exc:
        raise CorruptIndexError(f"{path}: not a valid array file ({exc})") from None


def checksum(data: bytes | memoryview | np.ndarray) -> int:
    """CRC-32 of bytes or of an array's data (for a memory-mapped array, read through the map)."""
    if isinstance(data, np.ndarray):
        data = memoryview(np.ascontiguousarray(data)).cast("B")
    return zlib.crc32(data)


def narrow(values: np.ndarray, at_least: type[np.unsignedinteger] = np.uint8) -> np.ndarray:
    """Non-negative integers in the narrowest unsigned dtype, ``at_least`` wide, that holds them.

    Beyond uint32 they become int64: uint64 would turn into float64 next to signed integers.
    """
    top = int(values.max(initial=0))
    for dtype in (np.uint8, np.uint16, np.uint32):
        if np.dtype(dtype).itemsize >= np.dtype(at_least).itemsize and top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.int64)
