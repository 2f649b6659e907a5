"""Maintenance windows and streaks, from the nights table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..program import Program
from ._runs import runs


def maintenance_windows(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """One row per subject and maintenance window: its nights, compliant nights, met or not.

    A window is complete when all its ``maintenance.window_nights`` nights are observed;
    ``met`` (at least ``maintenance.min_per_window`` compliant nights) is NA for a partial
    window. ``over_max`` notes more than ``maintenance.max_per_window`` compliant nights.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 9, "night": pd.date_range("2026-03-01", periods=9),
    ...     "maintenance_window": pd.array([0] * 7 + [1] * 2, dtype="Int64"),
    ...     "compliant": [True, False, True, False, False, False, False, True, False]})
    >>> maintenance_windows(t)[["compliant_nights", "complete", "met"]].values.tolist()
    [[2, True, True], [1, False, <NA>]]
    """
    program = program or Program.default()
    rules = program.maintenance
    rows = nights_table.loc[nights_table["maintenance_window"].notna(),
                            ["subject_id", "maintenance_window", "night", "compliant"]]
    run = runs(rows, "maintenance_window")
    first = run.first(rows["night"])
    windows = pd.DataFrame({
        "subject_id": run.subjects, "maintenance_window": run.keys, "first_night": first,
        # a window's own last night, which a partial window has not reached yet
        "last_night": first + np.timedelta64(rules.window_nights - 1, "D"),
        "nights": run.size(), "compliant_nights": run.sum(rows["compliant"]).astype("int64"),
    })
    windows["complete"] = windows["nights"] == rules.window_nights
    met = windows["compliant_nights"] >= rules.min_per_window
    windows["met"] = pd.array(met, dtype="boolean")
    windows.loc[~windows["complete"], "met"] = pd.NA
    windows["over_max"] = windows["compliant_nights"] > rules.max_per_window
    return windows


def maintenance_adherence(windows: pd.DataFrame) -> pd.DataFrame:
    """Per subject: complete windows, met windows, windows over the maximum, and met / complete.

    >>> w = pd.DataFrame({"subject_id": ["a", "a", "a"], "complete": [True, True, False],
    ...     "met": pd.array([True, False, pd.NA], dtype="boolean"), "over_max": [False, False, False]})
    >>> maintenance_adherence(w).loc["a", ["maintenance_windows_met", "maintenance_adherence"]].tolist()
    [1.0, 0.5]
    """
    complete = windows.loc[windows["complete"]]
    grouped = complete.groupby("subject_id")
    out = pd.DataFrame({
        "maintenance_windows_complete": grouped.size(),
        "maintenance_windows_met": grouped["met"].sum().astype("int64"),
        "maintenance_windows_over_max": grouped["over_max"].sum().astype("int64"),
    })
    out["maintenance_adherence"] = out["maintenance_windows_met"] / out["maintenance_windows_complete"]
    return out.astype({"maintenance_adherence": "float64"})


def streaks(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Per subject: the longest run of compliant nights and the run ending on the last night.

    The scope is the whole observation, or the daily phase only (``daily.streak_scope``).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 6, "phase": ["daily"] * 6,
    ...     "compliant": [True, True, True, False, True, True]})
    >>> streaks(t).loc["a"].tolist()
    [3, 2]
    """
    program = program or Program.default()
    table = nights_table[["subject_id", "compliant"]]
    if program.daily.streak_scope == "daily_phase":
        table = table.loc[(nights_table["phase"] == "daily").to_numpy()]
    compliant = table["compliant"].astype("int64")
    subject = table["subject_id"]
    codes = subject.to_numpy()
    if len(codes) and pd.api.types.is_integer_dtype(subject) and (np.diff(codes) >= 0).all():
        # integer codes in runs (rollstats.summarize): each row's streak in numpy, from the
        # latest row before it that breaks the streak (a miss, or the subject's first row - 1)
        pos = np.arange(len(codes))
        new = np.r_[True, codes[1:] != codes[:-1]]
        miss = compliant.to_numpy() == 0
        length = pos - np.maximum.accumulate(np.where(miss, pos, np.where(new, pos - 1, -1)))
        starts = np.flatnonzero(new)
        ends = np.r_[starts[1:], len(codes)] - 1
        return pd.DataFrame({"longest_streak": np.maximum.reduceat(length, starts).astype("int64"),
                             "current_streak": length[ends].astype("int64")},
                            index=pd.Index(codes[starts], name=subject.name))
    run = (1 - compliant).groupby(subject).cumsum()
    length = compliant.groupby([subject, run]).cumsum()
    per_subject = length.groupby(subject)
    return pd.DataFrame({
        "longest_streak": per_subject.max().astype("int64"),
        "current_streak": per_subject.last().astype("int64"),
    })


