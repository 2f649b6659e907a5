"""The habit-strength score of Loop Habit Tracker, over consecutive nights.

Loop (github.com/iSoron/uhabits) scores a habit by exponential smoothing. Checked against its
source, ``uhabits-core/.../models/Score.kt`` and ``ScoreList.kt`` (``recompute``):

- ``Score.compute``: multiplier ``m = 0.5 ** (sqrt(f) / 13)`` with ``f`` the goal's frequency,
  repetitions divided by the days of its interval (3 times in 8 days: f = 0.375); each day
  ``score = previous * m + completion * (1 - m)``; the first previous score is 0.
- ``ScoreList.recompute``: completion is a share capped at 1 of a rolling sum over the last
  ``denominator`` days (a numerical habit: the sum of the values over the target; a yes/no
  habit: the yes days over the numerator). For a yes/no habit whose frequency is under once
  a day, numerator and denominator are both doubled for that rolling sum (2 per 7 is counted
  as 4 per 14) to smooth irregular schedules; ``f`` itself is not doubled.

rollstats counts one night's share of the target, capped at 1 (a long night never stands for
two), and sums those shares over the goal's window, with Loop's doubling for goals under
once a night. For a daily goal this is exactly Loop's completion: min(value / target, 1).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..program import Program
from ._runs import in_night_order

_BLOCK = 4096  # most nights in one run of the closed form
_MAX_LOG2 = 400.0  # and m ** -k stays under 2 ** 400


def multiplier(times: int = 1, nights: int = 1) -> float:
    """Loop's smoothing factor for a goal of ``times`` repetitions per ``nights`` nights.

    >>> round(multiplier(), 6), round(multiplier(2, 7), 6)
    (0.948078, 0.971902)
    """
    return 0.5 ** (math.sqrt(times / nights) / 13.0)


def _goal(times: int, nights: int) -> tuple[int, int]:
    """Repetitions and window (nights) of the rolling sum: Loop doubles goals under once a night."""
    if isinstance(times, bool) or isinstance(nights, bool) or int(times) != times or int(nights) != nights:
        raise ValueError(f"times and nights must be whole numbers, got {times!r} and {nights!r}")
    if not 1 <= times <= nights:
        raise ValueError(f"a goal needs 1 <= times <= nights (one repetition a night at most), "
                         f"got {times} per {nights}")
    return (2 * times, 2 * nights) if times < nights else (int(times), int(nights))


def _window_sum(share: np.ndarray, subject_start: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Per row: the sum of ``share`` over the last ``window`` rows of the same subject."""
    n = len(share)
    # running sums restart with each subject: a subject's figures do not depend on the rows
    # of the subjects before it (the same to the last bit on a part of the table, as on Dask)
    csum = pd.Series(share).groupby(subject_start, sort=False).cumsum().to_numpy()
    pos = np.arange(n)
    begin = np.maximum(pos - window + 1, subject_start)
    before = np.where(begin > subject_start, csum[np.maximum(begin - 1, 0)], 0.0)
    return csum - before


def smooth(completion: np.ndarray, m: np.ndarray, new_series: np.ndarray, block: int = _BLOCK) -> np.ndarray:
    """``s[i] = s[i-1] * m[i] + completion[i] * (1 - m[i])``, restarting at 0 where ``new_series``.

    Vectorised, with no loop over rows: rows are cut into runs of one multiplier (and at most
    ``block`` rows); inside a run the recursion has the closed form
    ``s_k = m**(k+1) * s_in + (1 - m) * m**k * cumsum(m**-j * c_j)``, and only the values carried
    from one run into the next are chained, in a loop over the rank of the run (a handful of
    steps: one per goal change or per ``block`` nights).

    >>> smooth(np.ones(3), np.full(3, 0.5), np.array([True, False, False])).tolist()
    [0.5, 0.75, 0.875]
    """
    c = np.asarray(completion, dtype="float64")
    m = np.asarray(m, dtype="float64")
    n = len(c)
    if n == 0:
        return np.zeros(0)
    new_series = np.asarray(new_series, dtype=bool).copy()
    new_series[0] = True
    pos = np.arange(n)
    series_start = np.maximum.accumulate(np.where(new_series, pos, 0))
    changed = np.r_[True, m[1:] != m[:-1]] | new_series
    run_start = np.maximum.accumulate(np.where(changed, pos, 0))
    # cut long runs so that m ** -k stays under 2 ** 400 (no overflow, no loss of precision)
    with np.errstate(divide="ignore"):
        longest = np.floor(_MAX_LOG2 / np.maximum(-np.log2(m), 1e-300))
    changed |= (pos - run_start) % np.clip(longest, 1, block).astype("int64") == 0
    run_start = np.maximum.accumulate(np.where(changed, pos, 0))
    run_id = np.cumsum(changed) - 1
    k = pos - run_start
    weighted = pd.Series(m ** (-k.astype("float64")) * c)
    csum = weighted.groupby(run_id).cumsum().to_numpy()  # per run: no cancellation between runs
    within = (1.0 - m) * m ** k * csum  # the run's value when it starts from 0

    starts = np.flatnonzero(changed)
    ends = np.r_[starts[1:], n] - 1
    decay = m[starts] ** (ends - starts + 1)  # what a carried-in value keeps at the run's end
    rank = run_id[starts] - run_id[series_start[starts]]
    carried = np.zeros(len(starts))
    for r in range(1, int(rank.max()) + 1 if len(rank) else 0):
        now = np.flatnonzero(rank == r)
        prev = now - 1
        carried[now] = decay[prev] * carried[prev] + within[ends[prev]]
    return m ** (k + 1) * carried[run_id] + within


