"""A tiny builder of canonical segments for the hand-worked metrics tests.

Inputs are written as native rows (the columns an export would have) and go through
``rollstats.io.canonicalise`` exactly as a file would, so the metrics see real canonical tables.
All times carry the offset ``+01:00`` (no DST question arises) unless a test says otherwise.
"""
from __future__ import annotations

import pandas as pd

from rollstats.io import canonicalise
from rollstats.program import Program


def t(day: int, hhmm: str = "21:00", month: int = 3, offset: str = "+01:00") -> str:
    """ISO start with offset: ``t(3, "23:50")`` -> ``2026-03-03T23:50:00+01:00``."""
    if hhmm.count(":") == 1:
        hhmm += ":00"
    return f"2026-{month:02d}-{day:02d}T{hhmm}{offset}"


def N(day: int, month: int = 3) -> pd.Timestamp:
    """The night (midnight Timestamp) of 2026-<month>-<day>."""
    return pd.Timestamp(2026, month, day)


def row(day: int, duration_s: float = 60, region: str = "quads", hhmm: str = "21:00",
        subject_id: str = "s1", month: int = 3, **extra) -> dict:
    """One native row; extra native columns (side, clock, activity, trigger, hold_count, hold_s,
    pain_before, pain_after) are passed as keywords."""
    out = {"subject_id": subject_id, "start": t(day, hhmm, month), "duration_s": duration_s,
           "region": region}
    out.update(extra)
    return out


def segments(rows: list[dict], program: Program | None = None) -> pd.DataFrame:
    """Canonical segments of native ``rows``; fails the test if any row is refused."""
    program = program or Program.default()
    out = canonicalise(pd.DataFrame(rows), "test.csv", program)
    assert len(out.rejects) == 0, "helper rows refused:\n" + out.rejects.to_string()
    assert len(out.segments) == len(rows)
    return out.segments


def one(frame: pd.DataFrame, subject_id: str = "s1") -> pd.Series:
    """The single row of ``frame`` for ``subject_id``."""
    got = frame[frame["subject_id"] == subject_id]
    assert len(got) == 1, f"expected one row for {subject_id}, got {len(got)}"
    return got.iloc[0]


def of(frame: pd.DataFrame, subject_id: str = "s1") -> pd.DataFrame:
    """The rows of ``frame`` for ``subject_id``, in order of night (where there is one)."""
    got = frame[frame["subject_id"] == subject_id]
    if "night" in got:
        got = got.sort_values("night", kind="stable")
    return got.reset_index(drop=True)


def by_night(frame: pd.DataFrame, subject_id: str = "s1") -> dict:
    """{night Timestamp: row} of a nights table for ``subject_id``."""
    return {r["night"]: r for _, r in of(frame, subject_id).iterrows()}


def nights_list(frame: pd.DataFrame, subject_id: str = "s1") -> list[pd.Timestamp]:
    return [pd.Timestamp(x) for x in of(frame, subject_id)["night"]]


def is_na(x) -> bool:
    return x is pd.NA or (not isinstance(x, (str, bytes)) and pd.isna(x))


def flag(x):
    """A nullable-boolean cell as True, False or None (NA)."""
    return None if is_na(x) else bool(x)


def flags(series: pd.Series) -> list:
    return [flag(x) for x in series]
