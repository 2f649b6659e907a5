"""Start and end times for the checking core, as int64 microseconds.

Cells in one fixed ISO layout are read from the Arrow bytes by
:func:`rollstats.io._fast.fixed_iso`; times without an offset (zone rules, DST gaps and folds)
and every other cell go through :func:`rollstats.times.parse_times`, the definition, on those
rows only. Datetime columns (Parquet, XLSX) go through ``parse_times`` whole.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ..times import parse_times
from . import arrowcells as cells
from ._fast import fixed_iso

_NAT = np.iinfo(np.int64).min
_MISSING = "missing time"


@dataclass
class Times:
    """One time column: ``instant`` (µs since 1970 UTC) and ``local`` (wall clock µs), both
    ``_NAT`` where unread, ``reason`` (object array, None where read) and the cells' text."""

    instant: np.ndarray
    local: np.ndarray
    reason: np.ndarray
    text: pa.Array
    unread: np.ndarray  #: rows with a reason
    missing: np.ndarray  #: rows whose reason is a missing time

    def reason_mask(self, required: bool) -> np.ndarray:
        """Rows refused for this column (a missing time only where the column is required)."""
        return self.unread if required else self.unread & ~self.missing

    def reasons(self, rows: np.ndarray) -> list:
        return self.reason[rows].tolist()

    def value_text(self, rows: np.ndarray) -> list:
        return cells.strings(self.text, rows)

    plain_text = value_text


def _zones(raw: pd.DataFrame, tz: str | None, rows: np.ndarray):
    """The zones of ``rows`` as the reference gives them to ``parse_times`` (None: no zone)."""
    if "tz" not in raw:
        return tz
    zone = pd.Series(cells.strings(cells.text(raw, "tz"), rows), dtype="string")
    return zone.fillna(tz) if tz is not None else zone


def _take(out: Times, rows: np.ndarray, parsed: pd.DataFrame) -> None:
    out.instant[rows] = parsed["instant"].astype("datetime64[us, UTC]").array.asi8
    out.local[rows] = parsed["local"].astype("datetime64[us]").array.asi8
    reason = parsed["reason"]
    given = reason.notna().to_numpy()
    if given.any():
        out.reason[rows[given]] = reason[given].to_numpy(dtype=object)
        out.unread[rows[given]] = True
        out.missing[rows[given]] = (reason[given] == _MISSING).to_numpy(dtype=bool)


def read_times(raw: pd.DataFrame, column: str, tz: str | None) -> Times:
    """The times of ``column`` (all missing when the column is absent).

    >>> t = read_times(pd.DataFrame({"start": ["2024-03-03T23:50:00+01:00", "x", None]}, dtype="str"),
    ...                "start", None)
    >>> bool(t.instant[0] == pd.Timestamp("2024-03-03T22:50Z").value // 1000), t.reason.tolist()[1:]
    (True, ['unreadable time: expected ISO 8601 such as 2024-03-03T23:50:00+01:00', 'missing time'])
    """
    n = len(raw)
    out = Times(np.full(n, _NAT, dtype=np.int64), np.full(n, _NAT, dtype=np.int64),
                np.full(n, None, dtype=object), pa.nulls(n, pa.string()), np.zeros(n, bool), np.zeros(n, bool))
    if column not in raw:
        out.reason[:] = _MISSING
        out.unread[:] = out.missing[:] = True
        return out
    values = raw[column]
    out.text = cells.text(raw, column)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        _take(out, np.arange(n), parse_times(values.reset_index(drop=True), _zones(raw, tz, np.arange(n))))
        return out
    wall, offset, ok = fixed_iso(pd.Series(pd.arrays.ArrowStringArray(out.text)))
    with_offset = ok & ~np.isnan(offset)
    out.local[with_offset] = wall[with_offset]
    out.instant[with_offset] = wall[with_offset] - np.round(offset[with_offset] * 60_000_000).astype(np.int64)
    naive = np.flatnonzero(ok & ~with_offset)
    if len(naive):
        walls = pd.Series(wall[naive].view("datetime64[us]"))
        _take(out, naive, parse_times(walls, _zones(raw, tz, naive)))
    valid = out.text.is_valid().to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~ok & valid)
    if len(rest):
        text = pd.Series(cells.strings(out.text, rest), dtype="string")
        _take(out, rest, parse_times(text, _zones(raw, tz, rest)))
    out.reason[~valid] = _MISSING
    out.unread[~valid] = out.missing[~valid] = True
    return out
