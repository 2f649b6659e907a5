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

Corrections (:mod:`rollstats.io.corrections`): an appended row with the identity of stored rows
(subject, start instant, region, side, activity) but a version the store does not hold replaces
them, the appended export being the later file. Parts are never changed in place: the parts
holding replaced rows are written anew without them in the same append, and its commit record
lists the parts it ``removes`` and the rows it ``replaced``; a part some commit removes is no
longer committed. One writer at a time: see :mod:`rollstats.store_lock`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .io.corrections import superseded
from .io.loader import DUPLICATE_KEY, IngestReport, LoadResult
from .program import Program
from .schema import SEGMENT_DTYPES, empty_rejects, empty_segments
from .store_files import (_STORE_RECORD, _TEMPORARY_STORE_FILE, BUCKETS, PARTITION, STORE_FILE, _arrow_schema,
                          _buckets_of, _clean, _only_leftovers, _write_json, _write_parts, bucket_of, bucket_of_part,
                          committed_parts, is_store)
from .store_lock import StoreError, StoreLock
from .times import night_of

__all__ = ["append", "read_store", "load_or_read", "is_store", "bucket_of", "committed_parts", "bucket_of_part",
           "StoreError", "STORE_FILE", "BUCKETS", "PARTITION"]


def append(store: str | Path, result: LoadResult) -> LoadResult:
    """Add a load's segments to the store at ``store`` (made if missing); return what was added.

    Segments already in the store are dropped and counted as duplicates: the returned report
    keeps ``rows_read = accepted + duplicates + refused`` per file, ``segments`` holds only the
    rows written. Stored rows that an appended row corrects (same subject, start instant,
    region, side and activity, another duration, note...) are replaced by it:
    ``report.replaced_in_store`` counts them, the commit record lists them.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> folder = tempfile.mkdtemp()
    >>> first = append(folder, rollstats.load(sample_path("patient")))
    >>> again = append(folder, rollstats.load(sample_path("patient")))
    >>> len(again.segments), again.report.duplicates_dropped == first.report.rows_accepted
    (0, True)
    """
    root = Path(store)
    with _open_locked(root):
        _clean(root)
        segments = result.segments
        stored, where = _stored_rows(root, segments["subject_id"].unique())
        both = pd.concat([stored, segments], ignore_index=True) if len(stored) else segments
        old = superseded(both, np.r_[np.zeros(len(stored), np.int64), np.ones(len(segments), np.int64)])
        replaced = old.mask[:len(stored)]
        kept = _keys(stored.loc[~replaced])
        if len(kept):
            known = _keys(segments).merge(kept.drop_duplicates().assign(_in=True), how="left",
                                          on=list(DUPLICATE_KEY))["_in"].fillna(False).to_numpy(dtype=bool)
        else:
            known = np.zeros(len(segments), dtype=bool)
        dropped = segments.loc[known, "source"].value_counts()
        new = segments.loc[~known].reset_index(drop=True)
        if len(new) or replaced.any():
            by = both.iloc[old.by]
            listed = [{"source": s, "source_row": int(r), "by": b, "by_row": int(n)} for s, r, b, n in zip(
                old.rejects["source"], old.rejects["source_row"], by["source"], by["source_row"])]
            _write_parts(root, new, where.loc[replaced], listed)
    files = result.report.files.copy()
    again = files["source"].map(dropped).fillna(0).astype("int64")
    files["duplicates_dropped"] += again
    files["rows_accepted"] -= again
    report = IngestReport(files, dict(result.report.unknown_region_labels), dict(result.report.passed_over),
                          replaced_in_store=int(replaced.sum()))
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
    root = Path(store)
    if not is_store(root):
        raise StoreError(f"{root}: not a rollstats store (no {STORE_FILE})")
    wanted = None if subjects is None else pd.Series(sorted(set(map(str, subjects))), dtype="string")
    buckets = None if wanted is None else set(bucket_of(wanted, _buckets_of(root)))
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

def _not_a_store(root: Path) -> StoreError:
    return StoreError(f"{root}: exists and is not a rollstats store: give a new or empty folder")


class _open_locked:
    """``with _open_locked(root):`` the store at ``root`` (made when the folder is new, empty, or
    holds only what a writer killed while making it left), locked for this writer."""

    def __init__(self, root: Path):
        self.root, self.lock = root, StoreLock(root)

    def __enter__(self) -> Path:
        if not is_store(self.root):
            if self.root.exists() and not (self.root.is_dir() and _only_leftovers(self.root)):
                raise _not_a_store(self.root)  # a file, or a folder of other things
            self.root.mkdir(parents=True, exist_ok=True)
        self.lock.__enter__()
        try:
            if not is_store(self.root):  # and nobody made it meanwhile
                if not _only_leftovers(self.root):
                    raise _not_a_store(self.root)
                for item in self.root.iterdir():
                    if _TEMPORARY_STORE_FILE.fullmatch(item.name):
                        item.unlink()
                _write_json(self.root / STORE_FILE, _STORE_RECORD)
        except BaseException:
            self.lock.__exit__()
            raise
        return self.root

    def __exit__(self, *exc) -> bool:
        return self.lock.__exit__(*exc)


def _stored_rows(root: Path, subjects) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows of ``subjects`` and where each lies (columns ``part``, ``position``)."""
    wanted = pd.Series(sorted(set(map(str, subjects))), dtype="string")
    where = pd.DataFrame({"part": pd.Series(dtype=object), "position": pd.Series(dtype="int64")})
    if not len(wanted):
        return empty_segments(), where
    buckets = set(bucket_of(wanted, _buckets_of(root)))
    frames, places = [], []
    for part in (p for p in committed_parts(root) if bucket_of_part(p) in buckets):
        table = pq.read_table(part, schema=_arrow_schema())
        ids = table.column("subject_id")
        hit = pc.is_in(ids, value_set=pa.array(wanted.tolist(), type=ids.type)).to_numpy(zero_copy_only=False)
        positions = np.flatnonzero(hit)
        if len(positions):
            frames.append(table.take(positions).to_pandas())
            places.append(pd.DataFrame({"part": part, "position": positions}))
    if not frames:
        return empty_segments(), where
    stored = pd.concat(frames, ignore_index=True).astype(SEGMENT_DTYPES)[list(SEGMENT_DTYPES)]
    return stored, pd.concat(places, ignore_index=True)


def _keys(segments: pd.DataFrame) -> pd.DataFrame:
    """The duplicate key in plain comparable columns (NA side as empty text)."""
    out = pd.DataFrame({c: segments[c].astype("string").fillna("") for c in DUPLICATE_KEY
                        if c not in ("start", "duration_s")})
    out["start"] = segments["start"].astype("datetime64[us, UTC]").astype("int64")
    out["duration_s"] = segments["duration_s"].astype("float64")
    return out[list(DUPLICATE_KEY)].reset_index(drop=True)


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
