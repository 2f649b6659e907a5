"""Cells written as text: numbers with a decimal comma and a unit, times in a given format.

What a mapping file (:mod:`rollstats.io.mapping`) says about the cells of an app's export is
applied here, column by column, before the cells reach :func:`rollstats.io.base.canonicalise`.
A cell that cannot be read keeps its text, so that the reader refuses it with its value.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .text import to_point_decimal

#: Seconds per duration unit a mapping may name; ``mm:ss`` (also ``h:mm:ss``) is read as a clock,
#: ``h m s`` as numbers each followed by its unit's letter (``2h 18m``, ``45m``, ``1h 5m 30s``).
SECONDS_PER_UNIT: dict[str, float] = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0}
DURATION_UNITS: tuple[str, ...] = (*SECONDS_PER_UNIT, "mm:ss", "h m s")
#: Patterns of a duration cell: a clock (``mm:ss``, ``h:mm:ss``), lettered (``2h 18m``), and of an
#: ISO 8601 date or time with an optional offset (named groups ``date``, ``time``, ``offset``).
CLOCK_DURATION = r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d{1,2}(?:\.\d+)?)$"
LETTERED_DURATION = (r"(?i)^(?=\d)(?:(?P<h>\d+(?:[.,]\d+)?)\s*h\s*)?(?:(?P<m>\d+(?:[.,]\d+)?)\s*m(?:in)?\s*)?"
                     r"(?:(?P<s>\d+(?:[.,]\d+)?)\s*s)?$")
ISO_TIME = (r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?))?"
            r"\s*(?P<offset>Z|z|[+-]\d{2}:?\d{2})?$")
#: strftime directives that give a time of day; a format without them is a date only.
_TIME_OF_DAY = ("%H", "%I", "%M", "%S", "%X", "%T", "%R", "%c")


def cell_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text, empty cells NA (17.0 from a spreadsheet stays ``"17.0"``).

    >>> cell_text(pd.Series([" a ", "", None, 17.0])).tolist()
    ['a', <NA>, <NA>, '17.0']
    """
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def to_number(values: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Numbers (float64, NaN where a cell is empty or no number) and the cells as text.

    >>> n, t = to_number(pd.Series(["60,5", "x", None]), decimal=",")
    >>> n.tolist(), t.tolist()
    ([60.5, nan, nan], ['60,5', 'x', <NA>])
    """
    text = cell_text(values)
    readable = to_point_decimal(text) if decimal == "," else text
    return pd.to_numeric(readable, errors="coerce").astype("float64"), text


def to_seconds(values: pd.Series, unit: str = "s", decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Durations in ``unit`` (``ms``, ``s``, ``min``, ``h``, ``mm:ss`` or ``h m s``) as seconds, and the text.

    >>> s, _ = to_seconds(pd.Series(["1,5", "2"]), "min", ","); s.tolist()
    [90.0, 120.0]
    >>> to_seconds(pd.Series(["05:30", "1:02:03"]), "mm:ss")[0].tolist()
    [330.0, 3723.0]
    >>> to_seconds(pd.Series(["2h 18m", "45m", "1h 0m 30s", "90", "h"]), "h m s")[0].tolist()
    [8280.0, 2700.0, 3630.0, nan, nan]
    """
    if unit in ("mm:ss", "h m s"):
        text = cell_text(values)
        parts = text.str.extract(CLOCK_DURATION if unit == "mm:ss" else LETTERED_DURATION)
        hms = parts.apply(lambda c: pd.to_numeric(c.str.replace(",", "."), errors="coerce")).astype("float64")
        seconds = hms["h"].fillna(0) * 3600 + hms["m"].fillna(0) * 60 + hms["s"].fillna(0)
        return seconds.where(parts.notna().any(axis=1)), text
    number, text = to_number(values, decimal)
    return (number * SECONDS_PER_UNIT[unit]).round(6), text


def has_time_of_day(fmt: str) -> bool:
    """Whether a strftime pattern gives a time of day (else it is a date only).

    >>> has_time_of_day("%d.%m.%Y %H:%M"), has_time_of_day("%d/%m/%Y")
    (True, False)
    """
    return any(d in fmt for d in _TIME_OF_DAY)


def read_times(values: pd.Series, fmt: str | None = None, at: str = "12:00") -> pd.DataFrame:
    """Times written in ``fmt`` (a strftime pattern; None: ISO 8601) as wall clock and offset.

    Returns ``wall`` (naive datetime64[us], NaT where unreadable or empty), ``offset``
    (``+01:00`` where the cell gave one, else NA) and ``text`` (the cell). A date without a
    time of day is read at ``at`` (HH:MM). Datetime cells (spreadsheets) are taken as they are.

    >>> t = read_times(pd.Series(["03.03.2024 21:30", "31.02.2024 10:00"]), "%d.%m.%Y %H:%M")
    >>> t["wall"].astype("string").tolist()
    ['2024-03-03 21:30:00', <NA>]
    >>> read_times(pd.Series(["2024-03-03", "2024-03-03T21:30+01:00"]))[["wall", "offset"]].astype("string").values.tolist()
    [['2024-03-03 12:00:00', <NA>], ['2024-03-03 21:30:00', '+01:00']]
    """
    index = values.index
    wall = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    offset = pd.Series(pd.NA, index=index, dtype="string")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        offset = offset.mask(values.notna(), "+00:00")
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return pd.DataFrame({"wall": values.astype("datetime64[us]"), "offset": offset,
                             "text": values.astype("string")})
    stamped = pd.Series(False, index=index)
    if values.dtype == object:
        stamped = values.map(lambda v: isinstance(v, (dt.datetime, dt.date))).astype(bool)
    if stamped.any():
        cells = pd.to_datetime(values[stamped].map(_naive), errors="coerce")
        if fmt is not None and not has_time_of_day(fmt):  # a date cell of a dates-only column
            cells = cells.dt.normalize() + pd.Timedelta(at + ":00")
        wall = wall.mask(stamped, cells)
    text = cell_text(values.where(~stamped))
    todo = text.notna()
    shift = pd.Timedelta(0)
    if fmt is None:
        parts = text.str.extract(ISO_TIME)
        clock = parts["time"].str.replace(",", ".", regex=False).fillna(at)
        parsed = pd.to_datetime(parts["date"] + "T" + clock, format="ISO8601", errors="coerce")
        offset = offset.mask(todo, _colon_offset(parts["offset"]))
    elif "%z" in fmt:
        # each value keeps its own offset: map text to plain values, never to a mixed-offset column
        stamps = {v: _strptime(v, fmt) for v in text[todo].unique()}
        walls = {v: (d.replace(tzinfo=None) if d is not None else pd.NaT) for v, d in stamps.items()}
        parsed = pd.to_datetime(text.map(walls, na_action="ignore"), errors="coerce")
        offsets = {v: _offset_of(d) for v, d in stamps.items()}
        offset = offset.mask(todo, text.map(offsets, na_action="ignore").astype("string"))
    else:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if not has_time_of_day(fmt):
            shift = pd.Timedelta(at + ":00")
    wall = wall.mask(todo, parsed.astype("datetime64[us]") + shift)
    offset = offset.where(wall.notna())
    return pd.DataFrame({"wall": wall.astype("datetime64[us]"), "offset": offset,
                         "text": text.mask(stamped, wall.astype("string"))})


def iso_times(times: pd.DataFrame, after_s: pd.Series | float = 0.0) -> pd.Series:
    """ISO 8601 text of :func:`read_times` rows, ``after_s`` seconds later on the wall clock;
    rows that could not be read keep their text (so the reader refuses them with it).

    >>> t = read_times(pd.Series(["03.03.2024 21:30", "soon"]), "%d.%m.%Y %H:%M")
    >>> iso_times(t, pd.Series([90.0, 0.0])).tolist()
    ['2024-03-03T21:31:30.000000', 'soon']
    """
    wall = times["wall"] + pd.to_timedelta(after_s, unit="s")
    iso = wall.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").astype("string") + times["offset"].fillna("")
    return iso.where(wall.notna(), times["text"])


def _naive(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _strptime(text: str, fmt: str):
    try:
        return dt.datetime.strptime(text, fmt)
    except ValueError:
        return None


def _offset_of(value) -> str | None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        return None
    minutes = int(value.utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _colon_offset(offset: pd.Series) -> pd.Series:
    """``Z`` -> ``+00:00``, ``+0100`` -> ``+01:00``."""
    text = offset.astype("string").str.upper().replace({"Z": "+00:00"})
    return text.str.replace(r"^([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
