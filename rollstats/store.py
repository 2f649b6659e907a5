"""The cohort store: a folder of Parquet files that exports are appended to, one ingest at a time.

Layout (hive partitioning on a subject bucket)::

    STORE/_store.json                          what this folder is, and its number of buckets
    STORE/_commits/<txn>.json                  one record per append: its parts, rows and sources
    STORE/subject_bucket=NN/part-<txn>.parquet the canonical segments of subjects in bucket NN

A subject's bucket is ``blake2b(subject_id) mod 64``, stable across machines and runs. Why
buckets rather than one folder per subject: a cohort of thousands of subjects appended to
export by export would make one small file per subject and append (millions of files); 64
buckets keep every append to at most 64 files, while a per-subject read opens only its own
bucket (1/64 of the store) and skips row groups by the ``subject_id`` statistics (rows are
sorted by subject within a file).

Appends are atomic: new files are written under hidden temporary names, renamed into place,
and only then is the commit record written (itself by an atomic rename). Readers read only
committed parts, so a failed append leaves the store as it was; the next append removes its
leftovers. Rows already stored (same :data:`~rollstats.io.loader.DUPLICATE_KEY`) are dropped
and counted as duplicates, so re-ingesting an overlapping export changes nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .errors import RollstatsError
from .io.loader import DUPLICATE_KEY, IngestReport, LoadResult
from .program import Program
from .schema import SEGMENT_DTYPES, empty_rejects, empty_segments
from .times import night_of

STORE_FILE = "_store.json"
BUCKETS = 64
PARTITION = "subject_bucket"


class StoreError(RollstatsError):
    """A folder is not a cohort store, or another ingest is writing to it."""


def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a cohort store (a folder with ``_store.json``).

    >>> import tempfile
    >>> is_store(tempfile.mkdtemp())
    False
    """
    return (Path(path) / STORE_FILE).is_file()


def bucket_of(subjects: pd.Series, buckets: int = BUCKETS) -> pd.Series:
    """Each subject's bucket, 0 to ``buckets - 1``, from a stable hash (blake2b, the same on every machine).

    >>> bucket_of(pd.Series(["P001", "P002", "P001"])).tolist()
    [15, 4, 15]
    """
    uniques = pd.unique(subjects.astype("string"))
    number = {s: int.from_bytes(hashlib.blake2b(str(s).encode("utf-8"), digest_size=8).digest(), "big") % buckets
              for s in uniques}
    return subjects.astype("string").map(number).astype("int64")


def append(store: str | Path, result: LoadResult) -> LoadResult:
    """Add a load's segments to the store at ``store`` (made if missing); return what was added.

    Segments already in the store are dropped and counted as duplicates: the returned report
    keeps ``rows_read = accepted + duplicates + refused`` per file, ``segments`` holds only the
    rows written.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> folder = tempfile.mkdtemp()
    >>> first = append(folder, rollstats.load(sample_path("patient")))
    >>> again = append(folder, rollstats.load(sample_path("patient")))
    >>> len(again.segments), again.report.duplicates_dropped == first.report.rows_accepted
    (0, True)
    """
    root = _open(Path(store), create=True)
    with _Lock(root):
        _clean(root)
        segments = result.segments
        stored = _stored_keys(root, segments)
        if len(stored):
            known = _keys(segments).merge(stored.drop_duplicates().assign(_in=True), how="left",
                                          on=list(DUPLICATE_KEY))["_in"].fillna(False).to_numpy(dtype=bool)
        else:
            known = np.zeros(len(segments), dtype=bool)
        dropped = segments.loc[known, "source"].value_counts()
        new = segments.loc[~known].reset_index(drop=True)
        if len(new):
            _write(root, new)
    files = result.report.files.copy()
    again = files["source"].map(dropped).fillna(0).astype("int64")
    files["duplicates_dropped"] += again
    files["rows_accepted"] -= again
    report = IngestReport(files, dict(result.report.unknown_region_labels), dict(result.report.passed_over))
    return LoadResult(new, result.rejects, report)


