"""The one rule that turns rows read from several parts into one canonical table.

A **part** is what one thing the user pointed at gave: an export file, one file of a Parquet
dataset, or a whole cohort store. Parts are stacked in the order given and then:

1. rows a later part gives in another version are **superseded** (:mod:`rollstats.io.corrections`);
2. of the rows left, **exact duplicates** (:data:`DUPLICATE_KEY`) keep the first copy read;
3. the rows kept are put in the **canonical order**: subject, start, source, source row.

Every reader of the package uses this module for these three steps: :func:`combine` when a
load gives a table with its report, :func:`settle` when a store append compares new rows with
stored ones, :func:`merge_parts` in the Dask engine, one partition at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..regions import ALIASES, normalise_label
from ..schema import empty_rejects, empty_segments
from ._fast import factorize, per_value
from .base import Canonical
from .corrections import Superseded, superseded
from .results import IngestReport, LoadResult

#: Two rows with these equal are the same segment exported twice.
DUPLICATE_KEY: tuple[str, ...] = ("subject_id", "start", "duration_s", "region", "side", "activity")


@dataclass(frozen=True)
class Settled:
    """What the rule decides for rows stacked from parts: which are superseded, which repeat."""

    superseded: Superseded  #: rows a later part gives in another version (``mask``, ``rejects``, ``by``)
    duplicate: np.ndarray  #: per row: an exact duplicate of an earlier row that is not superseded

    @property
    def kept(self) -> np.ndarray:
        """Per row: true where the row stays in the table."""
        return ~(self.superseded.mask | self.duplicate)


def settle(segments: pd.DataFrame, part_of: np.ndarray) -> Settled:
    """Apply the rule to ``segments``, rows stacked in reading order; ``part_of`` gives each
    row's part (0 = first part read).

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "a"],
    ...                   "start": pd.to_datetime(["2026-03-03 20:00"] * 3, utc=True),
    ...                   "region": "calf", "side": "left", "activity": "rolling",
    ...                   "duration_s": [60.0, 60.0, 90.0], "trigger": "routine", "hold_count": pd.NA,
    ...                   "hold_s": pd.NA, "pain_before": pd.NA, "pain_after": pd.NA, "notes": pd.NA,
    ...                   "source": ["a.csv", "a.csv", "b.csv"], "source_row": [1, 2, 1]})
    >>> done = settle(t, np.array([0, 0, 1]))   # b.csv, read last, says 90 s: both 60 s rows go
    >>> done.superseded.mask.tolist(), done.duplicate.tolist(), done.kept.tolist()
    ([True, True, False], [False, False, False], [False, False, True])
    >>> settle(t, np.array([0, 1, 1])).duplicate.tolist()   # row 2 repeats row 1 exactly
    [False, True, False]
    """
    part_of = np.asarray(part_of, dtype=np.int64)
    old = _superseded(segments, part_of)
    left = np.flatnonzero(~old.mask)
    duplicate = np.zeros(len(segments), dtype=bool)
    if len(left):
        rows = segments if len(left) == len(segments) else segments.iloc[left]
        duplicate[left] = duplicates(rows).to_numpy()
    return Settled(old, duplicate)


def _superseded(segments: pd.DataFrame, part_of: np.ndarray) -> Superseded:
    """:func:`~rollstats.io.corrections.superseded`, given only the subjects read from two parts
    or more (only they can have versions in several parts: a generated dataset has none)."""
    nothing = Superseded(np.zeros(len(segments), dtype=bool), empty_rejects(), np.zeros(0, dtype=np.int64))
    if len(segments) < 2 or part_of.min() == part_of.max():
        return nothing
    subject = pd.factorize(segments["subject_id"])[0].astype(np.int64)
    width = int(part_of.max()) + 1
    pairs = pd.unique(subject * width + part_of)
    spans = np.bincount(pairs // width, minlength=int(subject.max()) + 1) > 1
    rows = np.flatnonzero(spans[subject])
    if not len(rows):
        return nothing
    if len(rows) == len(segments):
        return superseded(segments, part_of)
    found = superseded(segments.iloc[rows], part_of[rows])
    mask = nothing.mask
    mask[rows[found.mask]] = True
    return Superseded(mask, found.rejects, rows[found.by])


def merge_parts(segments: pd.DataFrame, part_of: np.ndarray) -> pd.DataFrame:
    """The canonical table of rows stacked from parts: the rule applied, rows in canonical order.

    >>> t = pd.DataFrame({"subject_id": ["b", "a", "a"],
    ...                   "start": pd.to_datetime(["2026-03-03 20:00"] * 3, utc=True),
    ...                   "region": "calf", "side": "left", "activity": "rolling",
    ...                   "duration_s": 60.0, "trigger": "routine", "hold_count": pd.NA,
    ...                   "hold_s": pd.NA, "pain_before": pd.NA, "pain_after": pd.NA, "notes": pd.NA,
    ...                   "source": ["x.csv", "x.csv", "y.csv"], "source_row": [1, 2, 1]})
    >>> merge_parts(t, np.array([0, 0, 1]))[["subject_id", "source"]].values.tolist()
    [['a', 'x.csv'], ['b', 'x.csv']]
    """
    kept = settle(segments, part_of).kept
    return sort_segments(segments if kept.all() else segments.iloc[np.flatnonzero(kept)])


def combine(parts: list[Canonical], sources: list[str], passed_over: dict[str, int] | None = None,
            mapped: Iterable[str] = ()) -> LoadResult:
    """One table from per-part results read in order (``sources``: their names): the rule
    applied, superseded rows added to the rejects, and the report, part by part, with
    rows read = accepted + duplicates dropped + refused. ``mapped``: the labels a mapping file
    names (see :func:`unknown_labels`).

    >>> from rollstats.io import canonicalise
    >>> from rollstats.program import Program
    >>> raw = pd.DataFrame({"subject_id": "a", "start": "2026-03-03T21:00+01:00", "duration_s": [60, 60]})
    >>> one = canonicalise(raw.iloc[:1], "x.csv", Program.default())
    >>> two = canonicalise(raw, "y.csv", Program.default())
    >>> report = combine([one, two], ["x.csv", "y.csv"]).report
    >>> report.files[["rows_read", "rows_accepted", "duplicates_dropped"]].values.tolist()
    [[1, 1, 0], [2, 0, 2]]
    """
    frames = [p.segments for p in parts if len(p.segments)]
    segments = pd.concat(frames, ignore_index=True) if len(frames) > 1 else (
        frames[0].reset_index(drop=True) if frames else empty_segments())
    part_of = np.repeat(np.array([i for i, p in enumerate(parts) if len(p.segments)], dtype=np.int64),
                        [len(f) for f in frames])
    del frames
    settled = settle(segments, part_of)
    old = settled.superseded
    replaced = np.bincount(part_of[old.mask], minlength=len(parts))
    dropped = np.bincount(part_of[settled.duplicate], minlength=len(parts))
    kept = settled.kept
    segments = sort_segments(segments if kept.all() else segments.iloc[np.flatnonzero(kept)])
    files = pd.DataFrame({
        "source": sources,
        "rows_read": [p.rows_read for p in parts],
        "rows_accepted": np.array([len(p.segments) for p in parts], dtype=np.int64) - dropped - replaced,
        "duplicates_dropped": dropped,
        "rows_rejected": np.array([len(p.rejects) for p in parts], dtype=np.int64) + replaced,
        "superseded": replaced,
    })
    rejects = _with_superseded(parts, old.rejects, part_of[old.mask])
    return LoadResult(segments, rejects, IngestReport(files, unknown_labels(segments, mapped), dict(passed_over or {})))


def _with_superseded(parts: list[Canonical], old: pd.DataFrame, part_of: np.ndarray) -> pd.DataFrame:
    """Every part's refused rows, with its superseded rows among them in the order of their rows."""
    frames = [p.rejects for p in parts if len(p.rejects)]
    if not len(old):
        return pd.concat(frames, ignore_index=True) if frames else empty_rejects()
    part = np.concatenate([np.full(len(p.rejects), i) for i, p in enumerate(parts)] + [part_of])
    rows = pd.concat([*frames, old], ignore_index=True)
    order = np.lexsort((rows["source_row"].to_numpy(), part))
    return rows.take(order).reset_index(drop=True)


