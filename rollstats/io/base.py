"""The one road from a raw table of native columns to the canonical segment table.

Every reader (CSV, JSON, Parquet, XLSX, and the app-specific ones) produces a *raw* frame
whose columns carry the native names below, in whatever types the file gave. This module
checks each cell, refuses rows that cannot be trusted (with file, row, column and reason),
and builds the canonical table of :mod:`rollstats.schema`. No rule of the program is
decided here beyond the plausibility limit ``limits.max_segment_s``.

Native columns: ``subject_id, start, end | duration_s, region, side, clock, activity,
trigger, hold_count, hold_s, pain_before, pain_after, notes`` and an optional ``tz``.

A ``checkin`` column (``true``/``yes``/``1``) marks a yes/no check of unknown length (a Loop
Habit Tracker checkmark): where such a row gives neither ``end`` nor ``duration_s``, its
duration follows ``checkins.meets_minimum`` of the program: ``daily.minimum_s`` seconds (at
least 1 s) when true, so the night is compliant; 1 s when false: rolling logged but too short.

The checks themselves are :mod:`rollstats.io.checks`; their definition in plain pandas is
:func:`rollstats.io.reference.canonicalise_reference`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import IngestError
from ..program import Program
from .checks import check

NATIVE_COLUMNS: tuple[str, ...] = (
    "subject_id", "start", "end", "duration_s", "region", "side", "clock", "activity", "trigger",
    "hold_count", "hold_s", "pain_before", "pain_after", "notes", "tz", "checkin",
)
@dataclass(frozen=True)
class RawTable:
    """What a reader hands over: native columns as the file gave them, nothing decided yet."""

    frame: pd.DataFrame
    source_row: pd.Series | None = None  #: 1-based row of each record (default 1, 2, 3...)
    passed_over: dict[str, int] = field(default_factory=dict)  #: records read but not segments


@dataclass(frozen=True)
class Canonical:
    """What one file gave: accepted segments, refused rows, and unknown region labels."""

    segments: pd.DataFrame
    rejects: pd.DataFrame
    unknown_labels: pd.Series  #: original label -> rows read as region ``other``
    rows_read: int


def canonicalise(raw: pd.DataFrame, source: str, program: Program, tz: str | None = None,
                 source_row: pd.Series | None = None) -> Canonical:
    """Turn a raw frame of native columns into canonical segments and rejects.

    ``source`` names the file in every output; ``tz`` is the zone for times without an
    offset (a ``tz`` column, where present, wins row by row); ``source_row`` gives each raw
    row's 1-based position in the file (default: 1, 2, 3... in frame order).

    >>> raw = pd.DataFrame({"subject_id": ["s1", ""], "start": ["2024-03-03T23:50+01:00"] * 2,
    ...                     "duration_s": ["90", "90"], "region": ["quads", "quads"]})
    >>> out = canonicalise(raw, "demo.csv", Program.default())
    >>> out.segments["region"].tolist(), out.rejects["reason"].tolist()
    (['thigh_front'], ['subject_id: missing subject'])
    """
    raw = named_columns(raw, source)
    rows = (np.arange(1, len(raw) + 1, dtype=np.int64) if source_row is None
            else np.asarray(source_row, dtype="int64"))
    segments, rejects, unknown, n = check(raw, source, program, tz, rows)
    return Canonical(segments, rejects, unknown, n)


def named_columns(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """``raw`` with its column names folded (case, spaces), refused when one is missing or twice."""
    raw = raw.rename(columns=lambda c: str(c).strip().lower()).reset_index(drop=True)
    missing = [c for c in ("subject_id", "start") if c not in raw]
    if "end" not in raw and "duration_s" not in raw:
        missing.append("end or duration_s")
    if missing:
        found = ", ".join(map(str, raw.columns)).replace("\r", "\\r").replace("\n", "\\n") or "none"  # one line
        raise IngestError(f"{source}: missing column {missing[0]!r} (columns found: {found})")
    twice = sorted({str(c) for c in raw.columns[raw.columns.duplicated()] if c in NATIVE_COLUMNS})
    if twice:  # e.g. "start" and "Start": which one holds the times is anyone's guess
        raise IngestError(f"{source}: column {twice[0]!r} appears more than once "
                          "(names are compared without case and surrounding spaces)")
    return raw