def read_store(store: str | Path, subjects: Iterable[str] | None = None,
               program: Program | None = None) -> pd.DataFrame:
    """The canonical segment table held in a store (only ``subjects``, when given).

    With ``program``, nights are recomputed with its ``night.day_start`` (the stored nights
    follow the program of each ingest). Rows keep their ``source`` file and ``source_row``.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> folder = tempfile.mkdtemp()
    >>> _ = append(folder, rollstats.load(sample_path("patient")))
    >>> segments = read_store(folder)
    >>> len(segments) == len(rollstats.load(sample_path("patient")).segments)
    True
    """
    root = _open(Path(store), create=False)
    wanted = None if subjects is None else pd.Series(sorted(set(map(str, subjects))), dtype="string")
    buckets = None if wanted is None else set(bucket_of(wanted, _buckets(root)))
    parts = [p for p in committed_parts(root) if buckets is None or bucket_of_part(p) in buckets]
    if not parts:
        return empty_segments()
    table = ds.dataset([str(p) for p in parts], format="parquet", schema=_arrow_schema())
    if wanted is not None:
        table = table.to_table(filter=ds.field("subject_id").isin(wanted.tolist()))
    else:
        table = table.to_table()
    segments = table.to_pandas().astype(SEGMENT_DTYPES)
    if program is not None:
        segments["night"] = night_of(segments["local_start"], program.night.day_start)
    return segments.sort_values(["subject_id", "start", "source", "source_row"],
                                kind="stable").reset_index(drop=True)[list(SEGMENT_DTYPES)]


# --- the folder ---------------------------------------------------------------------------------

def _open(root: Path, create: bool) -> Path:
    if is_store(root):
        return root
    if not create:
        raise StoreError(f"{root}: not a rollstats store (no {STORE_FILE})")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError(f"{root}: exists and is not a rollstats store: give a new or empty folder")
    root.mkdir(parents=True, exist_ok=True)
    _write_json(root / STORE_FILE, {"format": "rollstats-store", "version": 1, "partition": PARTITION,
                                    "buckets": BUCKETS, "hash": "blake2b-64(subject_id) mod buckets"})
    return root


def _buckets(root: Path) -> int:
    return int(json.loads((root / STORE_FILE).read_text(encoding="utf-8")).get("buckets", BUCKETS))


def committed_parts(root: Path) -> list[Path]:
    """The Parquet part files of a store that a finished append committed, oldest first."""
    parts: list[Path] = []
    for record in sorted((root / "_commits").glob("[!.]*.json")):
        parts += [root / p for p in json.loads(record.read_text(encoding="utf-8"))["parts"]]
    return parts


def bucket_of_part(part: Path) -> int:
    """The subject bucket (0-63) a part file belongs to, from its ``bucket=N`` folder."""
    return int(part.parent.name.split("=", 1)[1])


def _stored_keys(root: Path, segments: pd.DataFrame) -> pd.DataFrame:
    """The duplicate keys already stored for the subjects of ``segments``."""
    if segments.empty:
        return _keys(segments)
    stored = read_store(root, subjects=segments["subject_id"].unique())
    return _keys(stored)


def _keys(segments: pd.DataFrame) -> pd.DataFrame:
    """The duplicate key in plain comparable columns (NA side as empty text)."""
    out = pd.DataFrame({c: segments[c].astype("string").fillna("") for c in DUPLICATE_KEY
                        if c not in ("start", "duration_s")})
    out["start"] = segments["start"].astype("datetime64[us, UTC]").astype("int64")
    out["duration_s"] = segments["duration_s"].astype("float64")
    return out[list(DUPLICATE_KEY)].reset_index(drop=True)


