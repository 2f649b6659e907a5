"""The cohort view: filter a cohort's nights by dates, subgroup and phase; per-subject tables.

Pure functions (tables in, tables out, no widgets, no files): the nights table of the whole
cohort is computed once (:func:`cohort_tables`) and every filter slices it. The Cohort explorer
widget (:class:`rollstats.widgets.CohortExplorer`) wires its controls to these.

- **date range**: only nights in the range count (a subject's weeks and nights to progression
  are still counted from its own first night);
- **subgroups**: the group columns of an enrolment table (``arm``, ``site``...), each one value or all;
- **phase**: all nights, the daily phase only (as daily adherence is defined) or the maintenance
  phase only. Time to progression ignores the phase and is censored at the end of the range.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics import maintenance_windows, nights
from ..metrics.cohort import time_to_progression
from ..metrics.enrolment import group_columns, observation_windows
from ..output import plain
from ..program import Program

#: Phase filter values and their words.
PHASES: dict[str, str] = {"all": "all nights", "daily": "daily phase", "maintenance": "maintenance phase"}
#: Sort orders of the per-subject table: value -> (words, columns, ascending).
SORTS: dict[str, tuple[str, list[str], list[bool]]] = {
    "adherence_asc": ("adherence, lowest first", ["adherence", "subject_id"], [True, True]),
    "adherence_desc": ("adherence, highest first", ["adherence", "subject_id"], [False, True]),
    "subject": ("subject", ["subject_id"], [True]),
    "progression": ("nights to progression", ["nights_to_progression", "subject_id"], [True, True]),
}
#: Columns of :func:`subject_table` after the group columns.
SUBJECT_COLUMNS: tuple[str, ...] = (
    "first_night", "last_night", "nights", "compliant_nights", "adherence", "rolled_s", "lateral_thigh_s",
    "progression_night", "nights_to_progression", "maintenance_windows_complete", "maintenance_windows_met",
    "maintenance_adherence")
FIGURES: tuple[str, ...] = ("distribution", "by_week", "progression")
FIGURE_TITLES: dict[str, str] = {"distribution": "Adherence across subjects",
                                 "by_week": "Adherence by week since start",
                                 "progression": "Time to progression (Kaplan-Meier)"}


# ----------------------------------------------------------------- pure functions
@dataclass(frozen=True)
class CohortTables:
    """What every filter slices, computed once per file: the nights table of the cohort, its
    maintenance windows, and the subjects' group columns (``subject_id`` plus one column per
    group, text; no group column without an enrolment)."""

    program: Program
    nights: pd.DataFrame
    windows: pd.DataFrame
    groups: pd.DataFrame

    @property
    def group_columns(self) -> list[str]:
        return [c for c in self.groups.columns if c != "subject_id"]


def cohort_tables(segments: pd.DataFrame, program: Program | None = None,
                  enrolment: pd.DataFrame | None = None) -> CohortTables:
    """The nights table of every subject (observed as the enrolment says, when given), its
    maintenance windows and the group columns."""
    program = program or Program.default()
    table = nights(segments, program, enrolment=enrolment)
    if enrolment is not None:
        windows = observation_windows(segments, enrolment)
        groups = windows[group_columns(windows)].astype("string").reset_index()
        groups = groups.rename(columns={groups.columns[0]: "subject_id"})
    else:
        groups = pd.DataFrame({"subject_id": pd.unique(table["subject_id"])})
    groups["subject_id"] = groups["subject_id"].astype("str")
    return CohortTables(program=program, nights=table, windows=maintenance_windows(table, program), groups=groups)


def filter_nights(tables: CohortTables, first=None, last=None, groups: dict[str, str] | None = None) -> pd.DataFrame:
    """The cohort's nights from ``first`` to ``last`` (both included; None: no limit) of the
    subjects whose group columns have the values in ``groups`` (``{"arm": "A"}``; a value of
    None or ``"all"`` keeps every subject)."""
    table = tables.nights
    keep = pd.Series(True, index=table.index)
    if first is not None:
        keep &= table["night"] >= pd.Timestamp(first)
    if last is not None:
        keep &= table["night"] <= pd.Timestamp(last)
    chosen = {c: v for c, v in (groups or {}).items() if v not in (None, "all")}
    if chosen:
        g = tables.groups
        mask = np.ones(len(g), dtype=bool)
        for column, value in chosen.items():
            mask &= (g[column].astype("string") == value).fillna(False).to_numpy(dtype=bool)
        keep &= table["subject_id"].isin(set(g.loc[mask, "subject_id"]))
    return table.loc[keep]


def subject_table(tables: CohortTables, rows: pd.DataFrame, phase: str = "all", first=None,
                  last=None) -> pd.DataFrame:
    """One row per subject with nights in ``rows`` (of :func:`filter_nights`) and ``phase``.

    Columns: ``subject_id``, the group columns, then ``first_night`` and ``last_night`` (of
    the nights counted), ``nights``, ``compliant_nights``, ``adherence`` (= compliant / nights),
    ``rolled_s`` (hips-and-legs seconds), ``lateral_thigh_s``, ``progression_night`` and
    ``nights_to_progression`` (of the whole observation, NaT/NA when none), and the maintenance
    windows lying wholly in ``first``..``last`` (complete ones only): ``..._complete``,
    ``..._met`` and ``maintenance_adherence`` (met / complete; NaN with none, and none in the
    daily phase).
    """
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}, got {phase!r}")
    if phase != "all":
        rows = rows.loc[rows["phase"] == phase]
    per = rows.groupby("subject_id", sort=True)
    out = pd.DataFrame({
        "first_night": per["night"].min(), "last_night": per["night"].max(),
        "nights": per.size().astype("int64"), "compliant_nights": per["compliant"].sum().astype("int64"),
    })
    out["adherence"] = out["compliant_nights"] / out["nights"]
    out["rolled_s"] = per["rolled_s"].sum()
    out["lateral_thigh_s"] = per["lateral_s"].sum()
    whole = tables.nights.loc[tables.nights["progression"]].set_index("subject_id")
    out["progression_night"] = whole["night"].reindex(out.index)
    out["nights_to_progression"] = (whole["night_index"] + 1).reindex(out.index).astype("Int64")
    w = tables.windows
    inside = w.loc[w["complete"] & w["subject_id"].isin(out.index)]
    if first is not None:
        inside = inside.loc[inside["first_night"] >= pd.Timestamp(first)]
    if last is not None:
        inside = inside.loc[inside["last_night"] <= pd.Timestamp(last)]
    if phase == "daily":
        inside = inside.iloc[:0]
    by = inside.groupby("subject_id")
    out["maintenance_windows_complete"] = by.size().reindex(out.index, fill_value=0).astype("int64")
    out["maintenance_windows_met"] = (by["met"].sum().reindex(out.index, fill_value=0).astype("int64"))
    complete = out["maintenance_windows_complete"]
    out["maintenance_adherence"] = (out["maintenance_windows_met"] / complete.where(complete > 0)).astype("float64")
    out = out.rename_axis("subject_id").reset_index()
    out["subject_id"] = out["subject_id"].astype("str")
    groups = tables.groups
    if tables.group_columns:
        out = out.merge(groups, on="subject_id", how="left")
    return out[["subject_id", *tables.group_columns, *SUBJECT_COLUMNS]]


def progression_times(tables: CohortTables, rows: pd.DataFrame) -> pd.DataFrame:
    """Nights to progression per subject of ``rows`` (any phase), censored at the last night in ``rows``.

    Columns as :func:`rollstats.metrics.cohort.time_to_progression`: ``subject_id``,
    ``nights`` (from the subject's first night: to the progression night when it is in or
    before the range's last night, else to that last night) and ``progressed``.
    """
    last_index = rows.groupby("subject_id", sort=True)["night_index"].max()
    hit = tables.nights.loc[tables.nights["progression"]].set_index("subject_id")["night_index"]
    p = hit.reindex(last_index.index)
    progressed = (p <= last_index).fillna(False).astype(bool)
    summary = pd.DataFrame({"subject_id": last_index.index.astype("str"),
                            "nights_observed": (last_index + 1).to_numpy(dtype="int64"),
                            "nights_to_progression": pd.array((p + 1).where(progressed), dtype="Int64")})
    return time_to_progression(summary)


def sort_subjects(table: pd.DataFrame, by: str = "adherence_asc") -> pd.DataFrame:
    """The per-subject table in the order ``by`` (a key of :data:`SORTS`); missing values last.

    >>> t = pd.DataFrame({"subject_id": ["a", "b", "c"], "adherence": [0.5, float("nan"), 0.2]})
    >>> sort_subjects(t)["subject_id"].tolist(), sort_subjects(t, "adherence_desc")["subject_id"].tolist()
    (['c', 'a', 'b'], ['a', 'c', 'b'])
    """
    _, columns, ascending = SORTS[by]
    return table.sort_values(columns, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The per-subject table for people: shares in %, dates as text, seconds rounded.

    >>> t = pd.DataFrame({"subject_id": ["a"], "adherence": [2 / 3], "rolled_s": [61.4]})
    >>> shown_table(t).to_dict("records")
    [{'subject_id': 'a', 'adherence_%': 67.0, 'rolled_s': 61.0}]
    """
    out = plain(table)
    for column in ("adherence", "maintenance_adherence"):
        if column in table:
            out[column] = (table[column] * 100).round(0)
            out = out.rename(columns={column: f"{column}_%"})
    for column in ("rolled_s", "lateral_thigh_s"):
        if column in table:
            out[column] = table[column].round(0)
    return out


def cohort_summary(table: pd.DataFrame, times: pd.DataFrame, total: int, first, last, phase: str,
                   groups: dict[str, str] | None = None) -> str:
    """The filtered cohort in a few plain lines (subjects, nights, adherence, progression)."""
    def date(value) -> str:
        ts = pd.Timestamp(value)
        return f"{ts.day} {ts:%b %Y}"

    chosen = ", ".join(f"{k} = {v}" for k, v in (groups or {}).items() if v not in (None, "all"))
    head = f"{len(table)} of {total} subjects; nights {date(first)} to {date(last)}; {PHASES[phase]}"
    lines = [head + (f"; {chosen}" if chosen else "")]
    if len(table):
        adherence = table["adherence"].dropna()
        lines.append(f"compliant nights: {int(table['compliant_nights'].sum())} of {int(table['nights'].sum())}; "
                     f"adherence per subject: median {adherence.median():.0%}, "
                     f"from {adherence.min():.0%} to {adherence.max():.0%}")
        lines.append(f"progressed by the end of the range: {int(times['progressed'].sum())} of {len(times)}")
        complete = int(table["maintenance_windows_complete"].sum())
        if complete:
            lines.append(f"maintenance windows met: {int(table['maintenance_windows_met'].sum())} of {complete}")
    return "\n".join(lines)
