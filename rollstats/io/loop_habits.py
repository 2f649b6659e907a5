"""Which habit of a Loop Habit Tracker export to read, and in which time unit
(:mod:`rollstats.io.loop` reads its days).

``Habits.csv`` lists the habits (position, name; since Loop 2.3.1 also type and unit). The
habit read is the one named (``habit``, compared without case), else the first whose name
mentions *roll* or *foam*; none found is an :class:`~rollstats.errors.IngestError` that lists
the habit names. A numerical habit's amounts are in its unit (``s``, ``min``, ``h`` and their
spellings in :data:`TIME_UNITS`), or in the one ``unit=`` gives.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import IngestError
from .loopfiles import CHECKMARKS_FILE, HABITS_FILE, records

#: Habit names that the default choice picks (first match, case-insensitive).
DEFAULT_HABIT_PATTERN = re.compile(r"roll|foam", re.IGNORECASE)
#: Habit unit (lower case) -> seconds per unit.
TIME_UNITS: dict[str, float] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
}


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


def habits_table(stream, where: str) -> list[dict]:
    """``Habits.csv`` (a binary stream) as dicts: position (``001``), name, numerical (True,
    False, or None when the export, from Loop before 2.3.1, does not say), unit (text, e.g.
    ``min``). ``where`` names the file in errors.

    >>> import io
    >>> habits_table(io.BytesIO(b"Position,Name,Type,Unit\\n001,Foam rolling,NUMERICAL,min\\n"), "Habits.csv")
    [{'position': '001', 'name': 'Foam rolling', 'numerical': True, 'unit': 'min'}]
    """
    rows = records(stream, where)
    first = next(rows, None)
    if first is None:
        raise IngestError(f"{where} is empty")
    header = [h.strip().lower() for h in first[1]]
    if "name" not in header:
        raise IngestError(f"{where} has no Name column (columns: {', '.join(first[1])})")
    col = {h: i for i, h in enumerate(header)}

    def cell(row: list[str], key: str) -> str:
        i = col.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    habits = []
    for number, row in rows:
        kind = cell(row, "type").upper()
        if kind not in ("", "YES_NO", "NUMERICAL"):
            raise IngestError(f"{where}: habit {cell(row, 'name')!r} has type {kind!r}; rollstats "
                              "reads YES_NO and NUMERICAL habits")
        habits.append({"position": cell(row, "position") or f"{number - 1:03d}", "name": cell(row, "name"),
                       "numerical": kind == "NUMERICAL" if "type" in col else None,
                       "unit": cell(row, "unit")})
    if not habits:
        raise IngestError(f"{where} lists no habit")
    return habits


def habit_folders(names: list[str], root: str) -> dict[str, str]:
    """Position (``001``) -> the member path of that habit's ``Checkmarks.csv``, among the
    export's members under ``root`` (the folder of ``Habits.csv``, ``""`` at the top).

    >>> habit_folders(["Habits.csv", "001 Foam rolling/Checkmarks.csv", "001 Foam rolling/Scores.csv"], "")
    {'001': '001 Foam rolling/Checkmarks.csv'}
    """
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


def choose_habit(habits: list[dict], wanted: str | None, folders: dict[str, str], path: Path) -> dict:
    """The habit to read, of :func:`habits_table`'s: the one named ``wanted`` (without case),
    else the first mentioning roll or foam, one with a ``Checkmarks.csv`` in ``folders`` first.
    None found: an :class:`~rollstats.errors.IngestError` naming ``path`` and the habits.

    >>> habits = [{"position": "001", "name": "Meditate"}, {"position": "002", "name": "Foam roll"}]
    >>> choose_habit(habits, None, {"002": "002 Foam roll/Checkmarks.csv"}, Path("loop.zip"))["name"]
    'Foam roll'
    """
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


def unit_factor(habit: dict, unit: str | None, example: str | None, path: Path) -> float:
    """Seconds per unit of a numerical habit's amounts: ``unit`` when given, else the habit's
    own. No time unit: an :class:`~rollstats.errors.IngestError` that asks for one (``example``:
    an amount of the habit, for an export that does not say its unit).

    >>> unit_factor({"name": "Foam rolling", "unit": "Minutes"}, None, None, Path("loop.zip"))
    60.0
    """
    given = (unit if unit is not None else habit["unit"]).strip().lower()
    factor = TIME_UNITS.get(given)
    if factor is not None:
        return factor
    ask = "give the time unit of its numbers with --habit-unit s|min|h (Python: unit='min')"
    if unit is None and example is not None:
        raise IngestError(f"{path}: habit {habit['name']!r} is numerical (amounts such as {example}, "
                          f"thousandths of its unit), and this export, from Loop before 2.3.1, does "
                          f"not say its unit: {ask}")
    raise IngestError(f"{path}: habit {habit['name']!r} counts in {given or 'no unit'!r}, not in a "
                      f"time unit (s, min, h): {ask}")
