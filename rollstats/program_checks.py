"""Checking a program file: each field's type and range, and the rules that tie fields together.

Part of :mod:`rollstats.program` (import from there): that module lays a program file over the
defaults and builds the :class:`~rollstats.program.Program`; this one lays each section over
its defaults (:func:`overlay_section`), turns its plain values into the section's frozen
dataclass, field by field (:func:`build_section`), and checks the whole (:func:`check_program`).
Every error is a :class:`ProgramError` that names the file and the field.

>>> from rollstats.program_rules import Limits
>>> build_section(Limits, "limits", {"max_segment_s": 3600}, "my.toml").max_segment_s
3600.0
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .errors import RollstatsError
from .program_words import NESTED, fill, texts
from .regions import REGIONS, RIGHT_THIGH_CLOCK

if TYPE_CHECKING:
    from .program import Program


class ProgramError(RollstatsError, ValueError):
    """A program file names an unknown field or gives a value that cannot be used."""


_CHOICES: dict[str, tuple[str, ...]] = {
    "daily.streak_scope": ("observation", "daily_phase"),
    "progression.mode": ("cumulative", "single_night"),
}


def overlay_section(cls: type, base: dict[str, Any], value: Any, key: str, where: str) -> dict[str, Any]:
    """The fields of ``base`` with those of ``value`` over them, field by field (tables in tables too).

    ``cls`` is the section's dataclass, ``key`` its name in the file and ``where`` the file, for
    the error; values stay as the file gives them (seconds, clock times as text): nothing is
    converted here. A field ``cls`` does not have is a :class:`ProgramError`.

    >>> from rollstats.program_rules import DailyRules
    >>> overlay_section(DailyRules, {"minimum_s": 60, "streak_scope": "observation"}, {"minimum_s": 90},
    ...                 "daily", "my.toml")
    {'minimum_s': 90, 'streak_scope': 'observation'}
    """
    if not isinstance(value, dict):
        raise ProgramError(f"program file {where}: {key!r} must be a [section]")
    types = {f.name: f.type for f in fields(cls)}
    bad = sorted(set(value) - set(types))
    if bad:
        raise ProgramError(
            f"program file {where}: unknown field '{key}.{bad[0]}' (known in [{key}]: {', '.join(sorted(types))})")
    out = dict(base)
    for name, v in value.items():
        nested = NESTED.get(types[name])
        out[name] = overlay_section(nested, base.get(name, {}), v, f"{key}.{name}", where) if nested else v
    return out


def build_section(cls: type, section: str, values: dict[str, Any], where: str) -> Any:
    """The section ``cls`` made from its plain ``values``, each field converted and checked.

    Every field must be given (``section`` and ``where`` name it in the error). Numbers keep
    the unit of the field (seconds for ``*_s``, nights, a 0-10 pain score) and become floats
    where the field is a float; times of day are read from ``HH:MM``.

    >>> from rollstats.program_rules import NightRules
    >>> build_section(NightRules, "night", {"day_start": "04:00", "session_gap_s": 900}, "my.toml")
    NightRules(day_start=datetime.time(4, 0), session_gap_s=900.0)
    >>> build_section(NightRules, "night", {"day_start": "04:00"}, "my.toml")
    Traceback (most recent call last):
    ...
    rollstats.program_checks.ProgramError: program file my.toml: field 'night.session_gap_s' is missing
    """
    kwargs = {}
    for f in fields(cls):
        key = f"{section}.{f.name}"
        if f.name not in values:
            raise ProgramError(f"program file {where}: field {key!r} is missing")
        nested = NESTED.get(f.type)
        kwargs[f.name] = (build_section(nested, key, values[f.name], where) if nested
                          else _convert(values[f.name], f.type, key, where))
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
        if not isinstance(value, str) or (key.startswith("words.") and not value.strip()):
            raise fail("text" if not key.startswith("words.") else "a text that is not empty")
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
    if type_name == "tuple[int, ...]":
        if not isinstance(value, (list, tuple)) or not value or not all(
                isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 12 for v in value):
            raise fail("a list of clock hours from 1 to 12")
        return tuple(value)
    raise AssertionError(f"no converter for {type_name}")  # pragma: no cover


def check_program(program: Program, where: str) -> None:
    """Check the rules that tie fields of ``program`` together; ``where`` names the file.

    The clock hours to roll instead are off the side of the thigh; every text is filled in (each
    placeholder names a rule); a maintenance window of ``window_nights`` nights holds its
    minimum; the longest segment allowed is more than 0 s; the monitoring levels (nights without
    rolling) rise; the nights of data required fit in their period; a resolved pain stays
    on the 0-10 scale. Raises :class:`ProgramError` at the first rule broken; returns None.

    >>> from dataclasses import replace
    >>> from rollstats.program import Limits, Program
    >>> check_program(Program.default(), "my.toml") is None
    True
    >>> check_program(replace(Program.default(), limits=Limits(max_segment_s=0.0)), "my.toml")
    Traceback (most recent call last):
    ...
    rollstats.program_checks.ProgramError: program file my.toml: 'limits.max_segment_s' must be more than 0
    """
    rules = program.mistakes
    on_line = [h for h in rules.roll_instead_hours if RIGHT_THIGH_CLOCK[h] in rules.lateral_regions]
    if on_line:
        raise ProgramError(f"program file {where}: 'mistakes.roll_instead_hours' has {on_line[0]} o'clock, "
                           "which is on 'mistakes.lateral_regions'")
    for key, text in {"card": program.card_template, **texts(program.words)}.items():
        if not text.strip():
            raise ProgramError(f"program file {where}: field {key!r} must be a text that is not empty")
        try:
            fill(text, program)
        except ValueError as exc:
            raise ProgramError(f"program file {where}: field {key!r} {exc}") from None
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
