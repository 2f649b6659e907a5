"""The audit: for each subject and night, which rule passed or failed and by how much, in words."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..program import Program
from ..program_words import mistake_words
from .flags import check_windows, sessions
from .maintenance import maintenance_windows
from .nights import nights
from . import observation
from .observation import observed

AUDIT_COLUMNS: tuple[str, ...] = ("subject_id", "night", "rule", "passed", "value", "threshold", "message")


def _num(values: pd.Series) -> pd.Series:
    """Seconds as short text: 45.0 -> '45', 45.25 -> '45.2' (one decimal at most)."""
    text = values.astype("float64").round(1).astype("string")
    return text.str.replace(r"\.0$", "", regex=True)


def _day(nights_: pd.Series) -> pd.Series:
    """Dates as '3 Mar 2026'."""
    return nights_.dt.day.astype("string") + " " + nights_.dt.strftime("%b %Y").astype("string")


def _plural(counts: pd.Series, one: str, many: str) -> pd.Series:
    """``one`` where the count is 1, else ``many`` (aligned with ``counts``)."""
    return pd.Series(np.where(counts.to_numpy() == 1, one, many), index=counts.index, dtype="string")


def _rows(frame: pd.DataFrame, rule: str, passed, value, threshold, message) -> pd.DataFrame:
    return pd.DataFrame({
        "subject_id": frame["subject_id"].to_numpy(), "night": frame["night"].to_numpy(), "rule": rule,
        "passed": pd.array(passed, dtype="boolean"), "value": pd.Series(value).to_numpy(dtype="float64"),
        "threshold": pd.Series(threshold, index=frame.index).to_numpy(dtype="float64"),
        "message": pd.Series(message).astype("string").to_numpy(),
    })


def audit(segments: pd.DataFrame, program: Program | None = None,
          until: str | dt.date | None = None, subject: str | None = None) -> pd.DataFrame:
    """Every rule checked, per subject and night, with a sentence a clinician can read.

    Rules: ``daily_minimum`` (every night of the daily phase, up to and including the
    progression night), ``progression`` (the progression night), ``maintenance_night`` (every
    night after it: never failed on its own, ``passed`` is true for a compliant night and NA
    for a rest night or one under the minimum, since the card judges maintenance by its
    windows), ``maintenance_window`` (last night of each complete window: failed with fewer
    than ``maintenance.min_per_window`` compliant nights), ``lateral_thigh`` (nights with
    lateral time), ``too_fast`` (nights with a session of short holds), ``standalone`` and
    ``narrow`` (last night of each check window where the data can say). ``value`` and
    ``threshold`` are in the rule's unit (seconds, or nights for windows).

    >>> from rollstats.io import canonicalise
    >>> raw = pd.DataFrame({"subject_id": ["a"], "region": ["quads"],
    ...     "start": ["2026-03-03T21:00+01:00"], "duration_s": [45]})
    >>> audit(canonicalise(raw, "demo", Program.default()).segments)["message"].iloc[0]
    'night of 3 Mar 2026: 45 s on hips and legs, 15 s short of the 60 s minimum'
    """
    program = program or Program.default()
    inside, end = observed(segments, until)
    exercises_logged = observation.exercises_logged(inside)
    if subject is not None:
        inside = inside.loc[inside["subject_id"] == subject]
    # one export, one end: a single subject's audit keeps the end of the whole table
    table = nights(inside, program, end if len(segments) else None)
    parts = [_daily(table, program), _maintenance_nights(table, program), _progression(table, program),
             _maintenance(table, program),
             _lateral(table, program), _too_fast(inside, program), _windows(table, program, exercises_logged)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame({c: [] for c in AUDIT_COLUMNS})
    order = {"daily_minimum": 0, "maintenance_night": 0, "progression": 1, "lateral_thigh": 2, "too_fast": 3,
             "maintenance_window": 4, "standalone": 5, "narrow": 6}
    out["_order"] = out["rule"].map(order)
    out = out.sort_values(["subject_id", "night", "_order"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def _daily(table: pd.DataFrame, program: Program) -> pd.DataFrame:
    table = table.loc[table["phase"] == "daily"]
    minimum = program.daily.minimum_s
    short = _num(minimum - table["rolled_s"])
    head = "night of " + _day(table["night"]) + ": " + _num(table["rolled_s"]) + " s on hips and legs, "
    message = (head + short + f" s short of the {minimum:g} s minimum").where(
        ~table["compliant"], head + f"meets the {minimum:g} s minimum")
    return _rows(table, "daily_minimum", table["compliant"], table["rolled_s"], minimum, message)


def _maintenance_nights(table: pd.DataFrame, program: Program) -> pd.DataFrame:
    """After the progression night a night is judged with its window: compliant, or not (a rest night)."""
    table = table.loc[table["phase"] == "maintenance"]
    minimum = program.daily.minimum_s
    window = " (maintenance window " + (table["maintenance_window"] + 1).astype("string") + ")"
    head = "night of " + _day(table["night"]) + ": "
    rolled = head + _num(table["rolled_s"]) + " s on hips and legs, "
    message = (rolled + "a compliant night" + window).where(table["compliant"], (
        rolled + f"under the {minimum:g} s of a compliant night: a rest night" + window).where(
        table["rolled_s"] > 0, head + "rest night, no rolling" + window))
    passed = pd.array(table["compliant"].where(table["compliant"]), dtype="boolean")  # True, or NA
    return _rows(table, "maintenance_night", passed, table["rolled_s"], minimum, message)


def _progression(table: pd.DataFrame, program: Program) -> pd.DataFrame:
    rules = program.progression
    hit = table.loc[table["progression"]]
    value = hit["cumulative_s"] if rules.mode == "cumulative" else hit["rolled_s"]
    what = " s on hips and legs in total" if rules.mode == "cumulative" else " s on hips and legs that night"
    message = ("night of " + _day(hit["night"]) + ": " + _num(value) + what
               + f", reaching the {rules.total_s:g} s threshold: progress to {rules.next_exercise}"
               + ", and keep rolling in maintenance")
    return _rows(hit, "progression", [True] * len(hit), value, rules.total_s, message)


def _maintenance(table: pd.DataFrame, program: Program) -> pd.DataFrame:
    rules = program.maintenance
    windows = maintenance_windows(table, program)
    done = windows.loc[windows["complete"]].rename(columns={"last_night": "night"})
    need = rules.min_per_window
    head = ("maintenance window " + (done["maintenance_window"] + 1).astype("string") + " ("
            + _day(done["first_night"]) + " to " + _day(done["night"]) + "): ")
    count = done["compliant_nights"].astype("string")
    met = done["met"].fillna(False).astype(bool)
    nights_word = _plural(done["compliant_nights"], " compliant night", " compliant nights")
    message = (head + count + f" of the {need} compliant nights the card asks").where(
        ~met, head + count + nights_word + f", meets the {need} to {rules.max_per_window} the card asks")
    message = message.where(~done["over_max"], message + " (more than needed: fine)")
    return _rows(done, "maintenance_window", done["met"], done["compliant_nights"], need, message)


def _lateral(table: pd.DataFrame, program: Program) -> pd.DataFrame:
    rows = table.loc[table["lateral_s"] > 0]
    share = (rows["lateral_share"] * 100).round(0).astype("Int64").astype("string")
    message = ("night of " + _day(rows["night"]) + ": " + _num(rows["lateral_s"])
               + " s directly on the side of the thigh (" + share + "% of thigh time); "
               + mistake_words(program, "lateral_thigh").short)
    return _rows(rows, "lateral_thigh", [False] * len(rows), rows["lateral_s"], 0.0, message)


def _too_fast(segments: pd.DataFrame, program: Program) -> pd.DataFrame:
    sess = sessions(segments, program)
    rows = sess.loc[sess["too_fast"].fillna(False).astype(bool)]
    minimum = program.mistakes.min_hold_s
    message = ("night of " + _day(rows["night"]) + ": holds on tender spots averaged "
               + _num(rows["mean_hold_s"]) + f" s, under {minimum:g} s; " + mistake_words(program, "too_fast").short)
    return _rows(rows, "too_fast", [False] * len(rows), rows["mean_hold_s"], minimum, message)


def _windows(table: pd.DataFrame, program: Program, exercises_logged: bool) -> pd.DataFrame:
    checks = check_windows(table, program, exercises_logged).rename(columns={"last_night": "night"})
    span = _day(checks["first_night"]) + " to " + _day(checks["night"])
    stand = checks.loc[checks["standalone"].notna()]
    s_msg = ("nights " + span[stand.index] + ": rolling without any strengthening exercise logged; "
             + mistake_words(program, "standalone").short).where(
        stand["standalone"].astype(bool), "nights " + span[stand.index] + ": rolling with strengthening")
    narrow = checks.loc[checks["narrow"].notna()]
    need = program.mistakes.min_regions
    covered = ("nights " + span[narrow.index] + ": rolling covered " + narrow["regions_covered"].astype("string")
               + _plural(narrow["regions_covered"], " region", " regions"))
    n_msg = (covered + f", fewer than {need}; " + mistake_words(program, "narrow").short).where(
        narrow["narrow"].astype(bool), covered)
    return pd.concat([
        _rows(stand, "standalone", ~stand["standalone"].astype(bool), stand["strengthening_s"], 0.0, s_msg),
        _rows(narrow, "narrow", ~narrow["narrow"].astype(bool), narrow["regions_covered"], need, n_msg),
    ], ignore_index=True)


#: The order of failures: a missed maintenance window first (the card's judgement of maintenance),
#: then the nights of the daily phase, then the mistakes.
FAILURE_ORDER: tuple[str, ...] = ("maintenance_window", "daily_minimum", "lateral_thigh", "too_fast",
                                  "standalone", "narrow")


def failures(audit_table: pd.DataFrame) -> pd.DataFrame:
    """The failed rows of an audit table, missed maintenance windows first, then by rule and night.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 3, "night": pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-09"]),
    ...     "rule": ["daily_minimum", "maintenance_night", "maintenance_window"],
    ...     "passed": pd.array([False, pd.NA, False], dtype="boolean"), "message": ["n", "rest", "w"]})
    >>> failures(t)["rule"].tolist()
    ['maintenance_window', 'daily_minimum']
    """
    failed = audit_table.loc[~audit_table["passed"].fillna(True).astype(bool)]
    rank = failed["rule"].map({rule: i for i, rule in enumerate(FAILURE_ORDER)}).fillna(len(FAILURE_ORDER))
    order = pd.DataFrame({"subject": failed["subject_id"].to_numpy(), "rank": rank.to_numpy(),
                          "night": failed["night"].to_numpy()}).sort_values(["subject", "rank", "night"], kind="stable")
    return failed.iloc[order.index.to_numpy()].reset_index(drop=True)

