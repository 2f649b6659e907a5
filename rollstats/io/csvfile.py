"""Native CSV exports: one header row, then one segment per row.

The encoding (UTF-8 with or without a BOM, UTF-16 with a BOM, Windows-1252 / Latin-1), the
delimiter (``,`` ``;`` tab ``|``) and a decimal comma (``60,5``) are sniffed by
:mod:`rollstats.io.text`; with a decimal comma the number columns are read as ``60.5``. Rows
too wide and broken quoting are refused by the sniffer, before the parse (:mod:`.csvguard`).
``rollstats.load`` reads most native exports (UTF-8, ``.`` decimals) through :mod:`.csvstream`
instead, batch by batch, and falls back to this reader for every other file.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from . import text
from ._fast import read_csv_text
from .base import NATIVE_COLUMNS, RawTable


def read(path: str | Path) -> RawTable:
    """Read a native CSV export as text cells (empty cells become NA).

    >>> import io, tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    >>> _ = f.write("subject_id,start,duration_s\\ns1,2024-03-03T23:50+01:00,90\\n"); f.close()
    >>> read(f.name).frame.iloc[0].tolist()
    ['s1', '2024-03-03T23:50+01:00', '90']
    >>> os.remove(f.name)
    """
    try:
        dialect = text.sniff(path, names=NATIVE_COLUMNS)
        # pyarrow's parser where it gives the same cells (UTF-8 files), else pandas'
        frame = read_csv_text(path, dialect.encoding, dialect.delimiter)
        if frame is None:
            # index_col=False: a row with one cell more than the header (a trailing delimiter) is
            # read as it stands, not as an index column that shifts every cell one column right;
            # pandas warns where that drops a cell that holds something, and that refuses the file
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], index_col=False,
                                    encoding=dialect.encoding, sep=dialect.delimiter, skip_blank_lines=True)
    except pd.errors.ParserWarning:
        raise IngestError(f"{path}: not a readable CSV file (a row has more cells than the header row)") from None
    except pd.errors.EmptyDataError:
        raise IngestError(f"{path}: the file is empty (no header row)") from None
    except (pd.errors.ParserError, UnicodeError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable CSV file ({_first_line(exc)})") from None
    if dialect.decimal == ",":
        for column in frame.columns:
            if str(column).strip().lower() in _NUMBER_COLUMNS:
                frame[column] = text.to_point_decimal(frame[column])
    return RawTable(frame)


#: Native columns that hold numbers (a decimal comma is read in these only).
_NUMBER_COLUMNS = ("duration_s", "clock", "hold_count", "hold_s", "pain_before", "pain_after")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
