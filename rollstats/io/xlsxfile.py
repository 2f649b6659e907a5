"""Native XLSX exports: the first sheet, a header row, then one segment per row."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from . import safezip
from .base import RawTable


def read(path: str | Path, sheet: int | str = 0) -> RawTable:
    """Read the first sheet (or ``sheet``) of an XLSX workbook as cells of their own types."""
    # a workbook is a zip: its members' count, sizes and ratios pass the zip-bomb caps first
    safezip.check(path)
    try:
        # only an empty cell is missing: text such as "NA", "null" or "nan" is kept as written (as CSV does)
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl",
                              keep_default_na=False, na_values=[""])
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise IngestError(f"{path}: not a readable XLSX workbook ({_one_line(exc)})") from None
    except Exception as exc:  # openpyxl lets a damaged part through as TypeError, IndexError, ParseError...
        raise IngestError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {_one_line(exc)})") from None
    frame = frame.dropna(how="all")
    return RawTable(frame.reset_index(drop=True), source_row=frame.index.to_series() + 1)


def _one_line(exc: Exception) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__