def strength_score(values: Sequence[float] | np.ndarray, target: float, times: int = 1,
                   nights: int = 1) -> np.ndarray:
    """Loop Habit Tracker's strength after each of a series of consecutive nights (0 to 1).

    ``values`` holds one number per night in order, no gaps (e.g. seconds rolled; 0 for a
    night without); ``target`` is what one repetition needs (e.g. 60 s); the goal is ``times``
    repetitions per ``nights`` nights. Each night's completion is the capped sum
    ``min(1, sum(min(v / target, 1) over the window) / repetitions)`` over the last ``nights``
    nights (``2 * nights`` nights and ``2 * times`` repetitions when times < nights, as Loop),
    and ``score = score * m + completion * (1 - m)`` from 0, ``m = 0.5 ** (sqrt(times / nights) / 13)``.

    Twenty nights in a row at 60 s of a daily 60-s goal: 1 - 0.5 ** (20 / 13) = 0.6557476.

    >>> round(float(strength_score([60] * 20, 60)[-1]), 7)
    0.6557476
    >>> [round(float(x), 4) for x in strength_score([30, 90], 60)]
    [0.026, 0.0765]
    """
    v = np.asarray(values, dtype="float64")
    if not target > 0:
        raise ValueError(f"target must be more than 0, got {target!r}")
    if np.isnan(v).any() or (v < 0).any():
        raise ValueError("values must be numbers of 0 or more (0 for a night without)")
    reps, window = _goal(times, nights)
    share = np.minimum(v / target, 1.0)
    done = _window_sum(share, np.zeros(len(v), dtype="int64"), np.full(len(v), window))
    completion = np.minimum(done / reps, 1.0)
    new = np.zeros(len(v), dtype=bool)
    return smooth(completion, np.full(len(v), multiplier(times, nights)), new)


def strength(nights_table: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Per subject and night: Loop's strength of the card's goal, switching goal after progression.

    In the daily phase the goal is ``daily.minimum_s`` every night (times = nights = 1); from
    the night after the progression night it is ``maintenance.min_per_window`` nights of
    ``daily.minimum_s`` per ``maintenance.window_nights`` nights. The score carries over the
    switch, and the maintenance window's rolling sum looks back over the subject's nights of
    either phase. Columns: ``subject_id, night, phase, goal_times, goal_nights, completion``
    (0-1), ``strength`` (0-1).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 20, "night": pd.date_range("2026-03-01", periods=20),
    ...     "rolled_s": [60.0] * 20, "phase": ["daily"] * 20})
    >>> round(float(strength(t)["strength"].iloc[-1]), 7)
    0.6557476
    """
    program = program or Program.default()
    t = nights_table[["subject_id", "night", "phase", "rolled_s"]]
    if not in_night_order(t):
        t = t.sort_values(["subject_id", "night"], kind="stable")
    subject = pd.factorize(t["subject_id"])[0]  # integer codes: no Python string per row
    n = len(t)
    new = np.r_[True, subject[1:] != subject[:-1]] if n else np.zeros(0, dtype=bool)
    pos = np.arange(n)
    subject_start = np.maximum.accumulate(np.where(new, pos, 0)) if n else pos
    maintenance = (t["phase"] == "maintenance").to_numpy()
    rules = program.maintenance
    times = np.where(maintenance, rules.min_per_window, 1)
    per = np.where(maintenance, rules.window_nights, 1)
    daily_goal, maint_goal = _goal(1, 1), _goal(rules.min_per_window, rules.window_nights)
    reps = np.where(maintenance, maint_goal[0], daily_goal[0])
    window = np.where(maintenance, maint_goal[1], daily_goal[1])
    share = np.minimum(t["rolled_s"].to_numpy(dtype="float64") / program.daily.minimum_s, 1.0)
    completion = np.minimum(_window_sum(share, subject_start, window) / reps, 1.0)
    m = np.where(maintenance, multiplier(rules.min_per_window, rules.window_nights), multiplier(1, 1))
    return pd.DataFrame({
        "subject_id": t["subject_id"].array, "night": t["night"].to_numpy(),
        "phase": t["phase"].array, "goal_times": times.astype("int64"),
        "goal_nights": per.astype("int64"), "completion": completion,
        "strength": smooth(completion, m, new),
    })


def strength_summary(strength_table: pd.DataFrame) -> pd.DataFrame:
    """Per subject: ``strength``, the score on the last night of observation (0 to 1).

    >>> s = pd.DataFrame({"subject_id": ["a", "a"], "night": pd.date_range("2026-03-01", periods=2),
    ...     "strength": [0.05, 0.1]})
    >>> strength_summary(s)["strength"].tolist()
    [0.1]
    """
    table = strength_table[["subject_id", "night", "strength"]]
    if not in_night_order(table):   # each subject's nights in order: its last row is its last night
        table = table.sort_values("night", kind="stable")
    last = table[["subject_id", "strength"]].groupby("subject_id", sort=True).last()
    return last[["strength"]].astype("float64")
