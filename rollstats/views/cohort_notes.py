"""What the Cohort explorer says beside its figures: who needs attention, who was left out, plain
column names for the per-subject table, its sort keys, and file names that carry the filters.

Pure functions, like :mod:`rollstats.views.cohort` (tables in, tables or text out).
"""
from __future__ import annotations

import re

import pandas as pd

from ..metrics.engagement import alerts_summary
from ..program import Program
from ..words import seconds_text

#: Plain headers of the per-subject table as shown (the columns of :func:`shown_table`).
COLUMN_WORDS: dict[str, str] = {
    "subject_id": "subject", "first_night": "first night", "last_night": "last night", "nights": "nights",
    "compliant_nights": "compliant nights", "adherence_%": "adherence %", "rolled_s": "seconds rolled",
    "lateral_thigh_s": "seconds on the side of the thigh", "progression_night": "progression night",
    "nights_to_progression": "nights to progression",
    "maintenance_windows_complete": "maintenance windows", "maintenance_windows_met": "maintenance windows met",
    "maintenance_adherence_%": "maintenance adherence %",
}
#: Alert levels, worst first, and their words.
ALERT_WORDS: dict[str, str] = {"dropped": "dropped out", "stalled": "stalled", "low_engagement": "low engagement"}


def plain_headers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with people's words as headers (group columns keep their own names).

    >>> plain_headers(pd.DataFrame({"subject_id": ["a"], "adherence_%": [50.0], "arm": ["B"]})).columns.tolist()
    ['subject', 'adherence %', 'arm']
    """
    return table.rename(columns=COLUMN_WORDS)


def sort_by(table: pd.DataFrame, column: str, ascending: bool = True) -> pd.DataFrame:
    """The table sorted by ``column`` (ties by ``subject_id``), missing values last.

    >>> t = pd.DataFrame({"subject_id": ["a", "b", "c"], "nights": [5, None, 5]})
    >>> sort_by(t, "nights", ascending=False)["subject_id"].tolist()
    ['a', 'c', 'b']
    """
    columns = [column] + (["subject_id"] if column != "subject_id" and "subject_id" in table else [])
    return table.sort_values(columns, ascending=[ascending] + [True] * (len(columns) - 1), na_position="last",
                             kind="stable").reset_index(drop=True)


def left_out(segments: pd.DataFrame, enrolment: pd.DataFrame | None) -> pd.DataFrame:
    """Subjects the cohort's tables leave out, each with the reason (``subject_id``, ``reason``).

    With an enrolment, a subject of the export that the enrolment does not list is left out
    (its nights are not observed). An enrolled subject without a row in the export is not left
    out: it is observed, every night without rolling.

    >>> seg = pd.DataFrame({"subject_id": ["a", "x"]})
    >>> left_out(seg, pd.DataFrame({"subject_id": ["a", "b"]})).values.tolist()
    [['x', 'in the export, not in the enrolment file']]
    """
    if enrolment is None:
        return pd.DataFrame({"subject_id": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
    exported = set(segments["subject_id"].astype("str"))
    enrolled = set(enrolment["subject_id"].astype("str"))
    rows = [(s, "in the export, not in the enrolment file") for s in sorted(exported - enrolled)]
    return pd.DataFrame(rows, columns=["subject_id", "reason"]).astype("str")


def needs_attention(rows: pd.DataFrame, subjects: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """Subjects of the filtered cohort that need attention, worst first.

    ``rows`` are the filtered nights, ``subjects`` the per-subject table of the same filters.
    Per subject: ``alert`` (the disengagement alert in force on the subject's last night in the
    range: ``dropped``, ``stalled``, ``low_engagement``, or empty), ``nights_without_rolling``
    (the run reaching that night) and ``flags``: time on the side of the thigh, maintenance
    windows missed, adherence under half. Order: alert level, then the run without rolling
    (longest first), then the number of flags. Subjects with neither alert nor flag are not listed.

    >>> nights = pd.DataFrame({"subject_id": ["a"] * 3 + ["b"] * 3, "segments": [1, 0, 0, 1, 1, 1],
    ...     "night": list(pd.date_range("2026-03-01", periods=3)) * 2})
    >>> subjects = pd.DataFrame({"subject_id": ["a", "b"], "adherence": [1 / 3, 1.0], "lateral_thigh_s": [0, 30.0],
    ...     "maintenance_windows_complete": [0, 0], "maintenance_windows_met": [0, 0]})
    >>> needs_attention(nights, subjects)[["subject_id", "alert", "flags"]].values.tolist()
    [['a', 'low_engagement', 'adherence 33%'], ['b', '', '30 s on the side of the thigh']]
    """
    program = program or Program.default()
    columns = ["subject_id", "alert", "nights_without_rolling", "flags"]
    if not len(rows) or not len(subjects):
        return pd.DataFrame(columns=columns)
    current = alerts_summary(rows, program)
    current.index = current.index.astype("str")
    out = []
    for s in subjects.itertuples(index=False):
        sid = str(s.subject_id)
        alert = current["current_alert"].get(sid, pd.NA)
        alert = "" if pd.isna(alert) else str(alert)
        flags = []
        if s.adherence == s.adherence and s.adherence < 0.5:
            flags.append(f"adherence {s.adherence:.0%}")
        if s.lateral_thigh_s > 0:
            flags.append(f"{seconds_text(s.lateral_thigh_s)} on the side of the thigh")
        missed = int(s.maintenance_windows_complete) - int(s.maintenance_windows_met)
        if missed > 0:
            flags.append(f"{missed} of {int(s.maintenance_windows_complete)} maintenance windows missed")
        if alert or flags:
            out.append((sid, alert, int(current["nights_without_rolling"].get(sid, 0)), "; ".join(flags)))
    table = pd.DataFrame(out, columns=columns)
    rank = {level: i for i, level in enumerate(ALERT_WORDS)}
    table["_level"] = table["alert"].map(lambda a: rank.get(a, len(rank)))
    table["_flags"] = -table["flags"].map(lambda f: len(f.split("; ")) if f else 0)
    table["_run"] = -table["nights_without_rolling"]
    return (table.sort_values(["_level", "_run", "_flags", "subject_id"], kind="stable")
            .drop(columns=["_level", "_flags", "_run"]).reset_index(drop=True))


def export_name(kind: str, first, last, groups: dict[str, str] | None = None, phase: str = "all") -> str:
    """A CSV file name that carries the filters: the groups chosen, the phase (when not all), the
    dates and the table; text reduced to letters, digits and ``-``.

    >>> export_name("subjects", "2026-01-12", "2026-04-11", {"arm": "B", "site": "all"})
    'cohort-arm-B-2026-01-12-to-2026-04-11-subjects.csv'
    >>> export_name("nights", "2026-01-12", "2026-04-11", phase="daily")
    'cohort-daily-2026-01-12-to-2026-04-11-nights.csv'
    """
    def clean(text) -> str:
        return re.sub(r"[^\w]+", "-", str(text), flags=re.ASCII).strip("-")[:40] or "x"

    parts = ["cohort"] + [f"{clean(k)}-{clean(v)}" for k, v in (groups or {}).items() if v not in (None, "all")]
    if phase != "all":
        parts.append(clean(phase))
    parts.append(f"{pd.Timestamp(first):%Y-%m-%d}-to-{pd.Timestamp(last):%Y-%m-%d}")
    return "-".join(parts + [clean(kind)]) + ".csv"
