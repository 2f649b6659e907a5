"""Zip archives read without trusting them: the one guard every zip-based reader goes through.

A zip names its own sizes, and a hostile one lies or compresses a few kilobytes into gigabytes
(a *zip bomb*). Before a member is read, :func:`open_zip` checks, from the archive's own
directories:

- the **member count** (``max_members``): read from the end-of-central-directory record
  *before* :mod:`zipfile` builds its list of members, so a zip of millions of empty entries is
  refused without first filling memory with them;
- the **total uncompressed size** the members declare (``max_total_bytes``);
- each member's **compression ratio**, uncompressed / compressed size (``max_ratio``), for
  members that declare more than ``ratio_floor_bytes`` (small files of repeated bytes compress
  extremely well and are harmless).

Then members are read as streams (:meth:`SafeZip.open`) through a byte counter that stops at
the size the member declared and at what is left of the total cap: a header that understates
a member's size cannot make the reader decompress more than was checked.

The defaults are generous for real exports (an Apple Health ``export.zip`` often holds more
than 1 GB of XML) and are module constants, overridable per call. Every refusal is an
:class:`~rollstats.errors.IngestError` that names the file.
"""
from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from ..errors import IngestError

#: At most this many members in one archive.
MAX_MEMBERS = 10_000
#: At most this many bytes (4 GiB), uncompressed, in all members together.
MAX_TOTAL_BYTES = 4 * 2**30
#: A member may be at most this many times larger uncompressed than compressed ...
MAX_RATIO = 200.0
#: ... when it declares more than this many bytes (1 MiB) uncompressed.
RATIO_FLOOR_BYTES = 2**20
#: Bytes per member that the central directory may take on average (names, extra fields).
_DIRECTORY_BYTES_PER_MEMBER = 1024


class CountingStream(io.RawIOBase):
    """A read-only stream that counts the bytes it hands out and refuses to pass ``limit``.

    ``limit`` is in bytes; ``what`` names the file and member in the error;
    ``on_read(count)`` is called after every read with the running count (bytes).

    >>> s = CountingStream(io.BytesIO(b"abcdef"), limit=4, what="demo.zip:x")
    >>> s.read(3), s.count
    (b'abc', 3)
    >>> s.read(3)
    Traceback (most recent call last):
    ...
    rollstats.errors.IngestError: demo.zip:x: refused: more than 4 bytes, the most this member may hold
    """

    def __init__(self, raw, limit: int | None = None, what: str = "stream",
                 on_read: Callable[[int], None] | None = None):
        super().__init__()
        self._raw = raw
        self.limit = limit
        self.what = what
        self.count = 0
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        # read at most one byte past the limit, so an overrun is seen without reading more
        if self.limit is not None:
            room = self.limit - self.count + 1
            size = room if size is None or size < 0 else min(size, room)
        data = self._raw.read(size)
        self.count += len(data)
        if self.limit is not None and self.count > self.limit:
            raise IngestError(f"{self.what}: refused: more than {self.limit} bytes, "
                              "the most this member may hold")
        if self._on_read is not None:
            self._on_read(self.count)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class SafeZip:
    """An open zip archive whose directory passed the caps; members are read as streams.

    Use :func:`open_zip` to get one. ``names`` lists the members (files only, no folders);
    ``size(name)`` is a member's declared uncompressed size in bytes.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "two.zip"
    >>> with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("a.csv", "x\\n1\\n")
    ...     z.writestr("b/c.txt", "hello world")
    >>> with open_zip(path) as archive:
    ...     stream = archive.open("b/c.txt")
    ...     archive.size("b/c.txt"), stream.read(5), stream.count
    (11, b'hello', 5)
    >>> tmp.cleanup()
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile, max_total_bytes: int):
        self.path = path
        self._zip = archive
        self._infos = {i.filename: i for i in archive.infolist() if not i.is_dir()}
        self._left = max_total_bytes  #: bytes still allowed to be read, over all members

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def open(self, name: str, on_read: Callable[[int], None] | None = None) -> CountingStream:
        """A binary stream of one member, counted and capped at its declared size.

        ``on_read(count)`` is called after each read with the bytes read so far.
        """
        info = self._infos.get(name)
        if info is None:
            raise IngestError(f"{self.path}: no member {name!r} in the archive")
        limit = min(info.file_size, self._left)
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise IngestError(f"{self.path}: member {name!r} cannot be read ({exc})") from None
        return _Spending(self, raw, limit, f"{self.path}: {name}", on_read)

    def read_bytes(self, name: str) -> bytes:
        """A whole (small) member, read through the counter. Bytes, capped as :meth:`open`."""
        with self.open(name) as stream:
            chunks = []
            while True:
                chunk = stream.read(1 << 16)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeZip":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Spending(CountingStream):
    """A member stream that also spends the archive's remaining total allowance."""

    def __init__(self, owner: SafeZip, raw, limit: int, what: str, on_read):
        super().__init__(raw, limit, what, on_read)
        self._owner = owner

    def read(self, size: int = -1) -> bytes:
        before = self.count
        try:
            data = super().read(size)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error,
                lzma.LZMAError) as exc:
            # a CRC error, a truncated member, a lying header that zipfile caught itself, bad deflate data
            raise IngestError(f"{self.what}: the archive is damaged ({exc})") from None
        self._owner._left -= self.count - before
        return data


