"""Native XLSX exports: the first sheet, a header row, then one segment per row.

A sheet is read by its real cells, never as the rectangle it declares (a stray cell at
``XFD1048576`` makes no table of a million rows by 16,384 columns):

- the workbook, a zip, passes the zip-bomb caps of :mod:`rollstats.io.safezip`;
- then each XML part is walked once as a stream (:mod:`rollstats.io.xmlguard`: no entity,
  depth at most ``MAX_DEPTH``, no token over :data:`MAX_TOKEN_BYTES`) while its rows and
  cells are counted: a row number past :data:`MAX_ROWS`, a row of more than
  :data:`MAX_COLUMNS` cells or a part of more than :data:`MAX_CELLS` cells is refused before
  openpyxl parses anything (it holds a whole row in memory at a time);
- openpyxl then reads the sheet row by row in read-only mode, with the sheet's declared size
  dropped, and only cells that hold something are kept, column by column. The table has a
  column for each header cell and for each column holding a value; a column with neither
  carries nothing and is left out. Its rows times columns, and the cells its rows span from
  column A to their last cell, are at most :data:`MAX_CELLS`.

Cells keep their own types: text, numbers (an integral number as ``int``), booleans, dates and
times; an empty or error cell is missing, text such as ``NA`` is kept as written. Header cells
name the columns as pandas names them (``Unnamed: 3`` for an empty one, ``x.1`` for a second
``x``). ``source_row`` is the row's place after the header (the sheet's row number minus 1).
Every refusal is an :class:`~rollstats.errors.IngestError` naming the file.
"""
from __future__ import annotations

import codecs
import itertools
import math
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from ..errors import IngestError
from . import safezip, xmlguard
from .base import RawTable

#: At most this many rows: Excel's own limit (a row number past it is refused).
MAX_ROWS = 1_048_576
#: At most this many cells in a row, and no cell past this column: Excel's own limit (XFD).
MAX_COLUMNS = 16_384
#: At most this many cells in a sheet, in the table it makes, and spanned by its rows.
MAX_CELLS = 25_000_000
#: A tag of an XLSX part may take at most this many bytes (2 MiB).
MAX_TOKEN_BYTES = 2 * 2**20