def duplicates(segments: pd.DataFrame) -> pd.Series:
    """Rows whose :data:`DUPLICATE_KEY` an earlier row has (``DataFrame.duplicated``, first kept).

    Only rows that share subject and start with another row can be duplicates: those few are
    found first on two integer columns, and the full key is compared among them alone.

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "a"], "start": pd.to_datetime(["2026-03-03"] * 3, utc=True),
    ...                   "duration_s": [60.0, 60.0, 30.0], "region": "calf", "side": "left", "activity": "rolling"})
    >>> duplicates(t).tolist()
    [False, True, False]
    """
    if not len(segments):
        return pd.Series(False, index=segments.index)
    start = segments["start"].astype("datetime64[us, UTC]").array.asi8
    steps = _steps(segments["subject_id"]) if len(segments) > 1 else None
    if steps is not None:
        later = np.sign(np.diff(start)).astype(np.int8)
    if steps is not None and not ((steps < 0) | ((steps == 0) & (later < 0))).any():
        same = (steps == 0) & (later == 0)  # in order by subject and start: equal pairs are neighbours
        maybe = np.zeros(len(segments), dtype=bool)
        maybe[1:] |= same
        maybe[:-1] |= same
    else:
        maybe = _shared_pairs(factorize(segments["subject_id"])[0], start)
    out = np.zeros(len(segments), dtype=bool)
    if maybe.any():
        out[maybe] = segments.loc[maybe, list(DUPLICATE_KEY)].duplicated(keep="first").to_numpy()
    return pd.Series(out, index=segments.index)