def _declared_entries(path: Path) -> tuple[int, int] | None:
    """(member count, central directory size in bytes) from the end record, or None."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - every CPython so far has it
        return None
    with open(path, "rb") as fp:
        record = end_record(fp)
    if record is None:
        return None
    return int(record[zipfile._ECD_ENTRIES_TOTAL]), int(record[zipfile._ECD_SIZE])


def open_zip(path: str | Path, max_members: int | None = None, max_total_bytes: int | None = None,
             max_ratio: float | None = None, ratio_floor_bytes: int | None = None) -> SafeZip:
    """Open a zip archive after checking its member count, total size and compression ratios.

    Sizes are in bytes, ``max_ratio`` is uncompressed / compressed size; a cap not given is
    the module constant of that name (:data:`MAX_MEMBERS`, :data:`MAX_TOTAL_BYTES`,
    :data:`MAX_RATIO`, :data:`RATIO_FLOOR_BYTES`), read at each call. Raises
    :class:`IngestError` naming the file when the archive is not a zip or breaks a cap.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "demo.zip"
    >>> with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("a.txt", "hello")
    >>> with open_zip(path) as archive:
    ...     archive.names, archive.read_bytes("a.txt")
    (['a.txt'], b'hello')
    >>> with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("zeros.bin", bytes(3 * 2**20))
    >>> open_zip(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rollstats.errors.IngestError: .../demo.zip: refused as a possible zip bomb: member 'zeros.bin' ...
    >>> tmp.cleanup()
    """
    path = Path(path)
    max_members = MAX_MEMBERS if max_members is None else max_members
    max_total_bytes = MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    max_ratio = MAX_RATIO if max_ratio is None else max_ratio
    ratio_floor_bytes = RATIO_FLOOR_BYTES if ratio_floor_bytes is None else ratio_floor_bytes
    try:
        declared = _declared_entries(path)
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if declared is None:
        raise IngestError(f"{path}: not a zip archive (no end-of-archive record)")
    count, directory_bytes = declared
    if count > max_members:
        raise IngestError(f"{path}: refused as a possible zip bomb: {count} members, "
                          f"more than the {max_members} allowed")
    if directory_bytes > max_members * _DIRECTORY_BYTES_PER_MEMBER:
        raise IngestError(f"{path}: refused as a possible zip bomb: its directory takes "
                          f"{directory_bytes} bytes")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"{path}: not a readable zip archive ({exc})") from None
    try:
        _check_directory(path, archive.infolist(), max_members, max_total_bytes, max_ratio, ratio_floor_bytes)
    except IngestError:
        archive.close()
        raise
    return SafeZip(path, archive, max_total_bytes)


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], max_members: int, max_total_bytes: int,
                     max_ratio: float, ratio_floor_bytes: int) -> None:
    if len(infos) > max_members:
        raise IngestError(f"{path}: refused as a possible zip bomb: {len(infos)} members, "
                          f"more than the {max_members} allowed")
    total = 0
    for info in infos:
        if info.file_size > ratio_floor_bytes and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise IngestError(
                f"{path}: refused as a possible zip bomb: member {info.filename!r} would grow "
                f"{ratio:.0f} times ({info.compress_size} -> {info.file_size} bytes; "
                f"at most {max_ratio:g} allowed)")
        total += info.file_size
        if total > max_total_bytes:
            raise IngestError(f"{path}: refused as a possible zip bomb: members hold more than "
                              f"{max_total_bytes} bytes uncompressed")


def check(path: str | Path, **caps) -> list[str]:
    """Check an archive against the caps without reading a member; return its member names.

    For files another library then opens itself (XLSX workbooks through openpyxl). ``caps``
    are the keyword arguments of :func:`open_zip`. :mod:`zipfile` stops every member at the
    size it declares, so the declared total checked here bounds what can be decompressed.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "book.xlsx"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("xl/workbook.xml", "<workbook/>")
    >>> check(path)
    ['xl/workbook.xml']
    >>> tmp.cleanup()
    """
    with open_zip(path, **caps) as archive:
        return archive.names


__all__ = ["open_zip", "check", "SafeZip", "CountingStream", "MAX_MEMBERS", "MAX_TOTAL_BYTES",
           "MAX_RATIO", "RATIO_FLOOR_BYTES"]