_MISSING = object()  # an empty or error cell
_XML_STARTS = (b"<", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00<")


def read(path: str | Path, sheet: int | str = 0) -> RawTable:
    """Read the first sheet (or ``sheet``: its 0-based position or its name) of an XLSX workbook.

    Returns the header's columns, one row per non-empty row below it, each cell of its own type.
    Limits are counts of cells and rows (see the module's notes).

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "book.xlsx"
    >>> book = openpyxl.Workbook()
    >>> for row in (["subject_id", "duration_s"], ["s1", 60.0], [None, None], ["s2", 90.5]):
    ...     book.active.append(row)
    >>> book.active["XFD1048576"] = "far"
    >>> book.save(path)
    >>> raw = read(path)
    >>> raw.frame.columns.tolist(), raw.frame["duration_s"].tolist()[:2], raw.source_row.tolist()
    (['subject_id', 'duration_s', 'Unnamed: 16383'], [60, 90.5], [1, 3, 1048575])
    >>> tmp.cleanup()
    """
    path = Path(path)
    with safezip.open_zip(path) as archive:
        for member in archive.names:
            _scan_part(archive, member, f"{path}: {member}")
    try:  # the file is opened here, so that it is closed however openpyxl fails
        handle = open(path, "rb")
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
            try:
                return _read_sheet(path, book, sheet)
            finally:
                book.close()
        except IngestError:
            raise
        except Exception as exc:  # openpyxl lets a damaged part through as TypeError, KeyError, ParseError...
            raise _unreadable(path, exc) from None


class _PartScan(xmlguard.Walker):
    """Counts the rows and cells of one XML part, refusing past the limits (expat's handlers are
    overridden whole: a large sheet has millions of tags)."""

    def __init__(self, what: str):
        super().__init__(what)
        self.cells = 0
        self.in_row = 0

    def _start(self, tag: str, attrs: list[str]) -> None:
        self.depth += 1
        self.mark = self._expat.CurrentByteIndex
        if self.depth > self.max_depth:
            self._too_deep(tag)
        if tag[-2:] == "}c" or tag == "c":
            self.cells += 1
            self.in_row += 1
            if self.in_row > MAX_COLUMNS:
                raise IngestError(f"{self.what}: refused: a row holds more than {MAX_COLUMNS} cells")
            if self.cells > MAX_CELLS:
                raise IngestError(f"{self.what}: refused: more than {MAX_CELLS} cells")
        elif tag[-4:] == "}row" or tag == "row":
            self.in_row = 0
            number = xmlguard.attributes(attrs).get("r", "").strip()
            if number.isdigit() and int(number) > MAX_ROWS:
                raise IngestError(f"{self.what}: refused: row {number} is past row {MAX_ROWS}, "
                                  "the last a sheet may have")

    def _end(self, tag: str) -> None:
        self.mark = self._expat.CurrentByteIndex
        self.depth -= 1


def _scan_part(archive: safezip.SafeZip, member: str, what: str) -> None:
    """Walk one member of the package if it is XML; a part that is not well formed is left to
    openpyxl, which refuses it only if it reads it."""
    with archive.open(member) as stream:
        pieces = xmlguard.chunks(stream)
        first = next(pieces, b"")
        if not first.lstrip(b" \t\r\n").startswith(_XML_STARTS):
            return
        try:
            xmlguard.walk(itertools.chain([first], pieces), _PartScan(what), max_token_bytes=MAX_TOKEN_BYTES)
        except xmlguard.MalformedXml:
            return


def _read_sheet(path: Path, book, sheet: int | str) -> RawTable:
    """The table of one sheet: its header, then its non-empty rows, kept column by column."""
    if isinstance(sheet, str):
        if sheet not in book.sheetnames:
            raise ValueError(f"Worksheet named '{sheet}' not found")
        source = book[sheet]
    else:
        if not 0 <= sheet < len(book.worksheets):
            raise ValueError(f"Worksheet index {sheet} is invalid, {len(book.worksheets)} worksheets found")
        source = book.worksheets[sheet]
    source.reset_dimensions()  # the size a sheet declares is not trusted: rows end at their last cell
    header: tuple = ()
    places: list[int] = []  # the 0-based place after the header of each kept row
    columns: dict[int, tuple[list[int], list]] = defaultdict(lambda: ([], []))
    spanned = 0
    for number, row in enumerate(source.iter_rows(), start=1):
        if number > MAX_ROWS:
            raise IngestError(f"{path}: refused: more than {MAX_ROWS} rows")
        if len(row) > MAX_COLUMNS:
            raise IngestError(f"{path}: refused: row {number} has a cell past column {MAX_COLUMNS} (XFD), "
                              "the last a sheet may have")
        spanned += len(row)
        if spanned > MAX_CELLS:
            raise IngestError(f"{path}: refused: its rows span more than {MAX_CELLS} cells "
                              "(counted from column A to each row's last cell)")
        if number == 1:
            header = tuple(_header(path, cell) for cell in row)
            continue
        slot = -1
        for index, cell in enumerate(row):
            if cell.value is None:  # a gap in the row, or an empty cell
                continue
            value = _value(path, cell)
            if value is _MISSING:
                continue
            if slot < 0:
                slot = len(places)
                places.append(number - 2)
            held = columns[index]
            held[0].append(slot)
            held[1].append(value)
    return RawTable(*_table(path, header, places, columns))


def _value(path: Path, cell):
    """A cell's value as pandas reads it (60.0 as 60), or ``_MISSING`` for an empty or error cell."""
    value = cell.value
    if value is None or cell.data_type == "e" or (isinstance(value, str) and value == ""):
        return _MISSING
    if cell.data_type == "n" and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise IngestError(f"{path}: not a readable XLSX workbook (cell {cell.coordinate} holds "
                              f"the number {value}, which is not finite)")
        whole = int(value)
        return whole if whole == value else float(value)
    return value


def _header(path: Path, cell):
    """A header cell as pandas names a column by it: "" for an empty cell, NaN for an error."""
    if cell.value is None:
        return ""
    value = _value(path, cell)
    return np.nan if value is _MISSING and cell.data_type == "e" else "" if value is _MISSING else value


def _table(path: Path, header: tuple, places: list[int], columns: dict) -> tuple[pd.DataFrame, pd.Series]:
    """The frame (object columns) and its rows' ``source_row``, from the cells kept."""
    width = max([len(header), *(i + 1 for i in columns)])
    names = _dedup([f"Unnamed: {i}" if i >= len(header) or _blank(header[i]) else header[i]
                    for i in range(width)])
    kept = [i for i in range(width) if i in columns or (i < len(header) and not _blank(header[i]))]
    if len(kept) * len(places) > MAX_CELLS:
        raise IngestError(f"{path}: refused: its cells make a table of {len(places)} rows by {len(kept)} "
                          f"columns, more than {MAX_CELLS} cells")
    data = {}
    for i in kept:
        values = np.full(len(places), np.nan, dtype=object)
        if i in columns:
            slots, cells = columns[i]
            values[np.asarray(slots, dtype=np.int64)] = _objects(cells)
        data[i] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(places)), dtype=object)
    frame.columns = pd.Index([names[i] for i in kept], dtype=object)
    return frame, pd.Series(places, dtype="int64") + 1


def _objects(values: list) -> np.ndarray:
    """A list as a 1-d object array, whatever its items (tuples and such stay whole)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _blank(value) -> bool:
    return isinstance(value, str) and value == ""


def _dedup(names: list) -> list:
    """Repeated column names made unique as pandas does: ``a``, ``a.1``, ``a.2``."""
    counts: dict = defaultdict(int)
    unique = []
    for name in names:
        count = counts[name]
        while count > 0:
            counts[name] = count + 1
            name = f"{name}.{count}"
            count = counts[name]
        unique.append(name)
        counts[name] = count + 1
    return unique


def _unreadable(path: Path, exc: Exception) -> IngestError:
    if isinstance(exc, (zipfile.BadZipFile, OSError, ValueError, KeyError)):
        return IngestError(f"{path}: not a readable XLSX workbook ({_one_line(exc)})")
    return IngestError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {_one_line(exc)})")


def _one_line(exc: Exception) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


__all__ = ["read", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS", "MAX_TOKEN_BYTES"]
