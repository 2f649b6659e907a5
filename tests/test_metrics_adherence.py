"""Daily adherence, counts of nights and streaks on a hand-made pattern.

Nights 1..12 Mar (C = compliant, N = not), rolling seconds in brackets:
   1 C(60)  2 C(60)  3 N(0)  4 C(60)  5 C(60)  6 C(60)  | 7 C(70)  8 N(0)  9 C(60) 10 C(60)
  11 C(60) 12 N(30)
Cumulative: 60, 120, 120, 180, 240, 300 -> progression on 6 Mar (exactly 300), daily phase 1..6.

Whole observation: 12 nights, compliant 1,2,4,5,6,7,9,10,11 = 9.
Daily phase: 6 nights, compliant 1,2,4,5,6 = 5 -> daily adherence 5/6.
Streaks, scope "observation": runs [1-2]=2, [4-7]=4, [9-11]=3; last night 12 Mar is N ->
  longest 4, current 0.
Streaks, scope "daily_phase" (1..6): runs [1-2]=2, [4-6]=3; last night of the scope 6 Mar is C ->
  longest 3, current 3.
"""
from __future__ import annotations

import pytest

from rollstats import metrics as M
from rollstats.program import Program

try:
    from metrics_helpers import N, one, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, one, row, segments

SECONDS = {1: 60, 2: 60, 4: 60, 5: 60, 6: 60, 7: 70, 9: 60, 10: 60, 11: 60, 12: 30}


def pattern():
    return segments([row(d, s) for d, s in SECONDS.items()])


def test_counts_of_nights_and_daily_adherence():
    s = one(M.summarize(pattern()))
    assert s["first_night"] == N(1)
    assert s["last_night"] == N(12)
    assert s["nights_observed"] == 12
    assert s["compliant_nights"] == 9
    assert s["progression_night"] == N(6)
    assert s["nights_to_progression"] == 6
    assert s["daily_phase_nights"] == 6
    assert s["daily_phase_compliant_nights"] == 5
    assert s["daily_adherence"] == pytest.approx(5 / 6)
    # 60*5 + 70 + 60*3 + 30 = 300 + 70 + 180 + 30 = 580
    assert s["rolled_s"] == 580


def test_streaks_over_the_whole_observation():
    s = one(M.summarize(pattern()))
    assert s["longest_streak"] == 4
    assert s["current_streak"] == 0


def test_streaks_over_the_daily_phase():
    program = Program.default().replace(daily={"streak_scope": "daily_phase"})
    s = one(M.summarize(pattern(), program=program))
    assert s["longest_streak"] == 3
    assert s["current_streak"] == 3
    # the scope changes streaks only
    assert s["daily_adherence"] == pytest.approx(5 / 6)
    assert s["compliant_nights"] == 9


def test_current_streak_runs_to_the_last_night():
    # until 11 Mar cuts off the 30 s night: observation runs [9-11] ends on the last night
    # -> current 3, longest still 4 ([4-7])
    s = one(M.summarize(pattern(), until="2026-03-11"))
    assert s["nights_observed"] == 11
    assert s["compliant_nights"] == 9
    assert s["longest_streak"] == 4
    assert s["current_streak"] == 3


def test_streaks_without_progression_span_the_whole_observation_in_both_scopes():
    # 1..5 Mar with 60, 60, 0, 60, 59 -> cumulative 239, no progression;
    # runs [1-2]=2, [4]=1; last night (59 s) not compliant -> longest 2, current 0 in both scopes
    segs = segments([row(1, 60), row(2, 60), row(4, 60), row(5, 59)])
    for scope in ("observation", "daily_phase"):
        program = Program.default().replace(daily={"streak_scope": scope})
        s = one(M.summarize(segs, program=program))
        assert s["nights_observed"] == 5
        assert s["daily_phase_nights"] == 5
        assert s["compliant_nights"] == 3
        assert s["daily_adherence"] == pytest.approx(3 / 5)
        assert s["longest_streak"] == 2
        assert s["current_streak"] == 0


def test_no_compliant_night_has_zero_streaks():
    s = one(M.summarize(segments([row(1, 10), row(3, 20)])))
    assert s["nights_observed"] == 3
    assert s["compliant_nights"] == 0
    assert s["longest_streak"] == 0
    assert s["current_streak"] == 0
    assert s["daily_adherence"] == 0
