"""What the commands print for people: a chosen set of columns with plain headers, in words.

CSV, JSON, Parquet and XLSX keep every column under its code (for programs); ``--wide`` prints
those codes on the terminal too. These views only reword what :mod:`rollstats.metrics` computed.
"""
from __future__ import annotations

import re

import pandas as pd

from ..output import EMPTY, plural
from ..words import date_text

#: Short words for the flags of the card's common mistakes (summary column -> words).
FLAG_WORDS: dict[str, str] = {"flag_lateral_thigh": "side of thigh", "flag_too_fast": "too fast",
                              "flag_standalone": "no strengthening", "flag_narrow": "few regions"}
#: Audit rules in words.
RULE_WORDS: dict[str, str] = {
    "daily_minimum": "daily minimum", "maintenance_night": "maintenance night", "progression": "progression",
    "maintenance_window": "maintenance window", "lateral_thigh": "side of thigh", "too_fast": "holds",
    "standalone": "strengthening", "narrow": "regions covered"}
ALERT_WORDS: dict[str, str] = {"low_engagement": "low engagement", "stalled": "stalled", "dropped": "dropped out"}
_NIGHT_HEAD = re.compile(r"^night of \d{1,2} \w{3} \d{4}: ")


def day(value) -> str:
    """A date as ``3 Mar 2026``; ``\u2014`` when there is none.

    >>> day(pd.Timestamp("2026-03-03")), day(pd.NaT)
    ('3 Mar 2026', '\u2014')
    """
    return EMPTY if pd.isna(value) else date_text(value)


def _of(part, whole) -> str:
    """``3 of 4 (75%)``; ``\u2014`` with a whole of 0."""
    part, whole = int(part), int(whole)
    return f"{part} of {whole} ({part / whole:.0%})" if whole else EMPTY


def flag_words(row: pd.Series) -> str:
    """The flags of a summary row that are true, in words ("" with none).

    >>> flag_words(pd.Series({"flag_too_fast": True, "flag_narrow": pd.NA, "flag_standalone": False}))
    'too fast'
    """
    def true(value) -> bool:
        return value is not None and not pd.isna(value) and bool(value)

    return ", ".join(w for c, w in FLAG_WORDS.items() if true(row.get(c)))


def summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary for a terminal: seven columns, plain headers, dates and shares in words, narrow
    enough to leave the flags about 30 characters in 100 columns.

    >>> s = pd.DataFrame({"subject_id": ["A"], "nights_observed": [4], "compliant_nights": [3],
    ...     "daily_phase_nights": [2], "daily_phase_compliant_nights": [2], "progression_night": [pd.Timestamp("2026-03-04")],
    ...     "maintenance_windows_complete": [0], "maintenance_windows_met": [0], "flag_lateral_thigh": [True]})
    >>> [str(v) for v in summary_view(s).iloc[0]]
    ['A', '4', '3', '2 of 2 (100%)', '4 Mar 2026', '\u2014', 'side of thigh']
    """
    rows = summary.to_dict("records")
    return pd.DataFrame({
        "Subject": summary["subject_id"].astype("str").to_numpy(),
        "Nights": summary["nights_observed"].astype("int64").to_numpy(),
        "Compliant": summary["compliant_nights"].astype("int64").to_numpy(),
        "Daily phase": [_of(r["daily_phase_compliant_nights"], r["daily_phase_nights"]) for r in rows],
        "Progressed": [day(r["progression_night"]) for r in rows],
        "Windows met": [f"{int(r['maintenance_windows_met'])} of {int(r['maintenance_windows_complete'])}"
                        if r["maintenance_windows_complete"] else EMPTY for r in rows],
        "Flags": [flag_words(pd.Series(r)) for r in rows],
    }, columns=["Subject", "Nights", "Compliant", "Daily phase", "Progressed", "Windows met", "Flags"])


def summary_notes(summary: pd.DataFrame, program) -> list[str]:
    """The lines under the summary table: what its columns count, flags the data cannot tell."""
    rules = program.maintenance
    lines = [f"Compliant: nights with at least {program.daily.minimum_s:g} s of rolling on hips and legs. "
             "Daily phase: its compliant nights, up to the progression night (the card asks for every one). "
             f"Windows met: complete {rules.window_nights}-night windows after progression with at least "
             f"{rules.min_per_window} compliant nights. {EMPTY}: none yet. Flags: the card's common mistakes "
             "the log shows."]
    unknown = [f"{w} for {plural(int(summary[c].isna().sum()), 'subject')}" for c, w in FLAG_WORDS.items()
               if c in summary and summary[c].isna().any()]
    if unknown:
        lines.append("Flags the log cannot tell (what the check needs is not logged): " + "; ".join(unknown) + ".")
    return lines


def audit_view(table: pd.DataFrame) -> pd.DataFrame:
    """The audit for a terminal: subject, night, rule, result and the sentence (its date said once);
    without the subject column when the table holds one subject.

    >>> t = pd.DataFrame({"subject_id": ["A", "B"], "night": [pd.Timestamp("2026-03-03")] * 2,
    ...     "rule": ["daily_minimum"] * 2, "passed": pd.array([False, pd.NA], dtype="boolean"),
    ...     "message": ["night of 3 Mar 2026: 45 s on hips and legs", "rest night"]})
    >>> audit_view(t).values.tolist()
    [['A', '3 Mar 2026', 'daily minimum', 'not met', '45 s on hips and legs'], ['B', '3 Mar 2026', 'daily minimum', '\u2014', 'rest night']]
    >>> list(audit_view(t.iloc[:1]).columns)
    ['Night', 'Rule', 'Result', 'What the log shows']
    """
    passed = table["passed"].astype("boolean")
    result = ["met" if p is True else "not met" if p is False else EMPTY
              for p in passed.astype(object).where(passed.notna(), None)]
    out = pd.DataFrame({
        "Subject": table["subject_id"].astype("str").to_numpy(),
        "Night": [day(n) for n in table["night"]],
        "Rule": [RULE_WORDS.get(r, r) for r in table["rule"]],
        "Result": result,
        "What the log shows": [_NIGHT_HEAD.sub("", str(m)) for m in table["message"]],
    })
    # one subject (``--subject``, or a one-person export): its id on every line says nothing
    return out.drop(columns="Subject") if table["subject_id"].nunique() == 1 else out


def alerts_view(found: pd.DataFrame) -> pd.DataFrame:
    """Disengagement alerts for a terminal.

    >>> a = pd.DataFrame({"subject_id": ["A"], "level": ["stalled"], "threshold": [14],
    ...     "alert_night": [pd.Timestamp("2026-03-14")], "run_start": [pd.Timestamp("2026-03-01")],
    ...     "run_end": [pd.Timestamp("2026-03-20")], "run_nights": [20], "ongoing": [True]})
    >>> [str(v) for v in alerts_view(a).iloc[0]]
    ['A', 'stalled', '14 Mar 2026', '1 Mar 2026', '20 Mar 2026', '20', 'yes']
    """
    return pd.DataFrame({
        "Subject": found["subject_id"].astype("str").to_numpy(),
        "Alert": [ALERT_WORDS.get(level, level) for level in found["level"]],
        "Reached on": [day(n) for n in found["alert_night"]],
        "No rolling from": [day(n) for n in found["run_start"]],
        "To": [day(n) for n in found["run_end"]],
        "Nights": found["run_nights"].astype("int64").to_numpy(),
        "Still going": ["yes" if bool(o) else "no" for o in found["ongoing"]],
    }, columns=["Subject", "Alert", "Reached on", "No rolling from", "To", "Nights", "Still going"])


def datadays_view(periods: pd.DataFrame) -> pd.DataFrame:
    """Data days per period for a terminal.

    >>> p = pd.DataFrame({"subject_id": ["A"], "period": [0], "first_night": [pd.Timestamp("2026-03-01")],
    ...     "last_night": [pd.Timestamp("2026-03-30")], "nights": [30], "data_days": [12], "required": [16],
    ...     "days_needed": [4], "complete": [True], "met": pd.array([False], dtype="boolean")})
    >>> [str(v) for v in datadays_view(p).iloc[0]]
    ['A', '1', '1 Mar 2026', '30 Mar 2026', '30', '12 of 16', 'no']
    """
    met = periods["met"].astype("boolean").astype(object)
    return pd.DataFrame({
        "Subject": periods["subject_id"].astype("str").to_numpy(),
        "Period": (periods["period"].astype("int64") + 1).to_numpy(),
        "From": [day(n) for n in periods["first_night"]],
        "To": [day(n) for n in periods["last_night"]],
        "Nights": periods["nights"].astype("int64").to_numpy(),
        "Data days": [f"{int(d)} of {int(r)}" for d, r in zip(periods["data_days"], periods["required"])],
        "Met": ["yes" if m is True else "no" if m is False else "not yet" for m in met],
    }, columns=["Subject", "Period", "From", "To", "Nights", "Data days", "Met"])


def rejects_view(rejects: pd.DataFrame) -> pd.DataFrame:
    """Refused rows for a terminal: the file's name (not its folder), row, column, value, reason."""
    return pd.DataFrame({
        "File": [str(s).replace("\\", "/").rsplit("/", 1)[-1] for s in rejects["source"]],
        "Row": rejects["source_row"].to_numpy(),
        "Column": rejects["column"].astype("str").to_numpy(),
        "Value": [(str(v)[:37] + "...") if len(str(v)) > 40 else v for v in rejects["value"]],
        "Reason": rejects["reason"].astype("str").to_numpy(),
    }, columns=["File", "Row", "Column", "Value", "Reason"])
