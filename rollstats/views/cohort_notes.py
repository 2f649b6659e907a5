"""What the Cohort explorer says beside its figures: who needs attention, who was left out (in the
cohort report's words), plain column names for the per-subject table, its sort keys, and file
names that carry the filters.

Pure functions, like :mod:`rollstats.views.cohort` (tables in, tables or text out).
"""
from __future__ import annotations

import re

import pandas as pd

from ..metrics.engagement import alerts_summary
from ..output import plural
from ..program import Program
from ..report.words import day
from ..report.words import left_out_words as reason_words
from ..words import seconds_text

#: Plain headers of the per-subject table as shown (the columns of :func:`shown_table`).
COLUMN_WORDS: dict[str, str] = {
    "subject_id": "subject", "first_night": "first night", "last_night": "last night", "nights_observed": "nights",
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


def left_out_words(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Each subject left out (a table of :func:`rollstats.metrics.left_out.left_out`) and why, in
    the cohort report's words: (subject, reason with its segments and nights).

    >>> t = pd.DataFrame({"subject_id": ["S05"], "reason": ["no_rolling"], "activities": ["strengthening"],
    ...     "segments": [79], "first_night": pd.to_datetime(["2026-01-23"]),
    ...     "last_night": pd.to_datetime(["2026-04-30"])})
    >>> left_out_words(t)
    [('S05', 'only strengthening logged, no rolling (79 segments, 23 Jan 2026 to 30 Apr 2026)')]
    """
    return [(str(r["subject_id"]), f"{reason_words(r)} ({plural(int(r['segments']), 'segment')}, "
                                   f"{day(r['first_night'])} to {day(r['last_night'])})")
            for r in table.to_dict("records")]


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
