"""Plan rolling nights ahead and see what the card's rules make of the plan, before rolling.

A :class:`Plan` says which nights of the week to roll, how many seconds on each region and
side, how long to hold tender spots, and which days hold strengthening exercises. Its
sessions become a canonical segment table (:func:`plan_segments`), so the very metrics that
judge a real log project the plan: its nights, its progression night and the maintenance
windows after it (:func:`project`). :func:`plan_warnings` says in plain words where the plan
breaks the card; :func:`to_ics` and :func:`plan_to_csv` export it; :func:`plan_vs_actual`
compares it later with the log. Pure functions: only ``save_plan``, ``load_plan`` and the
``path=`` of ``plan_to_csv`` touch files.

>>> plan = Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60})
>>> str(project(plan).progression_night.date())
'2026-03-06'
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from ..errors import RollstatsError
from ..metrics import check_windows, maintenance_windows, nights
from ..program import Program
from ..regions import ALIASES, REGIONS, normalise_label
from ..schema import SEGMENT_DTYPES
from ..times import night_of

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Regions a plan can name (the mapped hips-and-legs regions) and how people read them.
REGION_WORDS: dict[str, str] = {
    "thigh_front": "front of the thigh", "thigh_back": "back of the thigh",
    "thigh_outer_front": "outer thigh, front", "thigh_outer_back": "outer thigh, back",
    "thigh_lateral": "side of the thigh (IT band)", "thigh_inner": "inner thigh", "calf": "calves", "hip": "hips"}
PLAN_SIDES: tuple[str, ...] = ("left", "right", "both")
PLAN_SUBJECT = "plan"  #: the subject_id of planned segments


class PlanError(RollstatsError, ValueError):
    """A plan (or a saved plan file) that cannot be used; the message names the field."""


def _weekdays(values, name: str) -> tuple[int, ...]:
    out = set()
    for v in values:
        key = v if isinstance(v, (int, np.integer)) else str(v).strip()[:3].title()
        index = int(key) if isinstance(key, (int, np.integer)) else (WEEKDAYS.index(key) if key in WEEKDAYS else -1)
        if not 0 <= index <= 6:
            raise PlanError(f"plan: {name} must be weekdays 0-6 (Monday = 0) or names such as 'Mon', got {v!r}")
        out.add(index)
    return tuple(sorted(out))


def _entries(seconds) -> tuple[tuple[str, str, float], ...]:
    """(region, side, seconds) in display order; aliases read, repeats added, zeros dropped."""
    items = seconds.items() if isinstance(seconds, dict) else ((e[:-1], e[-1]) for e in seconds)
    total: dict[tuple[str, str], float] = {}
    for key, value in items:
        label, side = (key, "both") if isinstance(key, str) else (key[0], key[1] if len(key) > 1 else "both")
        region = ALIASES.get(str(label)) or ALIASES.get(normalise_label(pd.Series([label])).iloc[0])
        if region not in REGION_WORDS:
            raise PlanError(f"plan: {label!r} is not a region a plan can name ({', '.join(REGION_WORDS)})")
        if side not in PLAN_SIDES:
            raise PlanError(f"plan: side {side!r} of {label!r} must be one of {', '.join(PLAN_SIDES)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise PlanError(f"plan: seconds of {label!r} must be a number of 0 or more, got {value!r}")
        total[(region, side)] = total.get((region, side), 0.0) + float(value)
    order = sorted(total, key=lambda k: (REGIONS.index(k[0]), PLAN_SIDES.index(k[1])))
    return tuple((r, s, total[(r, s)]) for r, s in order if total[(r, s)] > 0)


@dataclass(frozen=True)
class Plan:
    """What to roll, when, for how long. Seconds are per night; days are weekdays (Monday = 0).

    ``start`` is the first night (a date or ``YYYY-MM-DD``), ``weeks`` the plan's length;
    ``nights`` the weekdays to roll; ``maintenance_nights`` the weekdays to roll after the
    projected progression night (None: the same nights throughout); ``seconds`` maps a region
    (canonical or alias) or a ``(region, side)`` pair to seconds a night, ``side`` being left,
    right or both (legs at once, the default); ``hold_s`` the hold on each tender spot (s, None:
    not planned); ``strengthening`` the weekdays with ``strengthening_s`` seconds of
    strengthening exercise after the rolling; ``time`` the planned local start.

    >>> Plan("2026-03-02", seconds={("calves", "left"): 30, "IT band": 20}).seconds
    (('thigh_lateral', 'both', 20.0), ('calf', 'left', 30.0))
    """

    start: dt.date
    nights: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    seconds: tuple[tuple[str, str, float], ...] = ()
    hold_s: float | None = None
    strengthening: tuple[int, ...] = ()
    weeks: int = 4
    time: dt.time = dt.time(21, 0)
    strengthening_s: float = 600.0
    maintenance_nights: tuple[int, ...] | None = None

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)
        if self.start is None or self.start is pd.NaT:
            raise PlanError("plan: choose the first night (start)")
        try:
            put("start", pd.Timestamp(self.start).date())
            put("time", self.time if isinstance(self.time, dt.time) else dt.time.fromisoformat(str(self.time)))
        except ValueError as exc:
            raise PlanError(f"plan: start must be a date and time a time of day ({exc})") from None
        put("nights", _weekdays(self.nights, "nights"))
        put("strengthening", _weekdays(self.strengthening, "strengthening"))
        if self.maintenance_nights is not None:
            put("maintenance_nights", _weekdays(self.maintenance_nights, "maintenance_nights"))
        put("seconds", _entries(self.seconds))
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, (int, np.integer)) or not 1 <= self.weeks <= 520:
            raise PlanError(f"plan: weeks must be a whole number from 1 to 520, got {self.weeks!r}")
        for name in ("hold_s", "strengthening_s"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not float(value) >= 0):
                raise PlanError(f"plan: {name} must be 0 or more seconds, got {value!r}")
            put(name, None if value is None else float(value))

    @property
    def last_night(self) -> dt.date:
        """The plan's last night: ``weeks`` whole weeks from ``start``."""
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def night_s(self) -> float:
        """Seconds of rolling on a planned night, all regions and sides."""
        return sum(s for _, _, s in self.seconds)

    def to_dict(self) -> dict:
        """Plain JSON-ready values (dates ``YYYY-MM-DD``, times ``HH:MM``, weekdays as names)."""
        out = asdict(self)
        out.update(start=self.start.isoformat(), time=self.time.strftime("%H:%M"),
                   seconds=[{"region": r, "side": s, "seconds": v} for r, s, v in self.seconds])
        for name in ("nights", "strengthening", "maintenance_nights"):
            out[name] = None if out[name] is None else [WEEKDAYS[d] for d in out[name]]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Plan":
        """The plan written by :meth:`to_dict`; unknown fields are an error."""
        data = dict(data)
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise PlanError(f"plan: unknown field {unknown[0]!r}")
        if isinstance(data.get("seconds"), list):
            try:
                data["seconds"] = {(e["region"], e.get("side", "both")): e["seconds"] for e in data["seconds"]}
            except (KeyError, TypeError):
                raise PlanError("plan: each seconds entry needs 'region' and 'seconds'") from None
        if "start" not in data:
            raise PlanError("plan: field 'start' is missing")
        return cls(**data)


def default_plan(start: str | dt.date | None = None) -> Plan:
    """A plan that keeps the card: every night 2 min (15 s on each leg for the front and back of
    the thigh, the calves and the hips; holds of 20 s),
    then Mon, Wed and Fri after progression, strengthening on Tue, Thu and Sat, for 6 weeks,
    from ``start`` (default: the next Monday).

    >>> default_plan("2026-03-02").night_s
    120.0
    """
    if start is None:
        today = dt.date.today()
        start = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    seconds = {(r, side): 15 for r in ("thigh_front", "thigh_back", "calf", "hip") for side in ("left", "right")}
    return Plan(start, seconds=seconds, hold_s=20, strengthening=(1, 3, 5), weeks=6, maintenance_nights=(0, 2, 4))


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
