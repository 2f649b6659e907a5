"""A plan in plain words: where it breaks the card, what it projects, its maintenance schedule.

Part of :mod:`rollstats.plan` (import from there). Every figure comes from the projection, the
same metrics that judge a real log run on the planned sessions (:func:`rollstats.plan.project`).
"""
from __future__ import annotations

import pandas as pd

from .core import REGION_WORDS, WEEKDAYS, Plan
from .projection import Projection, project
from ..program import Program
from ..program_words import mistake_words
from ..words import weekday_text as _day


def _s(seconds: float) -> str:
    return f"{seconds:g} s"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _days(days) -> str:
    return ", ".join(WEEKDAYS[d] for d in days) or "no night"


def plan_warnings(plan: Plan, program: Program | None = None, projection: Projection | None = None) -> list[str]:
    """Where the plan breaks the card, one plain sentence each (empty when it keeps the card).

    Checked: a planned night under ``daily.minimum_s`` seconds on hips and legs; nights of the
    daily phase with nothing planned; any time on ``mistakes.lateral_regions``; holds shorter
    than ``mistakes.min_hold_s`` seconds; check windows without strengthening; fewer than
    ``mistakes.min_regions`` regions; no progression within the plan; maintenance windows
    with fewer than ``maintenance.min_per_window`` compliant nights. A mistake's sentence ends
    with the program's own words for it (``words.<mistake>.short``). ``projection`` saves
    recomputing it when the caller has it.

    >>> for line in plan_warnings(Plan("2026-03-02", seconds={"quads": 30}, hold_s=3, weeks=1)):
    ...     print(line.split(":")[0])
    A planned night has 30 s on hips and legs, under the card's minimum of 60 s a night
    Holds of 3 s on tender spots are too short
    No strengthening day is planned
    The plan rolls 1 region (front of the thigh)
    At 30 s a night the plan does not reach the 300 s that lead to the next stretch within its 1 weeks.
    """
    program = program or Program.default()
    p = projection if projection is not None else project(plan, program)
    out: list[str] = []
    minimum, rules = program.daily.minimum_s, program.mistakes
    card = {flag: mistake_words(program, flag).short for flag in ("lateral_thigh", "too_fast", "standalone", "narrow")}
    counted = sum(s for r, _, s in plan.seconds if r in program.hips_and_legs)
    if not plan.nights:
        out.append("No night of the week is chosen: the plan holds no rolling; tick the nights you will roll.")
    elif counted < minimum:
        out.append(f"A planned night has {_s(counted)} on hips and legs, under the card's minimum of "
                   f"{_s(minimum)} a night: plan at least {_s(minimum)}.")
    daily = p.nights.loc[p.nights["phase"] == "daily"]
    empty = daily.loc[daily["segments"] == 0, "night"]
    if counted > 0 and len(empty):
        upto = "the progression night" if p.progression_night is not None else "the end of the plan"
        out.append(f"Until progression the card asks for rolling every night: {len(empty)} of the {len(daily)} "
                   f"nights up to {upto} have none planned ({_days(sorted(set(empty.dt.day_of_week)))}).")
    lateral = sum(s for r, _, s in plan.seconds if r in rules.lateral_regions)
    if lateral > 0:
        out.append(f"The plan puts {_s(lateral)} a night directly on the side of the thigh (IT band): "
                   f"{card['lateral_thigh']}.")
    if plan.hold_s is not None and plan.hold_s < rules.min_hold_s and plan.seconds:
        out.append(f"Holds of {_s(plan.hold_s)} on tender spots are too short: {card['too_fast']}.")
    standalone = int(p.checks["standalone"].fillna(False).sum())
    if standalone and not plan.strengthening:
        out.append(f"No strengthening day is planned: {card['standalone']}; plan at least one strengthening "
                   "day a week.")
    elif standalone:
        out.append(f"{standalone} of the plan's {len(p.checks)} windows of {rules.window_nights} nights have rolling "
                   "but no strengthening day: plan one in every window.")
    named = [r for r in dict.fromkeys(r for r, _, _ in plan.seconds)
             if r in program.daily.counted_regions and r != "unspecified"]
    if 0 < len(named) < rules.min_regions:
        word = "region" if len(named) == 1 else "regions"
        out.append(f"The plan rolls {len(named)} {word} ({', '.join(REGION_WORDS[r] for r in named)}): "
                   f"{card['narrow']}; plan at least {rules.min_regions} regions.")
    if counted > 0 and plan.nights and p.progression_night is None:
        out.append(f"At {_s(counted)} a night the plan does not reach the {_s(program.progression.total_s)} "
                   f"that lead to the next stretch within its {plan.weeks} weeks.")
    done = p.windows.loc[p.windows["complete"]]
    short = int((~done["met"].astype(bool)).sum()) if len(done) else 0
    if short:
        m = program.maintenance
        out.append(f"After progression the card asks for at least {m.min_per_window} nights of {_s(minimum)} in "
                   f"every {m.window_nights} nights: {short} of the plan's {len(done)} complete windows have fewer.")
    return out


