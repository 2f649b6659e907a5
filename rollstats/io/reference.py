"""The checks of ingest in plain pandas, one Series operation per check: their definition.

:func:`canonicalise_reference` gives what :func:`rollstats.io.base.canonicalise` must give for
the same raw table (segments, refused rows with their column, value and reason, unknown
labels). The checking core (:mod:`rollstats.io.checks`) is the fast road; the property tests of
``tests/test_ingest_fast_path.py`` and ``tests/test_ingest_stream.py`` hold it to this one.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..program import Program
from ..regions import ALIASES, canonical_side, clock_region, normalise_label
from ..schema import (ACTIVITY_ALIASES, ACTIVITY_DTYPE, END_TOLERANCE_S, REGION_DTYPE, REJECT_DTYPES,
                      SEGMENT_DTYPES, SIDE_DTYPE, TRIGGER_ALIASES, TRIGGER_DTYPE)
from ..times import night_of, parse_times
from ._fast import missing_times, parse_times_fast, per_pair, per_value
from .base import Canonical, named_columns

#: Start times outside these years are refused: no session was logged then, and the metrics
#: compute on pandas' nanosecond timestamps, which end in 1677 and 2262.
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")


class _Problems:
    """Collects per-row problems as (column, value, reason), joined when a row has several."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.column = pd.Series(pd.NA, index=index, dtype="string")
        self.value = pd.Series(pd.NA, index=index, dtype="string")
        self.reason = pd.Series(pd.NA, index=index, dtype="string")

    def add(self, mask: pd.Series, column: str, value: pd.Series | None, reason) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = (value.astype("string") if value is not None
                else pd.Series(pd.NA, index=self.index, dtype="string"))
        why = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=self.index, dtype="string")
        first = mask & self.column.isna()
        later = mask & self.column.notna()
        self.column = self.column.mask(first, column).mask(later, self.column + ", " + column)
        self.value = self.value.mask(first, text)
        self.reason = self.reason.mask(first, column + ": " + why).mask(
            later, self.reason + "; " + column + ": " + why)

    @property
    def refused(self) -> pd.Series:
        return self.column.notna()


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text with empty cells as NA (all NA when the column is absent)."""
    if column not in raw:
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    col = raw[column]
    if pd.api.types.is_float_dtype(col.dtype):
        # 17.0 from a spreadsheet is the id "17", not "17.0"
        # only where the float is an exact integer (|x| <= 2**53): inf, NaN and 1e20 stay as written
        whole = col.notna() & (col.abs() <= 2**53) & (col == np.floor(col.fillna(0)))
        text = col.astype("string").mask(whole, col.where(whole, 0).astype("int64").astype("string"))
    else:
        text = col.astype("string")
    return per_value(text, _stripped)


def _stripped(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    return text.mask(text == "")


def _number(raw: pd.DataFrame, column: str, problems: _Problems) -> pd.Series:
    text = _text(raw, column)
    # + 0.0: "-0" is 0 (pandas reads it as -0.0 or 0.0 depending on the other cells)
    number = per_value(text, lambda t: pd.to_numeric(t, errors="coerce").astype("float64")) + 0.0
    problems.add(text.notna() & number.isna(), column, text, "not a number")
    return number


def _times(raw: pd.DataFrame, column: str, zones, problems: _Problems, required: bool) -> pd.DataFrame:
    values = raw[column] if column in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    # fixed ISO layouts are read from the bytes (same result as parse_times, see io/_fast.py)
    parsed = parse_times_fast(values, zones) if column in raw else missing_times(raw.index)
    if parsed is None:
        if not pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = _text(raw, column) if column in raw else values
        parsed = parse_times(values, zones)
    bad = parsed["reason"].notna()
    if not required:
        bad &= parsed["reason"] != "missing time"
    if bad.any() and not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = _text(raw, column)
    problems.add(bad, column, values.astype("string"), parsed["reason"])
    return parsed


def canonicalise_reference(raw: pd.DataFrame, source: str, program: Program, tz: str | None = None,
                           source_row: pd.Series | None = None) -> Canonical:
    """:func:`~rollstats.io.base.canonicalise` in plain pandas, one Series operation per check: the definition.

    The checking core (:mod:`rollstats.io.checks`) must give exactly this (segments, rejects
    with their reasons, unknown labels); ``tests/test_ingest_fast_path.py`` holds it to that.

    >>> raw = pd.DataFrame({"subject_id": ["s1", ""], "start": ["2024-03-03T23:50+01:00"] * 2,
    ...                     "duration_s": ["90", "90"], "region": ["quads", "quads"]})
    >>> canonicalise_reference(raw, "demo.csv", Program.default()).rejects["reason"].tolist()
    ['subject_id: missing subject']
    """
    raw = named_columns(raw, source)
    rows = (pd.RangeIndex(1, len(raw) + 1) if source_row is None
            else pd.Index(np.asarray(source_row, dtype="int64")))
    problems = _Problems(raw.index)

    subject = _text(raw, "subject_id")
    problems.add(subject.isna(), "subject_id", subject, "missing subject")

    zone_col = _text(raw, "tz")
    zones = zone_col.fillna(tz) if tz is not None else (zone_col if "tz" in raw else None)
    start = _times(raw, "start", zones, problems, required=True)
    problems.add((start["instant"] < _EARLIEST) | (start["instant"] >= _LATEST), "start", _text(raw, "start"),
                 "outside the years 1678-2261: not a plausible time")
    end = _times(raw, "end", zones, problems, required=False)

    duration = _number(raw, "duration_s", problems)
    by_end = (end["instant"] - start["instant"]).dt.total_seconds()
    both = duration.notna() & by_end.notna()
    problems.add(both & ((duration - by_end).abs() > END_TOLERANCE_S), "duration_s", duration,
                 "disagrees with end - start (" + by_end.round(1).astype("string") + " s)")
    duration = duration.fillna(by_end)
    duration = duration.fillna(_checkin_seconds(raw, program))
    # refuse a row that gives neither, unless its end or duration_s cell was refused already
    end_unreadable = end["reason"].notna() & (end["reason"] != "missing time").fillna(False)
    given = _text(raw, "duration_s").notna()
    problems.add(duration.isna() & start["instant"].notna() & ~end_unreadable & ~given, "duration_s", None,
                 "no end and no duration_s")
    problems.add(duration <= 0, "duration_s", duration, "duration of zero or less")
    limit = program.limits.max_segment_s
    problems.add(duration > limit, "duration_s", duration,
                 f"longer than limits.max_segment_s = {limit:g} s: implausible")

    region, unknown = _regions(raw, problems)
    side_text = _text(raw, "side")
    side = per_value(side_text, canonical_side)
    problems.add(side_text.notna() & side.isna(), "side", side_text, "side must be left, right or both")

    activity = _vocabulary(raw, "activity", ACTIVITY_ALIASES, problems)
    trigger = _vocabulary(raw, "trigger", TRIGGER_ALIASES, problems)

    hold_count = _number(raw, "hold_count", problems)
    problems.add(hold_count.notna() & ((hold_count < 0) | (hold_count != np.floor(hold_count))), "hold_count", hold_count,
                 "must be a whole number of 0 or more")
    problems.add(hold_count > 2**53, "hold_count", hold_count, "too large for a count of holds")  # inf, 1e30
    hold_s = _number(raw, "hold_s", problems)
    problems.add(hold_s < 0, "hold_s", hold_s, "must be 0 or more")
    problems.add(hold_s > duration, "hold_s", hold_s, "longer than the segment itself")
    pains = {}
    for column in ("pain_before", "pain_after"):
        pains[column] = _number(raw, column, problems)
        problems.add((pains[column] < 0) | (pains[column] > 10), column, pains[column],
                     "pain must be on the 0-10 scale")

    ok = ~problems.refused
    ok = slice(None) if ok.all() else ok  # nothing refused: no row filter to copy through
    segments = pd.DataFrame({
        "subject_id": subject[ok],
        "start": start["instant"][ok],
        "local_start": start["local"][ok],
        "night": night_of(start["local"][ok], program.night.day_start),
        "duration_s": duration[ok],
        "region": per_value(region[ok], lambda v: v.astype(REGION_DTYPE)),
        "region_label": _text(raw, "region")[ok],
        "side": per_value(side[ok], lambda v: v.astype(SIDE_DTYPE)),
        "activity": per_value(activity[ok], lambda v: v.astype(ACTIVITY_DTYPE)),
        "trigger": per_value(trigger[ok], lambda v: v.astype(TRIGGER_DTYPE)),
        "hold_count": hold_count[ok].astype("Int64"),
        "hold_s": hold_s[ok].astype("Float64"),
        "pain_before": pains["pain_before"][ok].astype("Float64"),
        "pain_after": pains["pain_after"][ok].astype("Float64"),
        "notes": _text(raw, "notes")[ok],
        "source": source,
        "source_row": rows[ok if isinstance(ok, slice) else ok.to_numpy()],
    })
    segments = segments.astype(SEGMENT_DTYPES).reset_index(drop=True)
    bad = problems.refused
    rejects = pd.DataFrame({
        "source": source,
        "source_row": rows[bad.to_numpy()],
        "column": problems.column[bad],
        "value": problems.value[bad],
        "reason": problems.reason[bad],
    }).astype(REJECT_DTYPES).reset_index(drop=True)
    unknown = unknown[ok].value_counts()
    return Canonical(segments, rejects, unknown, len(raw))


#: Words that mark a row as a check-in (after lower-casing); anything else is not one.
_CHECKIN_TRUE = ("true", "yes", "1", "y")


def _checkin_seconds(raw: pd.DataFrame, program: Program) -> pd.Series:
    """Seconds a check-in of unknown length stands for, per row (NaN where not a check-in).

    ``checkins.meets_minimum`` true: ``daily.minimum_s`` (at least 1 s); false: 1 s, rolling
    logged but too short for the minimum.
    """
    marked = _text(raw, "checkin").str.lower().isin(_CHECKIN_TRUE).fillna(False).astype(bool)
    seconds = max(program.daily.minimum_s, 1.0) if program.checkins.meets_minimum else 1.0
    return pd.Series(np.where(marked, seconds, np.nan), index=raw.index, dtype="float64")


def _regions(raw: pd.DataFrame, problems: _Problems) -> tuple[pd.Series, pd.Series]:
    """Canonical regions through the aliases and the mirrored thigh clock.

    Returns the regions and, per row, the original label where no alias knew it (else NA).
    """
    label = _text(raw, "region")
    key = per_value(label, normalise_label)
    region = per_value(key, lambda k: k.map(ALIASES).astype("string"))
    unknown = label.where(region.isna() & (key != "thigh"))
    region = region.fillna("other")

    clock_text = _text(raw, "clock")
    side = per_value(_text(raw, "side"), canonical_side)
    thigh = key.isin(["thigh", ""]) & clock_text.notna()
    by_clock = per_pair(side, clock_text, clock_region)
    hour = per_value(clock_text, lambda c: pd.to_numeric(c, errors="coerce"))
    bad_hour = thigh & ~hour.isin(range(1, 13))
    problems.add(bad_hour, "clock", clock_text, "clock must be a whole hour from 1 to 12")
    problems.add(thigh & ~bad_hour & by_clock.isna(), "clock", clock_text,
                 "thigh clock position without a left or right side is ambiguous")
    region = region.mask(thigh, by_clock)
    # a thigh with no clock position: hips-and-legs rolling whose exact region is not said
    region = region.mask((key == "thigh") & clock_text.isna(), "unspecified")
    return region, unknown


def _vocabulary(raw: pd.DataFrame, column: str, aliases: dict[str, str], problems: _Problems) -> pd.Series:
    text = _text(raw, column)
    mapped = per_value(text, lambda t: normalise_label(t).map(aliases).astype("string"))
    choices = ", ".join(sorted(set(aliases.values())))
    problems.add(mapped.isna(), column, text, f"not one of {choices}")
    return mapped
