"""File primitives of the index: atomic writes, fsync, checksums, arrays.

Arrays are ``.npy`` files read with ``allow_pickle=False`` and memory-mapped,
so opening an index never runs code stored in it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from ..errors import CorruptIndexError


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
        f.flush()
        os.fsync(f.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old or the new file, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_file(tmp, data)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def save_array(path: Path, array: np.ndarray) -> None:
    """Write one array as ``.npy`` and fsync it."""
    with open(path, "wb") as f:
        np.save(f, np.ascontiguousarray(array), allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())


def load_array(path: Path) -> np.ndarray:
    """Memory-map one ``.npy`` file (plain ndarray view, no pickle)."""
    try:
        if path.stat().st_size <= 128:
            # Tiny or empty arrays: mmap of a zero-length payload is not possible.
            return np.load(path, allow_pickle=False)
        return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
    except FileNotFoundError:
        raise CorruptIndexError(f"{path}: file is missing") from None
    except (ValueError, OSError, EOFError) as exc:
        raise CorruptIndexError(f"{path}: not a valid array file ({exc})") from None


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def smallest_uint(max_value: int) -> type[np.unsignedinteger]:
    """The narrowest unsigned dtype that holds ``max_value``."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if max_value <= np.iinfo(dtype).max:
            return dtype
    return np.uint64
