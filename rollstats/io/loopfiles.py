"""The files of a Loop Habit Tracker export, zipped or unpacked, read line by line within limits.

:mod:`rollstats.io.loop` reads an export through :func:`open_export`, which gives the same
member names (``Habits.csv``, ``001 Foam rolling/Checkmarks.csv`` ...) for the zip and for the
folder it unpacks to, and :func:`records`, which streams one CSV file as rows: nothing is read
whole, so memory follows the rows kept by the reader, not what a small zip expands to, and time
is linear in the bytes read. The limits below are declared, not guessed: beyond one of them the
export is refused with an :class:`~rollstats.errors.IngestError` that names the file (the
module constants are read at each call, so a caller may change them).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
from pathlib import Path
from typing import Callable, Iterator

from ..errors import IngestError
from . import safezip

HABITS_FILE = "Habits.csv"
CHECKMARKS_FILE = "Checkmarks.csv"
#: At most this many rows, blank ones too, in one CSV file (a habit has one row per day: 137 years).
MAX_ROWS = 50_000
#: At most this many bytes (32 MiB) in one CSV file of the export ...
MAX_FILE_BYTES = 32 * 2**20
#: ... and this many bytes (64 KiB) in one line of it.
MAX_LINE_BYTES = 64 * 2**10


def is_export_folder(path: str | Path) -> bool:
    """Whether ``path`` is an unpacked Loop export: a folder with ``Habits.csv`` at its top.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> is_export_folder(folder)
    False
    >>> _ = (folder / "Habits.csv").write_text("Position,Name\\n001,Foam rolling\\n")
    >>> is_export_folder(folder), is_export_folder(folder / "Habits.csv")
    (True, False)
    """
    path = Path(path)
    return path.is_dir() and (path / HABITS_FILE).is_file()


@contextlib.contextmanager
def open_export(path: str | Path) -> Iterator[tuple[list[str], Callable[[str], io.BufferedIOBase]]]:
    """(member names, ``open(name)`` giving a binary stream) of an export zip or folder.

    A zip goes through :mod:`rollstats.io.safezip` (its caps, members counted as they are
    read); a folder lists ``Habits.csv`` and each ``NNN Name/Checkmarks.csv``, nothing deeper.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "001 Foam rolling").mkdir()
    >>> _ = (folder / "001 Foam rolling" / "Checkmarks.csv").write_text("2024-03-03,2\\n")
    >>> with open_export(folder) as (names, open_member):
    ...     names, [row for row in records(open_member(names[0]), "demo")]
    (['001 Foam rolling/Checkmarks.csv'], [(1, ['2024-03-03', '2'])])
    """
    path = Path(path)
    if path.is_dir():
        yield _folder_members(path), lambda name: open(path / name, "rb")
        return
    with safezip.open_zip(path) as archive:
        yield archive.names, lambda name: io.BufferedReader(archive.open(name), 1 << 16)


def records(stream, where: str) -> Iterator[tuple[int, list[str]]]:
    """(row number from 1, cells) of each non-blank CSV row of a binary UTF-8 stream.

    ``where`` names the file in errors. More than :data:`MAX_ROWS` rows (blank ones too), a
    file over :data:`MAX_FILE_BYTES` bytes, a line over :data:`MAX_LINE_BYTES` bytes, text
    that is not UTF-8 or a broken CSV row: an :class:`IngestError`. The stream is closed when
    the rows end, fail or are left unread.

    >>> list(records(io.BytesIO(b"\\xef\\xbb\\xbfDate,Value\\n\\n2024-03-03,\\"2\\"\\n"), "demo"))
    [(1, ['Date', 'Value']), (2, ['2024-03-03', '2'])]
    """
    lines = _lines(stream, where)
    reader = csv.reader(lines)
    number = 0
    try:
        for seen, cells in enumerate(reader, start=1):
            if seen > MAX_ROWS:
                raise IngestError(f"{where}: refused: more than {MAX_ROWS} rows (a habit has one "
                                  "row per day)")
            if any(cell.strip() for cell in cells):
                number += 1
                yield number, cells
    except csv.Error as exc:
        raise IngestError(f"{where}: row {number + 1} is not a readable CSV row ({exc})") from None
    finally:
        lines.close()


def _lines(stream, where: str) -> Iterator[str]:
    total = 0
    try:
        for number in itertools.count(1):
            line = stream.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            total += len(line)
            if len(line) > MAX_LINE_BYTES:
                raise IngestError(f"{where}: refused: line {number} is longer than {MAX_LINE_BYTES} bytes")
            if total > MAX_FILE_BYTES:
                raise IngestError(f"{where}: refused: more than {MAX_FILE_BYTES} bytes")
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                raise IngestError(f"{where}: line {number} is not UTF-8 text") from None
    finally:
        stream.close()


def _folder_members(folder: Path) -> list[str]:
    names = [HABITS_FILE] if (folder / HABITS_FILE).is_file() else []
    with os.scandir(folder) as entries:
        for count, entry in enumerate(entries, start=1):
            if count > safezip.MAX_MEMBERS:
                raise IngestError(f"{folder}: refused: more than {safezip.MAX_MEMBERS} entries, "
                                  "more than a Loop export holds")
            if entry.is_dir() and (Path(entry.path) / CHECKMARKS_FILE).is_file():
                names.append(f"{entry.name}/{CHECKMARKS_FILE}")
    return sorted(names)


__all__ = ["open_export", "records", "is_export_folder", "MAX_ROWS", "MAX_FILE_BYTES", "MAX_LINE_BYTES"]
