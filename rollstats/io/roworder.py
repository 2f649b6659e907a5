"""Where rows stand to the canonical order (subject, start, source, source row), found once.

An export is usually written in order by subject and start already. Then exact duplicates sit
next to each other and the canonical sort has nothing to do, so the rule of a load
(:mod:`rollstats.io.combine`) need not sort at all. :func:`scan` finds this out in one pass of
an Arrow kernel over the subject text (where the subject changes from a row to the next) and
two comparisons of the integer starts; only the rows where the subject changes, or where two
rows share subject and start, are looked at more closely. Rows taken out of a table in order
stay in order, so what a scan of the stacked rows says holds for the rows the rule keeps.

When the rows are not in order, the subjects are coded once as integers in text order
(:meth:`Scan.subject_ranks`) and those codes serve the corrections, the duplicate search and
the sort alike.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._fast import arrow_text, factorize

_FIRST_LOOK = 256  # subject changes compared before all of them (a table out of order fails early)


class Scan:
    """How the rows of ``segments`` stand to the canonical order (see :func:`scan`)."""

    def __init__(self, segments: pd.DataFrame):
        self.segments = segments
        #: each row's start in microseconds since 1970 (UTC)
        self.start: np.ndarray = segments["start"].astype("datetime64[us, UTC]").array.asi8
        self._ranks: np.ndarray | None = None
        self.ordered = False  #: rows in order by subject and start (rows may share both)
        self.ties = np.zeros(0, dtype=np.int64)  #: when ordered: each i where row i + 1 shares subject and start with row i
        if len(segments) < 2:
            self.ordered = True
            return
        change = _changes(segments["subject_id"])
        if change is None:
            return
        back = self.start[1:] < self.start[:-1]
        back[change] = False
        if back.any():
            return
        tie = self.start[1:] == self.start[:-1]
        tie[change] = False
        self.ordered, self.ties = True, np.flatnonzero(tie)

    @cached_property
    def canonical(self) -> bool:
        """True when the rows are in canonical order (rows equal on all four keys in any order)."""
        if not self.ordered:
            return False
        ties = self.ties
        if not len(ties):
            return True
        source = _arrow_text(self.segments["source"])
        if source is None:
            return False
        here, after = _take(source, ties), _take(source, ties + 1)
        if pc.less(after, here).to_numpy(zero_copy_only=False).any():
            return False
        same = pc.equal(after, here).to_numpy(zero_copy_only=False)
        rows = self.segments["source_row"].to_numpy(dtype="int64")
        return not (same & (rows[ties + 1] < rows[ties])).any()

    def tied(self) -> np.ndarray:
        """Per row (when :attr:`ordered`): true where a neighbour shares its subject and start."""
        out = np.zeros(len(self.start), dtype=bool)
        out[self.ties] = True
        out[self.ties + 1] = True
        return out

    def subject_ranks(self) -> np.ndarray:
        """Per row: the rank of its subject among the table's subjects in text order (NA is -1),
        as the codes of ``pd.factorize(subject_id, sort=True)``; computed once."""
        if self._ranks is None:
            codes, distinct = factorize(self.segments["subject_id"])
            rank = pd.factorize(distinct, sort=True)[0].astype(np.int64)
            self._ranks = np.where(codes < 0, -1, rank[np.maximum(codes, 0)]) if len(rank) else codes
        return self._ranks


def scan(segments: pd.DataFrame) -> Scan:
    """Where the rows of ``segments`` stand to the canonical order, found in a few passes.

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "b"], "start": pd.to_datetime(["2026-03-03"] * 3, utc=True),
    ...                   "source": ["x", "y", "x"], "source_row": [1, 1, 2]}).astype({"subject_id": "str", "source": "str"})
    >>> s = scan(t)
    >>> s.ordered, s.canonical, s.ties.tolist(), s.tied().tolist()
    (True, True, [0], [True, True, False])
    >>> scan(t.iloc[[1, 0, 2]]).canonical, scan(t.iloc[[2, 0, 1]]).ordered
    (False, False)
    """
    return Scan(segments)


def _arrow_text(values: pd.Series) -> pa.ChunkedArray | pa.Array | None:
    """The column's Arrow text as it is stored (chunks kept), or None when it is not Arrow
    text or holds NA."""
    arr = arrow_text(values, keep_chunks=True)
    return None if arr is None or arr.null_count else arr


def _changes(values: pd.Series) -> np.ndarray | None:
    """Each i where row i + 1's text differs from row i's, or None when a step goes down (in
    Arrow's byte order, which is the order of code points, as Python's) or the column is not
    Arrow text without NA."""
    arr = _arrow_text(values)
    if arr is None:
        return None
    change = np.flatnonzero(pc.not_equal(arr[1:], arr[:-1]).to_numpy(zero_copy_only=False))
    done = 0
    while done < len(change):
        look = change[done:done + max(_FIRST_LOOK, 4 * done)]
        if pc.less(_take(arr, look + 1), _take(arr, look)).to_numpy(zero_copy_only=False).any():
            return None
        done += len(look)
    return change


def _take(arr: pa.ChunkedArray | pa.Array, rows: np.ndarray) -> pa.Array:
    """``arr.take(rows)`` for increasing ``rows``, chunk by chunk (Arrow's take of a chunked
    array joins all its chunks first, a copy of the whole column)."""
    if isinstance(arr, pa.Array):
        return arr.take(pa.array(rows))
    ends = np.cumsum([len(c) for c in arr.chunks])
    cuts = np.searchsorted(rows, ends)
    pieces, begin = [], 0
    for chunk, end, cut, first in zip(arr.chunks, ends, cuts, np.concatenate([[0], ends[:-1]])):
        if cut > begin:
            pieces.append(chunk.take(pa.array(rows[begin:cut] - first)))
        begin = cut
    return pa.concat_arrays(pieces) if pieces else pa.array([], type=arr.type)
