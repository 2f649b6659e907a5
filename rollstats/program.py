"""A home-exercise program as data: every number and choice that rollstats applies.

The card's rules live in ``rollstats/programs/myofascial-release-lower-body.toml``; this
module only gives them types and checks them. A TOML file of your own overrides any field,
section by section::

    [daily]
    minimum_s = 90

    [progression]
    mode = "single_night"

>>> p = Program.default()
>>> p.daily.minimum_s, p.progression.total_s, p.night.day_start.isoformat()
(60.0, 300.0, '04:00:00')
"""
from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RollstatsError
from .regions import REGIONS

DEFAULT_PROGRAM_FILE = "myofascial-release-lower-body.toml"


class ProgramError(RollstatsError, ValueError):
    """A program file names an unknown field or gives a value that cannot be used."""


@dataclass(frozen=True)
class NightRules:
    """When a night starts and what holds a session together."""

    day_start: dt.time  #: wall-clock time at which a new night begins
    session_gap_s: float  #: longest gap (s) between segments of one session


@dataclass(frozen=True)
class Limits:
    """Plausibility limits applied when reading exports."""

    max_segment_s: float  #: a segment longer than this (s) is refused


@dataclass(frozen=True)
class DailyRules:
    """The nightly goal of the daily phase."""

    minimum_s: float  #: seconds on hips and legs that make a night compliant
    counted_regions: tuple[str, ...]  #: regions that count as hips and legs
    unspecified_counts: bool  #: whether rolling with no region counts as hips and legs
    streak_scope: str  #: "observation" or "daily_phase"


@dataclass(frozen=True)
class ProgressionRules:
    """When the subject progresses to the next exercise."""

    total_s: float  #: seconds of hips-and-legs rolling that trigger progression
    mode: str  #: "cumulative" or "single_night"
    next_exercise: str  #: what the card says to do next


@dataclass(frozen=True)
class MaintenanceRules:
    """The keep-it-up goal after progression."""

    window_nights: int  #: nights per maintenance window
    min_per_window: int  #: compliant nights that meet a window
    max_per_window: int  #: more compliant nights than this are noted


@dataclass(frozen=True)
class MistakeRules:
    """The card's common mistakes, made checkable."""

    lateral_regions: tuple[str, ...]  #: regions that are "directly on the side of the thigh"
    thigh_regions: tuple[str, ...]  #: regions that make up thigh time
    min_hold_s: float  #: a session's mean hold under this (s) is "too fast"
    min_regions: int  #: a window covering fewer regions is "narrow"
    window_nights: int  #: window length (nights) for the standalone and narrow checks


@dataclass(frozen=True)
class CheckinRules:
    """How a yes/no check-in (a session of unknown length) counts."""

    meets_minimum: bool  #: true: a check-in meets daily.minimum_s; false: logged but too short


@dataclass(frozen=True)
class MonitoringRules:
    """Engagement measures used by clinicians and studies beyond the card itself."""

    low_engagement_nights: int  #: nights in a row without rolling for a low-engagement alert
    stalled_nights: int  #: ... for a stalled alert
    dropped_nights: int  #: ... for a dropped alert
    data_days_period_nights: int  #: length of a remote-monitoring period (nights)
    data_days_required: int  #: nights with any rolling needed in a period


@dataclass(frozen=True)
class SymptomRules:
    """When symptoms count as resolved."""

    resolved_pain_max: float  #: pain (0-10) at or below this counts as resolved
    resolved_nights: int  #: logged nights in a row at or below it


_SECTIONS: dict[str, type] = {
    "night": NightRules,
    "limits": Limits,
    "daily": DailyRules,
    "progression": ProgressionRules,
    "maintenance": MaintenanceRules,
    "mistakes": MistakeRules,
    "checkins": CheckinRules,
    "monitoring": MonitoringRules,
    "symptoms": SymptomRules,
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "daily.streak_scope": ("observation", "daily_phase"),
    "progression.mode": ("cumulative", "single_night"),
}


