"""The cohort report's words: shares, dates, flags, alerts, left-out subjects and the rules.

Only rewording: every number comes from :mod:`rollstats.metrics` or the program.
"""
from __future__ import annotations

import math

import pandas as pd

from ..output import EMPTY, plural
from ..program import Program
from ..words import date_text

#: The card's common mistakes in a few words (summary flag name without ``flag_``).
FLAG_WORDS: dict[str, str] = {"lateral_thigh": "rolled on the side of the thigh",
                              "too_fast": "holds too short", "standalone": "no strengthening logged",
                              "narrow": "too few regions"}
#: What the log cannot tell when a flag is unknown (NA), and why.
FLAG_UNKNOWN: dict[str, str] = {
    "lateral_thigh": "whether the side of the thigh was rolled (no thigh region named)",
    "too_fast": "whether holds were long enough (no holds logged)",
    "standalone": "whether strengthening went with the rolling",
    "narrow": "how many regions were rolled (no region named)"}
#: The same, shorter, for a table cell.
FLAG_SHORT: dict[str, str] = {"lateral_thigh": "side of thigh", "too_fast": "short holds",
                              "standalone": "no strengthening", "narrow": "few regions"}
ALERT_WORDS: dict[str, str] = {"low_engagement": "low engagement", "stalled": "stalled", "dropped": "dropped out"}
#: Why a subject of the export is not in the summary (see :mod:`rollstats.metrics.left_out`).
LEFT_OUT_WORDS: dict[str, str] = {
    "no_rolling": "only {activities} logged, no rolling", "not_enrolled": "not in the enrolment file",
    "outside_observation": "rolling logged only outside the nights observed",
    "no_counted_rolling": "no rolling on the regions the card counts"}


def day(value) -> str:
    """``3 Mar 2026``, or ``\u2014`` for no date.

    >>> day("2026-03-03"), day(None)
    ('3 Mar 2026', '\u2014')
    """
    return EMPTY if value is None or pd.isna(value) else date_text(value)


def percent(share) -> str:
    """A share (0 to 1) as a whole percentage, ``\u2014`` for none.

    >>> percent(2 / 3), percent(float("nan"))
    ('67%', '\u2014')
    """
    return EMPTY if share is None or pd.isna(share) else f"{float(share):.0%}"


def of(part, whole) -> str:
    """``3 of 4 (75%)``; ``\u2014`` when the whole is 0.

    >>> of(3, 4), of(0, 0)
    ('3 of 4 (75%)', '\u2014')
    """
    part, whole = int(part), int(whole)
    return f"{part} of {whole} ({part / whole:.0%})" if whole else EMPTY


def left_out_words(row: dict) -> str:
    """Why one subject is left out, in words (a row of :func:`rollstats.metrics.left_out.left_out`).

    >>> left_out_words({"reason": "no_rolling", "activities": "strengthening"})
    'only strengthening logged, no rolling'
    """
    return LEFT_OUT_WORDS[row["reason"]].format(activities=row.get("activities") or "other activities")


def attention_words(row: dict) -> str:
    """One line of the "needs attention" list (a row of :func:`rollstats.metrics.overview.needs_attention`).

    >>> attention_words({"current_alert": "stalled", "nights_without_rolling": 15,
    ...     "since": pd.Timestamp("2026-04-20"), "flags": ["narrow"]})
    'no rolling for the last 15 nights, since 20 Apr 2026 (stalled); too few regions'
    """
    parts = []
    if row.get("current_alert") is not None and not pd.isna(row["current_alert"]):
        parts.append(alert_words(row))
    flags = [FLAG_WORDS.get(f, f) for f in row.get("flags") or []]
    if flags:
        parts.append(", ".join(flags))
    return "; ".join(parts)


def flag_cell(row: dict) -> str:
    """The flags of a summary row that are true, in short words; ``none`` when none is.

    >>> flag_cell({"flag_lateral_thigh": True, "flag_too_fast": pd.NA, "flag_narrow": True})
    'side of thigh, few regions'
    """
    shown = [w for f, w in FLAG_SHORT.items() if _true(row.get("flag_" + f))]
    return ", ".join(shown) or "none"


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def alert_words(row: dict) -> str:
    """The alert in force of a :func:`rollstats.metrics.overview.needs_attention` row, in words.

    >>> alert_words({"current_alert": "stalled", "nights_without_rolling": 15, "since": pd.Timestamp("2026-04-20")})
    'no rolling for the last 15 nights, since 20 Apr 2026 (stalled)'
    """
    level = ALERT_WORDS.get(row["current_alert"], row["current_alert"])
    return (f"no rolling for the last {plural(int(row['nights_without_rolling']), 'night')}, "
            f"since {day(row['since'])} ({level})")


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 120 or value % 60 else f"{value / 60:g} minutes"


