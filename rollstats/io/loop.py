"""Loop Habit Tracker: the CSV export zip (``Loop Habits CSV YYYY-MM-DD.zip``).

What the zip holds (checked against the app's exporter, ``HabitsCSVExporter`` and
``HabitList.writeCSV`` in the public repository iSoron/uhabits):

- ``Habits.csv``: one row per habit. Recent versions write ``Position, Name, Type, Question,
  Description, FrequencyNumerator, FrequencyDenominator, Color, Unit, Target Type, Target
  Value, Archived?``; ``Type`` is ``YES_NO`` or ``NUMERICAL``. Older versions write fewer
  columns (no ``Type``, no ``Unit``): their habits are read as yes/no.
- one folder per exported habit, ``NNN Name/`` (``NNN`` its position, ``001`` ...), holding
  ``Checkmarks.csv`` with rows ``Date, Value[, Notes]`` (recent versions with that header,
  older ones without). ``Value`` is a word (``YES_MANUAL``, ``YES_AUTO``, ``NO``, ``SKIP``,
  ``UNKNOWN``) or a number: the old codes 2, 1, 0, 3, -1 for yes/no habits, and for a
  numerical habit the amount **times 1000** (Loop stores numbers as thousandths: 15000 is
  15 minutes in a habit counted in minutes).
- ``Checkmarks.csv`` and ``Scores.csv`` of all habits side by side, which are not read.

Which habit: ``habit`` (a name, compared without case), else the first habit whose name
mentions *roll* or *foam*. None found: an :class:`~rollstats.errors.IngestError` that lists
the habit names.

What a day becomes
    ``YES_MANUAL`` (done), or a numerical amount above 0, becomes one rolling segment on
    region ``unspecified``. A numerical amount is the time rolled in the habit's unit
    (``s``/``sec``/``seconds``, ``min``/``minutes``, ``h``/``hours``; another unit is an
    error unless ``unit=`` says which time unit it is). A yes/no check has no length: it is a
    check-in (``checkin`` column), whose seconds follow the program's
    ``checkins.meets_minimum`` (see :mod:`rollstats.io.base`).
    Days not done (``NO``, 0), skipped (``SKIP``), not due (``YES_AUTO``: Loop fills these in
    for habits of less than daily frequency) and unknown (``UNKNOWN``, -1) are passed over
    and counted in the ingest report, as are the habits not read.
When
    Loop records dates, not times. The session is placed at ``at`` (default 21:00) on that
    date, on the wall clock of ``tz`` when given (``--tz``); without a zone it is written as
    21:00 with offset +00:00: the wall clock, and so the night (the date itself, since 21:00
    is after the night's 04:00 start), are right; only the absolute instant assumes UTC.
Rows
    ``source_row`` is the day's 1-based data row in the habit's ``Checkmarks.csv`` (header
    not counted).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from . import safezip
from .base import RawTable

HABITS_FILE = "Habits.csv"
CHECKMARKS_FILE = "Checkmarks.csv"
#: Habit names that the default choice picks (first match, case-insensitive).
DEFAULT_HABIT_PATTERN = re.compile(r"roll|foam", re.IGNORECASE)
#: Wall-clock time given to a Loop day (Loop has dates only); after the night's 04:00 start.
DEFAULT_AT = "21:00"
#: Habit unit (lower case) -> seconds per unit.
TIME_UNITS: dict[str, float] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
}
#: Loop stores a numerical habit's amounts as thousandths.
NUMERICAL_SCALE = 1000.0
REGION = "unspecified"

# what a checkmark word or old numeric code means
_DONE, _NOT_DONE, _SKIPPED, _NOT_DUE, _UNKNOWN = "done", "not done", "skipped", "not due", "unknown"
_UNREADABLE = "unreadable"
_WORDS = {"YES_MANUAL": _DONE, "YES_AUTO": _NOT_DUE, "NO": _NOT_DONE, "SKIP": _SKIPPED,
          "UNKNOWN": _UNKNOWN}
_CODES = {2: _DONE, 1: _NOT_DUE, 0: _NOT_DONE, 3: _SKIPPED, -1: _UNKNOWN}
_WORD_AMOUNTS = {"YES_MANUAL": 2, "YES_AUTO": 1, "NO": 0, "SKIP": None, "UNKNOWN": None}
_PASSED_KEYS = {_NOT_DONE: "loop days not done", _SKIPPED: "loop days skipped",
                _NOT_DUE: "loop days not due", _UNKNOWN: "loop days unknown"}


def habits_member(names: list[str]) -> str | None:
    """The ``Habits.csv`` of a Loop export among an archive's members (top level or one
    folder down), or None.

    >>> habits_member(["Habits.csv", "001 Foam rolling/Checkmarks.csv"])
    'Habits.csv'
    >>> habits_member(["apple_health_export/export.xml"]) is None
    True
    """
    found = [n for n in names if n.rsplit("/", 1)[-1] == HABITS_FILE and n.count("/") <= 1]
    return min(found, key=lambda n: (n.count("/"), n)) if found else None


def read(path: str | Path, subject: str | None = None, habit: str | None = None,
         tz: str | None = None, at: str = DEFAULT_AT, unit: str | None = None) -> RawTable:
    """Read one habit of a Loop Habit Tracker CSV export zip into a raw table.

    ``subject``: the subject id (default: the zip's stem). ``habit``: the habit's name (default:
    the first mentioning roll or foam). ``tz``: the IANA zone of the dates (default: none, see
    the module notes). ``at``: the wall-clock time (``HH:MM``) given to each day; keep it after
    the program's ``night.day_start`` (04:00), or the day counts for the night before. ``unit``: the
    time unit of a numerical habit (``s``, ``min``, ``h``) when its own unit is not one.

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
    subject = path.stem if subject is None else subject
    with safezip.open_zip(path) as archive:
        habits_name = habits_member(archive.names)
        if habits_name is None:
            raise IngestError(f"{path}: not a Loop Habit Tracker export (no {HABITS_FILE})")
        root = habits_name[: -len(HABITS_FILE)]
        habits = _habits_table(archive.read_bytes(habits_name), path)
        folders = _habit_folders(archive.names, root)
        chosen = _choose(habits, habit, folders, path)
        name = chosen["name"]
        member = folders.get(chosen["position"])
        if member is None:
            raise IngestError(f"{path}: habit {name!r} is listed in {HABITS_FILE} but its "
                              f"{CHECKMARKS_FILE} is not in the export")
        rows = _checkmarks(archive.read_bytes(member), f"{path}: {member}")
    factor = _unit_factor(chosen, unit, path) if chosen["numerical"] else None

    out: dict[str, list] = {"start": [], "duration_s": [], "checkin": [], "notes": []}
    positions: list[int] = []
    passed: Counter[str] = Counter()
    for row_number, date, value, note in rows:
        outcome, amount = _outcome(value, chosen["numerical"])
        if outcome in _PASSED_KEYS:
            passed[_PASSED_KEYS[outcome]] += 1
            continue
        positions.append(row_number)
        out["start"].append(f"{date}T{clock}" + ("" if tz else "+00:00"))
        if outcome == _UNREADABLE:
            # handed on so that it is refused with its row, its text in the rejects table
            out["duration_s"].append(f"not a Loop value: {value}")
            out["checkin"].append(None)
        elif chosen["numerical"]:
            out["duration_s"].append(repr(amount / NUMERICAL_SCALE * factor))
            out["checkin"].append(None)
        else:
            out["duration_s"].append(None)
            out["checkin"].append("true")
        out["notes"].append(f"Loop: {name}" + (f"; {note}" if note else ""))
    others = len(habits) - 1
    if others:
        passed["loop habits not read"] += others
    n = len(positions)
    frame = pd.DataFrame({
        "subject_id": pd.Series([subject] * n, dtype="string"),
        "start": pd.Series(out["start"], dtype="string"),
        "duration_s": pd.Series(out["duration_s"], dtype="string"),
        "checkin": pd.Series(out["checkin"], dtype="string"),
        "region": pd.Series([REGION] * n, dtype="string"),
        "activity": pd.Series(["rolling"] * n, dtype="string"),
        "notes": pd.Series(out["notes"], dtype="string"),
    })
    return RawTable(frame, source_row=pd.Series(positions, dtype="int64"), passed_over=dict(passed))


def _clock(at: str, path: Path) -> str:
    if not re.fullmatch(r"\d{2}:\d{2}", str(at)) or int(at[:2]) > 23 or int(at[3:]) > 59:
        raise IngestError(f"{path}: time of day {at!r} for Loop days must be HH:MM")
    return f"{at}:00"


def _csv_rows(data: bytes, where: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{where}: not UTF-8 text") from None
    try:
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise IngestError(f"{where}: not a readable CSV file ({exc})") from None


def _habits_table(data: bytes, path: Path) -> list[dict]:
    """Habits.csv as dicts: position (``001``), name, numerical (bool), unit (text)."""
    rows = _csv_rows(data, f"{path}: {HABITS_FILE}")
    if not rows:
        raise IngestError(f"{path}: {HABITS_FILE} is empty")
    header = [h.strip().lower() for h in rows[0]]
    if "name" not in header:
        raise IngestError(f"{path}: {HABITS_FILE} has no Name column (columns: {', '.join(rows[0])})")
    col = {h: i for i, h in enumerate(header)}

    def cell(row: list[str], key: str) -> str:
        i = col.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    habits = []
    for number, row in enumerate(rows[1:], start=1):
        position = cell(row, "position") or f"{number:03d}"
        kind = cell(row, "type").upper()
        if kind not in ("", "YES_NO", "NUMERICAL"):
            raise IngestError(f"{path}: {HABITS_FILE}: habit {cell(row, 'name')!r} has type "
                              f"{kind!r}; rollstats reads YES_NO and NUMERICAL habits")
        habits.append({"position": position, "name": cell(row, "name"),
                       "numerical": kind == "NUMERICAL", "unit": cell(row, "unit")})
    if not habits:
        raise IngestError(f"{path}: {HABITS_FILE} lists no habit")
    return habits


def _habit_folders(names: list[str], root: str) -> dict[str, str]:
    """Position (``001``) -> the member path of that habit's Checkmarks.csv."""
    folders = {}
    for name in names:
        if not name.startswith(root):
            continue
        parts = name[len(root):].split("/")
        if len(parts) == 2 and parts[1] == CHECKMARKS_FILE:
            match = re.match(r"(\d+)(\s|$)", parts[0])
            if match:
                folders.setdefault(match.group(1), name)
    return folders


def _choose(habits: list[dict], wanted: str | None, folders: dict[str, str], path: Path) -> dict:
    names = ", ".join(repr(h["name"]) for h in habits)
    if wanted is not None:
        for h in habits:
            if h["name"].casefold() == wanted.strip().casefold():
                return h
        raise IngestError(f"{path}: no habit named {wanted!r} (habits: {names})")
    matches = [h for h in habits if DEFAULT_HABIT_PATTERN.search(h["name"])]
    if not matches:
        raise IngestError(f"{path}: no habit mentions roll or foam; choose one with --habit NAME "
                          f"(habits: {names})")
    exported = [h for h in matches if h["position"] in folders]
    return (exported or matches)[0]


def _checkmarks(data: bytes, where: str) -> list[tuple[int, str, str, str]]:
    """(data row number, date, value, notes) for each row of a habit's Checkmarks.csv."""
    rows = _csv_rows(data, where)
    if rows and rows[0] and rows[0][0].strip().lower() == "date":
        rows = rows[1:]
    out = []
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row] + ["", "", ""]
        out.append((number, cells[0], cells[1], cells[2]))
    return out


def _outcome(value: str, numerical: bool) -> tuple[str, float | None]:
    """What a Value cell says: (outcome, amount in thousandths of the unit for a done
    numerical day, else None).

    >>> _outcome("15000", True), _outcome("NO", True), _outcome("YES_MANUAL", False)
    (('done', 15000.0), ('not done', None), ('done', None))
    >>> _outcome("5", False), _outcome("2", False)
    (('unreadable', None), ('done', None))
    """
    word = value.upper()
    if numerical:
        # recent exports print the amounts that equal a yes/no code as that code's word
        if word in ("SKIP", "UNKNOWN"):
            return _WORDS[word], None
        number_text = str(_WORD_AMOUNTS[word]) if word in _WORD_AMOUNTS else value
        try:
            number = float(number_text)
        except ValueError:
            return _UNREADABLE, None
        if number != number:  # NaN
            return _UNREADABLE, None
        if number == -1:
            return _UNKNOWN, None
        if number == 0:
            return _NOT_DONE, None
        return _DONE, number  # a negative amount is refused later as a duration <= 0
    if word in _WORDS:
        return _WORDS[word], None
    try:
        code = int(value)
    except ValueError:
        return _UNREADABLE, None
    return _CODES.get(code, _UNREADABLE), None


def _unit_factor(habit: dict, unit: str | None, path: Path) -> float:
    given = (unit if unit is not None else habit["unit"]).strip().lower()
    factor = TIME_UNITS.get(given)
    if factor is None:
        raise IngestError(
            f"{path}: habit {habit['name']!r} counts in {given or 'no unit'!r}, not in a time unit "
            "(s, min, h): give the unit its numbers are in (read(..., unit='min'))")
    return factor


__all__ = ["read", "habits_member", "TIME_UNITS", "DEFAULT_AT", "DEFAULT_HABIT_PATTERN"]
