"""A subject under review, told in words: key figures, the card's mistakes, one night's audit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .patient import Review, SubjectTables, as_night, between
from .patient_mistakes import Mistake, mistakes  # noqa: F401  (part of this module's words)
from ..metrics import pain_weeks, recent
from ..words import count_text, nights_ago_text, seconds_text, weekday_text as day


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
        **_whole(view.tables), **_pain(view), **recent(view.tables.nights, view.last),
    }


def _whole(t: SubjectTables) -> dict:
    """The figures of the whole observation (whatever the range)."""
    w = t.windows
    complete = w["complete"].to_numpy(dtype=bool)
    return {"observation_nights": len(t.nights), "observation_compliant_nights": int(t.nights["compliant"].sum()),
            "observation_windows_complete": int(complete.sum()),
            "observation_windows_met": int(w["met"].fillna(False).astype(bool).to_numpy()[complete].sum())}


def _pain(view: Review) -> dict:
    """Pain scores of the range's sessions: how many, and their means (points, NaN without any)."""
    p = view.pain
    scored = p["pain_before"].notna() | p["pain_after"].notna()
    return {"pain_sessions": int(scored.sum()), "mean_pain_before": float(p["pain_before"].mean()),
            "mean_pain_after": float(p["pain_after"].mean())}


def pain_table(view: Review) -> pd.DataFrame:
    """The weekly pain of the range (:func:`rollstats.metrics.pain_weeks` of its sessions and nights).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-25")
    >>> pain_table(view)[["week", "sessions", "mean_pain_before"]].values.tolist()
    [[0.0, 5.0, 1.2], [1.0, 2.0, 5.0]]
    """
    return pain_weeks(view.pain, view.nights)


def _share(part: int, whole: int, noun: str, what: str = "") -> str:
    """'5 of 7 nights (71%)', '5 of 7 nights compliant (71%)'."""
    return f"{part} of {count_text(whole, noun)}{what}" + (f" ({part / whole:.0%})" if whole else "")


def key_figure_groups(view: Review) -> list[tuple[str, list[tuple[str, str]]]]:
    """The key figures for people, by what they count: (heading, [(label, text), ...]) in the order shown.

    Three groups: the state as of the last night shown (last rolled, current streak, the last
    week against the one before); the chosen range; the whole observation (the progression
    night and the maintenance windows, as on the timeline). A figure with nothing to count
    says so in words.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> [heading for heading, _ in key_figure_groups(view)]
    ['As of Sun 18 Jan 2026', 'In this range: Mon 12 Jan 2026 to Sun 18 Jan 2026 (7 nights)', 'Whole observation: Mon 12 Jan 2026 to Sat 11 Apr 2026 (90 nights)']
    """
    k = key_figures(view)
    program = view.program
    minimum, total = program.daily.minimum_s, program.progression.total_s
    maint = program.maintenance

    def span(first, last) -> str:
        return f"{first.day} {first:%b} to {last.day} {last:%b %Y}"

    if pd.isna(k["last_rolled"]):
        last = "no rolling logged up to this night"
    else:
        since = k["nights_since_rolled"]
        last = f"{day(k['last_rolled'])}, " + ("the last night shown" if since == 0 else nights_ago_text(since))
    now = [("Last rolled", last),
           ("Current streak", f"{count_text(k['current_streak'], 'compliant night')} in a row" if k["current_streak"]
            else f"none: {day(view.last)} was not a compliant night"),
           ("Last 7 nights", f"{count_text(k['this_week_compliant'], 'compliant night')} of "
                             f"{k['this_week_nights']}, {seconds_text(k['this_week_s'])} "
                             f"({span(k['this_week_first'], k['this_week_last'])})")]
    if k["last_week_nights"]:
        now.append(("The 7 nights before", f"{count_text(k['last_week_compliant'], 'compliant night')} of "
                                           f"{k['last_week_nights']}, {seconds_text(k['last_week_s'])} "
                                           f"({span(k['last_week_first'], k['last_week_last'])})"))
    else:
        now.append(("The 7 nights before", "not observed (before the first night)"))

    rng = [("Compliant nights", _share(k["compliant_nights"], k["nights"], "night")),
           ("Daily phase", _share(k["daily_phase_compliant_nights"], k["daily_phase_nights"], "night", " compliant")
            if k["daily_phase_nights"] else "no night of the daily phase in this range"),
           ("Maintenance windows met", _share(k["maintenance_windows_met"], k["maintenance_windows_complete"],
                                              "complete window", " lying wholly in this range")
            if k["maintenance_windows_complete"] else "no complete maintenance window lies wholly in this range"),
           ("Longest streak", f"{count_text(k['longest_streak'], 'compliant night')} in a row"),
           ("Rolled on hips and legs", f"{seconds_text(k['rolled_s'])} on {count_text(k['nights_with_rolling'], 'night')}"
                                       f", {count_text(k['sessions'], 'session')} "
                                       f"({k['symptom_sessions']} for symptoms)")]
    if k["lateral_thigh_s"] > 0:
        rng.append(("On the side of the thigh", f"{seconds_text(k['lateral_thigh_s'])}, "
                                                f"{k['lateral_thigh_share']:.0%} of the time on the thighs"))
    rng.append(("Strengthening", seconds_text(k["strengthening_s"]) if k["strengthening_s"] > 0 else "none logged"))
    if k["pain_sessions"]:
        rng.append(("Pain (0-10)", f"{k['mean_pain_before']:.1f} before rolling, {k['mean_pain_after']:.1f} after, "
                                   f"on average over {count_text(k['pain_sessions'], 'session')} with a score"))
    else:
        rng.append(("Pain (0-10)", "no score logged in this range"))

    p = k["progression_night"]
    if pd.isna(p):
        reached = float(view.tables.nights["cumulative_s"].iloc[-1])
        progression = f"not reached: {seconds_text(reached)} of the {seconds_text(total)} so far"
    else:
        where = "" if k["progression_in_range"] else (" (before this range)" if p < view.first
                                                      else " (after this range)")
        progression = f"{day(p)}{where}"
    whole = [("Compliant nights", _share(k["observation_compliant_nights"], k["observation_nights"], "night")),
             ("Progression night", progression),
             ("Maintenance windows met", _share(k["observation_windows_met"], k["observation_windows_complete"],
                                                "complete window")
              + f"; each asks at least {count_text(maint.min_per_window, 'compliant night')} of {maint.window_nights}"
              if k["observation_windows_complete"] else "no complete maintenance window yet")]
    t = view.tables
    return [(f"As of {day(view.last)}", now),
            (f"In this range: {day(view.first)} to {day(view.last)} ({count_text(k['nights'], 'night')})", rng),
            (f"Whole observation: {day(t.first_night)} to {day(t.last_night)} "
             f"({count_text(len(t.nights), 'night')})", whole)]


