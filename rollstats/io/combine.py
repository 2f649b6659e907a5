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
from .base import Canonical
from .corrections import Superseded, superseded
from .results import IngestReport, LoadResult
from .roworder import Scan, scan

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


def settle(segments: pd.DataFrame, part_of: np.ndarray, order: Scan | None = None) -> Settled:
    """Apply the rule to ``segments``, rows stacked in reading order; ``part_of`` gives each
    row's part (0 = first part read); ``order``: :func:`~rollstats.io.roworder.scan` of
    ``segments`` when the caller has it.

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
    order = scan(segments) if order is None else order
    old = _superseded(segments, part_of, order)
    return Settled(old, _duplicated(segments, ~old.mask if old.mask.any() else None, order))


def _superseded(segments: pd.DataFrame, part_of: np.ndarray, order: Scan) -> Superseded:
    """:func:`~rollstats.io.corrections.superseded`, given only the rows whose subject and
    start rows of another part share (only they can have versions in several parts: a
    generated dataset has none), found on integers before any other column is read."""
    nothing = Superseded(np.zeros(len(segments), dtype=bool), empty_rejects(), np.zeros(0, dtype=np.int64))
    if len(segments) < 2 or part_of.min() == part_of.max():
        return nothing
    subject = order.subject_ranks() + 1  # NA (-1) is a subject too
    width = int(part_of.max()) + 1
    pairs = pd.unique(subject * width + part_of)
    spans = np.bincount(pairs // width, minlength=int(subject.max()) + 1) > 1
    rows = np.flatnonzero(spans[subject])
    if len(rows):
        pair = pd.DataFrame({"subject": subject[rows], "start": order.start[rows], "part": part_of[rows]})
        rows = rows[pair.groupby(["subject", "start"], sort=False)["part"].transform("nunique").to_numpy() > 1]
    if not len(rows):
        return nothing
    if len(rows) == len(segments):
        return superseded(segments, part_of, subject)
    found = superseded(segments.iloc[rows], part_of[rows], subject[rows])
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
    order = scan(segments)
    kept = settle(segments, part_of, order).kept
    return _sorted(segments, kept, order)


def _sorted(segments: pd.DataFrame, kept: np.ndarray, order: Scan) -> pd.DataFrame:
    """The rows ``kept`` of ``segments`` (scanned as ``order``) in canonical order."""
    if kept.all():
        return sort_segments(segments, order)
    rows = np.flatnonzero(kept)  # rows taken from rows in order stay in order
    return segments.take(rows if order.canonical else _in_order(segments, order, rows)).reset_index(drop=True)


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
    sizes = np.array([len(p.segments) for p in parts], dtype=np.int64)
    part_of = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
    del frames
    order = scan(segments)
    settled = settle(segments, part_of, order)
    old = settled.superseded
    ends = np.cumsum(sizes)
    def per_part(mask: np.ndarray) -> np.ndarray:  # true cells of each part's rows (parts are stacked in order)
        return np.array([np.count_nonzero(mask[e - n:e]) for e, n in zip(ends, sizes)], dtype=np.int64)
    replaced, dropped = per_part(old.mask), per_part(settled.duplicate)
    segments = _sorted(segments, settled.kept, order)
    files = pd.DataFrame({
        "source": sources,
        "rows_read": [p.rows_read for p in parts],
        "rows_accepted": sizes - dropped - replaced,
        "duplicates_dropped": dropped,
        "rows_rejected": np.array([len(p.rejects) for p in parts], dtype=np.int64) + replaced,
        "superseded": replaced,
    })
    rejects = _with_superseded(parts, old.rejects, part_of[old.mask] if len(old.rejects) else part_of[:0])
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
    found first (neighbours when the rows are in order, else on two integer columns), and the
    full key is compared among them alone.

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "a"], "start": pd.to_datetime(["2026-03-03"] * 3, utc=True),
    ...                   "duration_s": [60.0, 60.0, 30.0], "region": "calf", "side": "left", "activity": "rolling"})
    >>> duplicates(t).tolist()
    [False, True, False]
    """
    return pd.Series(_duplicated(segments, None, scan(segments)), index=segments.index)


