"""Every subject's review tables at once: the metrics run once over the whole table, each subject a slice.

:func:`rollstats.views.subject_tables` computes one subject's tables from the whole segment
table (some 80 ms a subject on the shipped cohort, most of it the audit). A review that moves
from subject to subject would pay that at every first visit; :class:`CohortTables` runs the
same metrics once for all subjects (vectorised: one nights table, one audit, one sessions
table...) and hands out one subject's :class:`~rollstats.views.SubjectTables` as row slices of
them, the same tables :func:`subject_tables` gives (a test checks every subject of the cohort).

>>> from rollstats.datasets import load_sample
>>> cohort = CohortTables(load_sample("patient").segments)
>>> tables = cohort.tables("P1")
>>> len(tables.nights), str(tables.first_night.date())
(90, '2026-01-12')
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from ..metrics import audit, check_windows, maintenance_windows, mistake_nights, nights, observed, session_pain
from ..metrics import sessions
from ..program import Program
from .patient import SubjectTables, subject_tables, subjects

#: the fields of SubjectTables this module knows how to slice; any other makes it fall back
_KNOWN = {"subject", "program", "nights", "windows", "checks", "sessions", "region_seconds", "audit", "notes",
          "exercises_logged", "pain", "marks"}


def _rows_by_subject(frame: pd.DataFrame, column: str = "subject_id") -> dict[str, np.ndarray]:
    """Row positions of each subject in ``frame``, in the frame's order."""
    if frame.empty:
        return {}
    codes, ids = pd.factorize(frame[column].astype("str"))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    return {str(s): order[bounds[i]:bounds[i + 1]] for i, s in enumerate(ids)}


class CohortTables:
    """The review tables of every subject of ``segments`` (the whole loaded table), computed once.

    :meth:`tables` gives one subject's :class:`~rollstats.views.SubjectTables` (sliced on its
    first call, then kept); ``program`` and ``until`` as for :func:`subject_tables`.
    """

    def __init__(self, segments: pd.DataFrame, program: Program | None = None, until: str | dt.date | None = None):
        self.segments, self.program, self.until = segments, program or Program.default(), until
        self._kept: dict[str, SubjectTables] = {}
        self.sliced = {f.name for f in dataclasses.fields(SubjectTables)} <= _KNOWN   #: False: one at a time
        if not self.sliced or segments.empty:
            self.sliced = False
            return
        program = self.program
        inside, end = observed(segments, until)
        self.exercises_logged = bool((inside["activity"] != "rolling").any())
        self._inside = inside.reset_index(drop=True)
        table = nights(self._inside, program, until=end)
        self._nights = table.reset_index(drop=True)
        self._windows = maintenance_windows(self._nights, program).reset_index(drop=True)
        self._checks = check_windows(self._nights, program, self.exercises_logged).reset_index(drop=True)
        self._sessions = sessions(self._inside, program, pain=True).reset_index(drop=True)
        self._audit = audit(segments, program, until=end).reset_index(drop=True)
        rolling = self._inside.loc[self._inside["activity"] == "rolling"]
        self._seconds = (pd.DataFrame({
            "subject_id": rolling["subject_id"].astype("str").to_numpy(),
            "night": rolling["night"].to_numpy(),
            "region": rolling["region"].astype("str").to_numpy(),
            "side": rolling["side"].astype("string").fillna("").to_numpy(),
            "seconds": rolling["duration_s"].to_numpy(dtype="float64"),
        }).groupby(["subject_id", "night", "region", "side"], sort=True)["seconds"].sum().reset_index())
        has_notes = self._inside["notes"].astype("string").str.strip().fillna("") != ""
        notes = self._inside.loc[has_notes, ["subject_id", "night", "local_start", "notes"]]
        self._notes = notes.sort_values("local_start", kind="stable").rename(columns={"local_start": "start"})
        self._rows = {name: _rows_by_subject(frame) for name, frame in (
            ("inside", self._inside), ("nights", self._nights), ("windows", self._windows),
            ("checks", self._checks), ("sessions", self._sessions), ("audit", self._audit),
            ("seconds", self._seconds), ("notes", self._notes))}

    def __contains__(self, subject: str) -> bool:
        return str(subject) in self._kept

    def tables(self, subject: str) -> SubjectTables:
        """The tables of ``subject`` (as :func:`subject_tables` computes them); ValueError for an
        unknown id or one without segments in observation."""
        subject = str(subject)
        if subject in self._kept:
            return self._kept[subject]
        if not self.sliced:
            return self._kept.setdefault(subject, subject_tables(self.segments, subject, self.program, self.until))
        if subject not in self._rows["inside"]:
            raise ValueError(f"no segments of subject {subject!r} in observation")

        def part(name: str, frame: pd.DataFrame, drop: bool = False) -> pd.DataFrame:
            rows = frame.iloc[self._rows[name].get(subject, np.empty(0, dtype=np.intp))]
            rows = rows.drop(columns="subject_id") if drop else rows
            return rows.reset_index(drop=True)

        table = part("nights", self._nights)
        everything = part("sessions", self._sessions)
        rolled = everything.loc[everything["segments"] > 0].reset_index(drop=True)
        checks = part("checks", self._checks)
        own = self._inside.iloc[self._rows["inside"][subject]]
        return self._kept.setdefault(subject, SubjectTables(
            subject=subject, program=self.program, nights=table, windows=part("windows", self._windows),
            checks=checks, sessions=rolled, region_seconds=part("seconds", self._seconds, drop=True),
            audit=part("audit", self._audit), notes=part("notes", self._notes, drop=True),
            exercises_logged=self.exercises_logged, pain=session_pain(own, self.program, everything),
            marks=mistake_nights(table, rolled, checks)))

    @property
    def subjects(self) -> list[str]:
        """The subject ids, sorted."""
        return subjects(self.segments) if len(self.segments) else []
