"""Native Parquet exports: the native columns, with any column types Arrow can hold."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import IngestError
from .base import NATIVE_COLUMNS, RawTable


def read(path: str | Path) -> RawTable:
    """Read a Parquet file of native columns; datetimes and numbers keep their types.

    A text column whose bytes are not UTF-8 (a damaged file, or one written in another
    encoding) stops the load with an :class:`~rollstats.errors.IngestError` naming the file,
    the column and the first such rows (1 = first data row).

    >>> import tempfile, os
    >>> name = os.path.join(tempfile.mkdtemp(), "bad.parquet")
    >>> text = pa.array([b"P1", b"P\\xff2"], type=pa.binary()).view(pa.string())
    >>> pq.write_table(pa.table({"subject_id": text, "start": ["2026-03-03T21:00+01:00"] * 2}), name)
    >>> try:
    ...     read(name)
    ... except IngestError as exc:
    ...     print(str(exc).replace(name, "bad.parquet")[:86])
    bad.parquet: column 'subject_id', row 2: bytes that are not UTF-8 text (1 such cell in
    """
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        _check_text(path)
        raise IngestError(f"{path}: not a readable Parquet file ({_one_line(exc)})") from None
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        _check_text(path)
        raise IngestError(f"{path}: not a readable Parquet file ({type(exc).__name__}: {_one_line(exc)})") from None
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        if str(name).strip().lower() in NATIVE_COLUMNS:
            _check_column(path, name, frame[name])
    return RawTable(_bytes_as_text(frame))


def _one_line(exc: Exception) -> str:
    """An exception's message on one line (Arrow's end with a line break or span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _bytes_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Binary cells as UTF-8 text (bytes that are not UTF-8 replaced by U+FFFD), so that such a
    cell is read, or refused with its value, instead of stopping the load."""
    for i, dtype in enumerate(frame.dtypes):
        if dtype == object:
            col = frame.iloc[:, i]
            binary = col.map(lambda v: isinstance(v, bytes))
            if binary.any():
                frame.isetitem(i, col.map(lambda v: v.decode("utf-8", "replace") if isinstance(v, bytes) else v))
    return frame


def _check_column(path, name, column: pd.Series) -> None:
    """Refuse the file if a text column (Arrow-backed) holds bytes that are not UTF-8."""
    values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
    if values.dtype == object or not pd.api.types.is_string_dtype(values.dtype):
        return  # Python objects are decoded already; numbers and times hold no text
    array = pa.array(values)
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        codes = column.cat.codes.to_numpy() if values is not column else None
        _refuse(path, name, array, codes)


def _check_text(path) -> None:
    """Where pandas could not read a file, name a text column that is not UTF-8, if that was why."""
    try:
        table = pq.read_table(path)
    except Exception:  # noqa: BLE001 - not readable by pyarrow either: the caller's message stands
        return
    for name, column in zip(table.column_names, table.columns):
        kind = column.type
        if pa.types.is_dictionary(kind):
            for chunk in column.chunks:
                try:
                    chunk.dictionary.validate(full=True)
                except pa.ArrowInvalid:
                    _refuse(path, name, chunk.dictionary, chunk.indices.to_numpy(zero_copy_only=False))
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                _refuse(path, name, column.combine_chunks(), None)


def _refuse(path, name, values, codes) -> None:
    """Raise the error naming the column and first rows whose text is not UTF-8.

    ``values``: Arrow text; ``codes``: per row, its position in ``values`` (None: row = position).
    """
    raw = values.cast(pa.large_binary() if pa.types.is_large_string(values.type) else pa.binary()).to_pylist()
    bad = {i for i, b in enumerate(raw) if b is not None and not _is_utf8(b)}
    rows = [i + 1 for i in range(len(raw)) if i in bad] if codes is None else \
        [i + 1 for i, c in enumerate(codes) if c in bad]
    shown = ", ".join(map(str, rows[:5])) + (" ..." if len(rows) > 5 else "")
    cells = f"{len(rows)} such cell{'s' if len(rows) != 1 else ''} in the column"
    raise IngestError(f"{path}: column {str(name)!r}, row{'s' if len(rows) > 1 else ''} {shown}: bytes that are "
                      f"not UTF-8 text ({cells}): the file is damaged or was not written as UTF-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
