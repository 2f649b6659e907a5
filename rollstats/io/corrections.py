"""Corrections: when several exports hold the same segment in different versions, the later one wins.

An app that lets people edit their log writes the edited segment again in its next export:
same subject, same start instant, same region and side, but another duration (or pain score,
or note). Kept side by side, both versions would count, and the subject's seconds would grow
with every correction. The rule applied when files are loaded together (and when an export is
appended to a cohort store):

- A segment's **identity** is :data:`IDENTITY_KEY`: subject, start instant, region, side and
  activity. Its **version** is the values of :data:`VERSION_COLUMNS` (duration, trigger, holds,
  pain scores, notes).
- For an identity held by rows of several files, the **last file** in the order given that
  holds it decides. A row of an earlier file whose version that last file also holds is the
  same segment read again (an exact duplicate, left to :func:`rollstats.io.combine.duplicates`).
  A row of an earlier file whose version the last file does not hold is **superseded**: it is
  dropped and listed in the rejects with the reason ``superseded by <file> row <n>``.
- Rows of one file never supersede each other: one session may log several segments with
  the same start (one per region, or two passes over one region), and all of them count.

The region label as written (``quads`` or ``thigh_front``), the source and the wall-clock
offset are not part of the version: re-exports may spell a region or a time zone otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import REJECT_DTYPES, empty_rejects

#: Rows with these equal, from different files, are versions of one segment.
IDENTITY_KEY: tuple[str, ...] = ("subject_id", "start", "region", "side", "activity")
#: What a correction may change: two rows of one identity that differ here are two versions.
VERSION_COLUMNS: tuple[str, ...] = ("duration_s", "trigger", "hold_count", "hold_s", "pain_before",
                                    "pain_after", "notes")


@dataclass(frozen=True)
class Superseded:
    """Which rows a later file's version replaces, and the rejects rows that say so."""

    mask: np.ndarray  #: per input row: true where a later file holds another version
    rejects: pd.DataFrame  #: one rejects row per superseded row (source, source_row, column, value, reason)
    by: np.ndarray  #: per rejects row: the position (in the input) of the row that supersedes it


def superseded(segments: pd.DataFrame, file_order: np.ndarray, subject: np.ndarray | None = None) -> Superseded:
    """The rows of ``segments`` that a later file corrects (see the module's rule).

    ``file_order`` gives, per row, the position of its file in the load (0 = first file); rows
    of one file share it. The result's ``mask`` marks superseded rows; its ``rejects`` name
    each with the columns that differ from the version kept, its old value of the first of
    them, and ``superseded by <file> row <n>``. ``subject``: the subjects as integer codes
    (equal codes for equal subjects) when the caller has them.

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "a"],
    ...                   "start": pd.to_datetime(["2026-03-03 20:00"] * 3, utc=True),
    ...                   "region": ["calf", "calf", "glutes"], "side": "left", "activity": "rolling",
    ...                   "duration_s": [60.0, 90.0, 30.0], "trigger": "routine", "hold_count": pd.NA,
    ...                   "hold_s": pd.NA, "pain_before": pd.NA, "pain_after": pd.NA, "notes": pd.NA,
    ...                   "source": ["old.csv", "new.csv", "old.csv"], "source_row": [4, 1, 5]})
    >>> found = superseded(t, np.array([0, 1, 0]))
    >>> found.mask.tolist()
    [True, False, False]
    >>> found.rejects[["source_row", "column", "value", "reason"]].values.tolist()
    [[4, 'duration_s', '60.0', 'superseded by new.csv row 1']]
    """
    file_order = np.asarray(file_order, dtype=np.int64)
    mask = np.zeros(len(segments), dtype=bool)
    if len(segments) < 2 or file_order.min() == file_order.max():
        return Superseded(mask, empty_rejects(), np.zeros(0, dtype=np.int64))
    # only rows that share subject and start with a row of another file can be versions
    subject = pd.factorize(segments["subject_id"])[0] if subject is None else np.asarray(subject)
    start = segments["start"].astype("datetime64[us, UTC]").array.asi8
    pair = pd.DataFrame({"subject": subject, "start": start, "file": file_order})
    files_per_pair = pair.groupby(["subject", "start"], sort=False)["file"].transform("nunique").to_numpy()
    candidate = np.flatnonzero(files_per_pair > 1)
    if not len(candidate):
        return Superseded(mask, empty_rejects(), np.zeros(0, dtype=np.int64))
    rows = segments.iloc[candidate]
    plain = _comparable(rows, subject[candidate], start[candidate])
    identity = plain.groupby(list(IDENTITY_KEY), sort=False, dropna=False).ngroup().to_numpy()
    version = plain.groupby(list(IDENTITY_KEY + VERSION_COLUMNS), sort=False, dropna=False).ngroup().to_numpy()
    order = file_order[candidate]
    last = pd.Series(order).groupby(identity).transform("max").to_numpy()
    in_last = order == last
    held_by_last = np.isin(version, version[in_last])
    old = (order < last) & ~held_by_last
    if not old.any():
        return Superseded(mask, empty_rejects(), np.zeros(0, dtype=np.int64))
    # the version kept for each identity: its first row in the last file
    first_in_last = pd.Series(np.flatnonzero(in_last)).groupby(identity[in_last]).first()
    by = first_in_last.reindex(identity[old]).to_numpy()
    mask[candidate[old]] = True
    return Superseded(mask, _rejects(rows.iloc[np.flatnonzero(old)], rows.iloc[by]), candidate[by])


def _comparable(rows: pd.DataFrame, subject: np.ndarray, start: np.ndarray) -> pd.DataFrame:
    """Identity and version columns as plain values that group exactly (NA as one value)."""
    out = pd.DataFrame({"subject_id": subject, "start": start}, index=rows.index)
    for column in ("region", "side", "activity", "trigger", "notes"):  # labels as codes, NA one of them
        out[column] = pd.factorize(rows[column], use_na_sentinel=True)[0]
    for column in ("duration_s", "hold_count", "hold_s", "pain_before", "pain_after"):
        out[column] = rows[column].astype("Float64").astype("float64").to_numpy()  # NA -> NaN
    return out.reset_index(drop=True)


def _rejects(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rejects rows for superseded rows ``old``, each replaced by the row of ``new`` at its place."""
    differs: list[np.ndarray] = []
    for column in VERSION_COLUMNS:
        a, b = old[column].reset_index(drop=True), new[column].reset_index(drop=True)
        same = (a.astype("string") == b.astype("string")).fillna(False) | (a.isna() & b.isna())
        differs.append(~same.to_numpy(dtype=bool))
    changed = np.column_stack(differs)
    names = [", ".join(c for c, d in zip(VERSION_COLUMNS, row) if d) for row in changed]
    first = [VERSION_COLUMNS[int(np.argmax(row))] for row in changed]
    value = [old[c].iloc[i] for i, c in enumerate(first)]
    reason = [f"superseded by {s} row {r}" for s, r in zip(new["source"], new["source_row"])]
    return pd.DataFrame({
        "source": old["source"].to_numpy(), "source_row": old["source_row"].to_numpy(),
        "column": names, "value": [None if pd.isna(v) else str(v) for v in value], "reason": reason,
    }).astype(REJECT_DTYPES)
