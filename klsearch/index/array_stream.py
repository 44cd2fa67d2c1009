""".npy files read and written front to back in slices, never mapped whole.

A merge streams its sources and its output through these, so its memory
holds one slice of each array, not the arrays (pages of a memory map it has
touched would count in the process's memory until it ends). The files are
the ones ``numpy.save`` writes, byte for byte.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np

from ..errors import CorruptIndexError
from .storage import failpoint, narrow

_format = np.lib.format
_REWRITE_STEP = 1 << 22  # elements per slice when a file is narrowed


class ArrayReader:
    """One 1-D ``.npy`` file, read in consecutive slices; its CRC-32 is checked once all is read."""

    def __init__(self, path: Path, expected_checksum: int, where: str) -> None:
        self.path = path
        self._expected = expected_checksum
        self._where = where
        self._file = open(path, "rb")
        try:
            version = _format.read_magic(self._file)
            read_header = _format.read_array_header_1_0 if version == (1, 0) else _format.read_array_header_2_0
            shape, _, self.dtype = read_header(self._file)
        except (ValueError, OSError, EOFError) as exc:
            self._file.close()
            raise CorruptIndexError(f"{path}: not a valid array file ({exc})") from None
        if len(shape) != 1 or self.dtype.hasobject:
            self._file.close()
            raise CorruptIndexError(f"{path}: not a flat array of numbers")
        self.length = int(shape[0])
        self._done = 0
        self._crc = 0

    def read(self, stop: int) -> np.ndarray:
        """The elements from where the previous read stopped up to ``stop``."""
        if not self._done <= stop <= self.length:
            raise CorruptIndexError(f"{self.path}: offsets out of range in {self._where}")
        size = (stop - self._done) * self.dtype.itemsize
        data = self._file.read(size)
        if len(data) != size:
            raise CorruptIndexError(f"{self.path}: shorter than its header says in {self._where}")
        self._crc = zlib.crc32(data, self._crc)
        self._done = stop
        return np.frombuffer(data, dtype=self.dtype)

    def close(self) -> None:
        """Read what is left and verify the checksum of the whole array."""
        try:
            self.read(self.length)
        finally:
            self._file.close()
        if self._crc != self._expected:
            raise CorruptIndexError(f"{self.path}: checksum mismatch in {self._where}")


class ArrayWriter:
    """A new 1-D ``.npy`` file made by appending slices.

    Values are written as ``dtype``, which must hold them all; with
    ``narrow_from``, :meth:`close` then narrows the file to what
    ``storage.narrow(values, narrow_from)`` would give (rewriting it in the
    rare case the values turned out smaller than ``dtype`` was chosen for).
    """

    def __init__(self, path: Path, dtype: np.dtype | type, narrow_from: type[np.unsignedinteger] | None = None) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self._narrow_from = narrow_from
        self._file = open(path, "wb")
        self._write_header(0)
        self._count = 0
        self._crc = 0
        self._max = 0
        self.checksum = 0

    def append(self, values: np.ndarray) -> None:
        """Write ``values`` after those already written."""
        if not len(values):
            return
        data = np.ascontiguousarray(values, dtype=self.dtype)
        self._file.write(memoryview(data).cast("B"))
        self._crc = zlib.crc32(data, self._crc)
        self._count += len(data)
        if self._narrow_from is not None:
            self._max = max(self._max, int(data.max()))

    def close(self) -> None:
        """Finish the file durably; ``checksum`` is then the CRC-32 of its data."""
        self._file.seek(0)
        self._write_header(self._count)
        self._file.seek(0, os.SEEK_END)
        self._sync()
        self.checksum = self._crc
        if self._narrow_from is not None:
            target = narrow(np.array([self._max], dtype=np.int64), at_least=self._narrow_from).dtype
            if target != self.dtype:
                self.checksum = self._rewrite_as(target)

    def __enter__(self) -> "ArrayWriter":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self._file.close()  # the half-written file goes with its temporary segment folder

    def _write_header(self, count: int) -> None:
        # numpy leaves room in the header for the shape to grow, so rewriting it keeps its length.
        header = {"descr": _format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": (count,)}
        _format.write_array_header_1_0(self._file, header)

    def _sync(self) -> None:
        failpoint()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        failpoint()

    def _rewrite_as(self, dtype: np.dtype) -> int:
        wide = ArrayReader(self.path, self._crc, str(self.path.parent))
        narrow_path = self.path.with_name(f".{self.path.name}.narrow")
        with ArrayWriter(narrow_path, dtype) as out:
            for stop in range(_REWRITE_STEP, wide.length + _REWRITE_STEP, _REWRITE_STEP):
                out.append(wide.read(min(stop, wide.length)))
            wide.close()
        os.replace(narrow_path, self.path)  # inside a segment folder that is fsynced before it is renamed into place
        return out.checksum
