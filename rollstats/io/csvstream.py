"""A native CSV export read and checked at the speed of the parse.

:func:`canonical` gives what :func:`rollstats.io.csvfile.read` followed by
:func:`rollstats.io.base.canonicalise` gives (the same segments, rejects and source rows),
for the common case: a UTF-8 file, ``.`` as the decimal mark, a header of distinct names,
every row as wide as the header. Anything else (and any error) returns None, and the caller
takes the general road, which also words the error.

- **Parsed by Arrow's threads.** ``pyarrow.csv.read_csv`` parses the file in blocks on every
  core. Columns that repeat a few values (labels, numbers, notes: :data:`CODED`) come out
  dictionary-encoded, so that the checks read each distinct cell once; empty cells stay empty
  text (every check strips cells and reads ``""`` as empty).
- **Checked batch by batch.** Each block is a record batch, checked by
  :func:`rollstats.io.checks.check` in a pool of threads (Arrow's kernels and numpy release the
  GIL); each batch then writes the rows it accepts straight into the table's columns at its own
  place (:class:`rollstats.io.stack.Stack`) and its memory goes. Source rows run on across
  batches (row 1 is the first record after the header, as in the general road).
- **Guarded after the parse.** The general road scans the whole file for quoting faults before
  it parses (:mod:`rollstats.io.csvguard`). Here the header's width is checked first, and the
  parser itself refuses rows of another width (a line of 350,000 cells stops it at once). A
  quoted cell that runs on past its line shows up as a cell holding a line break: at the first
  such cell the full scan runs (it refuses the file naming the line, or passes notes written
  over several lines). A cell opened on the last line and never closed holds no line break;
  that line alone is scanned.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import IngestError
from ..program import Program
from ..schema import empty_rejects
from . import csvguard, text
from .arrowcells import RawCells
from .base import NATIVE_COLUMNS, Canonical, named_columns
from .checks import KINDS, check, no_unknown
from .stack import Stack

#: Bytes of the file parsed per block (one record batch each).
BLOCK_BYTES = 4 << 20
#: Threads that check batches (the machine's cores, at most 4) and batches in flight at once.
WORKERS = max(1, min(4, os.cpu_count() or 1))
_AHEAD = WORKERS


def canonical(path: str | Path, program: Program, tz: str | None = None,
              block_bytes: int = BLOCK_BYTES) -> Canonical | None:
    """The canonical part of the CSV export at ``path``, or None where the general road must
    read it (see the module). ``block_bytes``: bytes parsed per batch.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    >>> _ = f.write("subject_id,start,duration_s\\ns1,2024-03-03T23:50+01:00,90\\n,2024-03-03T23:55+01:00,30\\n")
    >>> f.close()
    >>> part = canonical(f.name, Program.default())
    >>> part.segments["duration_s"].tolist(), part.rejects["source_row"].tolist(), part.rows_read
    ([90.0], [2], 2)
    >>> os.remove(f.name)
    """
    source = str(path)
    header = _header(path)
    if header is None:
        return None
    encoding, delimiter, names = header
    try:
        folded = named_columns(pd.DataFrame(columns=names), source).columns.tolist()
    except IngestError:
        return None  # the general road refuses it, after its own checks
    table = None
    for numbers_read in (True, False):
        try:
            table = _read(path, delimiter, block_bytes, _types(names, folded, numbers_read))
        except pa.ArrowInvalid as exc:
            if numbers_read and "conversion error" in str(exc):
                continue  # a number column holds a cell Arrow does not read as a number
            return None
        except (pa.ArrowException, OSError, ValueError):
            return None
        if not numbers_read or _finite(table, names, folded):
            break
    if table.column_names != names or not table.num_rows:
        return None
    rows_read = table.num_rows
    batches = table.to_batches()
    del table  # each batch's memory goes as soon as it is checked
    return _checked(batches, rows_read, folded, source, program, tz, path, encoding, delimiter)


def _read(path, delimiter: str, block_bytes: int, types: dict) -> pa.Table:
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        path, read_options=pacsv.ReadOptions(encoding="utf8", block_size=block_bytes),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        # empty text cells stay empty text (the checks strip every cell and read "" as empty),
        # so that the codes of a dictionary column are never null; empty numbers are null
        convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                             quoted_strings_can_be_null=False))


#: Columns of numbers. The reader reads them as numbers when every cell of them is a number
#: or empty (else, and where a cell reads as NaN or infinite, as text: the checks then read
#: them as the reference does and name the cells that are not numbers).
NUMBERS = ("duration_s", "hold_count", "hold_s", "pain_before", "pain_after")
#: Columns that repeat a few values over many rows (or are mostly empty): the reader
#: dictionary-encodes them, and the checks work once per distinct cell.
CODED = ("region", "side", "clock", "activity", "trigger", "checkin", "tz", "notes") + NUMBERS


def _types(names: list[str], folded: list[str], numbers_read: bool = True) -> dict:
    coded = pa.dictionary(pa.int32(), pa.string())
    return {name: pa.float64() if numbers_read and canonical_name in NUMBERS else coded if canonical_name in CODED
            else pa.large_string() for name, canonical_name in zip(names, folded)}


def _finite(table: pa.Table, names: list[str], folded: list[str]) -> bool:
    """Whether every number read is finite (Arrow reads ``nan`` and ``inf``, whose text the
    checks must see)."""
    import pyarrow.compute as pc

    return all(pc.all(pc.is_finite(table.column(name))).as_py() is not False
               for name, canonical_name in zip(names, folded) if canonical_name in NUMBERS)


def _header(path) -> tuple[str, str, list[str]] | None:
    """Encoding, delimiter and header names of a file this road reads, else None."""
    with open(path, "rb") as handle:
        sample = handle.read(64 * 1024)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        return None
    encoding = "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        sample_text = sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not only a character cut at the sample's end
            return None
        sample_text = sample[: exc.start].decode(encoding)
    ends = [i for i in (sample_text.find("\n"), sample_text.find("\r")) if i >= 0]
    if not ends:
        return None  # a header longer than the sample: the general road measures it
    first = sample_text[: min(ends)]
    delimiter = text.sniff_delimiter(sample_text.lstrip("\ufeff"), NATIVE_COLUMNS)
    if first.count(delimiter) >= csvguard.MAX_COLUMNS - 1 or '"' in first and first.count('"') % 2:
        return None
    if delimiter != ",":  # a decimal comma is read by the general road
        try:
            head, _ = text.read_table(path, text.Dialect(encoding, delimiter), nrows=50)
        except IngestError:
            return None
        if text.sniff_decimal(head, delimiter) != ".":
            return None
    try:
        names = next(csv.reader(io.StringIO(first.lstrip("\ufeff")), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return None
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        return None
    return encoding, delimiter, names


def _checked(batches: list, rows_read: int, folded, source, program, tz, path, encoding,
             delimiter) -> Canonical:
    """Each batch checked in the pool, its rows written at their place in the table."""
    stack = Stack(rows_read, KINDS)
    pending, rejects, unknown = deque(), [], []
    first_row, scanned = 1, False

    def collect(future) -> None:
        nonlocal scanned
        batch_rejects, batch_unknown, broken = future.result()
        if broken and not scanned:
            csvguard.check(path, encoding, delimiter)  # refuses a fault naming its line, or passes
            scanned = True
        rejects.append(batch_rejects)
        unknown.append(batch_unknown)
        pa.default_memory_pool().release_unused()  # hand back the memory of the batches checked

    with ThreadPoolExecutor(WORKERS) as pool:
        number = 0
        for i, batch in enumerate(batches):
            batches[i] = None
            if not batch.num_rows:
                continue
            rows = np.arange(first_row, first_row + batch.num_rows, dtype=np.int64)
            first_row += batch.num_rows
            pending.append(pool.submit(_check_batch, stack, number, batch, folded, source, program, tz, rows))
            number += 1
            del batch
            while len(pending) > _AHEAD or (pending and pending[0].done()):
                collect(pending.popleft())
        while pending:
            collect(pending.popleft())
    if not scanned:
        _last_line(path, encoding, delimiter)
    return Canonical(stack.frame(), _joined(rejects), _counted(unknown, "region" if "region" in folded else None),
                     rows_read)


def _check_batch(stack: Stack, index: int, batch: pa.RecordBatch, folded: list[str], source: str,
                 program: Program, tz: str | None, rows: np.ndarray) -> tuple[pd.DataFrame, pd.Series, bool]:
    """One batch checked (in a worker thread) and written into ``stack``: its rejects, unknown
    labels, and whether a cell of it holds a line break."""
    try:
        (columns, keep), rejects, unknown, _ = check(RawCells(dict(zip(folded, batch.columns))), source, program,
                                                     tz, rows, frame=False)
    except BaseException:
        stack.skip(index)  # the batches after this one must not wait for it
        raise
    stack.put(index, columns, keep)
    return rejects, unknown, _has_break(batch)


def _joined(rejects: list) -> pd.DataFrame:
    refused = [r for r in rejects if r is not None and len(r)]
    return pd.concat(refused, ignore_index=True) if refused else empty_rejects()


def _counted(unknown: list, name: str | None) -> pd.Series:
    """Unknown labels of every batch with their counts summed, most frequent first."""
    found = [u for u in unknown if u is not None and len(u)]
    if not found:
        return no_unknown(name)
    counts = pd.concat(found).groupby(level=0, sort=False).sum()
    return counts.sort_values(ascending=False, kind="stable").rename(found[0].name)


def _has_break(batch: pa.RecordBatch) -> bool:
    """Whether any cell of the batch holds a line break (LF or CR)."""
    for column in batch.columns:
        column = column.dictionary if pa.types.is_dictionary(column.type) else column
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue  # numbers hold no line break
        data = column.buffers()[2]
        if data is None:
            continue
        units = np.frombuffer(data, dtype=np.uint8)
        if len(units) and units.min() <= 0x0D and np.count_nonzero((units == 0x0A) | (units == 0x0D)):
            return True
    return False


def _last_line(path, encoding: str, delimiter: str) -> None:
    """Refuse a quoted cell opened on the last line and never closed (no cell holds a line
    break, so every other line starts outside quotes: the last one alone is scanned)."""
    size = Path(path).stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - (1 << 16)))
        tail = handle.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return
    cut = max(tail.rfind(b"\n"), tail.rfind(b"\r"))
    if cut < 0 and size > len(tail):
        csvguard.check(path, encoding, delimiter)  # a last line longer than the tail: scan it all
        return
    if csvguard.open_at_end(tail[cut + 1:], delimiter):
        csvguard.check(path, encoding, delimiter)  # names the line