@dataclass(frozen=True)
class Program:
    """A whole program: its name, the card's words, and the rules of each part."""

    name: str
    card: str
    night: NightRules
    limits: Limits
    daily: DailyRules
    progression: ProgressionRules
    maintenance: MaintenanceRules
    mistakes: MistakeRules
    checkins: CheckinRules
    monitoring: MonitoringRules
    symptoms: SymptomRules

    @classmethod
    def default(cls) -> "Program":
        """The built-in program: the lower-body myofascial release card."""
        return _default()

    @classmethod
    def from_toml(cls, path: str | Path) -> "Program":
        """The default program with the fields of the TOML file at ``path`` overriding it.

        >>> Program.from_toml("missing.toml")
        Traceback (most recent call last):
        ...
        rollstats.program.ProgramError: program file missing.toml: cannot be read (No such file or directory)
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ProgramError(f"program file {path}: cannot be read ({exc.strerror})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProgramError(f"program file {path}: not valid TOML ({exc})") from None
        return _merge(_default_data(), data, str(path))

    def replace(self, **sections: dict[str, Any]) -> "Program":
        """A copy with fields changed, given as ``section={field: value}``.

        >>> Program.default().replace(daily={"minimum_s": 90}).daily.minimum_s
        90.0
        """
        data = self.to_dict()
        return _merge(data, sections, "replace()")

    def to_dict(self) -> dict[str, Any]:
        """The program as plain TOML-ready values (times as ``HH:MM``, tuples as lists)."""
        out: dict[str, Any] = {"name": self.name, "card": self.card}
        for section in _SECTIONS:
            values = {}
            for f in fields(getattr(self, section)):
                v = getattr(getattr(self, section), f.name)
                if isinstance(v, dt.time):
                    # HH:MM, unless seconds are set (replace() must not drop them)
                    v = v.strftime("%H:%M") if (v.second, v.microsecond) == (0, 0) else v.isoformat()
                elif isinstance(v, tuple):
                    v = list(v)
                values[f.name] = v
            out[section] = values
        return out

    def describe(self) -> str:
        """The rules in force, one ``section.field = value`` per line."""
        lines = [f"program: {self.name}", f"card: {self.card}"]
        for section, values in self.to_dict().items():
            if isinstance(values, dict):
                lines += [f"{section}.{k} = {v}" for k, v in values.items()]
        return "\n".join(lines)

    @property
    def hips_and_legs(self) -> tuple[str, ...]:
        """Regions whose rolling counts toward nights and progression."""
        extra = ("unspecified",) if self.daily.unspecified_counts else ()
        return tuple(self.daily.counted_regions) + extra


def _default_data() -> dict[str, Any]:
    text = resources.files("rollstats.programs").joinpath(DEFAULT_PROGRAM_FILE).read_text("utf-8")
    return tomllib.loads(text)


_DEFAULT: Program | None = None


def _default() -> Program:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = _merge({}, _default_data(), DEFAULT_PROGRAM_FILE)
    return _DEFAULT


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> Program:
    known = {"name", "card", *_SECTIONS}
    unknown = sorted(set(override) - known)
    if unknown:
        raise ProgramError(
            f"program file {where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(known))})")
    merged: dict[str, Any] = {k: v for k, v in base.items()}
    for key, value in override.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ProgramError(f"program file {where}: {key!r} must be a [section]")
            names = {f.name for f in fields(_SECTIONS[key])}
            bad = sorted(set(value) - names)
            if bad:
                raise ProgramError(
                    f"program file {where}: unknown field '{key}.{bad[0]}' "
                    f"(known in [{key}]: {', '.join(sorted(names))})")
            merged[key] = {**base.get(key, {}), **value}
        else:
            merged[key] = value
    sections = {name: _build(cls, name, merged.get(name, {}), where) for name, cls in _SECTIONS.items()}
    for top in ("name", "card"):
        if not isinstance(merged.get(top), str):
            raise ProgramError(f"program file {where}: field {top!r} must be text")
    program = Program(name=merged["name"], card=merged["card"], **sections)
    _check(program, where)
    return program


def _build(cls: type, section: str, values: dict[str, Any], where: str) -> Any:
    kwargs = {}
    for f in fields(cls):
        key = f"{section}.{f.name}"
        if f.name not in values:
            raise ProgramError(f"program file {where}: field {key!r} is missing")
        kwargs[f.name] = _convert(values[f.name], f.type, key, where)
    return cls(**kwargs)


def _convert(value: Any, type_name: str, key: str, where: str) -> Any:
    def fail(expected: str) -> ProgramError:
        return ProgramError(f"program file {where}: field {key!r} must be {expected}, got {value!r}")

    if type_name == "dt.time":
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value))
        except ValueError:
            raise fail("a time such as \"04:00\"") from None
    if type_name == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
            raise fail("a number of 0 or more")
        return float(value)
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail("a whole number of 1 or more")
        return value
    if type_name == "bool":
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if type_name == "str":
        if not isinstance(value, str):
            raise fail("text")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise fail("one of " + ", ".join(repr(c) for c in _CHOICES[key]))
        return value
    if type_name == "tuple[str, ...]":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise fail("a list of region names")
        unknown = [v for v in value if v not in REGIONS]
        if unknown:
            raise fail("a list of regions among " + ", ".join(REGIONS))
        return tuple(value)
    raise AssertionError(f"no converter for {type_name}")  # pragma: no cover


def _check(program: Program, where: str) -> None:
    m = program.maintenance
    if m.min_per_window > m.window_nights:
        raise ProgramError(
            f"program file {where}: 'maintenance.min_per_window' ({m.min_per_window}) "
            f"is more than 'maintenance.window_nights' ({m.window_nights})")
    if m.max_per_window < m.min_per_window:
        raise ProgramError(
            f"program file {where}: 'maintenance.max_per_window' ({m.max_per_window}) "
            f"is less than 'maintenance.min_per_window' ({m.min_per_window})")
    if program.limits.max_segment_s <= 0:
        raise ProgramError(f"program file {where}: 'limits.max_segment_s' must be more than 0")
    mon = program.monitoring
    levels = [("low_engagement_nights", mon.low_engagement_nights), ("stalled_nights", mon.stalled_nights),
              ("dropped_nights", mon.dropped_nights)]
    for (lower, a), (higher, b) in zip(levels, levels[1:]):
        if not a < b:
            raise ProgramError(f"program file {where}: 'monitoring.{lower}' ({a}) must be less than "
                               f"'monitoring.{higher}' ({b})")
    if mon.data_days_required > mon.data_days_period_nights:
        raise ProgramError(
            f"program file {where}: 'monitoring.data_days_required' ({mon.data_days_required}) "
            f"is more than 'monitoring.data_days_period_nights' ({mon.data_days_period_nights})")
    if program.symptoms.resolved_pain_max > 10:
        raise ProgramError(f"program file {where}: 'symptoms.resolved_pain_max' "
                           f"({program.symptoms.resolved_pain_max:g}) is above the 0-10 pain scale")


def load_program(path: str | Path | None = None) -> Program:
    """The program in ``path`` (a TOML file), or the built-in card when ``path`` is None.

    >>> load_program().maintenance.min_per_window
    2
    """
    return Program.default() if path is None else Program.from_toml(path)


__all__ = ["Program", "ProgramError", "load_program", "NightRules", "Limits", "DailyRules",
           "ProgressionRules", "MaintenanceRules", "MistakeRules", "CheckinRules", "MonitoringRules",
           "SymptomRules"]
