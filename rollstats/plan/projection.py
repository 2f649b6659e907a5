"""What the card's rules make of a plan, before rolling: its segments and their projection.

A plan's sessions become a canonical segment table (:func:`plan_segments`), so the very
metrics that judge a real log project the plan: its nights, its progression night and the
maintenance windows after it (:func:`project`, a :class:`Projection`). The plan itself, the
value checked when it is made, is in :mod:`.core`.

>>> plan = Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60})
>>> str(project(plan).progression_night.date())
'2026-03-06'
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..metrics import check_windows, maintenance_windows, nights
from ..program import Program
from ..schema import SEGMENT_DTYPES
from ..times import night_of
from .core import PLAN_SUBJECT, Plan


def _segments(plan: Plan, roll_days: pd.DatetimeIndex, program: Program,
              days: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """The canonical segments of the rolling on ``roll_days``, then each strengthening day's
    exercise (among ``days``, default: the plan's), back to back (columns built in their schema
    dtypes: no conversion afterwards).

    A time before ``night.day_start`` (00:30, say) is after midnight: the next calendar date,
    same night.
    """
    per = np.array([s for _, _, s in plan.seconds], dtype="float64")
    k, m = len(roll_days), len(per)
    days = pd.date_range(plan.start, plan.last_night) if days is None else days
    extra = days[days.day_of_week.isin(plan.strengthening)] if plan.strengthening_s else days[:0]
    day = np.concatenate([roll_days.to_numpy().repeat(m), extra.to_numpy()]).astype("datetime64[us]")
    offset = np.concatenate([np.tile(np.cumsum(per) - per, k), np.where(extra.isin(roll_days), per.sum(), 0.0)])
    duration = np.concatenate([np.tile(per, k), np.full(len(extra), plan.strengthening_s or 0.0)])
    rolling = np.arange(len(day)) < k * m
    clock = pd.Timedelta(hours=plan.time.hour, minutes=plan.time.minute, seconds=plan.time.second,
                         days=int(plan.time < program.night.day_start))
    local = day + clock.to_timedelta64() + np.round(offset * 1e6).astype("int64").astype("timedelta64[us]")
    order = np.argsort(local, kind="stable")
    local, duration, rolling = local[order], duration[order], rolling[order]
    n = len(order)

    def tiled(column: str, night: list, strengthening) -> pd.Categorical:
        """A categorical column: ``night`` (a value per region rolled) on each roll day, then a value
        per strengthening day."""
        code = {value: i for i, value in enumerate(SEGMENT_DTYPES[column].categories)}   # None: -1, missing
        codes = np.concatenate([np.tile([code.get(v, -1) for v in night], k),
                                np.full(len(extra), code.get(strengthening, -1))]).astype("int8")
        return pd.Categorical.from_codes(codes[order], dtype=SEGMENT_DTYPES[column])

    def constant(value, dtype):
        return pd.array([value] * n, dtype=dtype)

    region = tiled("region", [r for r, _, _ in plan.seconds], "other")
    count, held = _holds(rolling, duration, plan.hold_s)
    local = pd.Series(local)
    return pd.DataFrame({
        "subject_id": constant(PLAN_SUBJECT, "str"), "start": local.dt.tz_localize("UTC"), "local_start": local,
        "night": night_of(local, program.night.day_start), "duration_s": duration, "region": region,
        "region_label": pd.array(region.astype("str"), dtype="str"),
        "side": tiled("side", [side for _, side, _ in plan.seconds], None),
        "activity": tiled("activity", ["rolling"] * m, "strengthening"),
        "trigger": constant("routine", SEGMENT_DTYPES["trigger"]),
        "hold_count": pd.array(count, dtype="Int64"), "hold_s": pd.array(held, dtype="Float64"),
        "pain_before": constant(None, "Float64"), "pain_after": constant(None, "Float64"),
        "notes": constant(None, "str"), "source": constant("plan", "str"), "source_row": np.arange(1, n + 1)})


def plan_segments(plan: Plan, program: Program | None = None) -> pd.DataFrame:
    """The planned sessions as a canonical segment table (subject and source ``plan``).

    Each planned night's regions are rolled back to back from ``plan.time`` (local wall clock,
    also stored as the UTC instant: a plan has no zone; a time before ``night.day_start`` falls
    after midnight, on the next date), then that day's strengthening. With
    ``maintenance_nights``, the nights after the progression night (found by
    :func:`rollstats.nights` on the plan itself) follow those weekdays instead. Holds:
    ``duration_s // hold_s`` holds of ``hold_s`` seconds per rolling segment (at least one).

    >>> seg = plan_segments(Plan("2026-03-02", nights=["Mon"], seconds={"quads": 60}, weeks=2))
    >>> seg["local_start"].dt.strftime("%a %d %b %H:%M").tolist()
    ['Mon 02 Mar 21:00', 'Mon 09 Mar 21:00']
    """
    program = program or Program.default()
    days = pd.date_range(plan.start, plan.last_night)
    planned = days.day_of_week.isin(plan.nights)
    if plan.maintenance_nights is None or plan.maintenance_nights == plan.nights:
        return _segments(plan, days[planned], program)
    hit = _progression_night(plan, days, planned, program)
    if hit is None:
        return _segments(plan, days[planned], program)
    after = days > hit
    return _segments(plan, days[(planned & ~after) | (days.day_of_week.isin(plan.maintenance_nights) & after)],
                     program)


def _progression_night(plan: Plan, days: pd.DatetimeIndex, planned: np.ndarray,
                       program: Program) -> pd.Timestamp | None:
    """The night the rolling on the ``planned`` of ``days`` reaches progression (None: never).

    The night depends only on the nights up to it, so the plan's first four weeks are tried
    first (most plans progress within days) and all of it only when they do not reach it.
    Observed from the first planned night (not from ``plan.start``, as project() does) it is
    the same night.
    """
    for span in dict.fromkeys((min(28, len(days)), len(days))):
        segments = _segments(plan, days[:span][planned[:span]], program, days[:span])
        if len(segments):
            table = nights(segments, program)
            hit = table.loc[table["progression"], "night"]
            if len(hit):
                return hit.iloc[0]
    return None


def _holds(rolling: np.ndarray, duration: np.ndarray, hold_s: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Per segment (``rolling``: whether it is rolling): the planned holds (``duration // hold_s``,
    at least one, on rolling only; NaN without ``hold_s``) and the seconds they take (at most the
    segment's length)."""
    count = np.full(len(duration), np.nan)
    if hold_s:
        count = np.where(rolling, np.maximum(duration // hold_s, 1), np.nan)
    return count, np.minimum(count * (hold_s or 0.0), duration)


def plan_enrolment(plan: Plan, end: dt.date | None = None) -> pd.DataFrame:
    """The plan as an enrolment table: its one subject observed from its first night to ``end``
    (default: its last night).

    >>> plan_enrolment(Plan("2026-03-02", weeks=1))[["start", "end"]].iloc[0].dt.day.tolist()
    [2, 8]
    """
    return pd.DataFrame({"subject_id": [PLAN_SUBJECT], "start": [pd.Timestamp(plan.start)],
                         "end": [pd.Timestamp(end or plan.last_night)]})


@dataclass(frozen=True)
class Projection:
    """What the metrics make of a plan: its segments, nights table, maintenance and check windows."""

    plan: Plan
    segments: pd.DataFrame
    nights: pd.DataFrame
    windows: pd.DataFrame
    checks: pd.DataFrame

    @property
    def progression_night(self) -> pd.Timestamp | None:
        """The projected progression night (None when the plan never reaches it)."""
        hit = self.nights.loc[self.nights["progression"], "night"]
        return hit.iloc[0] if len(hit) else None


def project(plan: Plan, program: Program | None = None, previous: Projection | None = None) -> Projection:
    """Run the metrics on the plan over its whole length (``start`` to ``last_night``).

    ``previous``: the projection of an earlier plan under the same ``program`` (a widget's last
    one). When the two plans differ at most in ``hold_s``, its nights and windows are kept and
    only the segments' holds are planned anew: holds change no night and no window.

    >>> p = project(Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60}))
    >>> str(p.progression_night.date()), p.windows["met"].tolist()
    ('2026-03-06', [True, True, True, <NA>])
    >>> held = project(replace(p.plan, hold_s=25), previous=p)
    >>> held.nights is p.nights, held.segments["hold_count"].tolist()[:2]
    (True, [2, 2])
    """
    program = program or Program.default()
    if previous is not None and replace(previous.plan, hold_s=plan.hold_s) == plan:
        segments = previous.segments
        rolling = (segments["activity"] == "rolling").to_numpy()
        count, held = _holds(rolling, segments["duration_s"].to_numpy(dtype="float64"), plan.hold_s)
        holds = {"hold_count": SEGMENT_DTYPES["hold_count"], "hold_s": SEGMENT_DTYPES["hold_s"]}
        segments = segments.assign(hold_count=count, hold_s=held).astype(holds)
        return replace(previous, plan=plan, segments=segments)
    segments = plan_segments(plan, program)
    if len(segments) and segments["night"].iloc[0] == pd.Timestamp(plan.start):
        # rolling (or strengthening) on the plan's first night: observed from it to the plan's last
        # night, which is the plan's window without the checks of an enrolment table
        table = nights(segments, program, until=plan.last_night)
    else:
        table = nights(segments, program, enrolment=plan_enrolment(plan))
    return Projection(plan, segments, table, maintenance_windows(table, program), check_windows(table, program))
