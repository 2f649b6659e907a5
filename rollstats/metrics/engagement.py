"""Engagement over time: sliding-window adherence, remote-monitoring data days, disengagement alerts.

Pure functions over the nights table of :func:`rollstats.metrics.nights` (one row per subject
and observed night, ``night_index`` 0 on the first night of observation). A night has
**logged rolling** when it holds at least one rolling segment (column ``segments``), of any
length and on any region; it is **compliant** as the card says (``compliant``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..program import Program
from ._runs import in_night_order, runs

#: Alert levels, mildest first, and the program field holding each one's threshold (nights).
ALERT_LEVELS: tuple[tuple[str, str], ...] = (
    ("low_engagement", "low_engagement_nights"),
    ("stalled", "stalled_nights"),
    ("dropped", "dropped_nights"),
)


def _ordered(nights_table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    t = nights_table if columns is None else nights_table[columns]   # copy only what is read
    if not in_night_order(t):
        t = t.sort_values(["subject_id", "night"], kind="stable")
    return t.reset_index(drop=True)


def rolling_adherence(nights_table: pd.DataFrame, window: int = 7, step: int = 1,
                      partial: bool = False) -> pd.DataFrame:
    """Compliant share of nights over sliding windows of ``window`` nights, every ``step`` nights.

    Windows are counted per subject from the first night of observation: window ``k`` covers
    night indices ``k * step`` to ``k * step + window - 1``. Only windows that observation
    covers completely are kept, unless ``partial`` (then the last ones may hold fewer nights,
    ``complete`` false). Tidy: one row per subject and window, columns ``subject_id, window,
    first_night, last_night, nights, compliant_nights, adherence`` (0-1), ``complete``.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 4, "night": pd.date_range("2026-03-01", periods=4),
    ...     "compliant": [True, False, True, True]})
    >>> rolling_adherence(t, window=2)[["compliant_nights", "adherence"]].values.tolist()
    [[1.0, 0.5], [1.0, 0.5], [2.0, 1.0]]
    """
    if window < 1 or step < 1 or int(window) != window or int(step) != step:
        raise ValueError(f"window and step must be whole numbers of 1 or more, got {window!r}, {step!r}")
    t = _ordered(nights_table)
    per = t.groupby("subject_id", sort=True).size()
    n = per.to_numpy()
    offset = np.cumsum(n) - n
    if partial:
        count = -(-n // step)
    else:
        count = np.where(n >= window, (n - window) // step + 1, 0)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    size = np.repeat(n, count)
    lo = k * step
    hi = np.minimum(lo + window, size)  # one past the window's last night
    base = np.repeat(offset, count)
    csum = np.concatenate([[0], np.cumsum(t["compliant"].to_numpy(dtype="int64"))])
    compliant = csum[base + hi] - csum[base + lo]
    nights_in = hi - lo
    night = t["night"].to_numpy()
    return pd.DataFrame({
        "subject_id": pd.Series(np.repeat(per.index.to_numpy(dtype=object), count), dtype="str"),
        "window": k.astype("int64"),
        "first_night": night[base + lo] if len(k) else night[:0],
        "last_night": night[base + hi - 1] if len(k) else night[:0],
        "nights": nights_in.astype("int64"),
        "compliant_nights": compliant.astype("int64"),
        "adherence": compliant / np.maximum(nights_in, 1),
        "complete": nights_in == window,
    })


def cohort_adherence(rolling: pd.DataFrame) -> pd.DataFrame:
    """Per window index (nights since each subject's start): subjects, mean and median adherence.

    ``rolling`` is a table of :func:`rolling_adherence`; windows of different subjects with the
    same index cover the same nights of their own observation, not the same dates.

    >>> r = pd.DataFrame({"window": [0, 0, 1], "adherence": [1.0, 0.5, 0.25]})
    >>> cohort_adherence(r).values.tolist()
    [[0.0, 2.0, 0.75, 0.75], [1.0, 1.0, 0.25, 0.25]]
    """
    g = rolling.groupby("window", sort=True)["adherence"]
    out = pd.DataFrame({"subjects": g.size(), "mean_adherence": g.mean(), "median_adherence": g.median()})
    return out.reset_index()


def data_days(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Remote-monitoring data days: nights with logged rolling per period of each subject.

    Periods are ``monitoring.data_days_period_nights`` nights (30) counted from the first
    night of observation. Columns: ``subject_id, period`` (0-based), ``first_night,
    last_night, nights`` (observed nights in the period), ``data_days`` (nights with at least
    one rolling segment), ``required`` (``monitoring.data_days_required``, 16), ``days_needed``
    (still missing, 0 once reached), ``complete`` (all the period's nights observed), ``met``:
    true once ``data_days >= required``; false when it can no longer be reached (the nights
    left in the period are too few, or the period is complete); NA while it still can.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 31, "night": pd.date_range("2026-03-01", periods=31),
    ...     "night_index": range(31), "segments": [1] * 16 + [0] * 15})
    >>> data_days(t)[["period", "nights", "data_days", "met"]].values.tolist()
    [[0, 30, 16, True], [1, 1, 0, <NA>]]
    """
    program = program or Program.default()
    rules = program.monitoring
    t = nights_table[["subject_id", "night", "night_index", "segments"]]
    t = t.assign(period=t["night_index"] // rules.data_days_period_nights, logged=t["segments"] > 0)
    if len(t) and in_night_order(t):   # periods are runs of rows: no group-by on two keys
        run = runs(t, "period")
        out = pd.DataFrame({"subject_id": run.subjects, "period": run.keys,
                            "first_night": run.first(t["night"]), "last_night": run.last(t["night"]),
                            "nights": run.size(), "data_days": run.sum(t["logged"]).astype("int64")})
    else:
        out = (t.groupby(["subject_id", "period"], sort=True)
               .agg(first_night=("night", "min"), last_night=("night", "max"), nights=("night", "size"),
                    data_days=("logged", "sum"))
               .reset_index())
    out["period"] = out["period"].astype("int64")
    out["data_days"] = out["data_days"].astype("int64")
    out["required"] = rules.data_days_required
    out["days_needed"] = (rules.data_days_required - out["data_days"]).clip(lower=0).astype("int64")
    out["complete"] = out["nights"] == rules.data_days_period_nights
    left = rules.data_days_period_nights - out["nights"]
    met = pd.array(out["data_days"] >= rules.data_days_required, dtype="boolean")
    met[(~met & (out["data_days"] + left >= rules.data_days_required)).to_numpy(dtype=bool)] = pd.NA
    out["met"] = met
    return out


def data_days_summary(periods: pd.DataFrame) -> pd.DataFrame:
    """Per subject: complete periods, complete periods met, data days of the latest period.

    >>> p = pd.DataFrame({"subject_id": ["a"] * 3, "period": [0, 1, 2], "data_days": [16, 9, 4],
    ...     "complete": [True, True, False], "met": pd.array([True, False, pd.NA], dtype="boolean")})
    >>> data_days_summary(p).loc["a"].tolist()
    [2, 1, 4]
    """
    done = periods.loc[periods["complete"]]
    subjects = pd.Index(periods["subject_id"].unique(), name="subject_id").sort_values()
    last = periods.sort_values("period", kind="stable").groupby("subject_id")["data_days"].last()
    return pd.DataFrame({
        "data_day_periods_complete": done.groupby("subject_id").size().reindex(subjects, fill_value=0),
        "data_day_periods_met": (done.groupby("subject_id")["met"].sum().reindex(subjects, fill_value=0)),
        "data_days_latest_period": last.reindex(subjects, fill_value=0),
    }).astype("int64")


def no_rolling_runs(nights_table: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive observed nights without logged rolling, one row per run.

    Columns: ``subject_id, run_start, run_end`` (first and last night of the run),
    ``run_nights``, ``ongoing`` (the run reaches the subject's last night of observation).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 5, "night": pd.date_range("2026-03-01", periods=5),
    ...     "segments": [1, 0, 0, 1, 0]})
    >>> no_rolling_runs(t)[["run_nights", "ongoing"]].values.tolist()
    [[2, False], [1, True]]
    """
    t = _ordered(nights_table, ["subject_id", "night", "segments"])
    subject = t["subject_id"]
    rolled = t["segments"].to_numpy() > 0
    new_subject = (subject != subject.shift()).to_numpy()
    run = np.cumsum(rolled | new_subject)
    idle_rows = np.flatnonzero(~rolled)
    if len(idle_rows) and in_night_order(t):
        # rows in (subject, night) order: each run is a stretch of consecutive idle rows
        idle_run = run[idle_rows]
        starts = np.flatnonzero(np.r_[True, idle_run[1:] != idle_run[:-1]])
        ends = np.r_[starts[1:], len(idle_rows)] - 1
        night = t["night"].to_numpy()
        subject_starts = np.flatnonzero(new_subject)
        sizes = np.diff(np.r_[subject_starts, len(t)])
        is_last = night == np.repeat(night[np.r_[subject_starts[1:], len(t)] - 1], sizes)
        return pd.DataFrame({
            "subject_id": subject.array.take(idle_rows[starts]),
            "run_start": night[idle_rows[starts]], "run_end": night[idle_rows[ends]],
            "run_nights": (ends - starts + 1).astype("int64"),
            "ongoing": np.logical_or.reduceat(is_last[idle_rows], starts),
        })
    last = t.groupby("subject_id", sort=False)["night"].transform("max")
    idle = t.loc[~rolled].assign(run=run[~rolled], is_last=(t["night"] == last)[~rolled])
    out = (idle.groupby(["subject_id", "run"], sort=True)
           .agg(run_start=("night", "min"), run_end=("night", "max"), run_nights=("night", "size"),
                ongoing=("is_last", "any"))
           .reset_index().drop(columns="run"))
    out["run_nights"] = out["run_nights"].astype("int64")
    return out


def alerts(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Disengagement alerts: runs of nights without logged rolling that reach a threshold.

    Levels and thresholds (nights in a row without any rolling segment): ``low_engagement``
    (``monitoring.low_engagement_nights``, 2), ``stalled`` (14), ``dropped`` (21). A run
    gives one row per level it reaches. ``alert_night`` is the night the alert starts: the
    night on which the run reaches the threshold, i.e. its ``threshold``-th night
    (``run_start + threshold - 1``); nothing is known to be wrong before it. Columns:
    ``subject_id, level, threshold, alert_night, run_start, run_end, run_nights, ongoing``.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 4, "night": pd.date_range("2026-03-01", periods=4),
    ...     "segments": [1, 0, 0, 0]})
    >>> a = alerts(t)
    >>> a["level"].tolist(), str(a["alert_night"].iloc[0].date()), int(a["run_nights"].iloc[0])
    (['low_engagement'], '2026-03-03', 3)
    """
    program = program or Program.default()
    runs = no_rolling_runs(nights_table)
    parts = []
    for level, field in ALERT_LEVELS:
        threshold = getattr(program.monitoring, field)
        hit = runs.loc[runs["run_nights"] >= threshold].copy()
        hit.insert(1, "level", level)
        hit.insert(2, "threshold", threshold)
        hit.insert(3, "alert_night", hit["run_start"] + pd.Timedelta(days=threshold - 1))
        parts.append(hit)
    out = pd.concat(parts, ignore_index=True)
    out["threshold"] = out["threshold"].astype("int64")
    out["level"] = out["level"].astype("str")
    return out.sort_values(["subject_id", "alert_night", "threshold"], kind="stable").reset_index(drop=True)


def alerts_summary(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Per subject: the alert in force on the last night, the current and longest idle runs.

    ``current_alert`` is the highest level reached by the run without rolling that reaches
    the last night of observation (NA when that night has rolling or the run is shorter than
    every threshold); ``nights_without_rolling`` is that run's length (0 when the last night
    has rolling); ``longest_run_without_rolling`` is the longest run in observation.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 4, "night": pd.date_range("2026-03-01", periods=4),
    ...     "segments": [1, 0, 0, 0]})
    >>> s = alerts_summary(t)
    >>> s.loc["a", "current_alert"], int(s.loc["a", "nights_without_rolling"])
    ('low_engagement', 3)
    """
    program = program or Program.default()
    runs = no_rolling_runs(nights_table)
    subjects = pd.Index(nights_table["subject_id"].unique(), name="subject_id").sort_values()
    current = runs.loc[runs["ongoing"]].set_index("subject_id")["run_nights"].reindex(subjects, fill_value=0)
    level = pd.Series(pd.NA, index=subjects, dtype="str")
    for name, field in ALERT_LEVELS:
        level = level.mask(current >= getattr(program.monitoring, field), name)
    return pd.DataFrame({
        "current_alert": level,
        "nights_without_rolling": current.astype("int64"),
        "longest_run_without_rolling": (runs.groupby("subject_id")["run_nights"].max()
                                        .reindex(subjects, fill_value=0).astype("int64")),
    })
