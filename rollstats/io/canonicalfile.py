"""Parquet files of the canonical segment table (a *dataset*): recognised and read as they are.

``rollstats ingest ... -o part.parquet`` and
:func:`rollstats.datasets.scale.write_cohort_parquet` write them: rows already checked and
typed, each keeping the ``source`` and ``source_row`` of the export it came from. Reading one
parses nothing again; what is checked is cheap and whole-column (types, no empty subject,
start or night, durations above zero). A Parquet file without every canonical column is a
native export instead, read by :mod:`rollstats.io.parquetfile`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import IngestError
from ..schema import SEGMENT_COLUMNS, SEGMENT_DTYPES, empty_rejects
from .base import Canonical

#: Suffixes of Parquet files.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".pq")


def is_canonical_parquet(path: str | Path) -> bool:
    """Whether ``path`` is a Parquet file whose schema holds every canonical column.

    >>> import tempfile
    >>> from rollstats.datasets import load_sample
    >>> name = Path(tempfile.mkdtemp()) / "part.parquet"
    >>> load_sample("patient").segments.to_parquet(name)
    >>> is_canonical_parquet(name), is_canonical_parquet(name.with_suffix(".csv"))
    (True, False)
    """
    path = Path(path)
    if path.suffix.lower() not in PARQUET_SUFFIXES or not path.is_file():
        return False
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowException):
        return False
    return set(SEGMENT_COLUMNS) <= names


def check_segments(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The canonical columns of ``frame`` with the canonical dtypes; an IngestError naming
    ``source`` when they cannot be.

    >>> check_segments(pd.DataFrame({"subject_id": ["a"]}), "x.parquet")
    Traceback (most recent call last):
    ...
    rollstats.errors.IngestError: x.parquet: not a file of canonical segments (no column 'start')
    """
    missing = [c for c in SEGMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise IngestError(f"{source}: not a file of canonical segments (no column {missing[0]!r})")
    try:
        frame = frame[list(SEGMENT_COLUMNS)].astype(SEGMENT_DTYPES)
    except (TypeError, ValueError) as exc:
        raise IngestError(f"{source}: a column has the wrong type for canonical segments ({exc})") from None
    for col in ("subject_id", "start", "night", "duration_s"):
        if frame[col].isna().any():
            raise IngestError(f"{source}: column {col!r} has empty cells; not canonical segments")
    if (frame["duration_s"] <= 0).any():
        raise IngestError(f"{source}: column 'duration_s' has values of zero or less; not canonical segments")
    return frame


def read(path: str | Path) -> Canonical:
    """One Parquet file of canonical segments as a part of a load: every row accepted as it is.

    >>> import tempfile
    >>> from rollstats.datasets import load_sample
    >>> name = Path(tempfile.mkdtemp()) / "part.parquet"
    >>> segments = load_sample("patient").segments
    >>> segments.to_parquet(name)
    >>> part = read(name)
    >>> part.rows_read == len(segments), part.segments.equals(segments)
    (True, True)
    """
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise IngestError(f"{path}: not a readable Parquet file ({exc})") from None
    frame = check_segments(table.to_pandas(), str(path))
    del table
    return as_part(frame)


def as_part(segments: pd.DataFrame) -> Canonical:
    """A canonical table read as it is (a dataset file, a cohort store) as a part of a load:
    every row accepted, none refused.

    >>> from rollstats.schema import empty_segments
    >>> as_part(empty_segments()).rows_read
    0
    """
    return Canonical(segments, empty_rejects(), pd.Series(dtype="int64"), len(segments))
