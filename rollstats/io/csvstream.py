"""A native CSV export read and checked batch by batch, at the speed of the parse.

:func:`canonical` gives what :func:`rollstats.io.csvfile.read` followed by
:func:`rollstats.io.base.canonicalise` gives (the same segments, rejects and source rows),
for the common case: a UTF-8 file, ``.`` as the decimal mark, a header of distinct names,
every row as wide as the header. Anything else (and any error) returns None, and the caller
takes the general road, which also words the error.

- **Streamed.** ``pyarrow.csv.open_csv`` hands the file over in record batches (blocks of
  :data:`BLOCK_BYTES`); each batch is checked by :func:`rollstats.io.checks.check` in a pool
  of threads (Arrow's kernels and numpy release the GIL) while the next one is parsed, so only
  a few batches of text are alive next to the growing canonical columns. Source rows run on
  across batches (row 1 is the first record after the header, as in the general road).
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
from . import csvguard, text
from .base import NATIVE_COLUMNS, Canonical, named_columns
from .checks import NULLABLE, check
from .stack import Stack

#: Bytes of the file parsed per record batch.
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
    import pyarrow.csv as pacsv

    source = str(path)
    header = _header(path)
    if header is None:
        return None
    encoding, delimiter, names = header
    try:
        folded = named_columns(pd.DataFrame(columns=names), source).columns.tolist()
    except IngestError:
        return None  # the general road refuses it, after its own checks
    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(encoding="utf8", block_size=block_bytes),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True))
        if reader.schema.names != names:
            return None
        return _checked(reader, folded, source, program, tz, path, encoding, delimiter, block_bytes)
    except (pa.ArrowException, OSError, ValueError):
        return None


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


def _checked(reader, folded, source, program, tz, path, encoding, delimiter, block_bytes) -> Canonical | None:
    """Each batch checked in the pool and stacked in file order; None when there is no row."""
    pending, done = deque(), _Done(Path(path).stat().st_size, block_bytes)
    first_row, scanned = 1, False
    with ThreadPoolExecutor(WORKERS) as pool:
        for batch in reader:
            if not batch.num_rows:
                continue
            rows = np.arange(first_row, first_row + batch.num_rows, dtype=np.int64)
            first_row += batch.num_rows
            pending.append(pool.submit(_check_batch, batch, folded, source, program, tz, rows))
            del batch
            while len(pending) >= _AHEAD or (pending and pending[0].done()):
                checked, broken = pending.popleft().result()
                if broken and not scanned:
                    csvguard.check(path, encoding, delimiter)  # refuses a fault naming its line, or passes
                    scanned = True
                done.add(checked)
                pa.default_memory_pool().release_unused()  # hand back what the batch's checks freed
        while pending:
            checked, broken = pending.popleft().result()
            if broken and not scanned:
                csvguard.check(path, encoding, delimiter)
                scanned = True
            done.add(checked)
    if done.stack is None:
        return None
    if not scanned:
        _last_line(path, encoding, delimiter)
    return done.part()


def _check_batch(batch: pa.RecordBatch, folded: list[str], source: str, program: Program, tz: str | None,
                 rows: np.ndarray) -> tuple[tuple, bool]:
    """One batch checked (in a worker thread), and whether a cell of it holds a line break."""
    raw = pd.DataFrame({name: pd.Series(col, dtype="str") for name, col in zip(folded, batch.columns)}, copy=False)
    return check(raw, source, program, tz, rows, False), _has_break(batch)


class _Done:
    """What the checked batches gave so far: segments stacked, rejects and unknown labels listed."""

    def __init__(self, size: int, block_bytes: int):
        self.blocks = max(1.0, size / block_bytes)
        self.stack: Stack | None = None
        self.rejects, self.unknown, self.rows_read = [], [], 0

    def add(self, checked) -> None:
        segments, rejects, unknown, n = checked
        if self.stack is None:  # room for as many rows in every block as in the first
            self.stack = Stack(int(n * self.blocks * 1.1) + 1024, NULLABLE)
            self.empty = rejects, unknown
        self.stack.append(segments)
        if len(rejects):
            self.rejects.append(rejects)
        if len(unknown):
            self.unknown.append(unknown)
        self.rows_read += n

    def part(self) -> Canonical:
        rejects = pd.concat(self.rejects, ignore_index=True) if self.rejects else self.empty[0]
        unknown = self.empty[1]
        if self.unknown:
            counts = pd.concat(self.unknown).groupby(level=0, sort=False).sum()
            unknown = counts.sort_values(ascending=False, kind="stable").rename(unknown.name)
        return Canonical(self.stack.frame(), rejects, unknown, self.rows_read)


def _has_break(batch: pa.RecordBatch) -> bool:
    """Whether any cell of the batch holds a line break (LF or CR)."""
    for column in batch.columns:
        data = column.buffers()[2]
        if data is None:
            continue
        units = np.frombuffer(data, dtype=np.uint8)
        if np.count_nonzero(units <= 0x0D) and np.count_nonzero((units == 0x0A) | (units == 0x0D)):
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
