"""Per-group sums over a table's rows, as runs of a sorted order (numpy, no groupby).

A nights table comes out of :func:`rollstats.nights` sorted by subject and night, so its
windows (check or maintenance) are contiguous runs of rows. :func:`runs` puts any table in that
order (sorting only when it is not already) and finds where each run starts; the
:class:`Runs` then reduce columns with ``numpy.ufunc.reduceat``, which costs a fraction of a
``groupby(...).agg(...)`` on the small tables of one subject or one plan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Runs:
    """Rows put in (subject, key, night) order, and the runs of equal (subject, key) in it."""

    order: np.ndarray | None   #: positions of the rows in run order (None: already in it)
    starts: np.ndarray         #: where each run starts, in run order
    subjects: pd.Series        #: the subject_id of each run (the input's dtype)
    keys: np.ndarray           #: the key of each run (int64)
    rows: int                  #: rows in all

    def values(self, column: pd.Series, dtype=None) -> np.ndarray:
        """``column`` as an array in run order."""
        values = column.to_numpy(dtype=dtype)
        return values if self.order is None else values[self.order]

    def sum(self, column: pd.Series) -> np.ndarray:
        """The sum of ``column`` over each run (float64; bool columns count their true rows)."""
        values = self.values(column, "float64")
        return np.add.reduceat(values, self.starts) if len(self.starts) else values[:0]

    def first(self, column: pd.Series) -> np.ndarray:
        """``column`` on each run's first row (in night order: the earliest night)."""
        return self.values(column)[self.starts]

    def last(self, column: pd.Series) -> np.ndarray:
        """``column`` on each run's last row (in night order: the latest night)."""
        values = self.values(column)
        return values[np.r_[self.starts[1:], self.rows] - 1] if len(self.starts) else values[:0]

    def size(self) -> np.ndarray:
        """The number of rows of each run (int64)."""
        return (np.r_[self.starts[1:], self.rows] - self.starts).astype("int64")


def runs(table: pd.DataFrame, key: str) -> Runs:
    """The runs of equal ``subject_id`` and ``key`` (an integer column without NA) of ``table``,
    each run ordered by ``night``.

    >>> t = pd.DataFrame({"subject_id": ["b", "a", "a", "a"], "window": [0, 1, 0, 0],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-09", "2026-03-02", "2026-03-01"]),
    ...     "seconds": [10.0, 20.0, 30.0, 40.0]})
    >>> r = runs(t, "window")
    >>> r.subjects.tolist(), r.keys.tolist(), r.sum(t["seconds"]).tolist(), r.size().tolist()
    (['a', 'a', 'b'], [0, 1, 0], [70.0, 20.0, 10.0], [2, 1, 1])
    >>> [str(n.date()) for n in pd.to_datetime(r.first(t["night"]))]
    ['2026-03-01', '2026-03-09', '2026-03-01']
    """
    codes, ids = pd.factorize(table["subject_id"], sort=True)
    key_values = table[key].to_numpy(dtype="int64")
    night = table["night"].to_numpy(dtype="datetime64[us]").view("int64")
    order = None
    if len(codes) > 1:
        dc, dk, dn = np.diff(codes), np.diff(key_values), np.diff(night)
        if not ((dc > 0) | ((dc == 0) & ((dk > 0) | ((dk == 0) & (dn >= 0))))).all():
            order = np.lexsort((night, key_values, codes))
            codes, key_values = codes[order], key_values[order]
    new = np.r_[True, (codes[1:] != codes[:-1]) | (key_values[1:] != key_values[:-1])] if len(codes) else \
        np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new)
    subjects = pd.Series(ids.take(codes[starts]), dtype=table["subject_id"].dtype)
    return Runs(order, starts, subjects, key_values[starts], len(codes))


def in_night_order(table: pd.DataFrame) -> bool:
    """Whether ``table`` is known to be sorted by integer ``subject_id`` codes, then ``night``
    (as :func:`rollstats.summarize` hands its nights table on): a stable sort by those keys
    would then leave it as it is. False for text ids (not checked: the caller sorts).

    >>> t = pd.DataFrame({"subject_id": [0, 0, 1], "night": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-01"])})
    >>> in_night_order(t), in_night_order(t.iloc[::-1]), in_night_order(t.astype({"subject_id": "str"}))
    (True, False, False)
    """
    subject = table["subject_id"]
    if not pd.api.types.is_integer_dtype(subject) or table["night"].isna().any():
        return False
    codes = subject.to_numpy()
    night = table["night"].to_numpy(dtype="datetime64[us]").view("int64")
    dc, dn = np.diff(codes), np.diff(night)
    return bool(((dc > 0) | ((dc == 0) & (dn >= 0))).all())
