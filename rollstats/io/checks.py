"""The checking core of ingest, column-wise in Arrow's compute kernels and numpy.

:func:`check` gives, cell for cell, what the reference implementation
:func:`rollstats.io.reference.canonicalise_reference` gives: the same canonical segments, the same
refused rows with the same column, value and reason text, the same unknown labels. Each check
is one boolean vector over all rows; the words of a refusal are only written for the rows
refused. ``tests/test_ingest_fast_path.py`` compares both on generated hostile tables.

Why Arrow (with numpy on its buffers) rather than DuckDB or Polars:
``benchmarks/ingest_engines.py`` times the same checks in Arrow and in Polars.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..program import Program
from ..regions import SIDE_ALIASES, SIDES
from ..schema import (ACTIVITIES, ACTIVITY_ALIASES, ACTIVITY_DTYPE, REGION_DTYPE, REJECT_DTYPES, SIDE_DTYPE,
                      END_TOLERANCE_S, TRIGGER_ALIASES, TRIGGER_DTYPE, TRIGGERS, empty_rejects)
from . import arrowcells as cells
from .checktimes import read_times
from .coded import NOWHERE, Coded, Typed, coded, labels, number_cells
from .problems import Problems
from .regioncells import regions
from .stack import pandas_column, repeated_text

_EARLIEST_US = int(pd.Timestamp("1678-01-01", tz="UTC").value // 1000)
_LATEST_US = int(pd.Timestamp("2262-01-01", tz="UTC").value // 1000)
_NAT = np.iinfo(np.int64).min
_CHECKIN_TRUE = ("true", "yes", "1", "y")
_US_PER_DAY = 86_400_000_000


def _of(arr: pa.Array):
    return lambda rows: cells.strings(arr, rows)


def _of_float(values):
    """The text of refused numbers: ``values`` an array of the rows' numbers, or a function of
    row positions giving them."""
    if callable(values):
        return lambda rows: cells.float_strings(values(rows), np.arange(len(rows)))
    return lambda rows: cells.float_strings(values, rows)


def check(raw, source: str, program: Program, tz: str | None, rows: np.ndarray, frame: bool = True):
    """Canonical segments, rejects and unknown labels of ``raw`` (a DataFrame whose columns are
    already named and checked by :func:`rollstats.io.base.canonicalise`, or the
    :class:`~rollstats.io.arrowcells.RawCells` of a batch the CSV reader gave); ``rows`` the
    1-based source rows. ``frame=False`` gives the segments as a pair: every row's columns as
    :data:`KINDS` says, and the positions of the rows accepted (None: all), for
    :class:`~rollstats.io.stack.Stack` (see :func:`frame_of`), and None for rejects and unknown
    labels when there are none.

    Columns that repeat a few values (subject, numbers, labels) are checked once per distinct
    value and the answers spread over the rows by their codes.

    >>> from rollstats.io.base import Canonical
    >>> raw = pd.DataFrame({"subject_id": ["s1", ""], "start": ["2024-03-03T23:50+01:00"] * 2,
    ...                     "duration_s": ["90", "90"], "region": ["quads", "quads"]}, dtype="str")
    >>> out = Canonical(*check(raw, "demo.csv", Program.default(), None, np.array([1, 2])))
    >>> out.segments["region"].tolist(), out.rejects["reason"].tolist()
    (['thigh_front'], ['subject_id: missing subject'])
    """
    n = len(raw)
    problems = Problems(n)
    subject = cells.text(raw, "subject_id")
    problems.add(subject.is_null().to_numpy(zero_copy_only=False) if subject.null_count else NOWHERE, "subject_id",
                 _of(subject), "missing subject")

    start = read_times(raw, "start", tz)
    problems.add(start.reason_mask(required=True), "start", start.value_text, start.reasons)
    problems.add(_outside(start.instant), "start", start.plain_text, "outside the years 1678-2261: not a plausible time")
    end = None
    if "end" in raw:
        end = read_times(raw, "end", tz)
        problems.add(end.reason_mask(required=False), "end", end.value_text, end.reasons)

    duration_cells = number_cells(raw, "duration_s")
    per_duration = _number(duration_cells, "duration_s", problems)
    duration = duration_cells.rows(per_duration)
    plain = "end" not in raw and "checkin" not in raw  # every duration is the cell's own number
    if not plain:
        duration = _filled(duration, duration_cells, start, end, raw, program, problems)
    else:
        empty = duration_cells.where(~duration_cells.valid_values)
        problems.add(empty & (start.instant != _NAT) if empty.any() else empty, "duration_s", None,
                     "no end and no duration_s")
    limit = program.limits.max_segment_s
    for mask, why in ((lambda d: d <= 0, "duration of zero or less"),
                      (lambda d: d > limit, f"longer than limits.max_segment_s = {limit:g} s: implausible")):
        problems.add(duration_cells.where(mask(per_duration)) if plain else mask(duration), "duration_s",
                     _of_float(duration), why)

    labelled = {name: coded(raw, name) for name in ("region", "side", "activity", "trigger")}
    label, clock = labelled["region"], coded(raw, "clock")
    keys = labels(labelled)
    region, unknown = regions(keys["region"], keys["side"], clock, problems)
    per_key = {}
    for name, aliases, categories in (("side", SIDE_ALIASES, SIDES), ("activity", ACTIVITY_ALIASES, ACTIVITIES),
                                      ("trigger", TRIGGER_ALIASES, TRIGGERS)):
        per_key[name] = cells.lookup(np.arange(len(keys[name][1])), keys[name][1], aliases, categories)
        if name == "side":  # an empty side is no side; an empty activity or trigger has its default
            wrong, why = labelled[name].valid_values & (per_key[name] < 0), "side must be left, right or both"
        else:
            wrong, why = per_key[name] < 0, f"not one of {', '.join(sorted(set(aliases.values())))}"
        problems.add(labelled[name].where(wrong), name, labelled[name].strings, why)
    side, activity, trigger = (labelled[name].rows(per_key[name].astype(np.int8)) for name in per_key)

    numbers = {}
    with np.errstate(invalid="ignore"):
        for column in NULLABLE:
            column_cells = number_cells(raw, column)
            per_value = _number(column_cells, column, problems)
            of_value = _of_float(lambda r, c=column_cells, v=per_value: c.at(v, r))
            for bad, why in _number_rules(column, per_value):
                problems.add(column_cells.where(bad), column, of_value, why)
            if column == "hold_s" and not np.isnan(per_value).all():
                problems.add(column_cells.rows(per_value) > duration, "hold_s", of_value, "longer than the segment itself")
            empty = np.isnan(per_value)
            kept = np.where(empty, 0, per_value)
            if KINDS[column] == "Int64":
                kept = np.where(np.abs(kept) < 2**62, kept, 0).astype(np.int64)  # counts out of range are refused
            numbers[column] = (column_cells.rows(kept), column_cells.spread(empty))

    if problems.found:
        refused = problems.refused
        ok, bad = np.flatnonzero(~refused), np.flatnonzero(refused)
    else:
        ok, bad = None, np.zeros(0, dtype=np.int64)
    keep = None if ok is None or len(ok) == n else ok
    shift = program.night.day_start
    shift_us = ((shift.hour * 60 + shift.minute) * 60 + shift.second) * 1_000_000
    columns = {
        "subject_id": subject, "start": start.instant, "local_start": start.local,
        "night": (start.local - shift_us) // _US_PER_DAY * _US_PER_DAY, "duration_s": duration, "region": region,
        "region_label": label.decoded(), "side": side, "activity": activity, "trigger": trigger, **numbers,
        "notes": cells.text(raw, "notes"), "source": source, "source_row": rows,
    }
    segments = frame_of(columns, keep) if frame else (columns, keep)
    name = "region" if "region" in raw else None
    if not frame and not len(bad) and unknown is None:
        return segments, None, None, n  # a batch with nothing to report (see csvstream)
    if not len(bad):
        return segments, empty_rejects(), _unknown(label, unknown, ok, name), n
    column, value, reason = problems.words(bad)
    rejects = pd.DataFrame({
        "source": pd.Series([source] * len(bad), dtype="str"),
        "source_row": rows[bad].astype(np.int64),
        "column": pd.Series(column, dtype="str"),
        "value": pd.Series(value, dtype="str"),
        "reason": pd.Series(reason, dtype="str"),
    }).astype(REJECT_DTYPES)
    return segments, rejects, _unknown(label, unknown, ok, name), n


#: The canonical columns as :func:`check` gives them, each of a kind of :mod:`rollstats.io.stack`.
KINDS: dict = {"subject_id": "text", "start": "utc", "local_start": "wall", "night": "wall", "duration_s": "float",
               "region": REGION_DTYPE, "region_label": "text", "side": SIDE_DTYPE, "activity": ACTIVITY_DTYPE,
               "trigger": TRIGGER_DTYPE, "hold_count": "Int64", "hold_s": "Float64", "pain_before": "Float64",
               "pain_after": "Float64", "notes": "text", "source": "text", "source_row": "int"}
#: Columns of numbers that may be empty.
NULLABLE = tuple(name for name, kind in KINDS.items() if kind in ("Int64", "Float64"))


def frame_of(columns: dict, keep: np.ndarray | None = None) -> pd.DataFrame:
    """The segments frame of ``check(..., frame=False)``'s columns (see :data:`KINDS`), only the
    rows at positions ``keep`` (all when None).

    >>> t = frame_of({"hold_count": (np.array([2, 0]), np.array([False, True])), "source": "a.csv"})
    >>> t.astype(object).values.tolist()
    [[2, 'a.csv'], [<NA>, 'a.csv']]
    """
    n = None
    out = {}
    for name, values in columns.items():
        kind = KINDS[name]
        if kind == "text" and isinstance(values, str):
            continue
        if keep is not None:
            if isinstance(values, tuple):
                values = tuple(v[keep] for v in values)
            else:
                values = values.take(pa.array(keep)) if kind == "text" else values[keep]
        out[name] = pandas_column(kind, values)
        n = len(out[name])
    for name, values in columns.items():
        if KINDS[name] == "text" and isinstance(values, str):
            out[name] = pandas_column("text", repeated_text(values, n if n is not None else 0))
    return pd.DataFrame({name: out[name] for name in columns}, copy=False)


def _number(column: Coded, name: str, problems: Problems) -> np.ndarray:
    """The number of each distinct cell (NaN where empty or not a number); refuses the latter."""
    if isinstance(column, Typed):
        return column.numbers  # every cell the reader read is a number
    per_value = cells.numbers(column.values)
    problems.add(column.where(column.valid_values & np.isnan(per_value)), name, column.strings, "not a number")
    return per_value


def _number_rules(column: str, value: np.ndarray):
    """(per-value mask, reason) of the rules a number column has beyond being a number."""
    if column == "hold_count":
        yield ~np.isnan(value) & ((value < 0) | (value != np.floor(value))), "must be a whole number of 0 or more"
        yield value > 2**53, "too large for a count of holds"
    elif column == "hold_s":
        yield value < 0, "must be 0 or more"
    else:
        yield (value < 0) | (value > 10), "pain must be on the 0-10 scale"


def _outside(instant: np.ndarray) -> np.ndarray:
    """Rows whose start is read but outside the years pandas holds (an empty mask when none is)."""
    if len(instant) and instant.min() >= _EARLIEST_US and instant.max() < _LATEST_US:
        return NOWHERE  # every time read, all within the years
    read = instant != _NAT
    if not read.any() or (instant[read].min() >= _EARLIEST_US and instant[read].max() < _LATEST_US):
        return NOWHERE
    return read & ((instant < _EARLIEST_US) | (instant >= _LATEST_US))


def _filled(duration: np.ndarray, cells_of: Coded, start, end, raw, program: Program,
            problems: Problems) -> np.ndarray:
    """Durations completed from end - start and check-ins where the cell is empty, with the
    checks that compare them (``end`` None: no end column)."""
    end = end if end is not None else read_times(raw, "end", None)  # every time missing
    both_known = (start.instant != _NAT) & (end.instant != _NAT)
    by_end = np.where(both_known, (end.instant - start.instant) / 1e6, np.nan)
    disagree = ~np.isnan(duration) & ~np.isnan(by_end) & (np.abs(duration - by_end) > END_TOLERANCE_S)
    problems.add(disagree, "duration_s", _of_float(duration),
                 lambda r: [f"disagrees with end - start ({t} s)" for t in cells.float_strings(np.round(by_end, 1), r)])
    duration = np.where(np.isnan(duration), by_end, duration)
    duration = np.where(np.isnan(duration), _checkin_seconds(raw, program), duration)
    problems.add(np.isnan(duration) & (start.instant != _NAT) & ~end.reason_mask(required=False) & ~cells_of.valid,
                 "duration_s", None, "no end and no duration_s")
    return duration


def _checkin_seconds(raw, program: Program) -> np.ndarray:
    marked = coded(raw, "checkin")
    # lower case as pandas does it (Arrow's utf8_lower), on the distinct cells only
    lowered = pc.utf8_lower(marked.values).to_pylist()
    yes = np.array([k in _CHECKIN_TRUE for k in lowered])
    seconds = max(program.daily.minimum_s, 1.0) if program.checkins.meets_minimum else 1.0
    return marked.rows(np.where(yes, seconds, np.nan))


_NO_UNKNOWN = {name: pd.Series([], dtype="string", name=name).value_counts() for name in ("region", None)}


def no_unknown(name: str | None = "region") -> pd.Series:
    """The unknown labels of a table with none (``value_counts`` of no label)."""
    return _NO_UNKNOWN[name].copy()


def _unknown(label: Coded, unknown: np.ndarray | None, ok: np.ndarray, name: str | None) -> pd.Series:
    """Original labels no alias knew, with their counts among accepted rows (``value_counts``)."""
    if unknown is None:
        return no_unknown(name)
    rows = np.flatnonzero(unknown) if ok is None else ok[unknown[ok]]
    values = pd.Series(label.strings(rows), dtype="string", name=name)
    return values.value_counts()
