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
        raise IngestError(f"{path}: not a readable Parquet file ({exc})") from None
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise IngestError(f"{path}: not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    return RawTable(frame.reset_index(drop=True))
