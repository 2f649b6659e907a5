"""A home-exercise program as data: every number and choice that rollstats applies.

The card's rules live in ``rollstats/programs/myofascial-release-lower-body.toml``; this
module reads them, checks them and fills the defaults (the types are in
:mod:`rollstats.program_rules` and :mod:`rollstats.program_words`). A TOML file of your own
overrides any field, one field at a time::

    [daily]
    minimum_s = 90

    [progression]
    mode = "single_night"

    [words.too_fast]
    advice = "Hold each sore spot {mistakes.min_hold_s} s or more."

The words people read (the card's sentence, each mistake's title and advice) are fields too;
the numbers in them are placeholders, filled from the rules of the same program.

>>> p = Program.default()
>>> p.daily.minimum_s, p.progression.total_s, p.night.day_start.isoformat()
(60.0, 300.0, '04:00:00')
"""
from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RollstatsError
from .program_rules import (CheckinRules, DailyRules, Limits, MaintenanceRules, MistakeRules,
                            MonitoringRules, NightRules, ProgressionRules, SymptomRules)
from .program_words import NESTED, CardWords, MistakeWords, fill, texts
from .regions import REGIONS, RIGHT_THIGH_CLOCK

DEFAULT_PROGRAM_FILE = "myofascial-release-lower-body.toml"


class ProgramError(RollstatsError, ValueError):
    """A program file names an unknown field or gives a value that cannot be used."""


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
    "words": CardWords,
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "daily.streak_scope": ("observation", "daily_phase"),
    "progression.mode": ("cumulative", "single_night"),
}


@dataclass(frozen=True)
class Program:
    """A whole program: its name, the card's sentence, the rules of each part and their words."""

    name: str
    card_template: str  #: the card's sentence as the program file writes it (placeholders unfilled)
    night: NightRules
    limits: Limits
    daily: DailyRules
    progression: ProgressionRules
    maintenance: MaintenanceRules
    mistakes: MistakeRules
    checkins: CheckinRules
    monitoring: MonitoringRules
    symptoms: SymptomRules
    words: CardWords

    @property
    def card(self) -> str:
        """The card's sentence, shown to people, its numbers filled from the rules.

        >>> Program.default().replace(daily={"minimum_s": 90}).card
        'Perform at least 90 seconds of rolling each night or when symptoms come on.'
        """
        return fill(self.card_template, self)

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

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "from_dict()") -> "Program":
        """A program from plain values alone (the shape of :meth:`to_dict`): no field defaults.

        >>> Program.from_dict(Program.default().to_dict()) == Program.default()
        True
        """
        return _merge({}, data, where)

    def replace(self, **sections: dict[str, Any]) -> "Program":
        """A copy with fields changed, given as ``section={field: value}``.

        >>> Program.default().replace(daily={"minimum_s": 90}).daily.minimum_s
        90.0
        """
        data = self.to_dict()
        return _merge(data, sections, "replace()")

    def to_dict(self) -> dict[str, Any]:
        """The program as plain TOML-ready values (times as ``HH:MM``, tuples as lists).

        >>> Program.default().to_dict()["words"]["too_fast"]["title"]
        'Rolling too fast'
        """
        return {"name": self.name, "card": self.card_template,
                **{section: _plain(getattr(self, section)) for section in _SECTIONS}}

    def describe(self) -> str:
        """The rules in force, one ``section.field = value`` per line (words unfilled).

        >>> Program.default().describe().splitlines()[3]
        'night.session_gap_s = 900.0'
        """
        plain = self.to_dict()
        lines = [f"program: {self.name}", f"card: {self.card}"]
        for section in _SECTIONS:
            lines += _lines(section, plain[section])
        return "\n".join(lines)

    @property
    def hips_and_legs(self) -> tuple[str, ...]:
        """Regions whose rolling counts toward nights and progression."""
        extra = ("unspecified",) if self.daily.unspecified_counts else ()
        return tuple(self.daily.counted_regions) + extra


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dt.time):
        # HH:MM, unless seconds are set (replace() must not drop them)
        return value.strftime("%H:%M") if (value.second, value.microsecond) == (0, 0) else value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def _lines(key: str, value: Any) -> list[str]:
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _lines(f"{key}.{k}", v)]
    return [f"{key} = {value}"]


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
        merged[key] = _overlay(_SECTIONS[key], base.get(key, {}), value, key, where) if key in _SECTIONS else value
    sections = {name: _build(cls, name, merged.get(name, {}), where) for name, cls in _SECTIONS.items()}
    for top in ("name", "card"):
        if not isinstance(merged.get(top), str):
            raise ProgramError(f"program file {where}: field {top!r} must be text")
    program = Program(name=merged["name"], card_template=merged["card"], **sections)
    _check(program, where)
    return program


def _overlay(cls: type, base: dict[str, Any], value: Any, key: str, where: str) -> dict[str, Any]:
    """The fields of ``base`` with those of ``value`` over them, field by field (tables in tables too)."""
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
        out[name] = _overlay(nested, base.get(name, {}), v, f"{key}.{name}", where) if nested else v
    return out


def _build(cls: type, section: str, values: dict[str, Any], where: str) -> Any:
    kwargs = {}
    for f in fields(cls):
        key = f"{section}.{f.name}"
        if f.name not in values:
            raise ProgramError(f"program file {where}: field {key!r} is missing")
        nested = NESTED.get(f.type)
        kwargs[f.name] = (_build(nested, key, values[f.name], where) if nested
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


def _check(program: Program, where: str) -> None:
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


def load_program(path: str | Path | None = None) -> Program:
    """The program in ``path`` (a TOML file), or the built-in card when ``path`` is None.

    >>> load_program().maintenance.min_per_window
    2
    """
    return Program.default() if path is None else Program.from_toml(path)


__all__ = ["Program", "ProgramError", "load_program", "NightRules", "Limits", "DailyRules",
           "ProgressionRules", "MaintenanceRules", "MistakeRules", "CheckinRules", "MonitoringRules",
           "SymptomRules", "CardWords", "MistakeWords"]
