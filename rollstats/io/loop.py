"""Loop Habit Tracker: the CSV export (``Loop Habits CSV YYYY-MM-DD.zip``, or that zip unpacked).

What the export holds (checked against the app's exporter, ``HabitsCSVExporter`` and
``HabitList.writeCSV`` in the public repository iSoron/uhabits):

- ``Habits.csv``: one row per habit. Since Loop 2.3.1: ``Position, Name, Type, Question,
  Description, FrequencyNumerator, FrequencyDenominator, Color, Unit, Target Type, Target
  Value, Archived?``, ``Type`` being ``YES_NO`` or ``NUMERICAL``. Before 2.3.1: ``Position,
  Name, Question, Description, NumRepetitions, Interval, Color`` (still older ones lack
  ``Question``): no type and no unit.
- one folder per exported habit, ``NNN Name/`` (``NNN`` its position), holding
  ``Checkmarks.csv``: rows ``Date, Value[, Notes]``, with that header since 2.3.1, without one
  before. ``Value`` is a word (``YES_MANUAL``, ``YES_AUTO``, ``NO``, ``SKIP``, ``UNKNOWN``) or
  a number: the codes 2, 1, 0, 3, -1 of those words, or a numerical habit's amount **times
  1000** (Loop stores thousandths: 15000 is 15 minutes in a habit counted in minutes).
- ``Checkmarks.csv`` and ``Scores.csv`` of all habits side by side, which are not read.

Old exports do not say which habits are numerical: a habit is numerical when its
``Checkmarks.csv`` holds a number other than the five codes (an amount such as 85000), and its
unit must then be given (``unit=``, ``--habit-unit``); without it the habit is refused with one
error that asks for it, before any day is read.

Which habit: ``habit`` (a name, compared without case), else the first habit whose name
mentions *roll* or *foam*. None found: an :class:`~rollstats.errors.IngestError` that lists
the habit names. ``Habits.csv`` is read, and the habit and its unit chosen, in
:mod:`rollstats.io.loop_habits`; this module reads the chosen habit's days.

What a day becomes
    ``YES_MANUAL`` (done), or a numerical amount above 0, becomes one rolling segment on
    region ``unspecified``. An amount is the time rolled in the habit's unit (``s``/``sec``/
    ``seconds``, ``min``/``minutes``, ``h``/``hours``; another unit is an error unless ``unit=``
    says which time unit it is). A yes/no check has no length: it is a check-in (``checkin``
    column), whose seconds follow the program's ``checkins.meets_minimum``. Days not done
    (``NO``, 0), skipped (``SKIP``, 3), not due (``YES_AUTO``: Loop fills these in for habits of
    less than daily frequency) and unknown (``UNKNOWN``, -1) are passed over and counted in the
    ingest report, as are the habits not read.
When
    Loop records dates, not times. The session is placed at ``at`` (default 21:00) on that
    date, on the wall clock of ``tz`` when given; without a zone it is written as 21:00 +00:00:
    the wall clock, and so the night, are right; only the absolute instant assumes UTC.
Rows
    ``source_row`` is the day's 1-based data row in the habit's ``Checkmarks.csv`` (header
    and blank lines not counted).
Limits
    Files are read line by line, never whole (:mod:`rollstats.io.loopfiles`, which declares
    the most rows and bytes one CSV file may hold; beyond, the export is refused with an error
    naming the file).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterator

import pandas as pd

from ..errors import IngestError
from .base import RawTable
from .loop_habits import (DEFAULT_HABIT_PATTERN, TIME_UNITS, choose_habit, habit_folders, habits_member,
                          habits_table, unit_factor)
from .loopfiles import CHECKMARKS_FILE, HABITS_FILE, is_export_folder, open_export, records

#: Wall-clock time given to a Loop day (Loop has dates only); after the night's 04:00 start.
DEFAULT_AT = "21:00"
#: Loop stores a numerical habit's amounts as thousandths.
NUMERICAL_SCALE = 1000.0
REGION = "unspecified"
_DONE, _NOT_DONE, _SKIPPED, _NOT_DUE, _UNKNOWN = "done", "not done", "skipped", "not due", "unknown"
_UNREADABLE = "unreadable"
_WORDS = {"YES_MANUAL": _DONE, "YES_AUTO": _NOT_DUE, "NO": _NOT_DONE, "SKIP": _SKIPPED,
          "UNKNOWN": _UNKNOWN}
_CODES = {2: _DONE, 1: _NOT_DUE, 0: _NOT_DONE, 3: _SKIPPED, -1: _UNKNOWN}
_WORD_AMOUNTS = {"YES_MANUAL": 2, "YES_AUTO": 1, "NO": 0}
_PASSED_KEYS = {_NOT_DONE: "loop days not done", _SKIPPED: "loop days skipped",
                _NOT_DUE: "loop days not due", _UNKNOWN: "loop days unknown"}


def read(path: str | Path, subject: str | None = None, habit: str | None = None,
         tz: str | None = None, at: str = DEFAULT_AT, unit: str | None = None) -> RawTable:
    """Read one habit of a Loop Habit Tracker CSV export (the zip, or its unpacked folder).

    ``subject``: the subject id (default: the zip's stem, the folder's name). ``habit``: the
    habit's name (default: the first mentioning roll or foam). ``tz``: the IANA zone of the
    dates (default: none, see the module notes). ``at``: the wall-clock time (``HH:MM``) given
    to each day; keep it after the program's ``night.day_start`` (04:00). ``unit``: the time
    unit of a numerical habit's amounts (``s``, ``min``, ``h``) when the export does not say
    one (Loop before 2.3.1) or says another (``reps``).

    >>> import tempfile, zipfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "loop.zip"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("Habits.csv", "Position,Name,Type,Unit\\n001,Foam rolling,NUMERICAL,min\\n")
    ...     z.writestr("001 Foam rolling/Checkmarks.csv", "Date,Value,Notes\\n2024-03-04,1500,\\n"
    ...                "2024-03-03,NO,\\n")
    >>> raw = read(path, subject="P001")
    >>> raw.frame[["subject_id", "start", "duration_s"]].values.tolist()
    [['P001', '2024-03-04T21:00:00+00:00', '90.0']]
    >>> raw.passed_over
    {'loop days not done': 1}
    >>> tmp.cleanup()
    """
    path = Path(path)
    clock = _clock(at, path)
    if subject is None:
        subject = path.name if path.is_dir() else path.stem
    with open_export(path) as (names, open_member):
        habits_name = habits_member(names)
        if habits_name is None:
            raise IngestError(f"{path}: not a Loop Habit Tracker export (no {HABITS_FILE})")
        habits = habits_table(open_member(habits_name), f"{path}: {habits_name}")
        folders = habit_folders(names, habits_name[: -len(HABITS_FILE)])
        chosen = choose_habit(habits, habit, folders, path)
        member = folders.get(chosen["position"])
        if member is None:
            raise IngestError(f"{path}: habit {chosen['name']!r} is listed in {HABITS_FILE} but "
                              f"its {CHECKMARKS_FILE} is not in the export")
        where = f"{path}: {member}"
        numerical, example = chosen["numerical"], None
        if numerical is None:  # before Loop 2.3.1: the values tell
            example = _first_amount(_checkmarks(open_member(member), where))
            numerical = example is not None
        factor = unit_factor(chosen, unit, example, path) if numerical else None
        columns, positions, passed = _days(_checkmarks(open_member(member), where), numerical, factor,
                                           f"T{clock}" + ("" if tz else "+00:00"), f"Loop: {chosen['name']}")
    if len(habits) > 1:
        passed["loop habits not read"] += len(habits) - 1
    n = len(positions)
    frame = pd.DataFrame({
        "subject_id": pd.Series([subject] * n, dtype="string"),
        "start": pd.Series(columns["start"], dtype="string"),
        "duration_s": pd.Series(columns["duration_s"], dtype="string"),
        "checkin": pd.Series(columns["checkin"], dtype="string"),
        "region": pd.Series([REGION] * n, dtype="string"),
        "activity": pd.Series(["rolling"] * n, dtype="string"),
        "notes": pd.Series(columns["notes"], dtype="string"),
    })
    return RawTable(frame, source_row=pd.Series(positions, dtype="int64"), passed_over=dict(passed))


def _clock(at: str, path: Path) -> str:
    if not re.fullmatch(r"\d{2}:\d{2}", str(at)) or int(at[:2]) > 23 or int(at[3:]) > 59:
        raise IngestError(f"{path}: time of day {at!r} for Loop days must be HH:MM")
    return f"{at}:00"


def _checkmarks(stream, where: str) -> Iterator[tuple[int, str, str, str]]:
    """(data row number, date, value, notes) for each row of a habit's Checkmarks.csv."""
    offset = 0
    for number, row in records(stream, where):
        if number == 1 and row[0].strip().lower() == "date":
            offset = 1
            continue
        cells = [c.strip() for c in row[:3]] + ["", "", ""]
        yield number - offset, cells[0], cells[1], cells[2]


