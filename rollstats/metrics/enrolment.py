"""Observation windows: an enrolment table sets each subject's first and last night.

Without an enrolment a subject is observed from its first night to the end of the export
(``docs/definitions.md``). A study knows better: each subject was enrolled on a date and left
on another. :func:`rollstats.enrolment.enrolment_table` checks such a table cell by cell
(:mod:`rollstats.io.enrolment` reads it from a file), :func:`observation_windows` turns it into
one window per subject, and :func:`within_windows` keeps the segments inside them.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..enrolment import ENROLMENT_COLUMNS, EnrolmentError, enrolment_table
from .observation import observed

def observation_windows(segments: pd.DataFrame, enrolment: pd.DataFrame | None = None,
                        until: str | dt.date | None = None) -> pd.DataFrame:
    """Per subject (index ``subject_id``): ``first_night`` and ``last_night`` of observation.

    Without ``enrolment``: every subject with a segment, from its first night to ``until`` or,
    when not given, the latest night of the whole table. With ``enrolment`` (see
    :func:`enrolment_table`): exactly the enrolled subjects, from their ``start`` to their
    ``end``; an empty ``end`` is the end of the export (``until``, else the latest night in
    the table), and ``until`` caps every end. A window whose end comes before its start holds
    no night. Group columns follow. Nights are midnight Timestamps.

    >>> from rollstats.schema import empty_segments
    >>> e = pd.DataFrame({"subject_id": ["P1", "P2"], "start": ["2026-03-01", "2026-03-05"],
    ...     "end": ["2026-03-28", None]})
    >>> w = observation_windows(empty_segments(), e, until="2026-03-20")
    >>> [str(d.date()) for d in w["last_night"]]
    ['2026-03-20', '2026-03-20']
    """
    inside, end = observed(segments, until)
    if enrolment is None:
        first = inside.groupby("subject_id", sort=True)["night"].min()
        return pd.DataFrame({"first_night": first.astype("datetime64[us]"),
                             "last_night": pd.Series(end, index=first.index).astype("datetime64[us]")})
    table = enrolment_table(enrolment)
    table = table.sort_values("subject_id", kind="stable").set_index("subject_id")
    last = table["end"].fillna(end) if pd.notna(end) else table["end"]
    if until is not None:
        last = last.where(last.isna() | (last <= end), end)
    # no end anywhere (no segment, no until, no end date): an empty window
    last = last.fillna(table["start"] - pd.Timedelta(days=1))
    out = pd.DataFrame({"first_night": table["start"].astype("datetime64[us]"),
                        "last_night": last.astype("datetime64[us]")})
    for col in table.columns.drop(["start", "end"]):
        out[col] = table[col]
    out.index = out.index.astype("str")
    out.index.name = "subject_id"
    return out


def within_windows(segments: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """The segments whose night lies in their subject's window (others, and other subjects, dropped).

    >>> seg = pd.DataFrame({"subject_id": ["a", "a", "b"],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-09", "2026-03-02"])})
    >>> w = pd.DataFrame({"first_night": pd.to_datetime(["2026-03-01"]),
    ...     "last_night": pd.to_datetime(["2026-03-05"])}, index=pd.Index(["a"], name="subject_id"))
    >>> within_windows(seg, w)["night"].dt.day.tolist()
    [1]
    """
    first = segments["subject_id"].map(windows["first_night"])
    last = segments["subject_id"].map(windows["last_night"])
    keep = (segments["night"] >= first) & (segments["night"] <= last)
    return segments.loc[keep.fillna(False).to_numpy(dtype=bool)]


def group_columns(windows: pd.DataFrame) -> list[str]:
    """The group columns an enrolment carried (everything but the window's own columns)."""
    return [c for c in windows.columns if c not in ("first_night", "last_night")]
