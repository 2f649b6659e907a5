"""A home-exercise program as data: every number and choice that rollstats applies.

The card's rules live in ``rollstats/programs/myofascial-release-lower-body.toml``; this
module reads them, checks them and fills the defaults (the types are in
:mod:`rollstats.program_rules` and :mod:`rollstats.program_words`, the checks of each field
in :mod:`rollstats.program_checks`). A TOML file of your own overrides any field, one field
at a time::

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
import tomllib
from dataclasses import dataclass, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .program_checks import ProgramError, build_section, check_program, overlay_section
from .program_rules import (CheckinRules, DailyRules, Limits, MaintenanceRules, MistakeRules,
                            MonitoringRules, NightRules, ProgressionRules, SymptomRules)
from .program_words import CardWords, MistakeWords, fill

DEFAULT_PROGRAM_FILE = "myofascial-release-lower-body.toml"


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
        rollstats.program_checks.ProgramError: program file missing.toml: cannot be read (No such file or directory)
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
        merged[key] = overlay_section(_SECTIONS[key], base.get(key, {}), value, key, where) if key in _SECTIONS else value
    sections = {name: build_section(cls, name, merged.get(name, {}), where) for name, cls in _SECTIONS.items()}
    for top in ("name", "card"):
        if not isinstance(merged.get(top), str):
            raise ProgramError(f"program file {where}: field {top!r} must be text")
    program = Program(name=merged["name"], card_template=merged["card"], **sections)
    check_program(program, where)
    return program


def load_program(path: str | Path | None = None) -> Program:
    """The program in ``path`` (a TOML file), or the built-in card when ``path`` is None.

    >>> load_program().maintenance.min_per_window
    2
    """
    return Program.default() if path is None else Program.from_toml(path)


__all__ = ["Program", "ProgramError", "load_program", "NightRules", "Limits", "DailyRules",
           "ProgressionRules", "MaintenanceRules", "MistakeRules", "CheckinRules", "MonitoringRules",
           "SymptomRules", "CardWords", "MistakeWords"]
