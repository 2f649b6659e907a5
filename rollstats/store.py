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
leftovers. Rows already stored (same :data:`~rollstats.io.combine.DUPLICATE_KEY`) are dropped
and counted as duplicates, so re-ingesting an overlapping export changes nothing.

Corrections (:mod:`rollstats.io.corrections`): an appended row with the identity of stored rows
(subject, start instant, region, side, activity) but a version the store does not hold replaces
them, the appended export being the later file. Parts are never changed in place: the parts
holding replaced rows are written anew without them in the same append, and its commit record
lists the parts it ``removes`` and the rows it ``replaced``; a part some commit removes is no
longer committed. One writer at a time: see :mod:`rollstats.store_lock`.

Both rules are those of every load (:func:`rollstats.io.combine.settle`): the stored rows are
the earlier part, the appended ones the later. Reading a store, alone or with other stores
and datasets, is :func:`rollstats.load` (the door, :mod:`rollstats.io.sources`);
:func:`read_store` is the store's own reader, which the door calls.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .io.combine import settle, sort_segments
from .io.results import IngestReport, LoadResult
from .program import Program
from .store_files import (BUCKETS, PARTITION, STORE_FILE, bucket_of, bucket_of_part, clean_leftovers,
                          committed_parts, is_store, open_locked, read_parts, stored_rows, write_parts)
from .store_lock import StoreError
from .times import night_of

__all__ = ["append", "read_store", "is_store", "bucket_of", "committed_parts", "bucket_of_part",
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
    with open_locked(root):
        clean_leftovers(root)
        segments = result.segments.reset_index(drop=True)
        stored, where = stored_rows(root, segments["subject_id"].unique())
        both = pd.concat([stored, segments], ignore_index=True) if len(stored) else segments
        # the store is the earlier part, the appended rows the later: the rule of every load
        settled = settle(both, np.r_[np.zeros(len(stored), np.int64), np.ones(len(segments), np.int64)])
        old = settled.superseded
        replaced = old.mask[:len(stored)]
        known = settled.duplicate[len(stored):]
        dropped = segments.loc[known, "source"].value_counts()
        new = segments.loc[~known].reset_index(drop=True)
        if len(new) or replaced.any():
            by = both.iloc[old.by]
            listed = [{"source": s, "source_row": int(r), "by": b, "by_row": int(n)} for s, r, b, n in zip(
                old.rejects["source"], old.rejects["source_row"], by["source"], by["source_row"])]
            write_parts(root, new, where.loc[replaced], listed)
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
    ``rollstats.load(store)`` gives the same rows (nights by its program, the card's by default).

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
    segments = read_parts(root, wanted)
    if program is not None:
        segments["night"] = night_of(segments["local_start"], program.night.day_start)
    return sort_segments(segments)
