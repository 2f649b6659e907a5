"""The cohort view: filter a cohort's nights by dates, subgroup and phase; per-subject tables.

Pure functions (tables in, tables out, no widgets, no files): the nights table of the whole
cohort is computed once (:func:`cohort_tables`) and every filter slices it; the figures of a
selection are computed in :mod:`rollstats.metrics.cohort_table`, this module only filters and
arranges. Subjects the summary leaves out (no rolling logged, not enrolled...) are left out here
too, with the same reason. The Cohort explorer widget (:class:`rollstats.widgets.CohortExplorer`)
wires its controls to these.

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
from ..metrics.cohort_table import COHORT_COLUMNS, cohort_table, counted_subjects, progression_in_range, select_nights
from ..metrics.enrolment import group_columns, observation_windows
from ..metrics.left_out import left_out
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
#: Columns of :func:`subject_table` after the group columns (computed in metrics).
SUBJECT_COLUMNS: tuple[str, ...] = COHORT_COLUMNS
FIGURES: tuple[str, ...] = ("distribution", "by_week", "progression")
FIGURE_TITLES: dict[str, str] = {"distribution": "Adherence across subjects",
                                 "by_week": "Adherence by week since start",
                                 "progression": "Time to progression (Kaplan-Meier)"}


# ----------------------------------------------------------------- pure functions
@dataclass(frozen=True)
class CohortTables:
    """What every filter slices, computed once per file: the nights table of the subjects the
    summary counts, their maintenance windows, their group columns (``subject_id`` plus one
    column per group, text; no group column without an enrolment) and the subjects of the export
    left out (:func:`rollstats.metrics.left_out.left_out`: ``subject_id``, ``reason``,
    ``activities``, ``segments``, ``first_night``, ``last_night``)."""

    program: Program
    nights: pd.DataFrame
    windows: pd.DataFrame
    groups: pd.DataFrame
    left_out: pd.DataFrame

    @property
    def group_columns(self) -> list[str]:
        return [c for c in self.groups.columns if c != "subject_id"]


def cohort_tables(segments: pd.DataFrame, program: Program | None = None,
                  enrolment: pd.DataFrame | None = None) -> CohortTables:
    """The nights table of every subject the summary counts (observed as the enrolment says,
    when given), its maintenance windows, the group columns and who is left out, and why (the
    rule of :func:`rollstats.summarize` and the cohort report: without an enrolment, a subject
    who logged no rolling on a region is left out).

    >>> from rollstats import load
    >>> from rollstats.datasets import sample_path
    >>> tables = cohort_tables(load(sample_path("cohort")).segments)
    >>> tables.left_out[["subject_id", "reason"]].values.tolist(), tables.nights["subject_id"].nunique()
    ([['S05', 'no_rolling']], 29)
    >>> week = subject_table(tables, "2026-02-02", "2026-02-08")   # one week, 7 nights each
    >>> len(week), int(week["nights_observed"].sum()), int(week["compliant_nights"].sum())
    (29, 203, 115)
    >>> int(progression_times(tables, last="2026-01-10")["progressed"].sum())   # by 10 Jan
    10
    """
    program = program or Program.default()
    table = nights(segments, program, enrolment=enrolment)
    kept = counted_subjects(table, enrolled=enrolment is not None)
    inside = table["subject_id"].astype("str").isin(set(kept)).to_numpy(dtype=bool)
    if not inside.all():
        table = table.loc[inside].reset_index(drop=True)
    gone = left_out(segments, pd.DataFrame({"subject_id": kept}), enrolment=enrolment)
    if enrolment is not None:
        windows = observation_windows(segments, enrolment)
        groups = windows[group_columns(windows)].astype("string").reset_index()
        groups = groups.rename(columns={groups.columns[0]: "subject_id"})
    else:
        groups = pd.DataFrame({"subject_id": kept})
    groups["subject_id"] = groups["subject_id"].astype("str")
    groups = groups.loc[groups["subject_id"].isin(set(kept))].reset_index(drop=True)
    return CohortTables(program=program, nights=table, windows=maintenance_windows(table, program), groups=groups,
                        left_out=gone)


def chosen_subjects(tables: CohortTables, groups: dict[str, str] | None = None) -> list[str] | None:
    """The subjects whose group columns have the values in ``groups`` (``{"arm": "A"}``; a value
    of None or ``"all"`` keeps every subject); None when no group is chosen.

    >>> g = pd.DataFrame({"subject_id": ["a", "b", "c"], "arm": ["A", "B", "B"]})
    >>> t = CohortTables(Program.default(), pd.DataFrame(), pd.DataFrame(), g, pd.DataFrame())
    >>> chosen_subjects(t, {"arm": "B"}), chosen_subjects(t, {"arm": "all"})
    (['b', 'c'], None)
    """
    chosen = {c: v for c, v in (groups or {}).items() if v not in (None, "all")}
    if not chosen:
        return None
    g = tables.groups
    mask = np.ones(len(g), dtype=bool)
    for column, value in chosen.items():
        mask &= (g[column].astype("string") == value).fillna(False).to_numpy(dtype=bool)
    return g.loc[mask, "subject_id"].tolist()


def filter_nights(tables: CohortTables, first=None, last=None, groups: dict[str, str] | None = None) -> pd.DataFrame:
    """The cohort's nights from ``first`` to ``last`` (both included; None: no limit) of the
    subjects whose group columns have the values in ``groups`` (:func:`chosen_subjects`)."""
    return select_nights(tables.nights, first, last, chosen_subjects(tables, groups))


def subject_table(tables: CohortTables, first=None, last=None, groups: dict[str, str] | None = None,
                  phase: str = "all") -> pd.DataFrame:
    """One row per subject with nights in the filters: ``subject_id``, the group columns, then the
    columns of :func:`rollstats.metrics.cohort_table.cohort_table`, which computes them."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}, got {phase!r}")
    out = cohort_table(tables.nights, first, last, phase, chosen_subjects(tables, groups), tables.program,
                       tables.windows)
    if tables.group_columns:
        out = out.merge(tables.groups, on="subject_id", how="left")
    return out[["subject_id", *tables.group_columns, *SUBJECT_COLUMNS]]


def progression_times(tables: CohortTables, first=None, last=None,
                      groups: dict[str, str] | None = None) -> pd.DataFrame:
    """Nights to progression per subject in the filters (any phase), censored at the end of the
    range (:func:`rollstats.metrics.cohort_table.progression_in_range`)."""
    return progression_in_range(tables.nights, first, last, chosen_subjects(tables, groups))


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
        nights_ = int(table["nights_observed"].sum())
        lines.append(f"compliant nights: {int(table['compliant_nights'].sum())} of {nights_}; "
                     f"adherence per subject: median {adherence.median():.0%}, "
                     f"from {adherence.min():.0%} to {adherence.max():.0%}")
        lines.append(f"progressed by the end of the range: {int(times['progressed'].sum())} of {len(times)}")
        complete = int(table["maintenance_windows_complete"].sum())
        if complete:
            lines.append(f"maintenance windows met: {int(table['maintenance_windows_met'].sum())} of {complete}")
    return "\n".join(lines)
