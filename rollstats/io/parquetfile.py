"""Native Parquet exports: the native columns, with any column types Arrow can hold."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .base import RawTable


def read(path: str | Path) -> RawTable:
    """Read a Parquet file of native columns; datetimes and numbers keep their types."""
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable Parquet file ({_one_line(exc)})") from None
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise IngestError(f"{path}: not a readable Parquet file ({type(exc).__name__}: {_one_line(exc)})") from None
    return RawTable(_bytes_as_text(frame.reset_index(drop=True)))


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