def maintenance_schedule(projection: Projection, program: Program | None = None) -> pd.DataFrame:
    """The maintenance windows after the projected progression night, for people to read.

    Columns: ``window`` (1, 2, ...), ``from``, ``to`` (dates as ``Sat 7 Mar 2026``),
    ``planned_nights`` (compliant planned nights in the window) and ``status``: ``met``,
    ``short`` (fewer than ``maintenance.min_per_window``) or ``partial`` (the plan ends inside).

    >>> p = project(Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60}))
    >>> maintenance_schedule(p).to_dict("records")[0]
    {'window': 1, 'from': 'Sat 7 Mar 2026', 'to': 'Fri 13 Mar 2026', 'planned_nights': 3, 'status': 'met'}
    """
    w = projection.windows
    status = [("partial" if not c else "met" if m else "short") for c, m in zip(w["complete"], w["met"])]
    return pd.DataFrame({"window": (w["maintenance_window"] + 1).astype("int64"),
                         "from": [_day(d) for d in w["first_night"]], "to": [_day(d) for d in w["last_night"]],
                         "planned_nights": w["compliant_nights"].astype("int64"), "status": status})


def progression_text(projection: Projection, program: Program | None = None) -> str:
    """The projected progression night in words, e.g. ``Fri 6 Mar 2026, the 3rd planned night ...``.

    >>> progression_text(project(Plan("2026-03-02", nights=["Mon"], seconds={"quads": 60}, weeks=2)))
    'not reached within the plan (120 s, 300 s needed)'
    """
    program = program or Program.default()
    table, hit, total = projection.nights, projection.progression_night, program.progression.total_s
    cumulative = program.progression.mode == "cumulative"
    column = "cumulative_s" if cumulative else "rolled_s"
    if hit is None:
        best = table[column].max() if len(table) else 0.0
        return f"not reached within the plan ({_s(best)}, {_s(total)} needed)"
    n = int((table.loc[table["night"] <= hit, "segments"] > 0).sum())
    got = table.loc[table["progression"], column].iloc[0]
    return (f"{_day(hit)}, the {_ordinal(n)} planned night ({_s(got)} {'in total' if cumulative else 'that night'}, "
            f"{_s(total)} needed)")


def maintenance_text(projection: Projection, program: Program | None = None) -> str:
    """The maintenance windows after progression in one line: complete, met, short, partial.

    >>> maintenance_text(project(Plan("2026-03-02", nights=["Mon", "Fri"], seconds={"quads": 200}, weeks=2)))
    '1 complete window of 7 nights from Sat 7 Mar 2026: 1 met, 0 short; 1 partial at the end'
    """
    program = program or Program.default()
    w = projection.windows
    if not len(w):
        return "none within the plan"
    done = w.loc[w["complete"]]
    met, partial = int(done["met"].astype(bool).sum()), len(w) - len(done)
    word = "window" if len(done) == 1 else "windows"
    return (f"{len(done)} complete {word} of {program.maintenance.window_nights} nights from "
            f"{_day(w['first_night'].iloc[0])}: {met} met, {len(done) - met} short"
            + (f"; {partial} partial at the end" if partial else ""))


def plan_summary(plan: Plan, program: Program | None = None, projection: Projection | None = None) -> str:
    """Four lines: the plan, its projected progression night, its maintenance, its warnings.

    >>> print(plan_summary(Plan("2026-03-02", nights=("Mon", "Wed", "Fri"), seconds={"quads": 60, "calves": 60},
    ...                         hold_s=20, strengthening=["Tue"])))
    plan: Mon, Wed, Fri at 21:00 from Mon 2 Mar 2026 to Sun 29 Mar 2026 (4 weeks): 12 nights of 120 s
    progression night: Fri 6 Mar 2026, the 3rd planned night (360 s in total, 300 s needed)
    maintenance: 3 complete windows of 7 nights from Sat 7 Mar 2026: 3 met, 0 short; 1 partial at the end
    warnings: 2
    """
    program = program or Program.default()
    p = projection if projection is not None else project(plan, program)
    after = ("" if plan.maintenance_nights is None or plan.maintenance_nights == plan.nights
             else f"; after progression {_days(plan.maintenance_nights)}")
    n_warn = len(plan_warnings(plan, program, p))
    return "\n".join([
        f"plan: {_days(plan.nights)} at {plan.time:%H:%M} from {_day(plan.start)} to {_day(plan.last_night)} "
        f"({plan.weeks} weeks): {int((p.nights['segments'] > 0).sum())} nights of {_s(plan.night_s)}{after}",
        f"progression night: {progression_text(p, program)}",
        f"maintenance: {maintenance_text(p, program)}",
        f"warnings: {n_warn or 'none'}"])


def card_rules(program: Program | None = None) -> str:
    """What a plan is checked against, one rule of the card a line (numbers from ``program``).

    >>> print(card_rules())
    every night until progression: at least 60 s on hips and legs
    progression: after 300 s in total, then the next stretch of the home programme
    after progression: at least 2 nights of 60 s in every 7 nights
    holds: at least 5 s on each tender spot
    regions: at least 3 (front, back and sides of the thigh, calves, hips)
    strengthening: at least one day in every 7 nights
    never: rolling directly on the side of the thigh (IT band)
    """
    program = program or Program.default()
    rules, m = program.mistakes, program.maintenance
    minimum = _s(program.daily.minimum_s)
    return "\n".join([
        f"every night until progression: at least {minimum} on hips and legs",
        f"progression: after {_s(program.progression.total_s)} in total, then {program.progression.next_exercise}",
        f"after progression: at least {m.min_per_window} nights of {minimum} in every {m.window_nights} nights",
        f"holds: at least {_s(rules.min_hold_s)} on each tender spot",
        f"regions: at least {rules.min_regions} (front, back and sides of the thigh, calves, hips)",
        f"strengthening: at least one day in every {rules.window_nights} nights",
        "never: rolling directly on the side of the thigh (IT band)"])


__all__ = ["card_rules", "plan_warnings", "plan_summary", "maintenance_schedule", "progression_text", "maintenance_text"]
