"""A subject under review, told in words: key figures, the card's mistakes, one night's audit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .patient import MISTAKES, Review, SubjectTables, _night, between
from ..program_words import mistake_words
from ..words import seconds_text, weekday_text as day


# ----------------------------------------------------------------- in numbers and words
def _longest_run(flags: np.ndarray) -> int:
    """The longest run of true values.

    >>> _longest_run(np.array([True, True, False, True, True, True, False]))
    3
    """
    if not flags.any():
        return 0
    edges = np.diff(np.r_[0, flags.astype("int8"), 0])
    return int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max())


def key_figures(view: Review) -> dict:
    """The subject's key figures over the range, as numbers.

    ``nights`` (observed nights in the range), ``compliant_nights``, ``daily_phase_nights``,
    ``daily_phase_compliant_nights``, ``daily_adherence`` (their ratio, NaN without a
    daily-phase night in the range), ``longest_streak`` (compliant nights in a row within the
    range), ``rolled_s`` (hips-and-legs seconds), ``nights_with_rolling``, ``sessions``,
    ``symptom_sessions``, ``strengthening_s``, ``progression_night`` (of the whole observation,
    NaT if none) and ``progression_in_range``, ``maintenance_windows_complete`` and
    ``maintenance_windows_met`` (complete windows lying wholly in the range) and
    ``maintenance_adherence`` (met / complete, NaN with none), ``lateral_thigh_s`` and
    ``lateral_thigh_share`` (of thigh time, NaN without thigh time).
    """
    n = view.nights
    compliant = n["compliant"].to_numpy(dtype=bool)
    daily = (n["phase"] == "daily").to_numpy(dtype=bool)
    w = view.windows
    inside = w.loc[w["complete"].to_numpy(dtype=bool) & (w["first_night"].to_numpy() >= view.first.to_datetime64())
                   & (w["last_night"].to_numpy() <= view.last.to_datetime64())]
    met = int(inside["met"].fillna(False).astype(bool).sum())
    thigh, lateral = float(n["thigh_s"].sum()), float(n["lateral_s"].sum())
    p = view.tables.progression_night
    return {
        "subject_id": view.subject, "first_night": view.first, "last_night": view.last,
        "nights": len(n), "compliant_nights": int(compliant.sum()),
        "daily_phase_nights": int(daily.sum()), "daily_phase_compliant_nights": int((compliant & daily).sum()),
        "daily_adherence": (compliant & daily).sum() / daily.sum() if daily.any() else float("nan"),
        "longest_streak": _longest_run(compliant), "rolled_s": float(n["rolled_s"].sum()),
        "nights_with_rolling": int((n["segments"] > 0).sum()), "sessions": len(view.sessions),
        "symptom_sessions": int(view.sessions["symptom"].sum()), "strengthening_s": float(n["strengthening_s"].sum()),
        "progression_night": p if p is not None else pd.NaT,
        "progression_in_range": p is not None and view.first <= p <= view.last,
        "maintenance_windows_complete": len(inside), "maintenance_windows_met": met,
        "maintenance_adherence": met / len(inside) if len(inside) else float("nan"),
        "lateral_thigh_s": lateral, "lateral_thigh_share": lateral / thigh if thigh > 0 else float("nan"),
    }


def _share(part: int, whole: int, noun: str = "") -> str:
    return f"{part} of {whole}{noun}" + (f" ({part / whole:.0%})" if whole else "")


def _n(count: int, noun: str) -> str:
    """'1 night', '2 nights'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def key_figure_lines(view: Review) -> list[tuple[str, str]]:
    """The key figures as (label, text) pairs for people, in the order shown.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> dict(key_figure_lines(view))["compliant nights"]
    '5 of 7 (71%)'
    """
    k = key_figures(view)
    program = view.program
    minimum, total = program.daily.minimum_s, program.progression.total_s
    lines = [("subject", view.subject),
             ("nights", f"{day(view.first)} to {day(view.last)}: {_n(k['nights'], 'night')}"),
             ("compliant nights", _share(k["compliant_nights"], k["nights"])),
             ("rule", f"at least {minimum:g} s a night on hips and legs")]
    if k["daily_phase_nights"]:
        lines.append(("daily phase", _share(k["daily_phase_compliant_nights"], k["daily_phase_nights"],
                                            " nights compliant")))
    p = k["progression_night"]
    if pd.isna(p):
        reached = float(view.tables.nights["cumulative_s"].iloc[-1])
        lines.append(("progression night", f"not reached ({seconds_text(reached)} of {seconds_text(total)} by the end "
                                           "of observation)"))
    else:
        where = "" if k["progression_in_range"] else (" (before this range)" if p < view.first
                                                      else " (after this range)")
        lines.append(("progression night", f"{day(p)}{where}"))
    if k["maintenance_windows_complete"]:
        lines.append(("maintenance windows met", _share(k["maintenance_windows_met"],
                                                        k["maintenance_windows_complete"])
                      + f"; each asks at least {program.maintenance.min_per_window} compliant nights of "
                      f"{program.maintenance.window_nights}"))
    lines += [("longest streak", f"{_n(k['longest_streak'], 'compliant night')} in a row"),
              ("rolled on hips and legs", f"{seconds_text(k['rolled_s'])} on {_n(k['nights_with_rolling'], 'night')}, "
                                          f"{_n(k['sessions'], 'session')} ({k['symptom_sessions']} for symptoms)")]
    if k["lateral_thigh_s"] > 0:
        lines.append(("on the side of the thigh", f"{seconds_text(k['lateral_thigh_s'])} "
                                                  f"({k['lateral_thigh_share']:.0%} of thigh time)"))
    lines.append(("strengthening", seconds_text(k["strengthening_s"]) if k["strengthening_s"] > 0 else "none logged"))
    return lines


