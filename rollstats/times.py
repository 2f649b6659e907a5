"""Times of day, offsets, time zones and nights.

Wall clock and absolute time are kept apart. An ISO time with an offset
(``2024-03-03T23:50:00+01:00``, Apple's ``2024-03-03 23:50:00 +0100``) keeps its own offset
for the wall clock, so a traveller's nights follow the offset each record carries. A time
without an offset is read in a time zone (IANA name, per row or per file). Durations and
gaps are computed on the absolute instant, so a session across a DST change keeps its true
length. Nights are computed on the wall clock, so DST never moves a segment to another night.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import pandas as pd

_ISO = (
    r"^(?P<wall>\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s*(?P<offset>Z|z|UTC|[+-]\d{2}:?\d{2}|[+-]\d{2})?$"
)


def known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows.

    >>> known_zone("Europe/Berlin"), known_zone("Mars/Olympus"), known_zone("Europe")
    (True, False, False)
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
        return False
    return True


def _offset_minutes(offset: pd.Series) -> pd.Series:
    """'+01:00', '-0700', '+05', 'Z' -> signed minutes east of UTC (NaN where missing)."""
    text = offset.astype("string").str.upper().replace({"Z": "+00:00", "UTC": "+00:00"})
    digits = text.str.replace(":", "", regex=False)
    sign = np.where((digits.str[0] == "-").fillna(False).to_numpy(dtype=bool), -1.0, 1.0)
    hours = pd.to_numeric(digits.str[1:3], errors="coerce")
    minutes = pd.to_numeric(digits.str[3:5], errors="coerce").fillna(0)
    total = (hours * 60 + minutes) * sign
    return total.where(text.notna()).astype("float64")


def parse_times(values: pd.Series, zones: pd.Series | str | None = None) -> pd.DataFrame:
    """Read times into the absolute instant and the subject's wall clock.

    ``values`` holds ISO text (with or without an offset) or datetimes. ``zones`` gives the
    IANA zone for values without an offset: one name for all rows, a Series per row, or None.

    Returns a frame on the same index with ``instant`` (datetime64[us, UTC]), ``local``
    (naive datetime64[us]) and ``reason`` (why a row could not be read, NA where it could).
    In a zone's spring-forward gap a time moves forward by the gap; in the fall-back fold a
    time is ambiguous and refused: only an offset can say which of the two it was.

    >>> t = parse_times(pd.Series(["2024-03-03T23:50:00+01:00", "2024-03-03 23:50"]), "UTC")
    >>> t["local"].dt.strftime("%H:%M").tolist(), t["instant"].dt.strftime("%H:%M").tolist()
    (['23:50', '23:50'], ['22:50', '23:50'])
    """
    index = values.index
    instant = pd.Series(pd.NaT, index=index, dtype="datetime64[us, UTC]")
    local = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    reason = pd.Series(pd.NA, index=index, dtype="string")

    if isinstance(values.dtype, pd.DatetimeTZDtype):
        instant = values.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        local = values.dt.tz_localize(None).astype("datetime64[us]")
        if zones is not None:
            local = _wall_in_zones(instant, _zone_series(zones, index), local)
        reason = reason.mask(instant.isna(), "missing time")
        return pd.DataFrame({"instant": instant, "local": local, "reason": reason})

    if pd.api.types.is_datetime64_dtype(values.dtype):
        wall = values.astype("datetime64[us]")
        offset = pd.Series(np.nan, index=index)
        blank = wall.isna()
    else:
        text = values.astype("string").str.strip()
        blank = text.isna() | (text == "")
        parts = text.str.extract(_ISO)
        wall_text = parts["wall"].str.replace(" ", "T", regex=False).str.replace(",", ".", regex=False)
        wall = pd.to_datetime(wall_text, format="ISO8601", errors="coerce").astype("datetime64[us]")
        offset = _offset_minutes(parts["offset"])
        reason = reason.mask(~blank & wall.isna(),
                             "unreadable time: expected ISO 8601 such as 2024-03-03T23:50:00+01:00")
    reason = reason.mask(blank, "missing time")

    has_offset = offset.notna() & wall.notna()
    local = local.mask(has_offset, wall)
    shifted = wall - pd.to_timedelta(offset.fillna(0), unit="min")
    instant = instant.mask(has_offset, shifted.dt.tz_localize("UTC"))

    naive = wall.notna() & ~has_offset
    if naive.any():
        zone = _zone_series(zones, index)
        no_zone = naive & zone.isna()
        reason = reason.mask(no_zone, "time has no UTC offset and no time zone was given "
                                      "(use --tz ZONE or a tz column)")
        for name in zone[naive & zone.notna()].unique():
            rows = naive & (zone == name).fillna(False).astype(bool)
            if not known_zone(name):
                reason = reason.mask(rows, f"unknown time zone {name!r}")
                continue
            aware = wall[rows].dt.tz_localize(name, ambiguous="NaT", nonexistent="shift_forward")
            reason = reason.mask(rows & aware.reindex(index).isna(),
                                 f"ambiguous local time: clocks went back in {name} and the time "
                                 "happened twice; give a UTC offset")
            instant = instant.mask(rows, aware.dt.tz_convert("UTC"))
            local = local.mask(rows, aware.dt.tz_localize(None))
    return pd.DataFrame({"instant": instant.astype("datetime64[us, UTC]"),
                         "local": local.astype("datetime64[us]"), "reason": reason})


def _zone_series(zones: pd.Series | str | None, index: pd.Index) -> pd.Series:
    if zones is None:
        return pd.Series(pd.NA, index=index, dtype="string")
    if isinstance(zones, str):
        return pd.Series(zones, index=index, dtype="string")
    out = zones.astype("string").str.strip()
    return out.mask(out == "")


def _wall_in_zones(instant: pd.Series, zone: pd.Series, local: pd.Series) -> pd.Series:
    """The wall clock in each row's zone; rows without a (known) zone keep ``local``."""
    for name in zone.dropna().unique():
        rows = (zone == name).fillna(False).astype(bool)
        if known_zone(name):
            local = local.mask(rows, instant[rows].dt.tz_convert(name).dt.tz_localize(None))
    return local.astype("datetime64[us]")


def night_of(local_start: pd.Series, day_start: dt.time) -> pd.Series:
    """The night a segment counts for: the date of ``local_start - day_start``, at midnight.

    Computed on the wall clock, so DST changes never move a segment to another night.

    >>> s = pd.Series(pd.to_datetime(["2024-03-03 23:50", "2024-03-04 00:30", "2024-03-04 04:00"]))
    >>> night_of(s, dt.time(4)).dt.strftime("%d %b").tolist()
    ['03 Mar', '03 Mar', '04 Mar']
    """
    shift = pd.Timedelta(hours=day_start.hour, minutes=day_start.minute, seconds=day_start.second)
    return (local_start - shift).dt.normalize().astype("datetime64[us]")