def _first_amount(rows: Iterator[tuple[int, str, str, str]]) -> str | None:
    """The first value that is a whole number other than a yes/no code (an amount), or None."""
    for _, _, value, _ in rows:
        if re.fullmatch(r"-?\d+", value) and int(value) not in _CODES:
            rows.close()
            return value
    return None


def _days(rows, numerical: bool, factor: float | None, time: str, note: str):
    """Columns of the days done, their rows, and the days passed over by kind."""
    out: dict[str, list] = {"start": [], "duration_s": [], "checkin": [], "notes": []}
    positions: list[int] = []
    passed: Counter[str] = Counter()
    for row_number, date, value, extra in rows:
        outcome, amount = _outcome(value, numerical)
        if outcome in _PASSED_KEYS:
            passed[_PASSED_KEYS[outcome]] += 1
            continue
        positions.append(row_number)
        out["start"].append(date + time)
        if outcome == _UNREADABLE:  # handed on to be refused with its row and text
            out["duration_s"].append(f"not a Loop value: {value}")
        else:
            out["duration_s"].append(repr(amount / NUMERICAL_SCALE * factor) if numerical else None)
        out["checkin"].append(None if numerical or outcome == _UNREADABLE else "true")
        out["notes"].append(f"{note}; {extra}" if extra else note)
    return out, positions, passed


