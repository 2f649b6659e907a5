"""The rules in force, as sentences a clinician reads (the program's numbers filled in)."""
from __future__ import annotations

from ..program import Program
from ..regions import REGIONS
from ..words import count_text, seconds_text

#: Region codes in the words of the card.
REGION_WORDS: dict[str, str] = {
    "thigh_front": "front of the thigh", "thigh_back": "back of the thigh",
    "thigh_outer_front": "just in front of the side of the thigh", "thigh_outer_back": "just behind the side of the thigh",
    "thigh_lateral": "side of the thigh (IT band)", "thigh_inner": "inside of the thigh", "calf": "calves",
    "hip": "hips (buttocks)", "unspecified": "rolling with no region given", "other": "other body parts",
}


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> _listed(["a"]), _listed(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def region_words(regions) -> str:
    """Region codes in plain words, in the canonical order.

    >>> region_words(["hip", "calf"])
    'calves and hips (buttocks)'
    """
    return _listed([REGION_WORDS.get(r, r) for r in REGIONS if r in set(regions)] or ["no region"])


def rules_in_force(program: Program) -> list[str]:
    """The program's rules as sentences, in the order of docs/rules.md (times in words, right plurals).

    >>> lines = rules_in_force(Program.default())
    >>> lines[1]
    'A night is compliant with at least 60 s of rolling on the hips and legs.'
    >>> lines[3]
    'Progression: once 5 min of rolling have added up since the start, move on to the next stretch of the home programme; that night ends the daily phase.'
    """
    night, daily, prog = program.night, program.daily, program.progression
    maint, m = program.maintenance, program.mistakes
    counted = [r for r in daily.counted_regions if r != "unspecified"]
    lines = [
        f"A night runs from {night.day_start:%H:%M} to {night.day_start:%H:%M} the next day: rolling after "
        "midnight counts for the evening before. Rolling with breaks of up to "
        f"{seconds_text(night.session_gap_s)} is one session.",
        f"A night is compliant with at least {daily.minimum_s:g} s of rolling on the hips and legs.",
        "Hips and legs: " + region_words(counted)
        + ("; rolling logged without a region counts too." if daily.unspecified_counts else
           "; rolling logged without a region does not count."),
    ]
    if prog.mode == "cumulative":
        lines.append(f"Progression: once {seconds_text(prog.total_s)} of rolling have added up since the start, "
                     f"move on to {prog.next_exercise}; that night ends the daily phase.")
    else:
        lines.append(f"Progression: the first night with {seconds_text(prog.total_s)} of rolling, move on to "
                     f"{prog.next_exercise}; that night ends the daily phase.")
    lines += [
        f"Maintenance: from the next night, weeks of {count_text(maint.window_nights, 'night')}; a week is met "
        f"with at least {count_text(maint.min_per_window, 'compliant night')} (more than {maint.max_per_window} "
        "is noted, never a failure). A night without rolling in maintenance is a rest night, not a miss.",
        "Current streak: compliant nights in a row up to the last night"
        + (" of the daily phase." if daily.streak_scope == "daily_phase" else "."),
        "Mistakes checked: rolling on the " + region_words(m.lateral_regions)
        + f"; holds on tender spots shorter than {seconds_text(m.min_hold_s)} on average in a session; "
        f"a week ({count_text(m.window_nights, 'night')} from the first night) of rolling without any "
        f"strengthening exercise; a week covering fewer than {count_text(m.min_regions, 'region')}.",
        "A yes/no check-in without a length "
        + ("counts as meeting the minimum." if program.checkins.meets_minimum else "counts as too short."),
    ]
    return lines