def _shared_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose pair (``a``, ``b``) another row has too (``duplicated(keep=False)`` of the
    pair): equal pairs are neighbours once the rows are in order, which they often are already.
    """
    order = None
    if len(a) > 1:
        step_a, step_b = np.diff(a), np.diff(b)
        if (step_a < 0).any() or ((step_a == 0) & (step_b < 0)).any():
            order = np.lexsort((b, a))
            a, b = a[order], b[order]
    same = (a[1:] == a[:-1]) & (b[1:] == b[:-1])
    shared = np.zeros(len(a), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if order is not None:
        shared[order] = shared.copy()
    return shared


def _steps(values: pd.Series) -> np.ndarray | None:
    """Sign of each step from a row to the next of a text column (Arrow's byte order, which is
    the order of code points, as Python's), or None when the column is not Arrow text or has NA."""
    if not pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        return None
    try:
        arr = values.array.__arrow_array__()  # chunks as they are (a file's name shares one buffer)
    except (AttributeError, TypeError, pa.ArrowException):
        return None
    if arr.null_count:
        return None
    later, earlier = arr[1:], arr[:-1]
    down = pc.less(later, earlier).to_numpy(zero_copy_only=False)
    same = pc.equal(later, earlier).to_numpy(zero_copy_only=False)
    return np.where(same, 0, np.where(down, -1, 1)).astype(np.int8)


def sort_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Rows by subject, start, source and source row (stable); no copy when already in order.

    >>> t = pd.DataFrame({"subject_id": ["b", "a", "a"], "start": pd.to_datetime(["2026-03-03"] * 3, utc=True),
    ...                   "source": ["x", "y", "x"], "source_row": [1, 1, 2]})
    >>> sort_segments(t)[["subject_id", "source"]].values.tolist()
    [['a', 'x'], ['a', 'y'], ['b', 'x']]
    """
    if len(segments) < 2:
        return segments.reset_index(drop=True)
    start = segments["start"].astype("datetime64[us, UTC]").array.asi8
    rows = segments["source_row"].to_numpy(dtype="int64")
    # in order already? steps of each key from a row to the next, one key at a time (text keys
    # compared in place, without sorting them)
    steps = (lambda: _steps(segments["subject_id"]), lambda: np.sign(np.diff(start)).astype(np.int8),
             lambda: _steps(segments["source"]), lambda: np.sign(np.diff(rows)).astype(np.int8))
    ahead = np.zeros(len(segments) - 1, dtype=bool)  # decided: the pair is in order
    for step_of in steps:
        step = step_of()
        if step is None or (step[~ahead] < 0).any():
            break
        ahead |= step > 0
    else:
        return segments.reset_index(drop=True)
    subject, _ = pd.factorize(segments["subject_id"], sort=True)
    source, _ = pd.factorize(segments["source"], sort=True)
    order = np.lexsort((rows, source, start, subject))
    if (np.diff(order) > 0).all():
        return segments.reset_index(drop=True)
    return segments.take(order).reset_index(drop=True)


def unknown_labels(segments: pd.DataFrame, mapped: Iterable[str] = ()) -> dict[str, int]:
    """Region labels no alias knows (read as ``other``) with their counts among kept segments.

    ``mapped``: labels (normalised) that a mapping file names, ``other`` on purpose: not unknown.

    >>> from rollstats.io import canonicalise
    >>> from rollstats.program import Program
    >>> raw = pd.DataFrame({"subject_id": "a", "start": "2026-03-03T21:00+01:00", "duration_s": 60,
    ...                     "region": ["toes", "Toes", "other", "quads"]})
    >>> unknown_labels(canonicalise(raw, "demo", Program.default()).segments)
    {'Toes': 1, 'toes': 1}
    """
    other = segments.loc[segments["region"] == "other", "region_label"].dropna()
    names = [*ALIASES, *mapped]
    known = per_value(other, lambda labels: normalise_label(labels).isin(names))
    counts = other[~known.to_numpy()].value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items())}
