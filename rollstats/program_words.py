"""The card's words as data: what people read about each common mistake, numbers filled in.

The words live in the program file beside the numbers (``[words.<mistake>]`` tables of
``rollstats/programs/myofascial-release-lower-body.toml``); :mod:`rollstats.program` reads and
checks them, and this module gives them types and fills them. A text never writes a number
of the program itself: it names it in braces and the number is put in when the text is shown.

- ``{section.field}`` is a field of the program's rules, e.g. ``{mistakes.min_hold_s}`` or
  ``{daily.minimum_s}``: numbers as ``5`` or ``7.5``, text as it is.
- ``{clock.avoid_right}`` and ``{clock.avoid_left}`` are the hours of the thigh clock that fall
  on ``mistakes.lateral_regions``; ``{clock.instead_right}`` and ``{clock.instead_left}`` are
  ``mistakes.roll_instead_hours`` (given for the right thigh, mirrored for the left), written
  ``2 and 4``. The clock itself is :data:`rollstats.regions.RIGHT_THIGH_CLOCK`.

Braces are kept for placeholders: a text cannot show a brace of its own.

>>> from rollstats.program import Program
>>> mistake_words(Program.default(), "too_fast").short
'the card asks to hold each tender spot at least 5 s so the ball can sink in'
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, is_dataclass
from .regions import RIGHT_THIGH_CLOCK


@dataclass(frozen=True)
class MistakeWords:
    """What people read about one of the card's common mistakes."""

    title: str  #: the mistake's name, e.g. "Rolling too fast"
    advice: str  #: the card's advice in full, shown beside what the log shows
    short: str  #: the advice as one clause, ending a sentence that names the mistake (planner)


@dataclass(frozen=True)
class CardWords:
    """The words of each of the card's common mistakes, one table each, in the card's order."""

    lateral_thigh: MistakeWords
    too_fast: MistakeWords
    standalone: MistakeWords
    narrow: MistakeWords


#: Field types that are tables of their own in a program file, by the name their fields give.
NESTED: dict[str, type] = {"CardWords": CardWords, "MistakeWords": MistakeWords}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def hours_text(hours) -> str:
    """Clock hours in words: ``3``, ``2 and 4``, ``1, 2 and 4``.

    >>> hours_text((10, 8)), hours_text((3,)), hours_text(())
    ('10 and 8', '3', '')
    """
    words = [str(h) for h in hours]
    return " and ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def _mirror(hours) -> tuple[int, ...]:
    """Right-thigh hours read on the left thigh (h becomes 12 - h; 12 stays 12)."""
    return tuple(12 if h == 12 else 12 - h for h in hours)


def clock_hours(program) -> dict[str, tuple[int, ...]]:
    """The thigh-clock hours the words can name, for the right and the left thigh.

    >>> from rollstats.program import Program
    >>> clock_hours(Program.default())
    {'avoid_right': (3,), 'avoid_left': (9,), 'instead_right': (2, 4), 'instead_left': (10, 8)}
    """
    lateral = set(program.mistakes.lateral_regions)
    avoid = tuple(h for h in range(1, 13) if RIGHT_THIGH_CLOCK[h] in lateral)
    instead = tuple(program.mistakes.roll_instead_hours)
    return {"avoid_right": avoid, "avoid_left": _mirror(avoid),
            "instead_right": instead, "instead_left": _mirror(instead)}


def _value(program, name: str, clock: dict[str, tuple[int, ...]]) -> str:
    section, _, field = name.partition(".")
    if section == "clock" and field in clock:
        if not clock[field]:
            raise ValueError(f"uses {{{name}}} but no hour of the thigh clock falls on "
                             "'mistakes.lateral_regions'")
        return hours_text(clock[field])
    rules = getattr(program, section, None) if section != "words" else None
    known = is_dataclass(rules) and field in {f.name for f in fields(rules)}
    value = getattr(rules, field) if known else None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, dt.time)):
        raise ValueError(f"names {{{name}}}, which is no number or text of the program")
    if isinstance(value, float):
        return f"{value:g}"
    return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)


def fill(text: str, program) -> str:
    """``text`` with each ``{placeholder}`` replaced by the program's value.

    Raises ValueError, saying which placeholder, when one names nothing the program can fill.

    >>> from rollstats.program import Program
    >>> fill("at least {daily.minimum_s} s, {clock.instead_right} o'clock", Program.default())
    "at least 60 s, 2 and 4 o'clock"
    >>> fill("{daily.minimum}", Program.default())
    Traceback (most recent call last):
    ...
    ValueError: names {daily.minimum}, which is no number or text of the program
    """
    clock = clock_hours(program)
    return _PLACEHOLDER.sub(lambda m: _value(program, m.group(1).strip(), clock), text)


def mistake_words(program, flag: str) -> MistakeWords:
    """The words of the mistake ``flag`` (``lateral_thigh``, ``too_fast``, ``standalone`` or
    ``narrow``) in ``program``, placeholders filled from the same program.

    >>> from rollstats.program import Program
    >>> program = Program.default().replace(mistakes={"min_hold_s": 8})
    >>> mistake_words(program, "too_fast").short
    'the card asks to hold each tender spot at least 8 s so the ball can sink in'
    """
    words = getattr(program.words, flag)
    return MistakeWords(**{f.name: fill(getattr(words, f.name), program) for f in fields(words)})


def texts(words: CardWords, prefix: str = "words") -> dict[str, str]:
    """Every text of ``words`` by its field name in a program file.

    >>> from rollstats.program import Program
    >>> list(texts(Program.default().words))[:2]
    ['words.lateral_thigh.title', 'words.lateral_thigh.advice']
    """
    out: dict[str, str] = {}
    for f in fields(words):
        value = getattr(words, f.name)
        out.update(texts(value, f"{prefix}.{f.name}") if isinstance(value, MistakeWords)
                   else {f"{prefix}.{f.name}": value})
    return out


__all__ = ["CardWords", "MistakeWords", "clock_hours", "fill", "hours_text", "mistake_words", "texts"]