@dataclass(frozen=True)
class Mistake:
    """One of the card's common mistakes over a range: ``status`` True (seen), False (not seen)
    or None (the data cannot say), what was seen, and the card's advice."""

    flag: str
    title: str
    status: bool | None
    finding: str
    advice: str

    @property
    def verdict(self) -> str:
        return {True: "seen", False: "not seen", None: "cannot say"}[self.status]


def mistakes(view: Review) -> list[Mistake]:
    """The card's common mistakes over the range, each with what the log shows and the card's advice.

    Titles and advice are the words of ``view.program`` (its ``[words.<mistake>]`` fields, numbers
    filled from its rules); what the log shows is told here. Same rules as the flags of
    :func:`rollstats.summarize`, restricted to the range: nights in it (side of the thigh),
    sessions whose night is in it (holds), check windows whose last night is in it
    (strengthening, regions).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"))
    >>> [(m.flag, m.status) for m in mistakes(view)]
    [('lateral_thigh', True), ('too_fast', False), ('standalone', True), ('narrow', True)]
    """
    program = view.program
    rules = program.mistakes
    words = {flag: mistake_words(program, flag) for flag in MISTAKES}
    n = view.nights
    out = []

    def found(flag: str, status: bool | None, finding: str) -> None:
        out.append(Mistake(flag, words[flag].title, status, finding, words[flag].advice))

    lateral, thigh = float(n["lateral_s"].sum()), float(n["thigh_s"].sum())
    named = float(n[[c for c in n.columns if c.startswith("seconds_") and c != "seconds_unspecified"]]
                  .to_numpy().sum())
    if lateral > 0:
        on = int((n["lateral_s"] > 0).sum())
        share = f" ({lateral / thigh:.0%} of the time on the thighs)" if thigh > 0 else ""
        found("lateral_thigh", True,
              f"{seconds_text(lateral)} on the side of the thigh (IT band){share}, on {_n(on, 'night')}.")
    elif named > 0:
        found("lateral_thigh", False, "No rolling on the side of the thigh.")
    else:
        found("lateral_thigh", None, "No rolling in this range." if not (n["segments"] > 0).any()
              else "No rolling with a region logged: where the rolling went cannot be said.")

    s = view.sessions
    with_holds = int((s["hold_count"] > 0).sum())
    fast = int(s["too_fast"].fillna(False).astype(bool).sum())
    if fast:
        found("too_fast", True, f"{fast} of {with_holds} sessions with holds logged averaged under "
                                f"{rules.min_hold_s:g} s per hold on tender spots.")
    elif with_holds:
        mean = float(s["hold_s"].sum() / s["hold_count"].sum())
        found("too_fast", False, f"Holds averaged {mean:.1f} s in the {with_holds} sessions that log them.")
    else:
        found("too_fast", None, "No holds on tender spots logged: whether rolling was too fast cannot be said.")

    c = view.checks
    span = f"{rules.window_nights} nights"
    known = c["standalone"].dropna()
    seen = int(known.astype(bool).sum())
    if seen:
        found("standalone", True,
              f"{seen} of {len(known)} windows of {span} had rolling but no strengthening exercise logged.")
    elif len(known):
        found("standalone", False, f"Every window of {span} with rolling also had strengthening logged.")
    else:
        why = ("the export holds no exercise other than rolling" if not view.tables.exercises_logged
               else f"no window of {span} with rolling ends in this range")
        found("standalone", None, f"Cannot say: {why}.")

    known = c["narrow"].dropna()
    seen = int(known.astype(bool).sum())
    if seen:
        found("narrow", True, f"{seen} of {len(known)} windows of {span} covered fewer than {rules.min_regions} "
                              "regions.")
    elif len(known):
        found("narrow", False, f"Every window of {span} covered at least {rules.min_regions} regions.")
    else:
        found("narrow", None, f"Cannot say: no window of {span} ending in this range has rolling with a region "
                              "logged.")
    return out


def night_audit(tables: SubjectTables, night) -> pd.DataFrame:
    """Every rule checked on ``night``, in words (the subject's rows of :func:`rollstats.audit`).

    Columns ``rule, passed, message``; an empty table for a night outside observation.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> night_audit(tables, "2026-01-13")["message"].tolist()
    ['night of 13 Jan 2026: 0 s on hips and legs, 60 s short of the 60 s minimum']
    """
    rows = between(tables.audit, _night(night), _night(night))[["rule", "passed", "message"]]
    return rows.reset_index(drop=True)


def night_notes(tables: SubjectTables, night) -> list[str]:
    """The notes the subject logged on ``night``, in order, each once."""
    rows = between(tables.notes, _night(night), _night(night))["notes"]
    return list(dict.fromkeys(str(v).strip() for v in rows))


def summary_text(view: Review) -> str:
    """The key figures and the mistakes in plain text, one per line.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> print(summary_text(view).splitlines()[2])
    compliant nights: 5 of 7 (71%)
    """
    lines = [f"{label}: {text}" for label, text in key_figure_lines(view)]
    lines += [f"{m.title.lower()}: {m.verdict}" for m in mistakes(view)]
    return "\n".join(lines)
