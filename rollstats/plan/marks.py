"""Which planned nights break the card, and a plan beside the log on one calendar grid.

Part of :mod:`rollstats.plan` (import from there). :func:`plan_warnings` says in sentences where
a plan breaks the card; :func:`broken_nights` names the nights those sentences are about, so the
Planner can mark them on its calendar. :func:`comparison_grid` lays the nights of
:func:`rollstats.plan.plan_vs_actual` out as weeks by weekdays, each night planned and rolled.
"""
from __future__ import annotations

import pandas as pd

from ..program import Program
from .core import Plan
from .projection import Projection, project

#: What :func:`comparison_grid` calls a night, and when.
NIGHT_STATES: dict[str, str] = {
    "kept": "planned, and at least the planned seconds rolled",
    "short": "planned, rolled but fewer seconds than planned",
    "missed": "planned, nothing rolled",
    "extra": "not planned, rolled",
    "rest": "not planned, not rolled",
}


def broken_nights(plan: Plan, program: Program | None = None, projection: Projection | None = None) -> pd.Series:
    """The nights of the plan that break the card, each with its reasons (text, ``; `` between).

    A night breaks the card when, before progression, it has less than ``daily.minimum_s``
    seconds on hips and legs (nothing planned included); when it has planned rolling that puts
    time on the side of the thigh, holds shorter than ``mistakes.min_hold_s``, or rolls fewer
    than ``mistakes.min_regions`` regions; when it lies in a check window with rolling and no
    strengthening day (its rolling nights); or, without rolling, when it lies in a complete
    maintenance window that is not met.
    Index: the nights (sorted); empty when the plan keeps the card.

    >>> plan = Plan("2026-03-02", nights=("Mon", "Tue", "Thu"), seconds={"quads": 40, "calves": 40, "hips": 40},
    ...             strengthening=("Mon",), weeks=1)
    >>> broken_nights(plan).to_dict()   # Wed 4 Mar, before progression on Thu, has nothing planned
    {Timestamp('2026-03-04 00:00:00'): 'no rolling before progression'}
    """
    program = program or Program.default()
    p = projection if projection is not None else project(plan, program)
    rules, minimum = program.mistakes, program.daily.minimum_s
    nights = p.nights.set_index("night")
    reasons: dict[pd.Timestamp, list[str]] = {night: [] for night in nights.index}

    daily = nights.loc[nights["phase"] == "daily"]
    for night, rolled in daily["rolled_s"].items():
        if rolled <= 0:
            reasons[night].append("no rolling before progression")
        elif rolled < minimum:
            reasons[night].append(f"under {minimum:g} s")
    rolling = nights.index[nights["rolled_s"] > 0]
    lateral = sum(s for r, _, s in plan.seconds if r in rules.lateral_regions)
    named = {r for r, _, _ in plan.seconds if r in program.daily.counted_regions and r != "unspecified"}
    per_night = []
    if lateral > 0:
        per_night.append("on the side of the thigh")
    if plan.hold_s is not None and plan.hold_s < rules.min_hold_s and plan.seconds:
        per_night.append("holds too short")
    if 0 < len(named) < rules.min_regions:
        per_night.append(f"fewer than {rules.min_regions} regions")
    for night in rolling:
        reasons[night] += per_night
    for _, window in p.checks.loc[p.checks["standalone"].fillna(False).astype(bool)].iterrows():
        for night in rolling[(rolling >= window["first_night"]) & (rolling <= window["last_night"])]:
            reasons[night].append("no strengthening day in its week")
    windows = p.windows.loc[p.windows["complete"].fillna(False).astype(bool)]
    for _, window in windows.loc[~windows["met"].fillna(False).astype(bool)].iterrows():
        for night in pd.date_range(window["first_night"], window["last_night"], freq="D"):
            if night in reasons and nights.loc[night, "rolled_s"] < minimum:
                reasons[night].append("maintenance window short")
    out = pd.Series({night: "; ".join(dict.fromkeys(words)) for night, words in reasons.items() if words},
                    dtype="str")
    out.index = pd.DatetimeIndex(out.index, name="night")
    return out.sort_index()


def comparison_grid(per_night: pd.DataFrame) -> pd.DataFrame:
    """The nights of :func:`rollstats.plan.plan_vs_actual` as one row per (week, weekday) cell.

    Columns: ``week`` (0 = the plan's first week, weeks starting on the plan's first night's
    Monday), ``weekday`` (0 = Monday), ``night``, ``planned_s``, ``actual_s`` and ``state``, a
    key of :data:`NIGHT_STATES`: ``kept`` means a planned night with at least the planned
    seconds rolled on hips and legs.

    >>> per_night = pd.DataFrame({"night": pd.date_range("2026-03-04", periods=3),
    ...     "planned_s": [60.0, 0, 60], "actual_s": [90.0, 30, 20]})
    >>> comparison_grid(per_night)[["week", "weekday", "state"]].values.tolist()
    [[0, 2, 'kept'], [0, 3, 'extra'], [0, 4, 'short']]
    """
    nights = pd.to_datetime(per_night["night"])
    monday = nights.min() - pd.Timedelta(days=int(nights.min().day_of_week)) if len(nights) else None
    planned = per_night["planned_s"].to_numpy(dtype="float64") > 0
    actual = per_night["actual_s"].to_numpy(dtype="float64")
    wanted = per_night["planned_s"].to_numpy(dtype="float64")
    state = pd.Series("rest", index=per_night.index, dtype="str")
    state[planned & (actual >= wanted)] = "kept"
    state[planned & (actual > 0) & (actual < wanted)] = "short"
    state[planned & (actual <= 0)] = "missed"
    state[~planned & (actual > 0)] = "extra"
    days = (nights - monday).dt.days if monday is not None else nights.dt.day
    return pd.DataFrame({"week": (days // 7).astype("int64"), "weekday": nights.dt.day_of_week.astype("int64"),
                         "night": nights, "planned_s": wanted, "actual_s": actual, "state": state.to_numpy()})


__all__ = ["broken_nights", "comparison_grid", "NIGHT_STATES"]