def _outcome(value: str, numerical: bool) -> tuple[str, float | None]:
    """What a Value cell says: (outcome, amount in thousandths of the unit for a done
    numerical day, else None).

    >>> _outcome("15000", True), _outcome("NO", True), _outcome("3", True), _outcome("YES_MANUAL", False)
    (('done', 15000.0), ('not done', None), ('skipped', None), ('done', None))
    >>> _outcome("5", False), _outcome("2", False)
    (('unreadable', None), ('done', None))
    """
    word = value.upper()
    if numerical:
        # 2.3.1 prints the amounts equal to a code as its word; SKIP (3) and UNKNOWN (-1) are no amounts
        if word in ("SKIP", "UNKNOWN"):
            return _WORDS[word], None
        try:
            number = float(_WORD_AMOUNTS.get(word, value))
        except ValueError:
            return _UNREADABLE, None
        if number != number:  # NaN
            return _UNREADABLE, None
        if number in (-1, 0, 3):
            return _CODES[int(number)], None
        return _DONE, number  # a negative amount is refused later as a duration <= 0
    if word in _WORDS:
        return _WORDS[word], None
    try:
        return _CODES.get(int(value), _UNREADABLE), None
    except ValueError:
        return _UNREADABLE, None


__all__ = ["read", "habits_member", "is_export_folder", "TIME_UNITS", "DEFAULT_AT",
           "DEFAULT_HABIT_PATTERN"]
