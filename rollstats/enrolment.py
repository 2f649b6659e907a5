"""Enrolment tables: which subjects a study observed, from which night to which night.

The vocabulary both ends share: :mod:`rollstats.io.enrolment` reads such a table from a CSV
file and :mod:`rollstats.metrics.enrolment` observes each subject within its window; the
checking of the cells lives here, below both, so that neither imports the other.
"""
from __future__ import annotations

import pandas as pd

from .errors import RollstatsError

#: The columns every enrolment table has after :func:`enrolment_table`; others are groups.
ENROLMENT_COLUMNS: tuple[str, ...] = ("subject_id", "start", "end")

#: Header spellings accepted for the three columns (lower case, spaces as ``_``).
HEADER_ALIASES: dict[str, str] = {
    "subject_id": "subject_id", "subject": "subject_id", "participant": "subject_id",
    "participant_id": "subject_id",
    "start": "start", "start_date": "start", "start_night": "start", "enrolled": "start",
    "end": "end", "end_date": "end", "end_night": "end",
}

_SHOWN = 10  # problems listed in one error message


class EnrolmentError(RollstatsError, ValueError):
    """An enrolment table that cannot be used; the message names source, row and column."""


def _header(name: object) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(dates as midnight Timestamps, mask of cells given but unreadable)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values.dt.tz_localize(None) if isinstance(values.dtype, pd.DatetimeTZDtype) else values
        return out.dt.normalize().astype("datetime64[us]"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip().replace("", pd.NA)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[us]")
    return parsed, text.notna() & parsed.isna()


def enrolment_table(frame: pd.DataFrame, source: str = "enrolment table") -> pd.DataFrame:
    """Check an enrolment table and give it its types.

    Columns (headers are matched case-insensitively; ``subject``, ``start_date``, ``end_date``
    are accepted too): ``subject_id`` (required), ``start`` (required, the first night,
    ``YYYY-MM-DD``), ``end`` (optional column and cells, the last night, inclusive; empty means
    the end of the export). Every other column is a *group* column kept as text. Rows are
    numbered 1, 2, ... among the data rows (the header is not a row), as ``source_row`` is.

    Every problem is listed in one :class:`EnrolmentError`: an empty or repeated subject, a
    missing or unreadable date, an end before the start.

    >>> t = enrolment_table(pd.DataFrame({"subject": ["P1", "P2"], "start_date": ["2026-03-01", "2026-03-05"],
    ...     "end_date": ["2026-03-28", None], "arm": ["A", "B"]}))
    >>> t.columns.tolist(), str(t["end"].iloc[1])
    (['subject_id', 'start', 'end', 'arm'], 'NaT')
    >>> enrolment_table(pd.DataFrame({"subject_id": ["P1"], "start": ["3/1/2026"]}), "e.csv")
    Traceback (most recent call last):
    ...
    rollstats.enrolment.EnrolmentError: e.csv: 1 problem: row 1, column 'start': '3/1/2026' is not a date (use YYYY-MM-DD)
    """
    renamed: dict[object, str] = {}
    for col in frame.columns:
        target = HEADER_ALIASES.get(_header(col))
        if target is not None:
            if target in renamed.values():
                raise EnrolmentError(f"{source}: two columns mean {target!r} ({col!r} and another)")
            renamed[col] = target
    missing = [c for c in ("subject_id", "start") if c not in renamed.values()]
    if missing:
        raise EnrolmentError(f"{source}: no column {missing[0]!r} (columns are: "
                             f"{', '.join(map(str, frame.columns)) or 'none'})")
    table = frame.rename(columns=renamed).reset_index(drop=True)
    if "end" not in table:
        table["end"] = pd.NA
    groups = [c for c in table.columns if c not in ENROLMENT_COLUMNS]

    problems: list[tuple[int, str]] = []  # (row index, text)
    subject = table["subject_id"].astype("string").str.strip().replace("", pd.NA)
    for i in subject.index[subject.isna()]:
        problems.append((i, "column 'subject_id': empty"))
    repeated = subject.notna() & subject.duplicated(keep="first")
    first_row = pd.Series(subject.index, index=subject).groupby(level=0).min()
    for i in subject.index[repeated]:
        problems.append((i, f"column 'subject_id': {subject[i]!r} is enrolled twice "
                            f"(first on row {first_row[subject[i]] + 1})"))
    start, bad_start = _dates(table["start"])
    end, bad_end = _dates(table["end"])
    for i in start.index[start.isna() & ~bad_start]:
        problems.append((i, "column 'start': empty"))
    for col, bad in (("start", bad_start), ("end", bad_end)):
        raw = table[col].astype("string")
        for i in raw.index[bad]:
            problems.append((i, f"column {col!r}: {raw[i]!r} is not a date (use YYYY-MM-DD)"))
    before = (end < start).fillna(False)
    for i in start.index[before]:
        problems.append((i, f"column 'end': {end[i].date()} is before the start {start[i].date()}"))
    if problems:
        problems.sort(key=lambda p: p[0])
        lines = [f"row {i + 1}, {text}" for i, text in problems[:_SHOWN]]
        more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        word = "problem" if len(problems) == 1 else "problems"
        raise EnrolmentError(f"{source}: {len(problems)} {word}: " + "; ".join(lines) + more)
    out = pd.DataFrame({"subject_id": subject.astype("str"), "start": start, "end": end})
    for col in groups:
        out[str(col)] = table[col].astype("string").astype("str")
    return out


__all__ = ["ENROLMENT_COLUMNS", "HEADER_ALIASES", "EnrolmentError", "enrolment_table"]
