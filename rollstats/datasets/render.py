"""From generated numbers to export text: region labels, wall clocks in zones, ISO 8601 strings.

Everything works on whole numpy arrays; the only loops are over time zones and a few table
entries. ISO strings are assembled from small lookup tables (one entry per date, per second of
the day, per quarter-hour offset) straight into an Arrow string buffer, which is ~10x faster
than ``strftime`` on millions of rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

#: Regions the generator rolls on, in the order of their codes (the first eight of REGIONS).
ROLL_REGIONS: tuple[str, ...] = ("thigh_front", "thigh_back", "thigh_outer_front",
                                 "thigh_outer_back", "thigh_lateral", "thigh_inner", "calf", "hip")
THIGH_CODES = 6  # codes below this are thigh regions, which a clock position can name

#: Every label the generator writes in the ``region`` column.
LABELS: tuple[str, ...] = (
    "quads", "hamstrings", "IT band", "adductors", "calves", "glutes",
    "Quadriceps", "Hamstrings", "ITB", "inner thigh", "Calves", "Glutes",
    "front thigh", "back thigh", "lateral thigh", "thigh", "other",
)
THIGH, OTHER = LABELS.index("thigh"), LABELS.index("other")
# vocabulary variant x region code -> label code; the outer thigh has no short name: clock
_VOCAB = [
    ("quads", "hamstrings", None, None, "IT band", "adductors", "calves", "glutes"),
    ("Quadriceps", "Hamstrings", None, None, "ITB", "inner thigh", "Calves", "Glutes"),
    ("front thigh", "back thigh", None, None, "lateral thigh", "adductors", "calves", "glutes"),
]
NAME_CODE = np.array([[THIGH if n is None else LABELS.index(n) for n in row] for row in _VOCAB])
#: Right-thigh clock hour at the centre of each thigh region (left thigh: 12 - h).
RIGHT_HOUR = np.array([12, 6, 2, 4, 3, 9, 0, 0])
_WIDE = np.array([True, True, False, False, False, True, False, False])  # spans 3 hours


def region_labels(region: np.ndarray, style: np.ndarray, variant: np.ndarray, left: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Label codes (into LABELS) and clock hours (0 = none) for rolling segments.

    ``style`` per segment: 0 names where a name exists, 1 the thigh clock for all thigh
    regions, 2 either, by a coin toss per segment.
    """
    thigh = region < THIGH_CODES
    by_name = NAME_CODE[variant, region]
    coin = rng.random(len(region)) < 0.5
    clock = thigh & ((by_name == THIGH) | (style == 1) | ((style == 2) & coin))
    label = np.where(clock, THIGH, by_name)
    jitter = np.where(_WIDE[region], rng.integers(-1, 2, len(region)), 0)
    hour = (RIGHT_HOUR[region] + jitter - 1) % 12 + 1
    hour = np.where(left, (12 - hour - 1) % 12 + 1, hour)  # mirror: h -> 12 - h, 12 stays 12
    return label, np.where(clock, hour, 0)


def localize(wall_s: np.ndarray, zone_code: np.ndarray, zones: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """UTC seconds of wall-clock seconds read in each row's zone, and which rows exist.

    Wall times in a spring-forward gap or an autumn fold have no single instant: they are
    marked False, and the caller leaves them out.
    """
    utc = np.zeros(len(wall_s), dtype=np.int64)
    ok = np.zeros(len(wall_s), dtype=bool)
    for code in np.flatnonzero(np.bincount(zone_code, minlength=len(zones))):
        rows = zone_code == code
        local = pd.DatetimeIndex(wall_s[rows].astype("datetime64[s]")).tz_localize(
            zones[code], ambiguous="NaT", nonexistent="NaT")
        ok[rows] = ~local.isna()
        utc[rows] = local.tz_convert("UTC").tz_localize(None).as_unit("s").asi8
    return utc, ok


def wall_in(utc_s: np.ndarray, zone: str) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock seconds of UTC seconds in ``zone``, and whether each reads back unambiguously."""
    instants = pd.DatetimeIndex(utc_s.astype("datetime64[s]")).tz_localize("UTC").tz_convert(zone)
    wall = instants.tz_localize(None).as_unit("s").asi8
    back, ok = localize(wall, np.zeros(len(wall), dtype=np.int64), [zone])
    return wall, ok & (back == utc_s)


def _table(strings: list[str], width: int) -> np.ndarray:
    return np.frombuffer("".join(strings).encode("ascii"), dtype=f"V{width}")


_CLOCK = _table([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)], 8)
_OFFSETS = _table([f"{'-' if q < 0 else '+'}{abs(q) * 15 // 60:02d}:{abs(q) * 15 % 60:02d}"
                   for q in range(-64, 65)], 6)  # -16:00 ... +16:00 by quarter hours


def iso_text(wall_s: np.ndarray, offset_min: np.ndarray | None = None) -> pd.Series:
    """ISO 8601 text of wall-clock seconds since 1970, with ``+HH:MM`` offsets when given.

    >>> iso_text(np.array([0, 86399]), np.array([60, -300])).tolist()
    ['1970-01-01T00:00:00+01:00', '1970-01-01T23:59:59-05:00']
    >>> iso_text(np.array([1_772_000_000])).tolist()
    ['2026-02-25T06:13:20']
    """
    wall_s = np.asarray(wall_s, dtype=np.int64)
    n = len(wall_s)
    days, second = np.divmod(wall_s, 86400)
    first = int(days.min()) if n else 0
    span = int(days.max()) - first + 1 if n else 1
    dates = np.datetime_as_string(np.arange(first, first + span).astype("datetime64[D]"))
    fields = [("date", "V11"), ("clock", "V8")]
    if offset_min is not None:
        fields.append(("offset", "V6"))
    out = np.empty(n, dtype=fields)
    out["date"] = _table([d + "T" for d in dates], 11)[days - first]
    out["clock"] = _CLOCK[second]
    if offset_min is not None:
        out["offset"] = _OFFSETS[np.asarray(offset_min, dtype=np.int64) // 15 + 64]
    return _as_text(out)


def fixed_text(strings: list[str], codes: np.ndarray) -> pd.Series:
    """``strings[code]`` for each code, as a text Series; all strings must have one length.

    >>> fixed_text(["S1", "S2"], np.array([1, 0, 1])).tolist()
    ['S2', 'S1', 'S2']
    """
    width = len(strings[0])
    if any(len(x) != width for x in strings):
        raise ValueError("fixed_text needs strings of one length")
    return _as_text(_table(strings, width)[np.asarray(codes)])


def _as_text(records: np.ndarray) -> pd.Series:
    """Fixed-width ASCII records as one Arrow string buffer, without a Python object per row."""
    n, width = len(records), records.dtype.itemsize
    starts = np.arange(0, width * (n + 1), width, dtype=np.int64)
    data = np.ascontiguousarray(records).view(np.uint8)
    text = pa.LargeStringArray.from_buffers(n, pa.py_buffer(starts), pa.py_buffer(data))
    return pd.Series(pd.array(text, dtype="str"))
