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
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise IngestError(f"{path}: not a readable XLSX workbook ({exc})") from None
    frame = frame.dropna(how="all")
    return RawTable(frame.reset_index(drop=True), source_row=frame.index.to_series() + 1)