def key_figure_lines(view: Review) -> list[tuple[str, str]]:
    """The key figures as (label, text) pairs, each label naming its scope, in the order shown.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> dict(key_figure_lines(view))["Compliant nights (this range)"]
    '5 of 7 nights (71%)'
    """
    scopes = ("as of the last night shown", "this range", "whole observation")
    return [(f"{label} ({scope})", text)
            for scope, (_, lines) in zip(scopes, key_figure_groups(view)) for label, text in lines]


def night_audit(tables: SubjectTables, night) -> pd.DataFrame:
    """Every rule checked on ``night``, in words (the subject's rows of :func:`rollstats.audit`).

    Columns ``rule, passed, message``; an empty table for a night outside observation.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> night_audit(tables, "2026-01-13")["message"].tolist()
    ['night of 13 Jan 2026: 0 s on hips and legs, 60 s short of the 60 s minimum']
    """
    rows = between(tables.audit, as_night(night), as_night(night))[["rule", "passed", "message"]]
    return rows.reset_index(drop=True)


def night_notes(tables: SubjectTables, night) -> list[str]:
    """The notes the subject logged on ``night``, in order, each once."""
    rows = between(tables.notes, as_night(night), as_night(night))["notes"]
    return list(dict.fromkeys(str(v).strip() for v in rows))


def summary_text(view: Review) -> str:
    """The key figures and the mistakes in plain text, one per line, under headings.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> print("\\n".join(summary_text(view).splitlines()[6:8]))
    In this range: Mon 12 Jan 2026 to Sun 18 Jan 2026 (7 nights)
      Compliant nights: 5 of 7 nights (71%)
    """
    lines = [f"Subject: {view.subject}"]
    for heading, rows in key_figure_groups(view):
        lines += [heading] + [f"  {label}: {text}" for label, text in rows]
    lines.append("Common mistakes")
    lines += [f"  {m.mark} {m.title}: {m.verdict}" + (f", {m.cost}" if m.cost else "") for m in mistakes(view)]
    return "\n".join(lines)
