"""Native CSV exports: one header row, comma-separated, UTF-8 (a BOM is accepted)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import IngestError
from .base import RawTable


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
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""],
                            encoding="utf-8-sig", skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise IngestError(f"{path}: the file is empty (no header row)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable CSV file ({_first_line(exc)})") from None
    return RawTable(frame)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
