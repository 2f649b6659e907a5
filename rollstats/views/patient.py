"""One subject under review: its tables computed once, sliced by dates, told in words, and a one-file report.

Pure functions and plain data (no widgets, no files except :func:`write_patient_report`); the
Patient review widget (:class:`rollstats.widgets.PatientReview`) wires its controls to them, so
what a clinician sees on screen and what the report says are the same figures.

Flow::

    tables = subject_tables(segments, "P1")          # once per subject: nights, windows, audit...
    view = review(tables, "2026-02-01", "2026-02-28")  # a date range: cheap slices of those tables
    key_figures(view)                               # the numbers, e.g. compliant nights in the range
    mistakes(view)                                  # the card's common mistakes with its advice
    night_audit(tables, "2026-02-03")               # every rule checked on one night, in words
    html = patient_report_html(view)                # one HTML file, figures embedded as PNG
    write_patient_report(view, folder=".")          # rollstats-review-P1-2026-02-01-2026-02-28.html

Nights, phases, progression and windows are always those of the subject's whole observation
(``docs/definitions.md``); a date range only chooses which of them are shown and counted. The
progression night stays the night the running total first reached the threshold, even when the
range starts after it.

>>> from rollstats.datasets import load_sample
>>> from rollstats.views import key_figures
>>> tables = subject_tables(load_sample("patient").segments, "P1")
>>> view = review(tables, "2026-01-12", "2026-01-18")
>>> k = key_figures(view)
>>> k["nights"], k["compliant_nights"], str(k["progression_night"].date())
(7, 5, '2026-01-18')
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics import (audit, check_windows, maintenance_windows, mistake_nights, nights, observed,
                       session_pain, sessions)
from ..metrics import observation
from ..metrics.cohort import sum_region_side
from ..program import Program

#: The figures of a review, in the order they are shown.
FIGURES: tuple[str, ...] = ("calendar", "timeline", "bodymap")
FIGURE_TITLES: dict[str, str] = {"calendar": "Calendar of nights", "timeline": "Progression timeline",
                                 "bodymap": "Where the rolling time went",
                                 "pain": "Pain before and after rolling, by week"}
#: The flags of the card's common mistakes, in the card's order.
MISTAKES: tuple[str, ...] = ("lateral_thigh", "too_fast", "standalone", "narrow")
RULE_WORDS: dict[str, str] = {
    "daily_minimum": "daily minimum", "maintenance_night": "maintenance night", "progression": "progression",
    "lateral_thigh": "side of the thigh",
    "too_fast": "holds", "maintenance_window": "maintenance window", "standalone": "strengthening",
    "narrow": "regions covered",
}


# ----------------------------------------------------------------- tables, once per subject
@dataclass(frozen=True)
class SubjectTables:
    """Everything about one subject that does not depend on a date range (computed once).

    ``nights`` are the subject's rows of :func:`rollstats.nights` over the whole observation
    (which ends, as for every subject, at the end of the whole table or ``until``);
    ``windows`` its maintenance windows; ``checks`` its check windows (standalone, narrow);
    ``sessions`` its sessions with rolling; ``region_seconds`` rolling seconds per night,
    region and side (long: ``night, region, side, seconds``); ``audit`` its rows of
    :func:`rollstats.audit`; ``notes`` the notes it logged (``night, start, notes``);
    ``exercises_logged`` whether the loaded table holds any exercise other than rolling;
    ``pain`` its sessions' pain scores (:func:`rollstats.metrics.session_pain`) and ``marks`` the
    nights each common mistake touched (:func:`rollstats.metrics.mistake_nights`).
    """

    subject: str
    program: Program
    nights: pd.DataFrame
    windows: pd.DataFrame
    checks: pd.DataFrame
    sessions: pd.DataFrame
    region_seconds: pd.DataFrame
    audit: pd.DataFrame
    notes: pd.DataFrame
    exercises_logged: bool
    pain: pd.DataFrame | None = None
    marks: pd.DataFrame | None = None

    @property
    def first_night(self) -> pd.Timestamp:
        return self.nights["night"].iloc[0]

    @property
    def last_night(self) -> pd.Timestamp:
        return self.nights["night"].iloc[-1]

    @property
    def progression_night(self) -> pd.Timestamp | None:
        hit = self.nights.loc[self.nights["progression"], "night"]
        return hit.iloc[0] if len(hit) else None


def subjects(segments: pd.DataFrame) -> list[str]:
    """The subject ids of a segment table, sorted.

    >>> subjects(pd.DataFrame({"subject_id": ["b", "a", "b"]}))
    ['a', 'b']
    """
    return sorted(str(s) for s in pd.unique(segments["subject_id"].astype("str")))


def subject_tables(segments: pd.DataFrame, subject: str, program: Program | None = None,
                   until: str | dt.date | None = None) -> SubjectTables:
    """The tables of ``subject`` (see :class:`SubjectTables`); raises ValueError for an unknown id.

    ``segments`` is the whole loaded table: the end of observation and whether other exercises
    are logged at all are properties of the whole export, as in :func:`rollstats.summarize`.
    """
    program = program or Program.default()
    inside, end = observed(segments, until)
    exercises_logged = observation.exercises_logged(inside)
    own = inside.loc[inside["subject_id"].astype("str") == str(subject)]
    if own.empty:
        raise ValueError(f"no segments of subject {subject!r} in observation")
    table = nights(own, program, until=end).reset_index(drop=True)
    rolling = own.loc[own["activity"] == "rolling"]
    region_seconds = (pd.DataFrame({
        "night": rolling["night"].to_numpy(),
        "region": rolling["region"].astype("str").to_numpy(),
        "side": rolling["side"].astype("string").fillna("").to_numpy(),
        "seconds": rolling["duration_s"].to_numpy(dtype="float64"),
    }).groupby(["night", "region", "side"], sort=True)["seconds"].sum().reset_index())
    sess = sessions(own, program, pain=True)
    has_notes = own["notes"].astype("string").str.strip().fillna("") != ""
    notes = own.loc[has_notes, ["night", "local_start", "notes"]].sort_values("local_start", kind="stable")
    rows = audit(segments, program, until=end, subject=own["subject_id"].iloc[0])
    checks = check_windows(table, program, exercises_logged)
    rolled = sess.loc[sess["segments"] > 0].reset_index(drop=True)
    return SubjectTables(
        subject=str(subject), program=program, nights=table,
        windows=maintenance_windows(table, program), checks=checks,
        sessions=rolled, region_seconds=region_seconds,
        audit=rows.reset_index(drop=True), notes=notes.rename(columns={"local_start": "start"}).reset_index(drop=True),
        exercises_logged=exercises_logged, pain=session_pain(own, program, sess),
        marks=mistake_nights(table, rolled, checks))


# ----------------------------------------------------------------- a date range
@dataclass(frozen=True)
class Review:
    """One subject over a date range: slices of its :class:`SubjectTables`.

    ``first`` and ``last`` are nights (midnight Timestamps, both included). ``nights``: the
    nights in the range; ``windows``: maintenance windows that overlap it (drawn on the
    timeline); ``checks``: check windows whose last night is in it; ``sessions``: sessions
    whose night is in it; ``region_seconds``: rolling seconds per region and side over the
    range (``subject_id, region, side, seconds``, side NA where not logged); ``audit`` and
    ``notes``: rows of nights in the range; ``pain`` and ``marks``: the rows of
    :attr:`SubjectTables.pain` and :attr:`SubjectTables.marks` of nights in the range.
    """

    tables: SubjectTables
    first: pd.Timestamp
    last: pd.Timestamp
    nights: pd.DataFrame
    windows: pd.DataFrame
    checks: pd.DataFrame
    sessions: pd.DataFrame
    region_seconds: pd.DataFrame
    audit: pd.DataFrame
    notes: pd.DataFrame
    pain: pd.DataFrame | None = None
    marks: pd.DataFrame | None = None

    @property
    def subject(self) -> str:
        return self.tables.subject

    @property
    def program(self) -> Program:
        return self.tables.program


def as_night(value) -> pd.Timestamp:
    """A date, text or Timestamp as the night it names (midnight, microseconds).

    >>> as_night("2026-03-03 21:40")
    Timestamp('2026-03-03 00:00:00')
    """
    return pd.Timestamp(value).normalize().as_unit("us")


def review(tables: SubjectTables, first=None, last=None) -> Review:
    """The subject's tables over the nights ``first`` to ``last`` (both included).

    ``None`` stands for the first (last) night of observation; dates outside observation are
    moved to its ends. Raises ValueError when ``first`` is after ``last``.

    >>> from rollstats.datasets import load_sample
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> view = review(tables, "2026-02-01", None)
    >>> len(view.nights), str(view.last.date())
    (70, '2026-04-11')
    """
    lo = tables.first_night if first is None else max(as_night(first), tables.first_night)
    hi = tables.last_night if last is None else min(as_night(last), tables.last_night)
    if lo > hi:
        raise ValueError(f"the range starts ({lo.date()}) after it ends ({hi.date()})")

    w = tables.windows
    windows = w.loc[(w["first_night"].to_numpy() <= hi.to_datetime64())
                    & (w["last_night"].to_numpy() >= lo.to_datetime64())]
    seconds = between(tables.region_seconds, lo, hi)
    return Review(tables=tables, first=lo, last=hi, nights=between(tables.nights, lo, hi), windows=windows,
                  checks=between(tables.checks, lo, hi, "last_night"), sessions=between(tables.sessions, lo, hi),
                  region_seconds=sum_region_side(seconds.assign(subject_id=tables.subject)),
                  audit=between(tables.audit, lo, hi), notes=between(tables.notes, lo, hi),
                  pain=between(tables.pain, lo, hi), marks=between(tables.marks, lo, hi))


def between(frame: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, column: str = "night") -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` (dates) lies from ``first`` to ``last``, both included:
    a slice when the column is sorted, as the tables of :func:`subject_tables` are.

    >>> t = pd.DataFrame({"night": pd.date_range("2026-03-01", periods=5), "rolled_s": [1.0, 2, 3, 4, 5]})
    >>> between(t, pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-03"))["rolled_s"].tolist()
    [2.0, 3.0]
    >>> between(t[::-1], pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-03"))["rolled_s"].tolist()   # unsorted
    [3.0, 2.0]
    """
    values = frame[column].to_numpy()
    lo, hi = first.to_datetime64(), last.to_datetime64()
    if values.dtype.kind == "M" and (values[1:] >= values[:-1]).all():
        return frame.iloc[values.searchsorted(lo):values.searchsorted(hi, "right")]
    return frame.loc[(frame[column] >= first) & (frame[column] <= last)]
