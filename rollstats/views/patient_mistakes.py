"""The card's common mistakes over a range, weighed: seen ones first, the costliest first."""
from __future__ import annotations

from dataclasses import dataclass

from ..metrics import mistake_costs
from ..plots.calendar_marks import MARKS
from ..program_words import mistake_words
from ..words import count_text, percent_text, seconds_text
from .patient import MISTAKES, Review

#: The verdict of a mistake: a mark that reads without colour, its words and its colour.
VERDICTS: dict[bool | None, tuple[str, str, str]] = {
    True: ("\u2717", "seen", "#b2182b"), False: ("\u2713", "not seen", "#1a7837"), None: ("?", "cannot say", "#636363")}
#: The calendar mark of each mistake as a character, with the corner it sits in.
MARK_SYMBOLS: dict[str, str] = {"v": "\u25bc", "D": "\u25c6", "s": "\u25a0", "o": "\u25cf"}
#: What a mistake's share of time is a share of.
SHARE_OF: dict[str, str] = {
    "lateral_thigh": "of the time on the thighs", "too_fast": "of the rolling in sessions that log holds",
    "standalone": "of the rolling in the weeks checked", "narrow": "of the rolling in the weeks checked"}


@dataclass(frozen=True)
class Mistake:
    """One of the card's common mistakes over a range: ``status`` True (seen), False (not seen)
    or None (the data cannot say), what was seen, the card's advice, and what it cost in the
    range: ``nights`` touched and ``share`` of the time it judges (0 to 1, NaN when nothing)."""

    flag: str
    title: str
    status: bool | None
    finding: str
    advice: str
    nights: int = 0
    share: float = float("nan")

    @property
    def verdict(self) -> str:
        """'seen', 'not seen' or 'cannot say'."""
        return VERDICTS[self.status][1]

    @property
    def mark(self) -> str:
        """The verdict as a mark: a cross (seen), a tick (not seen) or a question mark."""
        return VERDICTS[self.status][0]

    @property
    def cost(self) -> str:
        """What a seen mistake cost, e.g. 'on 6 nights, 53% of the time on the thighs'; '' otherwise."""
        if self.status is not True:
            return ""
        share = "" if self.share != self.share else f", {percent_text(self.share)} {SHARE_OF[self.flag]}"
        return (f"on {count_text(self.nights, 'night')}" if self.nights else "on no night of this range") + share

    @property
    def calendar_mark(self) -> str:
        """How the calendar marks its nights, e.g. '\u25bc top left'."""
        _, _, marker, _, label = MARKS[self.flag]
        return f"{MARK_SYMBOLS.get(marker, marker)} {label.split(':')[0]}"


def mistakes(view: Review) -> list[Mistake]:
    """The card's common mistakes over the range, weighed, with what the log shows and the card's advice.

    Seen mistakes come first, the costliest first (nights touched, then share of the time,
    :func:`rollstats.metrics.mistake_costs`), then those not seen, then those the log cannot
    tell (these two in the card's order). Titles and advice are the words of ``view.program``. Same rules as the flags of
    :func:`rollstats.summarize`, restricted to the range: nights in it (side of the thigh),
    sessions whose night is in it (holds), check windows whose last night is in it
    (strengthening, regions).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"))
    >>> [(m.flag, m.verdict, m.nights) for m in mistakes(view)]
    [('standalone', 'seen', 7), ('lateral_thigh', 'seen', 5), ('narrow', 'seen', 5), ('too_fast', 'not seen', 0)]
    """
    program = view.program
    rules = program.mistakes
    words = {flag: mistake_words(program, flag) for flag in MISTAKES}
    n = view.nights
    found: dict[str, tuple[bool | None, str]] = {}

    lateral, thigh = float(n["lateral_s"].sum()), float(n["thigh_s"].sum())
    named = float(n[[c for c in n.columns if c.startswith("seconds_") and c != "seconds_unspecified"]]
                  .to_numpy().sum())
    if lateral > 0:
        found["lateral_thigh"] = (True, f"{seconds_text(lateral)} on the side of the thigh (IT band).")
    elif named > 0:
        found["lateral_thigh"] = (False, "No rolling on the side of the thigh.")
    else:
        found["lateral_thigh"] = (None, "No rolling in this range." if not (n["segments"] > 0).any()
                                  else "No rolling with a region logged: where the rolling went cannot be said.")

    s = view.sessions
    with_holds = int((s["hold_count"] > 0).sum())
    fast = int(s["too_fast"].fillna(False).astype(bool).sum())
    if fast:
        found["too_fast"] = (True, f"{fast} of {count_text(with_holds, 'session')} with holds logged averaged "
                                   f"under {rules.min_hold_s:g} s per hold on tender spots.")
    elif with_holds:
        mean = float(s["hold_s"].sum() / s["hold_count"].sum())
        found["too_fast"] = (False, f"Holds averaged {mean:.1f} s in the {count_text(with_holds, 'session')} "
                                    "that log them.")
    else:
        found["too_fast"] = (None, "No holds on tender spots logged: whether rolling was too fast cannot be said.")

    c = view.checks
    span = f"{rules.window_nights} nights"
    known = c["standalone"].dropna()
    seen = int(known.astype(bool).sum())
    if seen:
        found["standalone"] = (True, f"{seen} of {count_text(len(known), 'week')} ({span} each) had rolling but no "
                                     "strengthening exercise logged.")
    elif len(known):
        found["standalone"] = (False, f"Every week ({span}) with rolling also had strengthening logged.")
    else:
        why = ("the export holds no exercise other than rolling" if not view.tables.exercises_logged
               else f"no week ({span}) with rolling ends in this range")
        found["standalone"] = (None, f"Cannot say: {why}.")

    known = c["narrow"].dropna()
    seen = int(known.astype(bool).sum())
    if seen:
        found["narrow"] = (True, f"{seen} of {count_text(len(known), 'week')} ({span} each) covered fewer than "
                                 f"{count_text(rules.min_regions, 'region')}.")
    elif len(known):
        found["narrow"] = (False, f"Every week ({span}) covered at least {count_text(rules.min_regions, 'region')}.")
    else:
        found["narrow"] = (None, f"Cannot say: no week ({span}) ending in this range has rolling with a region "
                                 "logged.")

    costs = mistake_costs(view.marks, {flag: status for flag, (status, _) in found.items()})
    # seen: the costliest first (the order of the costs); not seen, then cannot say: the card's order
    rank = {None: 2, False: 1, True: 0}
    card = {flag: i for i, flag in enumerate(MISTAKES)}
    order = sorted(range(len(costs)), key=lambda i: (rank[found[costs["mistake"].iloc[i]][0]],
                                                     i if found[costs["mistake"].iloc[i]][0] else
                                                     card[costs["mistake"].iloc[i]]))
    out = []
    for i in order:
        flag = costs["mistake"].iloc[i]
        status, finding = found[flag]
        out.append(Mistake(flag, words[flag].title, status, finding, words[flag].advice,
                           int(costs["nights"].iloc[i]), float(costs["share"].iloc[i])))
    return out
