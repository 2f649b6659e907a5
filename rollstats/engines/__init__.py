"""Where the summary runs: in this process with pandas, or on a Dask cluster.

Besides export files and cohort stores (:mod:`rollstats.store`), rollstats reads a **dataset**:
a folder (or a list) of plain Parquet files of the canonical segment table, as
``rollstats ingest ... -o DATASET/part.parquet`` or
:func:`rollstats.datasets.scale.write_cohort_parquet` write them: already checked and typed,
no text to parse again. :func:`read_dataset` reads one for pandas; :mod:`rollstats.distributed`
summarises datasets and cohort stores on a cluster, partition by partition.
:func:`summarize_in_parts` gives the summary of a table by groups of subjects (the same rows),
so that the command line can show progress.

>>> import tempfile, pathlib
>>> from rollstats.datasets.scale import write_cohort_parquet
>>> with tempfile.TemporaryDirectory() as tmp:
...     _ = write_cohort_parquet(tmp, n_subjects=4, n_nights=14, seed=2)
...     result = read_dataset(tmp)
...     is_dataset(tmp), is_dataset(pathlib.Path(tmp) / "nothing.csv")
(True, False)
>>> result.report.rows_read == len(result.segments)
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import IngestError
from ..schema import SEGMENT_COLUMNS, SEGMENT_DTYPES, empty_rejects

ENGINES: tuple[str, ...] = ("pandas", "dask")
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".pq")


def dataset_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """The Parquet files of ``paths`` (files, or folders searched recursively), sorted per folder."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in PARQUET_SUFFIXES)
        else:
            out.append(p)
    return out


def is_canonical_parquet(path: str | Path) -> bool:
    """Whether ``path`` is a Parquet file whose schema holds every canonical column."""
    path = Path(path)
    if path.suffix.lower() not in PARQUET_SUFFIXES or not path.is_file():
        return False
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowException):
        return False
    return set(SEGMENT_COLUMNS) <= names


def is_dataset(paths) -> bool:
    """Whether ``paths`` name only Parquet files of the canonical segment table (at least one).

    A cohort store (:mod:`rollstats.store`) is not a dataset: it has its own reader.
    """
    from ..store import is_store

    if any(is_store(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)):
        return False
    try:
        files = dataset_files(paths)
    except OSError:
        return False
    return bool(files) and all(is_canonical_parquet(f) for f in files)


def check_segments(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The canonical columns with the canonical dtypes; an IngestError when they cannot be.

    A dataset was checked when it was written; what is checked again here is cheap and whole-column:
    the types, no empty subject, start or night, and durations above zero.
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


def read_dataset(paths, progress: Callable[[int, int, Path], None] | None = None):
    """Read a dataset into one canonical table, as :func:`rollstats.load` reads exports.

    Files are read in order and combined like exports: exact duplicates (same subject, start,
    duration, region, side, activity) keep the first copy read, rows are sorted by subject
    and start. Returns a :class:`rollstats.io.loader.LoadResult` (no row is refused: a file
    that is not of canonical segments is an error). ``progress(done, total, path)``
    is called after each file.
    """
    import numpy as np

    from ..io.loader import IngestReport, LoadResult, duplicates, sort_segments, unknown_labels

    files = dataset_files(paths)
    if not files:
        raise IngestError(f"{paths}: no Parquet file")
    frames = []
    for i, path in enumerate(files, start=1):
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise IngestError(f"{path}: not a readable Parquet file ({exc})") from None
        frames.append(check_segments(table.to_pandas(), str(path)))
        del table
        if progress is not None:
            progress(i, len(files), path)
    rows = np.array([len(f) for f in frames], dtype="int64")
    segments = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    del frames
    duplicate = duplicates(segments).to_numpy()
    dropped = np.bincount(np.repeat(np.arange(len(rows)), rows)[duplicate], minlength=len(rows))
    if duplicate.any():
        segments = segments.loc[~duplicate]
    segments = sort_segments(segments)
    report = IngestReport(pd.DataFrame({
        "source": [str(f) for f in files], "rows_read": rows, "rows_accepted": rows - dropped,
        "duplicates_dropped": dropped, "rows_rejected": np.zeros(len(rows), dtype="int64"),
    }), unknown_labels(segments))
    return LoadResult(segments, empty_rejects(), report)


def summarize_in_parts(segments: pd.DataFrame, program=None, until=None, parts: int = 20,
                       progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """:func:`rollstats.summarize` computed by groups of subjects: the same table, in steps.

    The two figures of the whole table that every subject's row depends on (the last night
    of observation, and whether any segment is not rolling) are taken from the whole table
    first, as :mod:`rollstats.distributed` does on a cluster. ``progress(done, parts)`` is
    called after each group.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.metrics import summarize
    >>> segments = load_sample("cohort").segments
    >>> summarize_in_parts(segments, parts=4).equals(summarize(segments))
    True
    """
    import numpy as np

    from ..metrics import observed, summarize

    inside, end = observed(segments, until)
    exercises = bool((inside["activity"] != "rolling").any())
    codes, ids = pd.factorize(segments["subject_id"], sort=True)
    parts = max(1, min(parts, len(ids)))
    bounds = np.linspace(0, len(ids), parts + 1).round().astype(int)
    order = np.argsort(codes, kind="stable")
    cuts = np.searchsorted(codes[order], bounds)
    frames = []
    for i in range(parts):
        rows = order[cuts[i]:cuts[i + 1]]
        if len(rows):
            part = segments.iloc[np.sort(rows)]
            frames.append(summarize(part, program, until=end if pd.notna(end) else until,
                                    exercises_logged=exercises))
        if progress is not None:
            progress(i + 1, parts)
    if not frames:
        return summarize(segments, program, until=until)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.reset_index(drop=True)
