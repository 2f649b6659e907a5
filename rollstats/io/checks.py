"""The checking core of ingest, column-wise in Arrow's compute kernels and numpy.

:func:`check` gives, cell for cell, what the reference implementation
:func:`rollstats.io.base.canonicalise_reference` gives: the same canonical segments, the same
refused rows with the same column, value and reason text, the same unknown labels. Each check
is one boolean vector over all rows; the words of a refusal are only written for the rows
refused. ``tests/test_ingest_fast_path.py`` compares both on generated hostile tables.

Why Arrow (with numpy on its buffers) rather than DuckDB or Polars:
``benchmarks/ingest_engines.py`` times the same checks in Arrow and in Polars.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..program import Program
from ..regions import ALIASES, REGIONS, RIGHT_THIGH_CLOCK, SIDE_ALIASES, SIDES
from ..schema import (ACTIVITIES, ACTIVITY_ALIASES, ACTIVITY_DTYPE, REGION_DTYPE, REJECT_DTYPES, SIDE_DTYPE,
                      TRIGGER_ALIASES, TRIGGER_DTYPE, TRIGGERS)
from . import arrowcells as cells
from .checktimes import read_times
from .problems import Problems

_END_TOLERANCE_S = 1.0
_EARLIEST_US = int(pd.Timestamp("1678-01-01", tz="UTC").value // 1000)
_LATEST_US = int(pd.Timestamp("2262-01-01", tz="UTC").value // 1000)
_NAT = np.iinfo(np.int64).min
_CHECKIN_TRUE = ("true", "yes", "1", "y")
_US_PER_DAY = 86_400_000_000


def _of(arr: pa.Array):
    return lambda rows: cells.strings(arr, rows)


def _of_float(values: np.ndarray):
    return lambda rows: cells.float_strings(values, rows)


def check(raw: pd.DataFrame, source: str, program: Program, tz: str | None, rows: np.ndarray,
          frame: bool = True):
    """Canonical segments, rejects and unknown labels of ``raw`` (columns already named and
    checked by :func:`rollstats.io.base.canonicalise`); ``rows`` the 1-based source rows.
    ``frame=False`` gives the segments as a dict of columns (Series or arrays) rather than a
    DataFrame, the :data:`NULLABLE` columns as float64 with NaN where empty (see :func:`nullable`).

    >>> from rollstats.io.base import Canonical
    >>> raw = pd.DataFrame({"subject_id": ["s1", ""], "start": ["2024-03-03T23:50+01:00"] * 2,
    ...                     "duration_s": ["90", "90"], "region": ["quads", "quads"]}, dtype="str")
    >>> out = Canonical(*check(raw, "demo.csv", Program.default(), None, np.array([1, 2])))
    >>> out.segments["region"].tolist(), out.rejects["reason"].tolist()
    (['thigh_front'], ['subject_id: missing subject'])
    """
    n = len(raw)
    problems = Problems(n)
    subject = cells.text(raw, "subject_id")
    problems.add(subject.is_null().to_numpy(zero_copy_only=False), "subject_id", _of(subject), "missing subject")

    start = read_times(raw, "start", tz)
    bad = start.reason_mask(required=True)
    problems.add(bad, "start", start.value_text, start.reasons)
    outside = (start.instant != _NAT) & ((start.instant < _EARLIEST_US) | (start.instant >= _LATEST_US))
    problems.add(outside, "start", start.plain_text, "outside the years 1678-2261: not a plausible time")
    end = read_times(raw, "end", tz)
    problems.add(end.reason_mask(required=False), "end", end.value_text, end.reasons)

    duration_text = cells.text(raw, "duration_s")
    duration = cells.numbers(duration_text)
    problems.add(duration_text.is_valid().to_numpy(zero_copy_only=False) & np.isnan(duration), "duration_s",
                 _of(duration_text), "not a number")
    both_known = (start.instant != _NAT) & (end.instant != _NAT)
    by_end = np.where(both_known, (end.instant - start.instant) / 1e6, np.nan)
    disagree = ~np.isnan(duration) & ~np.isnan(by_end) & (np.abs(duration - by_end) > _END_TOLERANCE_S)
    problems.add(disagree, "duration_s", _of_float(duration),
                 lambda r: [f"disagrees with end - start ({t} s)" for t in cells.float_strings(np.round(by_end, 1), r)])
    duration = np.where(np.isnan(duration), by_end, duration)
    duration = np.where(np.isnan(duration), _checkin_seconds(raw, program), duration)
    end_unreadable = end.reason_mask(required=False)
    problems.add(np.isnan(duration) & (start.instant != _NAT) & ~end_unreadable
                 & duration_text.is_null().to_numpy(zero_copy_only=False), "duration_s", None,
                 "no end and no duration_s")
    problems.add(duration <= 0, "duration_s", _of_float(duration), "duration of zero or less")
    limit = program.limits.max_segment_s
    problems.add(duration > limit, "duration_s", _of_float(duration),
                 f"longer than limits.max_segment_s = {limit:g} s: implausible")

    label = cells.text(raw, "region")
    side_text, clock_text = cells.text(raw, "side"), cells.text(raw, "clock")
    activity_text, trigger_text = cells.text(raw, "activity"), cells.text(raw, "trigger")
    keys = cells.labels({"region": label, "side": side_text, "activity": activity_text, "trigger": trigger_text})
    region, unknown = _regions(keys["region"], keys["side"], clock_text, problems)
    side = cells.lookup(*keys["side"], SIDE_ALIASES, SIDES)
    problems.add(side_text.is_valid().to_numpy(zero_copy_only=False) & (side < 0), "side", _of(side_text),
                 "side must be left, right or both")
    vocabulary = {}
    for name, arr, aliases, categories in (("activity", activity_text, ACTIVITY_ALIASES, ACTIVITIES),
                                           ("trigger", trigger_text, TRIGGER_ALIASES, TRIGGERS)):
        vocabulary[name] = cells.lookup(*keys[name], aliases, categories)
        choices = ", ".join(sorted(set(aliases.values())))
        problems.add(vocabulary[name] < 0, name, _of(arr), f"not one of {choices}")

    hold_text = cells.text(raw, "hold_count")
    hold_count = _number(hold_text, "hold_count", problems)
    with np.errstate(invalid="ignore"):
        problems.add(~np.isnan(hold_count) & ((hold_count < 0) | (hold_count != np.floor(hold_count))), "hold_count",
                     _of_float(hold_count), "must be a whole number of 0 or more")
        problems.add(hold_count > 2**53, "hold_count", _of_float(hold_count), "too large for a count of holds")
        hold_s = _number(cells.text(raw, "hold_s"), "hold_s", problems)
        problems.add(hold_s < 0, "hold_s", _of_float(hold_s), "must be 0 or more")
        problems.add(hold_s > duration, "hold_s", _of_float(hold_s), "longer than the segment itself")
        pains = {}
        for column in ("pain_before", "pain_after"):
            pains[column] = _number(cells.text(raw, column), column, problems)
            problems.add((pains[column] < 0) | (pains[column] > 10), column, _of_float(pains[column]),
                         "pain must be on the 0-10 scale")

    refused = problems.refused
    ok = np.flatnonzero(~refused)
    bad = np.flatnonzero(refused)
    every = len(ok) == n
    take = (lambda a: a) if every else (lambda a: a.take(pa.array(ok)))
    pick = (lambda v: v) if every else (lambda v: v[ok])
    local = pick(start.local)
    shift = program.night.day_start
    shift_us = ((shift.hour * 60 + shift.minute) * 60 + shift.second) * 1_000_000
    segments = {
        "subject_id": _str(take(subject)),
        "start": pd.Series(pick(start.instant).view("datetime64[us]"), copy=False).dt.tz_localize("UTC"),
        "local_start": pd.Series(local.view("datetime64[us]"), copy=False),
        "night": pd.Series(((local - shift_us) // _US_PER_DAY * _US_PER_DAY).view("datetime64[us]"), copy=False),
        "duration_s": pick(duration),
        "region": pd.Categorical.from_codes(pick(region), dtype=REGION_DTYPE),
        "region_label": _str(take(label)),
        "side": pd.Categorical.from_codes(pick(side), dtype=SIDE_DTYPE),
        "activity": pd.Categorical.from_codes(pick(vocabulary["activity"]), dtype=ACTIVITY_DTYPE),
        "trigger": pd.Categorical.from_codes(pick(vocabulary["trigger"]), dtype=TRIGGER_DTYPE),
        "hold_count": pick(hold_count),
        "hold_s": pick(hold_s),
        "pain_before": pick(pains["pain_before"]),
        "pain_after": pick(pains["pain_after"]),
        "notes": _str(take(cells.text(raw, "notes"))),
        "source": pd.Series(repeated_text(source, len(ok)), dtype="str"),
        "source_row": pd.Series(pick(rows).astype(np.int64), copy=False),
    }
    if frame:
        segments = nullable(segments)
    column, value, reason = problems.words(bad)
    rejects = pd.DataFrame({
        "source": pd.Series([source] * len(bad), dtype="str"),
        "source_row": rows[bad].astype(np.int64),
        "column": pd.Series(column, dtype="str"),
        "value": pd.Series(value, dtype="str"),
        "reason": pd.Series(reason, dtype="str"),
    }).astype(REJECT_DTYPES)
    return segments, rejects, _unknown(label, unknown, ok, "region" if "region" in raw else None), n


#: Rows of one repeated text held by one chunk; longer columns reuse that chunk's buffers.
_REPEAT_CHUNK = 1 << 16
_LAST_REPEATED: tuple[str, pa.Array] | None = None


def repeated_text(value: str, n: int) -> pa.ChunkedArray:
    """``value`` ``n`` times as Arrow text whose chunks share one buffer (a file's name on every
    row costs one chunk of memory, not ``n`` copies).

    >>> col = repeated_text("a.csv", 70_000)
    >>> len(col), col.num_chunks, col[69_999].as_py()
    (70000, 2, 'a.csv')
    """
    global _LAST_REPEATED
    last = _LAST_REPEATED  # a file read in batches names itself in each: one chunk for them all
    if last is not None and last[0] == value:
        chunk = last[1]
    else:
        chunk = pa.array([value], pa.large_string()).take(pa.array(np.zeros(_REPEAT_CHUNK, dtype=np.int64)))
        _LAST_REPEATED = (value, chunk)
    if n < _REPEAT_CHUNK:
        return pa.chunked_array([chunk.slice(0, n)], type=pa.large_string())
    whole, rest = divmod(n, _REPEAT_CHUNK)
    chunks = [chunk] * whole + ([chunk.slice(0, rest)] if rest else [])
    return pa.chunked_array(chunks or [chunk], type=pa.large_string())


def _str(arr: pa.Array) -> pd.Series:
    return pd.Series(arr, dtype="str")


#: Columns of numbers that may be empty, and their pandas types in the canonical table.
NULLABLE: dict[str, str] = {"hold_count": "Int64", "hold_s": "Float64", "pain_before": "Float64",
                            "pain_after": "Float64"}


def nullable(columns: dict) -> pd.DataFrame:
    """The segments frame of ``check(..., frame=False)``'s columns: :data:`NULLABLE` columns
    (float64, NaN where empty) as pandas' nullable types; no other column is copied.

    >>> nullable({"hold_count": np.array([2.0, np.nan])})["hold_count"].tolist()
    [2, <NA>]
    """
    out = {name: _nullable(col, NULLABLE[name]) if name in NULLABLE else col for name, col in columns.items()}
    return pd.DataFrame(out, copy=False)  # every column is new: no copy, no stacking into 2-D blocks


def _nullable(values: np.ndarray, dtype: str) -> pd.Series:
    missing = np.isnan(values)
    if dtype == "Int64":
        return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing), copy=False)
    return pd.Series(pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing), copy=False)


def _number(arr: pa.Array, column: str, problems: Problems) -> np.ndarray:
    number = cells.numbers(arr)
    problems.add(arr.is_valid().to_numpy(zero_copy_only=False) & np.isnan(number), column, _of(arr), "not a number")
    return number


def _checkin_seconds(raw: pd.DataFrame, program: Program) -> np.ndarray:
    marked = cells.text(raw, "checkin")
    n = len(raw)
    if marked.null_count == n:
        return np.full(n, np.nan)
    # lower case as pandas does it (Arrow's utf8_lower), on the distinct cells only
    encoded = pc.dictionary_encode(marked)
    lowered = pc.utf8_lower(encoded.dictionary).to_pylist()
    yes = np.array([k in _CHECKIN_TRUE for k in lowered] + [False])
    codes = encoded.indices.fill_null(len(lowered)).to_numpy(zero_copy_only=False)
    seconds = max(program.daily.minimum_s, 1.0) if program.checkins.meets_minimum else 1.0
    return np.where(yes[codes], seconds, np.nan)


_CLOCK = np.array([-1] + [REGIONS.index(RIGHT_THIGH_CLOCK[h]) for h in range(1, 13)], dtype=np.int64)


def _regions(region_keys, side_keys, clock_text: pa.Array, problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Region codes through the aliases and the thigh clock; rows whose label no alias knows."""
    codes, keys = region_keys
    region = cells.lookup(codes, keys, ALIASES, REGIONS)
    is_thigh = cells.key_is(codes, keys, "thigh")
    unknown = (region < 0) & ~is_thigh
    region = np.where(region < 0, REGIONS.index("other"), region)
    has_clock = clock_text.is_valid().to_numpy(zero_copy_only=False)
    thigh = cells.key_is(codes, keys, "thigh", "") & has_clock
    if thigh.any():
        hour = cells.numbers(clock_text)
        valid = np.isin(hour, np.arange(1, 13))
        hour_i = np.where(valid, hour, 12).astype(np.int64)
        side = cells.lookup(*side_keys, SIDE_ALIASES, SIDES)
        left, right = side == SIDES.index("left"), side == SIDES.index("right")
        by_clock = np.where(left, _CLOCK[np.where(hour_i == 12, 12, 12 - hour_i)], _CLOCK[hour_i])
        ambiguous = ~left & ~right & ~np.isin(hour_i, (6, 12))
        by_clock = np.where(valid & ~ambiguous, by_clock, -1)
        bad_hour = thigh & ~valid
        problems.add(bad_hour, "clock", _of(clock_text), "clock must be a whole hour from 1 to 12")
        problems.add(thigh & ~bad_hour & (by_clock < 0), "clock", _of(clock_text),
                     "thigh clock position without a left or right side is ambiguous")
        region = np.where(thigh, by_clock, region)
    region = np.where(is_thigh & ~has_clock, REGIONS.index("unspecified"), region)
    return region, unknown


def _unknown(label: pa.Array, unknown: np.ndarray, ok: np.ndarray, name: str | None) -> pd.Series:
    """Original labels no alias knew, with their counts among accepted rows (``value_counts``)."""
    rows = ok[unknown[ok]]
    values = pd.Series(cells.strings(label, rows), dtype="string", name=name)
    return values.value_counts()