def rules_sentences(program: Program) -> list[str]:
    """The program's rules as sentences a reader can check against the card.

    >>> rules_sentences(Program.default())[1]
    'A night is compliant with at least 60 s of rolling on the thighs, calves and hips (time on an unspecified region counts too).'
    """
    night, daily, prog = program.night, program.daily, program.progression
    maint, mist, mon = program.maintenance, program.mistakes, program.monitoring
    regions = {r.split("_")[0] for r in daily.counted_regions}
    where = ", ".join(w for r, w in (("thigh", "thighs"), ("calf", "calves"), ("hip", "hips")) if r in regions)
    where = " and ".join(where.rsplit(", ", 1)) if where else "the counted regions"
    total = ("in total, counted from the first night" if prog.mode == "cumulative" else "in one night")
    return [
        f"A night runs from {night.day_start:%H:%M} to {night.day_start:%H:%M} the next day: rolling after "
        "midnight counts for the evening before.",
        f"A night is compliant with at least {_seconds(daily.minimum_s)} of rolling on the {where}"
        + (" (time on an unspecified region counts too)." if daily.unspecified_counts else "."),
        f"Daily phase: every night counts until the progression night, the night the rolling reaches "
        f"{_seconds(prog.total_s)} {total}; then the subject moves on to {prog.next_exercise}.",
        f"Maintenance phase: after progression, each window of {maint.window_nights} nights asks for "
        f"{maint.min_per_window} to {maint.max_per_window} compliant nights; a night without rolling is a "
        "rest night, not a failure.",
        f"Mistakes flagged: rolling on the side of the thigh; holds shorter than {_seconds(mist.min_hold_s)}; "
        f"rolling without strengthening exercises; fewer than {mist.min_regions} regions in "
        f"{mist.window_nights} nights.",
        f"Disengagement alerts after {mon.low_engagement_nights} nights in a row without rolling (low "
        f"engagement), {mon.stalled_nights} (stalled) and {mon.dropped_nights} (dropped out).",
    ]


def cohort_sentences(facts: dict, left: int, refused: int, program: Program) -> list[str]:
    """The cohort in a few sentences, from :func:`rollstats.metrics.overview.overview`.

    >>> facts = {"subjects": 2, "nights": 30, "compliant_nights": 20, "compliant_share": 2 / 3, "first_night": pd.Timestamp("2026-03-01"),
    ...     "last_night": pd.Timestamp("2026-03-15"), "progressed": 1, "median_daily_adherence": 0.5,
    ...     "median_maintenance_adherence": float("nan"), "median_nights_to_progression": 4.0}
    >>> cohort_sentences(facts, 1, 0, Program.default())[0]
    '2 subjects rolled over 30 nights, from 1 Mar 2026 to 15 Mar 2026; 20 of those nights were compliant (67%).'
    """
    n = facts["subjects"]
    if not n:
        return ["No subject rolled in these files."]
    lines = [f"{plural(n, 'subject')} rolled over {plural(facts['nights'], 'night')}, from "
             f"{day(facts['first_night'])} to {day(facts['last_night'])}; {facts['compliant_nights']:,} of those "
             f"nights were compliant ({percent(facts['compliant_share'])})."]
    progressed = f"{facts['progressed']} of {n} progressed to the next exercise"
    if not math.isnan(facts["median_nights_to_progression"]):
        progressed += (f", after a median of {facts['median_nights_to_progression']:g} nights "
                       "(those who progressed)")
    lines.append(progressed + ".")
    lines.append(f"Median adherence in the daily phase: {percent(facts['median_daily_adherence'])} of its nights "
                 f"compliant; in maintenance: {percent(facts['median_maintenance_adherence'])} of the "
                 f"{program.maintenance.window_nights}-night windows met.")
    if left or refused:
        lines.append(f"Left out: {plural(left, 'subject')} of the export (see below); "
                     f"{plural(refused, 'row')} refused on reading.")
    return lines
