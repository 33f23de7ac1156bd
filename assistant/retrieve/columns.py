"""Columns of the index view kept in files and read per question with ``os.pread``.

Measured at 100,000 chunks (``python -m benchmarks.startup``): held as Python objects, the
chunk texts, their metadata and their sentences took 320 MB of every serving process, the
posting lists 94 MB; the vectors, memory-mapped, added up to 540 MB more once questions had
touched their pages (a page read through a mapping counts as the process's own memory).
Read with ``pread``, a question reads the rows of its ~60 candidate chunks; the bytes stay
in the kernel's page cache, which every replica on the machine shares and which is given
back under pressure. A process holds only the offsets (8 bytes per string).

``Strings``, ``Records``, ``Matrix`` and ``Postings`` read; ``StringsWriter`` and
``MatrixWriter`` write them in blocks (copying the runs of a previous column without loading
it whole), so building a view needs no more memory than one block.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

BLOCK_BYTES = 8 << 20  # what one copy step reads at most


class Blob:
    """Bytes read at offsets: a file (``FileBlob``) or, for small and empty views, memory."""

    def __init__(self, data: bytes = b"") -> None:
        self._data = data

    def read(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset``."""
        return self._data[offset : offset + size]


class FileBlob(Blob):
    """A file read with ``pread``; the descriptor is closed when the blob is dropped.

    The file may be deleted meanwhile (a newer snapshot replaced it): an open descriptor
    still reads it, so a view taken by a question stays readable until it is dropped.
    """

    def __init__(self, path: Path, dir_fd: int | None = None, size: int | None = None) -> None:
        """Open ``path`` (relative to the directory ``dir_fd`` when given).

        With ``size``, a file of another length is refused (``ValueError``): a view whose
        files were cut short (a crash before the kernel wrote them) is rebuilt, not read.
        """
        super().__init__()
        self._fd = os.open(path, os.O_RDONLY, dir_fd=dir_fd)
        weakref.finalize(self, os.close, self._fd)
        if size is not None and os.fstat(self._fd).st_size != size:
            found = os.fstat(self._fd).st_size
            raise ValueError(f"{path} holds {found} bytes, expected {size}")

    def read(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset``."""
        data = os.pread(self._fd, size, offset)
        while len(data) < size:  # a regular file returns short reads only past 2 GB
            more = os.pread(self._fd, size - len(data), offset + len(data))
            if not more:
                raise OSError(f"index view file truncated at {offset + len(data)}")
            data += more
        return data


def _offsets(lengths: Sequence[int]) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


class Strings(Sequence[str]):
    """Strings packed one after another as UTF-8, with their offsets in memory."""

    def __init__(self, blob: Blob, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets  # n + 1 byte offsets: string i is offsets[i]:offsets[i + 1]

    @classmethod
    def of(cls, strings: Sequence[str]) -> Strings:
        """Strings held in memory (tests, the empty view)."""
        encoded = [s.encode("utf-8") for s in strings]
        return cls(Blob(b"".join(encoded)), _offsets([len(e) for e in encoded]))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self.run(start, stop)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.blob.read(start, end - start).decode("utf-8")

    def run(self, start: int, end: int) -> list[str]:
        """Strings ``start`` to ``end`` (exclusive), read at once."""
        if end <= start:
            return []
        offsets = self.offsets[start : end + 1]
        base = int(offsets[0])
        data = self.blob.read(base, int(offsets[-1]) - base)
        bounds = (offsets - base).tolist()
        return [data[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:], strict=False)]

    def __iter__(self) -> Iterator[str]:
        start = 0
        while start < len(self):
            end = _block_end(self.offsets, start, len(self))
            yield from self.run(start, end)
            start = end


class Records(Sequence[dict[str, Any]]):
    """JSON objects (chunk metadata) stored as ``Strings``; each read is a new dict."""

    def __init__(self, strings: Strings) -> None:
        self.strings = strings

    @classmethod
    def of(cls, records: Sequence[dict[str, Any]]) -> Records:
        """Records held in memory (tests, the empty view)."""
        return cls(Strings.of([encode_record(r) for r in records]))

    def __len__(self) -> int:
        return len(self.strings)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [json.loads(s) for s in self.strings[index]]
        result: dict[str, Any] = json.loads(self.strings[index])
        return result


def encode_record(record: dict[str, Any]) -> str:
    """How a record is stored: compact JSON, UTF-8 kept as it is."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _block_end(offsets: np.ndarray, start: int, end: int) -> int:
    """The end of the block from ``start``: at most ``BLOCK_BYTES``, at least one item."""
    limit = int(offsets[start]) + BLOCK_BYTES
    cut = int(np.searchsorted(offsets[start : end + 1], limit, side="right")) - 1
    return min(end, max(start + 1, start + cut))


class Matrix:
    """Rows of a float matrix, row-major, each read on demand."""

    def __init__(self, blob: Blob, rows: int, dim: int, dtype: Any) -> None:
        self.blob = blob
        self.rows, self.dim, self.dtype = rows, dim, np.dtype(dtype)
        self.row_bytes = dim * self.dtype.itemsize

    @classmethod
    def of(cls, array: np.ndarray) -> Matrix:
        """A matrix held in memory (tests, the empty view)."""
        array = np.ascontiguousarray(array)
        return cls(Blob(array.tobytes()), array.shape[0], array.shape[1], array.dtype)

    def __len__(self) -> int:
        return self.rows

    def block(self, start: int, end: int) -> np.ndarray:
        """Rows ``start`` to ``end`` (exclusive) as a ``(end - start, dim)`` array."""
        data = self.blob.read(start * self.row_bytes, max(end - start, 0) * self.row_bytes)
        return np.frombuffer(data, dtype=self.dtype).reshape(-1, self.dim)

    def row(self, index: int) -> np.ndarray:
        """Row ``index`` as a ``(dim,)`` array."""
        return self.block(index, index + 1)[0]


class Postings(Mapping[str, tuple[np.ndarray, np.ndarray]]):
    """Posting lists (chunk positions, term counts) of each term, read when a query has it."""

    def __init__(self, terms: dict[str, int], bounds: np.ndarray, docs: Blob, counts: Blob) -> None:
        self.terms = terms  # term -> its number; its postings are bounds[n]:bounds[n + 1]
        self.bounds = bounds
        self.docs, self.counts = docs, counts

    def __getitem__(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        n = self.terms[term]
        start, end = int(self.bounds[n]), int(self.bounds[n + 1])
        docs = np.frombuffer(self.docs.read(start * 4, (end - start) * 4), dtype=np.int32)
        counts = np.frombuffer(self.counts.read(start * 4, (end - start) * 4), dtype=np.float32)
        return docs, counts

    def __contains__(self, term: object) -> bool:
        return term in self.terms

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


class StringsWriter:
    """Appends strings to ``<path>.bin``; ``close`` writes their offsets beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = open(path.with_suffix(".bin"), "wb")  # noqa: SIM115 (closed by close)
        self._lengths: list[np.ndarray] = []

    def extend(self, strings: Sequence[str]) -> None:
        """Append ``strings``."""
        encoded = [s.encode("utf-8") for s in strings]
        self._out.write(b"".join(encoded))
        self._lengths.append(np.array([len(e) for e in encoded], dtype=np.int64))

    def copy(self, source: Strings, start: int, end: int) -> None:
        """Append strings ``start`` to ``end`` of ``source`` as they are (no decoding)."""
        while start < end:
            stop = _block_end(source.offsets, start, end)
            offsets = source.offsets[start : stop + 1]
            base = int(offsets[0])
            self._out.write(source.blob.read(base, int(offsets[-1]) - base))
            self._lengths.append(np.diff(offsets))
            start = stop

    def abort(self) -> None:
        """Close the file, written or not (the folder is discarded)."""
        self._out.close()

    def close(self) -> None:
        """Close the file and write the offsets (``open_strings`` reads both)."""
        self._out.close()
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        np.save(self.path.with_suffix(".offsets.npy"), _offsets(lengths))  # type: ignore[arg-type]


class MatrixWriter:
    """Appends rows to ``<path>.bin`` in one dtype; the row length is set by the first rows."""

    def __init__(self, path: Path, dtype: Any) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self.rows, self.dim = 0, 0
        self._out = open(path.with_suffix(".bin"), "wb")  # noqa: SIM115 (closed by close)

    def append(self, rows: np.ndarray) -> None:
        """Append ``rows`` (a 2-D array), converted to this writer's dtype."""
        if not len(rows):
            return
        if self.rows and rows.shape[1] != self.dim:
            raise ValueError(f"rows of {rows.shape[1]} values after rows of {self.dim}")
        self.dim = rows.shape[1]
        self._out.write(np.ascontiguousarray(rows, dtype=self.dtype).tobytes())
        self.rows += len(rows)

    def copy(self, source: Matrix, start: int, end: int) -> None:
        """Append rows ``start`` to ``end`` of ``source``, a block at a time."""
        step = max(1, BLOCK_BYTES // max(source.row_bytes, 1))
        for at in range(start, end, step):
            self.append(source.block(at, min(end, at + step)))

    def abort(self) -> None:
        """Close the file, written or not (the folder is discarded)."""
        self._out.close()

    def close(self) -> dict[str, Any]:
        """Close the file; what ``open_matrix`` needs besides it."""
        self._out.close()
        return {"rows": self.rows, "dim": self.dim or 1, "dtype": self.dtype.str}


def load_array(path: Path, dir_fd: int | None = None) -> np.ndarray:
    """An ``.npy`` file read whole (relative to the directory ``dir_fd`` when given)."""
    with os.fdopen(os.open(path, os.O_RDONLY, dir_fd=dir_fd), "rb") as source:
        array: np.ndarray = np.load(source)
        return array


def open_strings(path: Path, dir_fd: int | None = None) -> Strings:
    """The strings written by ``StringsWriter(path)``; ``ValueError`` if the file is short."""
    offsets = load_array(path.with_suffix(".offsets.npy"), dir_fd)
    return Strings(FileBlob(path.with_suffix(".bin"), dir_fd, int(offsets[-1])), offsets)


def open_matrix(path: Path, shape: dict[str, Any], dir_fd: int | None = None) -> Matrix:
    """The rows written by ``MatrixWriter(path)`` (``shape``: what its ``close`` returned)."""
    rows, dim, dtype = shape["rows"], shape["dim"], np.dtype(shape["dtype"])
    blob = FileBlob(path.with_suffix(".bin"), dir_fd, rows * dim * dtype.itemsize)
    return Matrix(blob, rows, dim, dtype)


def runs(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs of increasing positions as (start, end) pairs.

    [1, 2, 3, 7] -> [(1, 4), (7, 8)]: a view update copies each run of kept chunks in one go.
    """
    found: list[tuple[int, int]] = []
    for p in positions:
        if found and found[-1][1] == p:
            found[-1] = (found[-1][0], p + 1)
        else:
            found.append((p, p + 1))
    return found
