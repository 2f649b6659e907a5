"""The per-subject table of a selection of a cohort's nights: what the Cohort explorer shows.

A selection is a date range, a phase and a set of subjects. :func:`cohort_table` gives one row
per subject with nights in it, under the column names of :func:`rollstats.summarize` wherever a
column means the same thing, built with the same metrics (:func:`progression_nights`,
:func:`maintenance_adherence`), so that over the whole observation and every phase its shared
columns are the summary's. :func:`counted_subjects` is who has a row at all (the summary's rule),
:func:`progression_in_range` the nights to progression censored at the end of the range.

Pure functions: nights tables (:func:`rollstats.nights`) in, tables out; no I/O, no plotting.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..program import Program
from .cohort import time_to_progression
from .maintenance import maintenance_adherence, maintenance_windows
from .nights import progression_nights, rolled_any

#: The phases a selection may keep: every night, the daily phase only, the maintenance phase only.
PHASES: tuple[str, ...] = ("all", "daily", "maintenance")
#: Columns of :func:`cohort_table` after ``subject_id``.
COHORT_COLUMNS: tuple[str, ...] = (
    "first_night", "last_night", "nights_observed", "compliant_nights", "adherence", "rolled_s", "lateral_thigh_s",
    "progression_night", "nights_to_progression", "maintenance_windows_complete", "maintenance_windows_met",
    "maintenance_adherence")


def counted_subjects(nights_table: pd.DataFrame, enrolled: bool = False) -> pd.Index:
    """The subjects a summary counts (sorted ids, text): without an enrolment, those with any
    rolling seconds on a region in observation (the ``seconds_*`` columns of
    :func:`rollstats.nights`); with one (``enrolled=True``), every subject in the table, rolling
    or not. The others are left out, for a reason :func:`rollstats.metrics.left_out.left_out` names.

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "b"], "seconds_calf": [0.0, 30.0, 0.0]})
    >>> counted_subjects(t).tolist(), counted_subjects(t, enrolled=True).tolist()
    (['a'], ['a', 'b'])
    """
    subject = nights_table["subject_id"].astype("str")
    if not enrolled:
        subject = subject.loc[rolled_any(nights_table)]
    return pd.Index(np.sort(subject.unique()), dtype="str", name="subject_id")


def select_nights(nights_table: pd.DataFrame, first=None, last=None,
                  subjects: Iterable[str] | None = None) -> pd.DataFrame:
    """The rows of ``nights_table`` from night ``first`` to ``last`` (both included; None: no
    limit) of ``subjects`` (None: all).

    >>> t = pd.DataFrame({"subject_id": ["a", "a", "b"],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-02"])})
    >>> select_nights(t, first="2026-03-02", subjects=["a"]).index.tolist()
    [1]
    """
    keep = np.ones(len(nights_table), dtype=bool)
    if first is not None:
        keep &= (nights_table["night"] >= pd.Timestamp(first)).to_numpy(dtype=bool)
    if last is not None:
        keep &= (nights_table["night"] <= pd.Timestamp(last)).to_numpy(dtype=bool)
    if subjects is not None:
        keep &= nights_table["subject_id"].astype("str").isin(set(map(str, subjects))).to_numpy(dtype=bool)
    return nights_table if keep.all() else nights_table.loc[keep]


def cohort_table(nights_table: pd.DataFrame, first=None, last=None, phase: str = "all",
                 subjects: Iterable[str] | None = None, program: Program | None = None,
                 windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per subject with nights in the selection, sorted by ``subject_id``.

    ``nights_table`` is :func:`rollstats.nights` of the whole cohort; the selection keeps its
    nights from ``first`` to ``last`` (None: no limit) of ``subjects`` (None: all) in ``phase``
    (``"all"``, ``"daily"`` or ``"maintenance"``). ``windows`` is
    :func:`maintenance_windows` of ``nights_table`` (computed when None).

    Columns, as in the summary (``docs/definitions.md``) but over the selection: ``subject_id``,
    ``first_night`` and ``last_night`` (of the nights selected, midnight Timestamps),
    ``nights_observed``, ``compliant_nights``, ``adherence`` (compliant / observed, 0 to 1),
    ``rolled_s`` (hips-and-legs rolling, s), ``lateral_thigh_s`` (s), then, over the whole
    observation, ``progression_night`` (NaT when none) and ``nights_to_progression`` (nights
    from the first night, both counted; NA when none), and the maintenance windows that lie
    wholly from ``first`` to ``last`` and are complete: ``maintenance_windows_complete``,
    ``maintenance_windows_met`` and ``maintenance_adherence`` (met / complete, 0 to 1; NaN with
    no complete window; no window in the daily phase).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 4, "night": pd.date_range("2026-03-01", periods=4),
    ...     "night_index": range(4), "rolled_s": [100.0, 0.0, 250.0, 60.0], "lateral_s": 0.0,
    ...     "compliant": [True, False, True, True], "progression": [False, False, True, False],
    ...     "phase": ["daily"] * 3 + ["maintenance"], "maintenance_window": pd.array([None] * 3 + [0], "Int64")})
    >>> r = cohort_table(t, phase="daily").iloc[0]
    >>> int(r.nights_observed), int(r.compliant_nights), round(float(r.adherence), 3), int(r.nights_to_progression)
    (3, 2, 0.667, 3)
    """
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}, got {phase!r}")
    program = program or Program.default()
    rows = select_nights(nights_table, first, last, subjects)
    if phase != "all":
        rows = rows.loc[(rows["phase"] == phase).to_numpy(dtype=bool)]
    per = rows.groupby("subject_id", sort=True)
    out = pd.DataFrame({
        "first_night": per["night"].min(), "last_night": per["night"].max(),
        "nights_observed": per.size().astype("int64"), "compliant_nights": per["compliant"].sum().astype("int64"),
    })
    out["adherence"] = out["compliant_nights"] / out["nights_observed"]
    out["rolled_s"] = per["rolled_s"].sum().astype("float64")
    out["lateral_thigh_s"] = per["lateral_s"].sum().astype("float64")
    out.index = out.index.astype("str")
    # progression over the whole observation, whatever the selection (as in the summary)
    out = out.join(_progressed(nights_table))
    if windows is None:
        windows = maintenance_windows(nights_table, program)
    inside = windows
    if first is not None:
        inside = inside.loc[inside["first_night"] >= pd.Timestamp(first)]
    if last is not None:
        inside = inside.loc[inside["last_night"] <= pd.Timestamp(last)]
    if phase == "daily":
        inside = inside.iloc[:0]
    maint = maintenance_adherence(inside)
    maint.index = maint.index.astype("str")
    for col in ("maintenance_windows_complete", "maintenance_windows_met"):
        out[col] = maint[col].reindex(out.index).fillna(0).astype("int64")
    out["maintenance_adherence"] = maint["maintenance_adherence"].reindex(out.index).astype("float64")
    out = out.rename_axis("subject_id").reset_index()
    out["subject_id"] = out["subject_id"].astype("str")
    return out[["subject_id", *COHORT_COLUMNS]]


def progression_in_range(nights_table: pd.DataFrame, first=None, last=None,
                         subjects: Iterable[str] | None = None) -> pd.DataFrame:
    """Nights to progression per subject with nights in the selection (any phase), censored at
    the subject's last night selected: :func:`rollstats.metrics.cohort.time_to_progression`'s
    table (``subject_id``, ``nights`` from the subject's first night, both counted, to its
    progression night when that is not after its last night selected, else to that last night;
    ``progressed``), sorted by subject.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 4 + ["b"] * 2, "night_index": [0, 1, 2, 3, 0, 1],
    ...     "night": list(pd.date_range("2026-03-01", periods=4)) + list(pd.date_range("2026-03-03", periods=2)),
    ...     "progression": [False, False, True, False, False, True]})
    >>> progression_in_range(t, last="2026-03-02").values.tolist()
    [['a', 2, False]]
    >>> progression_in_range(t).values.tolist()
    [['a', 3, True], ['b', 2, True]]
    """
    rows = select_nights(nights_table, first, last, subjects)
    last_index = rows.groupby("subject_id", sort=True)["night_index"].max()
    last_index.index = last_index.index.astype("str")
    to_progression = _progressed(nights_table)["nights_to_progression"].reindex(last_index.index)
    progressed = (to_progression <= last_index + 1).fillna(False).to_numpy(dtype=bool)
    return time_to_progression(pd.DataFrame({
        "subject_id": last_index.index.astype("str"),
        "nights_observed": (last_index + 1).to_numpy(dtype="int64"),
        "nights_to_progression": pd.array(to_progression.where(progressed), dtype="Int64")}))


def _progressed(nights_table: pd.DataFrame) -> pd.DataFrame:
    """:func:`progression_nights` of the subjects who progressed (index ``subject_id`` as text),
    from their progression rows only: a join or reindex gives NaT / NA to the others."""
    out = progression_nights(nights_table.loc[nights_table["progression"].to_numpy(dtype=bool)])
    out.index = out.index.astype("str")
    return out