def _write(root: Path, segments: pd.DataFrame) -> None:
    """Write one part per bucket under temporary names, rename them, then commit."""
    txn = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    buckets = bucket_of(segments["subject_id"], _buckets(root))
    written: list[tuple[Path, Path]] = []
    for bucket, rows in segments.groupby(buckets.to_numpy(), sort=True):
        folder = root / f"{PARTITION}={bucket:02d}"
        folder.mkdir(exist_ok=True)
        rows = rows.sort_values(["subject_id", "start"], kind="stable")
        table = pa.Table.from_pandas(rows[list(SEGMENT_DTYPES)].astype(SEGMENT_DTYPES),
                                     schema=_arrow_schema(), preserve_index=False)
        temporary = folder / f".tmp-{txn}.parquet"
        pq.write_table(table, temporary, row_group_size=64 * 1024)
        written.append((temporary, folder / f"part-{txn}.parquet"))
    for temporary, final in written:
        _fsync(temporary)
        os.replace(temporary, final)
    (root / "_commits").mkdir(exist_ok=True)
    _write_json(root / "_commits" / f"{txn}.json", {
        "txn": txn, "rows": len(segments), "parts": [str(f.relative_to(root)) for _, f in written],
        "sources": sorted(segments["source"].astype(str).unique().tolist())})


def _clean(root: Path) -> None:
    """Remove what a failed append left: temporary files and parts that no commit lists."""
    committed = {p.resolve() for p in committed_parts(root)}
    for folder in root.glob(f"{PARTITION}=*"):
        for item in folder.iterdir():
            if item.name.startswith(".tmp-") or (item.suffix == ".parquet" and item.resolve() not in committed):
                item.unlink()
    for item in (root / "_commits").glob(".tmp-*"):
        item.unlink()


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, path)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


_SCHEMA: pa.Schema | None = None


def _arrow_schema() -> pa.Schema:
    """One Arrow schema for every part, so that parts of all appends read as one table."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = pa.Schema.from_pandas(empty_segments(), preserve_index=False)
    return _SCHEMA


class _Lock:
    """``STORE/_lock`` while an append runs: a second writer stops with a clear error."""

    def __init__(self, root: Path):
        self.path = root / "_lock"

    def __enter__(self):
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            raise StoreError(f"{self.path.parent}: another ingest is writing to this store "
                             f"(if none is, remove {self.path})") from None
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return self

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)
        return False


def load_or_read(paths, program: Program | None = None, **load_options) -> LoadResult:
    """:func:`rollstats.load` for export files; for cohort stores, their segments read whole.

    Stores and export files cannot be mixed in one call (ingest the files into the store
    first). A store's report has one line per store: its rows, all accepted.

    >>> import tempfile
    >>> from rollstats.datasets import sample_path
    >>> folder = tempfile.mkdtemp()
    >>> _ = append(folder, load_or_read(sample_path("patient")))
    >>> result = load_or_read([folder])
    >>> result.report.rows_read == len(result.segments) == len(read_store(folder))
    True
    """
    from .io.loader import load

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    stores = [p for p in paths if is_store(p)]
    if not stores:
        return load(paths, program=program, **load_options)
    if len(stores) < len(paths):
        raise StoreError("give either cohort stores or export files, not both "
                         "(add the files to the store with `rollstats ingest FILES -o STORE/`)")
    frames = [read_store(p, program=program or Program.default()) for p in stores]
    segments = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    duplicate = segments.duplicated(subset=list(DUPLICATE_KEY), keep="first")
    segments = segments.loc[~duplicate].sort_values(["subject_id", "start", "source", "source_row"],
                                                    kind="stable").reset_index(drop=True)
    files = pd.DataFrame({"source": [str(p) for p in stores], "rows_read": [len(f) for f in frames]})
    files["duplicates_dropped"] = _per_part(duplicate, frames)
    files["rows_accepted"] = files["rows_read"] - files["duplicates_dropped"]
    files["rows_rejected"] = 0
    files = files[["source", "rows_read", "rows_accepted", "duplicates_dropped", "rows_rejected"]]
    return LoadResult(segments, empty_rejects(), IngestReport(files))


def _per_part(duplicate: pd.Series, frames: list[pd.DataFrame]) -> list[int]:
    bounds = np.cumsum([0] + [len(f) for f in frames])
    flags = duplicate.to_numpy()
    return [int(flags[a:b].sum()) for a, b in zip(bounds[:-1], bounds[1:])]
