"""Which column is each session's length, and in which unit, for ``rollstats inspect``.

A length is a column of numbers, ``h:mm:ss`` cells or lettered durations (``2h 18m``, ``45m``,
``1h 5m 30s``) under a header that says a length (:data:`~rollstats.io.inspect_words.LENGTH_RANKS`),
never one naming another measure (:data:`~rollstats.io.inspect_words.NOT_LENGTH`). When several
columns qualify, their values are weighed before their headers:

1. a column that is 0 or empty on most rows measures something most rows lack, not each
   session's length (Strong's ``Seconds``: a set's timed seconds, 0 for a set of weights);
2. where rows share one start time to the second and nothing the mapping reads tells them
   apart (Strong writes a row per set, each with its workout's start), they are one session:
   its length is the same on every row of a start (Strong's ``Duration``, the workout's length
   repeated on each set), and a column that differs between them times each row's own part.
   Rows of one start that differ in region, side or activity are segments of their own, and
   this rule says nothing about them;
3. then the header's rank in LENGTH_RANKS, then the file's order.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import cells
from .combine import DUPLICATE_KEY
from .inspect_columns import LENGTH_KINDS, fold, says
from .inspect_words import LENGTH_RANKS, NOT_LENGTH, UNIT_WORDS, WHOLE_HEADER_ONLY


@dataclass(frozen=True)
class Length:
    """The column chosen as each session's length, with the evidence, in words, for a person."""

    column: str              #: the header, as the file gives it
    unit: str                #: the mapping's ``[units] duration``
    unit_why: str            #: how the unit was found
    seconds: pd.Series       #: the column read in ``unit``, in seconds (NaN where empty)
    note: str                #: why this column, when the values decided it ("" otherwise)
    others: tuple[tuple[str, str], ...]  #: the other lengths and why each was not taken


@dataclass(frozen=True)
class _Candidate:
    column: str
    position: int
    rank: int
    unit: tuple[str, str]
    seconds: pd.Series
    blank: int               # rows with no length above 0 (0, empty or unreadable)
    mostly_blank: bool
    varies: bool             # differs between rows that share a start


def choose_length(frame: pd.DataFrame, kinds: dict, roles: dict, decimal: str = ".") -> Length | None:
    """The column of each session's length, or None when no column qualifies.

    ``kinds``: :func:`~rollstats.io.inspect_columns.column_kind` of each column; ``roles``: the
    other columns' roles (:func:`~rollstats.io.inspect_columns.guess_roles`). Lengths are read
    in seconds.

    >>> f = pd.DataFrame({"Date": ["2021-02-10 16:46:13"] * 3, "Duration": ["2h 18m"] * 3,
    ...                   "Seconds": ["0", "0", "90"]})
    >>> kinds = {"Date": "datetime", "Duration": "lettered", "Seconds": "number"}
    >>> got = choose_length(f, kinds, {"start": ["Date"]})
    >>> got.column, got.unit, got.seconds.tolist()
    ('Duration', 'h m s', [8280.0, 8280.0, 8280.0])
    >>> got.others[0][0], got.others[0][1].split(";")[0]
    ('Seconds', '0 or empty on 2 of 3 rows')
    """
    starts = roles.get("start", [])
    taken = {h for hs in roles.values() for h in hs}
    timed = bool(starts) and kinds[starts[0]] == "datetime"
    key = _one_session_per_start(frame, roles, kinds)
    found = []
    for position, column in enumerate(frame.columns):
        name = fold(column)
        if column in taken or kinds[column] not in LENGTH_KINDS or NOT_LENGTH & set(name.split()):
            continue
        rank = _rank(name, timed)
        if rank is None:
            continue
        unit = length_unit(column, frame[column], kinds[column], decimal)
        seconds = cells.to_seconds(frame[column], unit[0], decimal)[0]
        blank = int((~(seconds > 0)).sum())
        varies = key is not None and bool(seconds.groupby(key).nunique(dropna=False).gt(1).any())
        found.append(_Candidate(column, position, rank, unit, seconds, blank, blank * 2 > len(frame), varies))
    if not found:
        return None
    found.sort(key=lambda c: (c.mostly_blank, c.varies, c.rank, c.position))
    best, rest = found[0], found[1:]
    if best.mostly_blank:
        note = f"0 or empty on {best.blank} of {len(frame)} rows: ingest refuses those rows; check"
    elif key is None:
        note = ""
    elif best.varies:
        note = "differs between rows that share a start: each row's own part, all read at that start; check"
    else:
        n = key.nunique()
        note = (f"the same on every row of a start ({len(frame)} rows, {n} start{'s' * (n != 1)}): "
                "the whole session's length, repeated on each of its rows")
    others = tuple((str(o.column), _why_not(o, best, len(frame))) for o in rest)
    return Length(best.column, *best.unit, best.seconds, note, others)


