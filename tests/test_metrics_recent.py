"""The clinician's first questions and the nights each mistake touched (rollstats.metrics.recent),
and pain by week placed on the calendar (rollstats.metrics.pain_weeks), worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd

from metrics_helpers import N, row, segments
from rollstats.metrics import mistake_costs, mistake_nights, pain_weeks, recent
from rollstats.views import subject_tables

from test_views_patient import ROWS


def test_last_rolled_streak_and_the_last_two_weeks():
    # 3 Mar 45 s (short), 4 Mar 300 s, 5-7 nothing, 8 Mar 60, 9 Mar 70, 10 Mar 20 (short), 11-16 nothing,
    # 17 Mar 90, 18 Mar 61; observation ends on 18 Mar
    table = segments([row(3, 45), row(4, 300), row(8, 60), row(9, 70), row(10, 20), row(17, 90), row(18, 61)])
    nights = subject_tables(table, "s1").nights
    r = recent(nights)
    assert (r["as_of"], r["last_rolled"], r["nights_since_rolled"], r["current_streak"]) == (N(18), N(18), 0, 2)
    # 12-18 Mar: 90 + 61 on two compliant nights; 5-11 Mar: 60 + 70 compliant, 20 short
    assert (r["this_week_first"], r["this_week_last"], r["this_week_nights"]) == (N(12), N(18), 7)
    assert (r["this_week_compliant"], r["this_week_s"]) == (2, 151.0)
    assert (r["last_week_first"], r["last_week_nights"], r["last_week_compliant"], r["last_week_s"]) == (
        N(5), 7, 2, 150.0)

    r = recent(nights, "2026-03-14")   # as of a night without rolling: 4 nights after 10 Mar
    assert (r["last_rolled"], r["nights_since_rolled"], r["current_streak"]) == (N(10), 4, 0)
    # 8-14 Mar: 60, 70 (compliant), 20; 1-7 Mar, observed from 3 Mar: 45, 300 (compliant)
    assert (r["this_week_compliant"], r["this_week_s"], r["last_week_nights"], r["last_week_s"]) == (2, 150.0, 5, 345.0)

    r = recent(nights, "2026-03-09")
    assert r["current_streak"] == 2   # 8 and 9 Mar


def test_the_nights_each_mistake_touched_and_what_it_cost():
    # the export of test_views_patient.py (subject s1, 3-12 Mar): the IT band on 4 Mar (30 of 225 s of
    # thigh time), short holds in the session of 9 Mar (70 s, the only one logging holds), check window
    # 3-9 Mar without strengthening (rolling on 3, 4, 6, 7 and 9 Mar: 45 + 105 + 60 + 100 + 70 = 380 s)
    # and 10-16 Mar covering two regions (rolling on 10 and 12 Mar: 20 + 65 = 85 s), 465 s in all
    t = subject_tables(segments(ROWS[:9]), "s1")
    marks = mistake_nights(t.nights, t.sessions, t.checks)
    touched = {kind: [n.day for n in marks.loc[marks[kind], "night"]]
               for kind in ("lateral_thigh", "too_fast", "standalone", "narrow")}
    assert touched == {"lateral_thigh": [4], "too_fast": [9], "standalone": [3, 4, 6, 7, 9], "narrow": [10, 12]}
    costs = mistake_costs(marks).set_index("mistake")
    assert costs["nights"].to_dict() == {"standalone": 5, "narrow": 2, "too_fast": 1, "lateral_thigh": 1}
    np.testing.assert_allclose(costs.loc[["lateral_thigh", "too_fast", "standalone", "narrow"], "share"],
                               [30 / 225, 70 / 70, 380 / 465, 85 / 465])
    # worst first: nights touched, then the share (too fast: 100% of its sessions, before 13% of thigh time)
    assert mistake_costs(marks)["mistake"].tolist() == ["standalone", "narrow", "too_fast", "lateral_thigh"]
    # a mistake not seen goes last, whatever it touched
    seen = {"standalone": False, "narrow": True, "too_fast": True, "lateral_thigh": True}
    assert mistake_costs(marks, seen)["mistake"].tolist() == ["narrow", "too_fast", "lateral_thigh", "standalone"]


def test_pain_by_week_on_the_calendar():
    # 3 Mar 6 -> 3, 4 Mar 4 -> 2, 10 Mar 3 before only; weeks from 3 Mar: 3-9 and 10-16 Mar
    table = segments([row(3, pain_before=6, pain_after=3), row(4, pain_before=4, pain_after=2),
                      row(10, pain_before=3), row(12)])
    t = subject_tables(table, "s1")
    w = pain_weeks(t.pain, t.nights)
    assert w["week"].tolist() == [0, 1] and w["sessions"].tolist() == [2, 1]
    assert list(zip(w["week_first"], w["week_last"])) == [(N(3), N(9)), (N(10), N(16))]
    assert w["mean_pain_before"].tolist() == [5.0, 3.0]
    assert w["mean_pain_after"].iloc[0] == 2.5 and pd.isna(w["mean_pain_after"].iloc[1])
    # a range from 10 Mar keeps the weeks of the observation (week 1 starts on 10 Mar, not on the range)
    later = pain_weeks(t.pain.iloc[2:], t.nights.iloc[7:])
    assert later["week"].tolist() == [1] and later["week_first"].tolist() == [N(10)]
