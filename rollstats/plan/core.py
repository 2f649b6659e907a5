"""Plan rolling nights ahead: the plan as a value, checked when it is made.

A :class:`Plan` says which nights of the week to roll, how many seconds on each region and
side, how long to hold tender spots, and which days hold strengthening exercises; a field that
cannot be used raises :class:`PlanError` naming it, and :func:`default_plan` is a plan that
keeps the card. What the card's rules make of a plan is in :mod:`.projection`
(:func:`plan_segments`, :func:`project`). :func:`plan_warnings` says in plain words where the
plan breaks the card; :func:`to_ics` and :func:`plan_to_csv` export it; :func:`plan_vs_actual`
compares it later with the log. Pure functions: only ``save_plan``, ``load_plan`` and the
``path=`` of ``plan_to_csv`` touch files.

>>> plan = Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60})
>>> [WEEKDAYS[d] for d in plan.nights], plan.night_s
(['Mon', 'Wed', 'Fri'], 120.0)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import RollstatsError
from ..regions import ALIASES, REGIONS, normalise_label

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