def length_unit(header, values: pd.Series, kind: str, decimal: str = ".") -> tuple[str, str]:
    """The unit of a column of lengths (as a mapping's ``[units] duration`` names it) and how it
    was found: from the cells' form, the header's words, else the values.

    >>> length_unit("Duration", pd.Series(["2h 18m"]), "lettered")[0], length_unit("Dauer (min)", pd.Series(["2"]), "number")
    ('h m s', ('min', 'from the column name'))
    """
    if kind == "clock":
        return "mm:ss", f"cells like {cells.cell_text(values).dropna().iloc[0]}: h:mm:ss or mm:ss"
    if kind == "lettered":
        return "h m s", (f"cells like {cells.cell_text(values).dropna().iloc[0]}: hours, minutes and "
                         "seconds, each number followed by its letter")
    words = fold(header).split()
    for unit, names in UNIT_WORDS.items():
        if any(w in names for w in words):
            return unit, "from the column name"
    number = cells.to_number(values, decimal)[0].dropna()
    if len(number) and (number % 1 != 0).any() and number.max() <= 60:
        return "min", "guessed from the values (fractions, at most 60): check"
    return "s", "guessed: check"


def _rank(name: str, timed: bool) -> int | None:
    """The rank in LENGTH_RANKS of a folded header (0 best), or None when it says no length.
    ``timed``: the start column gives the time of day, so a bare ``Time`` is a length."""
    for rank, words in enumerate(LENGTH_RANKS):
        whole = [w for w in words if w in WHOLE_HEADER_ONLY]
        if (name in whole and timed) or says(name, tuple(w for w in words if w not in WHOLE_HEADER_ONLY)):
            return rank
    return None


def _one_session_per_start(frame: pd.DataFrame, roles: dict, kinds: dict) -> pd.Series | None:
    """Each row's start as text, when the start gives a time of day, some rows share one, and
    no column the mapping reads for a segment's identity (region, side, activity...) differs
    between them: rows of one start are then one session written several times."""
    starts = roles.get("start", [])
    if not starts or (kinds[starts[0]] != "datetime" and len(starts) < 2):
        return None
    key = cells.cell_text(frame[starts[0]])
    for column in starts[1:]:
        key = key + " " + cells.cell_text(frame[column])
    if not key.dropna().duplicated().any():
        return None
    apart = [h for role in (*DUPLICATE_KEY, "clock") if role not in ("start", "duration_s") for h in roles.get(role, [])]
    if any(cells.cell_text(frame[h]).groupby(key).nunique(dropna=False).gt(1).any() for h in apart):
        return None
    return key


def _why_not(other: _Candidate, best: _Candidate, rows: int) -> str:
    """Why ``other`` is not the session's length, next to ``best``, in words."""
    reasons = []
    if other.mostly_blank and not best.mostly_blank:
        reasons.append(f"0 or empty on {other.blank} of {rows} rows")
    if other.varies and not best.varies:
        reasons.append("differs between rows that share a start: each row's own part, not the session's length")
    if not reasons:
        reasons.append(f"its header is ranked after {best.column}'s" if other.rank > best.rank
                       else f"after {best.column} in the file")
    return "; ".join(reasons)