def _duplicated(segments: pd.DataFrame, left: np.ndarray | None, order: Scan) -> np.ndarray:
    """:func:`duplicates` among the rows ``left`` (a mask; None: all), false elsewhere."""
    if order.ordered:  # rows sharing subject and start are neighbours, also among those left
        maybe = order.tied() if len(order.ties) else None
        if maybe is not None and left is not None:
            maybe &= left
    else:
        rows = np.arange(len(segments)) if left is None else np.flatnonzero(left)
        maybe = np.zeros(len(segments), dtype=bool)
        maybe[rows[_shared_pairs(order.subject_ranks()[rows], order.start[rows])]] = True
    out = np.zeros(len(segments), dtype=bool)
    rows = np.zeros(0, dtype=np.int64) if maybe is None else np.flatnonzero(maybe)
    if len(rows):
        key = pd.DataFrame({c: segments[c].iloc[rows].reset_index(drop=True) for c in DUPLICATE_KEY})
        out[rows] = key.duplicated(keep="first").to_numpy()
    return out


def _shared_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose pair (``a``, ``b``) another row has too (``duplicated(keep=False)`` of the
    pair): equal pairs are neighbours when the rows are in order, which they often are already;
    else the pairs are hashed as one integer (sorted, when that integer would not fit).
    """
    a, b, order = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), None
    if len(a) > 1:
        up = a[1:] == a[:-1]
        if (a[1:] < a[:-1]).any() or (up & (b[1:] < b[:-1])).any():
            low_a, low_b = int(a.min()), int(b.min())
            span = int(b.max()) - low_b + 1
            if (int(a.max()) - low_a + 1) * span < 2 ** 63:
                key = (a - low_a) * span + (b - low_b)
                return pd.Series(key).duplicated(keep=False).to_numpy()
            order = np.lexsort((b, a))
            a, b = a[order], b[order]
    same = (a[1:] == a[:-1]) & (b[1:] == b[:-1])
    shared = np.zeros(len(a), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if order is not None:
        shared[order] = shared.copy()
    return shared


def sort_segments(segments: pd.DataFrame, order: Scan | None = None) -> pd.DataFrame:
    """Rows by subject, start, source and source row (stable); no copy when already in order.
    ``order``: :func:`~rollstats.io.roworder.scan` of ``segments`` when the caller has it.

    >>> t = pd.DataFrame({"subject_id": ["b", "a", "a"], "start": pd.to_datetime(["2026-03-03"] * 3, utc=True),
    ...                   "source": ["x", "y", "x"], "source_row": [1, 1, 2]})
    >>> sort_segments(t)[["subject_id", "source"]].values.tolist()
    [['a', 'x'], ['a', 'y'], ['b', 'x']]
    """
    order = scan(segments) if order is None else order
    if len(segments) < 2 or order.canonical:
        return segments.reset_index(drop=True)
    taken = _in_order(segments, order, np.arange(len(segments)))
    if (np.diff(taken) > 0).all():
        return segments.reset_index(drop=True)
    return segments.take(taken).reset_index(drop=True)


def _in_order(segments: pd.DataFrame, order: Scan, rows: np.ndarray) -> np.ndarray:
    """The positions ``rows`` of ``segments`` (scanned as ``order``) put in canonical order."""
    source = pd.factorize(segments["source"], sort=True)[0][rows]
    number = segments["source_row"].to_numpy(dtype="int64")[rows]
    return rows[np.lexsort((number, source, order.start[rows], order.subject_ranks()[rows]))]


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
    region = segments["region"]
    if isinstance(region.dtype, pd.CategoricalDtype):  # compare the codes, not the text
        where = region.cat.categories.get_indexer(["other"])[0]
        other = region.cat.codes.to_numpy() == where if where >= 0 else np.zeros(len(region), dtype=bool)
    else:
        other = (region == "other").fillna(False).to_numpy(dtype=bool)
    counts = _counts(segments["region_label"], other)
    known = normalise_label(pd.Series(counts.index, dtype="str")).isin([*ALIASES, *mapped]).to_numpy()
    return {str(k): int(v) for k, v in sorted(counts[~known].items())}


def _counts(labels: pd.Series, rows: np.ndarray) -> pd.Series:
    """How often each value of ``labels`` occurs among the ``rows`` (a mask), NA left out."""
    try:
        text = pd.api.types.is_string_dtype(labels.dtype) and labels.dtype != object
        arr = labels.array.__arrow_array__() if text else None
    except (AttributeError, TypeError, pa.ArrowException):
        arr = None
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        counts = labels[rows].dropna().value_counts()
        return counts[counts > 0]  # a category no row holds is not counted
    found = pc.value_counts(pc.drop_null(pc.filter(arr, pa.array(rows))))
    return pd.Series(found.field("counts").to_numpy(), index=found.field("values").to_pylist())
