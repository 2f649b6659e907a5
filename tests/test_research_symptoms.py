"""Symptom-triggered sessions, pain change, weekly trend and resolution, by hand.

Default program: symptoms.resolved_pain_max = 2 on symptoms.resolved_nights = 3 logged nights.
Nights are counted from 1 Mar 2026 (night 0); starts are on the +01:00 wall clock.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.io import canonicalise
from rollstats.program import Program

BASE = pd.Timestamp("2026-03-01")


def night(n: int) -> pd.Timestamp:
    return BASE + pd.Timedelta(days=n)


def seg(n: int, seconds: float = 60, hhmm: str = "21:00", subject: str = "s1", **extra) -> dict:
    return {"subject_id": subject, "start": f"{night(n).date()}T{hhmm}:00+01:00", "duration_s": seconds,
            "region": "quads", **extra}


def segments(native: list[dict]) -> pd.DataFrame:
    out = canonicalise(pd.DataFrame(native), "test.csv", Program.default())
    assert len(out.rejects) == 0
    return out.segments


def test_pain_per_session_takes_the_first_before_and_the_last_after():
    # session A (night 0): 21:00 symptom, before 6; 21:02 after 4; 21:05 after 3 -> 3 - 6 = -3
    # session B (night 1): 21:00 before 4, after 3 -> -1
    # session C (night 1, 22:00, an hour later: a new session): before 5 only -> no change
    native = [seg(0, trigger="symptom", pain_before=6), seg(0, hhmm="21:02", pain_after=4),
              seg(0, hhmm="21:05", pain_after=3), seg(1, pain_before=4, pain_after=3),
              seg(1, hhmm="22:00", trigger="symptom", pain_before=5)]
    got = M.session_pain(segments(native))
    assert got["night"].tolist() == [night(0), night(1), night(1)]
    assert got["symptom"].tolist() == [True, False, True]
    assert got["pain_before"].tolist() == [6, 4, 5]
    assert got["pain_after"].tolist()[:2] == [3, 3] and math.isnan(got["pain_after"].iloc[2])
    assert got["pain_change"].tolist()[:2] == [-3, -1] and math.isnan(got["pain_change"].iloc[2])
    # summary: 2 symptom-triggered sessions; mean change over the 2 sessions with both = (-3 - 1) / 2
    summary = M.summarize(segments(native)).iloc[0]
    assert summary["symptom_sessions"] == 2
    assert summary["pain_sessions"] == 2
    assert summary["mean_pain_change"] == -2.0


def test_no_pain_logged_is_unknown_not_zero():
    summary = M.summarize(segments([seg(0), seg(1)])).iloc[0]
    assert summary["pain_sessions"] == 0
    assert math.isnan(summary["mean_pain_change"])
    assert math.isnan(summary["pain_before_trend_per_week"])
    assert pd.isna(summary["resolved_night"])
    assert math.isnan(summary["adherence_after_resolved"])


def test_pain_by_week_and_its_trend():
    # week 0 = nights 0-6: sessions with before 6 and 4 -> mean 5; changes -2 and -2 -> -2
    # week 1 = nights 7-13: before 3 -> mean 3; change 3 -> 2 = -1
    # week 2: nothing logged (left out); week 3 = nights 21-27: before 1 -> mean 1
    # slope of (0, 5), (1, 3), (3, 1): x mean 4/3, y mean 3;
    #   sum (x - 4/3)(y - 3) = (-4/3)(2) + (-1/3)(0) + (5/3)(-2) = -6; sum (x - 4/3)^2 = 16/9 + 1/9 + 25/9 = 42/9
    #   slope = -6 / (42/9) = -9/7 points per week
    native = [seg(0, pain_before=6, pain_after=4), seg(3, pain_before=4, pain_after=2),
              seg(8, pain_before=3, pain_after=2), seg(10), seg(22, pain_before=1)]
    s = segments(native)
    t = M.nights(s)
    weeks = M.pain_by_week(M.session_pain(s), t)
    assert weeks["week"].tolist() == [0, 1, 3]
    assert weeks["first_night"].tolist() == [night(0), night(8), night(22)]
    assert weeks["sessions"].tolist() == [2, 1, 1]
    assert weeks["pain_sessions"].tolist() == [2, 1, 0]
    assert weeks["mean_pain_before"].tolist() == [5, 3, 1]
    assert weeks["mean_pain_change"].tolist()[:2] == [-2, -1]
    summary = M.summarize(s).iloc[0]
    assert summary["pain_before_trend_per_week"] == pytest.approx(-9 / 7)


def test_resolution_skips_nights_without_pain_and_adherence_is_counted_after_it():
    # night pain (highest score of the night): n0 6 (symptoms), n1 2, n2 none logged (skipped),
    # n3 1, n4 2 -> the 3rd logged night in a row at <= 2 is n4: resolved on night 4.
    # nights after it: 5, 6, 7, 8 (observation ends at night 8); compliant on 5 and 7 -> 2/4
    native = [seg(0, pain_before=6), seg(1, pain_after=2), seg(2), seg(3, pain_before=1),
              seg(4, pain_after=2), seg(5), seg(6, 30), seg(7), seg(8, 10)]
    got = M.resolution(segments(native), M.nights(segments(native)))
    assert got.loc["s1", "resolved_night"] == night(4)
    assert got.loc["s1", "nights_after_resolved"] == 4
    assert got.loc["s1", "compliant_after_resolved"] == 2
    assert got.loc["s1", "adherence_after_resolved"] == 0.5


def test_a_night_above_the_limit_breaks_the_run_and_the_highest_score_of_a_night_counts():
    # n0 7; n1 2; n2: before 5, after 1 -> night pain 5 (above 2: breaks the run; rolling's
    # short relief is not resolution); n3 1, n4 0, n5 2 -> resolved on night 5
    native = [seg(0, pain_before=7), seg(1, pain_before=2), seg(2, pain_before=5, pain_after=1),
              seg(3, pain_after=1), seg(4, pain_after=0), seg(5, pain_before=2)]
    s = segments(native)
    assert M.night_pain(s)["pain"].tolist() == [7, 2, 5, 1, 0, 2]
    got = M.resolution(s, M.nights(s))
    assert got.loc["s1", "resolved_night"] == night(5)
    assert got.loc["s1", "nights_after_resolved"] == 0
    assert math.isnan(got.loc["s1", "adherence_after_resolved"])


def test_low_pain_from_the_start_is_nothing_to_resolve():
    # 1, 1, 1: never above 2 -> no symptoms to resolve; two low nights after a high one: not yet
    calm = segments([seg(n, pain_before=1) for n in range(3)])
    assert pd.isna(M.resolution(calm, M.nights(calm)).loc["s1", "resolved_night"])
    short = segments([seg(0, pain_before=4), seg(1, pain_before=2), seg(2, pain_before=2)])
    assert pd.isna(M.resolution(short, M.nights(short)).loc["s1", "resolved_night"])


def test_the_resolution_settings_come_from_the_program():
    # resolved at pain <= 3 on 2 logged nights: n0 6, n1 3, n2 3 -> resolved on night 2
    program = Program.default().replace(symptoms={"resolved_pain_max": 3, "resolved_nights": 2})
    s = segments([seg(0, pain_before=6), seg(1, pain_before=3), seg(2, pain_before=3), seg(3)])
    got = M.resolution(s, M.nights(s, program), program)
    assert got.loc["s1", "resolved_night"] == night(2)
    assert got.loc["s1", "adherence_after_resolved"] == 1.0
    with pytest.raises(Exception, match="above the 0-10 pain scale"):
        Program.default().replace(symptoms={"resolved_pain_max": 11})
