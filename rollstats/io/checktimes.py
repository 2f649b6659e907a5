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
import pyarrow.compute as pc

from ..times import parse_times
from . import arrowcells as cells
from ._fast import fixed_iso

_NAT = np.iinfo(np.int64).min
_MISSING = "missing time"


@dataclass
class Times:
    """One time column: ``instant`` (µs since 1970 UTC) and ``local`` (wall clock µs), both
    ``_NAT`` where unread, ``reason`` (object array, None where read; empty when every cell was
    read) and the cells' text."""

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


#: Byte positions of the marks of ``YYYY-MM-DDTHH:MM:SS+HH:MM`` and the marks expected there.
_MARK_AT = np.array([4, 7, 13, 16, 22])
_MARKS = np.frombuffer(b"--:::", dtype=np.uint8)
#: Wall clocks of the years read in one piece, 1678 to 2261, in µs since 1970.
_WALL_FROM, _WALL_UNTIL = (int(pd.Timestamp(f"{y}-01-01").value // 1000) for y in (1678, 2262))


def _cast_iso(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Instant and wall clock (µs) of a column whose every cell is ``YYYY-MM-DDTHH:MM:SS+HH:MM``
    (``T`` or a space, ``+`` or ``-``) in the years 1678-2261, read by Arrow's own ISO 8601 cast
    (which refuses impossible dates and times); None when any cell is empty or otherwise.

    >>> instant, local = _cast_iso(pa.array(["2024-03-03T23:50:00+01:00", "2024-03-03 23:50:00-00:30"]))
    >>> instant.view("datetime64[us]").astype(str).tolist(), ((local - instant) // 60_000_000).tolist()
    (['2024-03-03T22:50:00.000000', '2024-03-04T00:20:00.000000'], [60, -30])
    """
    n = len(text)
    if not n or text.null_count:
        return None
    offsets, data, _ = cells.text_bytes(text)
    if offsets[-1] - offsets[0] != 25 * n or (np.diff(offsets) != 25).any():
        return None
    m = data[offsets[0]: offsets[-1]].reshape(n, 25)
    sign, middle = m[:, 19], m[:, 10]
    if not ((m[:, _MARK_AT] == _MARKS).all() and ((middle == ord("T")) | (middle == ord(" "))).all()
            and ((sign == ord("+")) | (sign == ord("-"))).all()):
        return None
    try:
        instant = pc.cast(text, pa.timestamp("us", "UTC")).to_numpy(zero_copy_only=False).view(np.int64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    digits = m[:, [20, 21, 23, 24]].astype(np.int64) - 48
    minutes = (digits[:, 0] * 10 + digits[:, 1]) * 60 + digits[:, 2] * 10 + digits[:, 3]
    local = instant + np.where(sign == ord("-"), -minutes, minutes) * 60_000_000
    if local.min() < _WALL_FROM or local.max() >= _WALL_UNTIL:
        return None
    return instant, local


def read_times(raw: pd.DataFrame, column: str, tz: str | None) -> Times:
    """The times of ``column`` (all missing when the column is absent).

    >>> t = read_times(pd.DataFrame({"start": ["2024-03-03T23:50:00+01:00", "x", None]}, dtype="str"),
    ...                "start", None)
    >>> bool(t.instant[0] == pd.Timestamp("2024-03-03T22:50Z").value // 1000), t.reason.tolist()[1:]
    (True, ['unreadable time: expected ISO 8601 such as 2024-03-03T23:50:00+01:00', 'missing time'])
    """
    n = len(raw)
    given = raw.columns.get(column) if isinstance(raw, cells.RawCells) else None
    if given is not None and not pa.types.is_dictionary(given.type):
        whole = _cast_iso(given)  # the cells as the reader gave them: in this layout they need no strip
        if whole is not None:
            nothing = np.zeros(n, dtype=bool)
            return Times(whole[0], whole[1], np.empty(0, dtype=object), given, nothing, nothing)
    out = Times(np.full(n, _NAT, dtype=np.int64), np.full(n, _NAT, dtype=np.int64),
                np.full(n, None, dtype=object), pa.nulls(n, pa.string()), np.zeros(n, bool), np.zeros(n, bool))
    if column not in raw:
        out.reason[:] = _MISSING
        out.unread[:] = out.missing[:] = True
        return out
    out.text = cells.text(raw, column)
    if not isinstance(raw, cells.RawCells) and pd.api.types.is_datetime64_any_dtype(raw[column].dtype):
        _take(out, np.arange(n), parse_times(raw[column].reset_index(drop=True), _zones(raw, tz, np.arange(n))))
        return out
    whole = _cast_iso(out.text)
    if whole is not None:
        out.instant, out.local = whole
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
