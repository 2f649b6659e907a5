"""Loop Habit Tracker's strength score, worked by hand.

m = 0.5 ** (sqrt(f) / 13), f = times / nights; score = score * m + completion * (1 - m) from 0.
Daily goal (f = 1): m = 0.5 ** (1/13) = 0.9480775; m^2 = 0.8988510, m^3 = 0.8521804,
m^4 = 0.8079331, m^5 = 0.7659832. After n full nights in a row the score is 1 - m^n.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollstats import metrics as M
from rollstats.io import canonicalise
from rollstats.metrics.strength import multiplier, smooth
from rollstats.program import Program

M1 = 0.5 ** (1 / 13)
BASE = pd.Timestamp("2026-03-01")


def night(n: int) -> pd.Timestamp:
    return BASE + pd.Timedelta(days=n)


def seg_rows(spec: dict[int, float], subject: str = "s1") -> list[dict]:
    """Native rows: {night offset from 1 Mar 2026: seconds on quads at 21:00 +01:00}."""
    return [{"subject_id": subject, "start": f"{night(n).date()}T21:00:00+01:00", "duration_s": s,
             "region": "quads"} for n, s in spec.items()]


def segments(rows: list[dict]) -> pd.DataFrame:
    out = canonicalise(pd.DataFrame(rows), "test.csv", Program.default())
    assert len(out.rejects) == 0
    return out.segments


def test_twenty_met_nights_of_a_daily_goal_give_0_655747():
    # 1 - 0.5 ** (20/13) = 1 - 0.3442524 = 0.6557476 (the 0.655747, truncated)
    got = M.strength_score([60] * 20, 60)
    assert got[-1] == pytest.approx(1 - 0.5 ** (20 / 13), abs=1e-12)
    assert 0.655747 <= got[-1] < 0.655748
    assert len(got) == 20


def test_three_met_one_missed_one_met():
    # s1 = 1 - m            = 0.0519225
    # s2 = 1 - m^2          = 0.1011490
    # s3 = 1 - m^3          = 0.1478196
    # s4 = m * s3 (missed)  = m - m^4 = 0.9480775 - 0.8079331 = 0.1401444
    # s5 = m * s4 + (1 - m) = m^2 - m^5 + 1 - m = 0.8988510 - 0.7659832 + 0.0519225 = 0.1847903
    got = M.strength_score([60, 75, 300, 0, 60], 60)
    assert got == pytest.approx([0.0519225, 0.1011490, 0.1478196, 0.1401444, 0.1847903], abs=1e-7)
    assert got[3] < got[2]  # a missed night lowers the score


def test_a_partial_night_counts_its_share_and_a_long_night_is_capped():
    # 30 s of 60 s: completion 0.5 -> s1 = 0.5 * (1 - m) = 0.0259612
    # 90 s: completion min(1.5, 1) = 1 -> s2 = m * s1 + (1 - m) = 0.0246132 + 0.0519225 = 0.0765358
    got = M.strength_score([30, 90], 60)
    assert got == pytest.approx([0.0259612, 0.0765358], abs=1e-7)


def test_a_goal_under_once_a_night_is_counted_over_a_doubled_window_as_loop_does():
    # once per 7 nights: f = 1/7, m = 0.5 ** (sqrt(1/7) / 13) = 0.9800490
    # Loop doubles a non-daily goal: 2 repetitions per 14 nights. One 60-s night then six
    # empty ones: the window holds 1 of 2 on each of the 7 nights -> completion 0.5 throughout,
    # so s7 = 0.5 * (1 - m^7) = 0.5 * (1 - 0.8684295) = 0.0657852
    got = M.strength_score([60, 0, 0, 0, 0, 0, 0], 60, times=1, nights=7)
    assert multiplier(1, 7) == pytest.approx(0.9800490, abs=1e-7)
    assert got[-1] == pytest.approx(0.0657852, abs=1e-7)
    # on night 15 (index 14) night 0 leaves the 14-night window: completion 0 from then on
    got = M.strength_score([60] + [0] * 14, 60, times=1, nights=7)
    assert got[14] == pytest.approx(got[13] * multiplier(1, 7), abs=1e-15)
    assert got[13] == pytest.approx(0.5 * (1 - multiplier(1, 7) ** 14), abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(values=[60], target=0), "target"),
    (dict(values=[60], target=60, times=3, nights=2), "times <= nights"),
    (dict(values=[60], target=60, times=1.5, nights=2), "whole numbers"),
    (dict(values=[-1], target=60), "0 or more"),
    (dict(values=[float("nan")], target=60), "0 or more"),
])
def test_strength_score_refuses_what_it_cannot_score(kwargs, message):
    with pytest.raises(ValueError, match=message):
        M.strength_score(**kwargs)


def test_per_subject_strength_switches_to_the_maintenance_goal_after_progression():
    # s1: 60 s on nights 0-4 -> cumulative 300 s on night 4 = progression night; night 5 on is
    # maintenance (2 per 7 nights -> Loop's 4 per 14, m2 = 0.5 ** (sqrt(2/7) / 13) = 0.9719021).
    # Night 4: daily score 1 - m^5 = 0.2340168.
    # Night 5 (0 s): window = nights 0-5 (both phases) = 5 full nights >= 4 -> completion 1,
    #   s = m2 * 0.2340168 + (1 - m2) = 0.2274414 + 0.0280979 = 0.2555393.
    # Night 15: window = nights 2-15 -> 3 full nights -> completion 3/4 = 0.75.
    # Night 18: window = nights 5-18 -> 0 -> completion 0.
    seg = segments(seg_rows({n: 60 for n in range(5)}))
    table = M.nights(seg, until=str(night(18).date()))
    got = M.strength(table)
    assert got["phase"].tolist()[4:6] == ["daily", "maintenance"]
    assert got["goal_times"].tolist()[4:6] == [1, 2] and got["goal_nights"].tolist()[4:6] == [1, 7]
    m2 = multiplier(2, 7)
    assert m2 == pytest.approx(0.9719021, abs=1e-7)
    assert got["strength"].iloc[4] == pytest.approx(1 - M1 ** 5, abs=1e-12)
    assert got["strength"].iloc[5] == pytest.approx(0.2555393, abs=1e-7)
    assert got["completion"].tolist()[5] == 1.0
    assert got["completion"].tolist()[15] == 0.75
    assert got["completion"].tolist()[18] == 0.0
    # the summary reports the last night's score
    summary = M.summarize(seg, until=str(night(18).date()))
    assert summary["strength"].iloc[0] == pytest.approx(got["strength"].iloc[-1], abs=1e-15)


def test_subjects_do_not_carry_strength_into_each_other():
    # a: 20 met nights; b: 10 s on night 0, then only night 19; each scored alone.
    # progression is put out of reach (1e6 s) so that both stay on the daily goal
    program = Program.default().replace(progression={"total_s": 1_000_000})
    rows = seg_rows({n: 60 for n in range(20)}, "a") + seg_rows({19: 60}, "b") + seg_rows({0: 10}, "b")
    got = M.strength(M.nights(segments(rows), program), program)
    a = got.loc[got["subject_id"] == "a", "strength"].to_numpy()
    b = got.loc[got["subject_id"] == "b", "strength"].to_numpy()
    assert a[-1] == pytest.approx(1 - 0.5 ** (20 / 13), abs=1e-12)
    # b: night 0 = 10/60 of a night, nights 1-18 empty, night 19 full
    expected_b = M.strength_score([10] + [0] * 18 + [60], 60)
    assert b == pytest.approx(expected_b, abs=1e-12)
    assert b[-1] == pytest.approx((10 / 60) * (1 - M1) * M1 ** 19 + (1 - M1), abs=1e-12)


def _reference(c, m, new):
    """The recursion written plainly, one night at a time."""
    out, s = [], 0.0
    for ci, mi, ni in zip(c, m, new):
        s = (0.0 if ni else s) * mi + ci * (1 - mi)
        out.append(s)
    return np.array(out)


@settings(max_examples=150, deadline=None)
@given(data=st.lists(st.tuples(st.floats(0, 1), st.sampled_from([0.5, 0.9, M1, multiplier(2, 7)]),
                               st.booleans()), min_size=1, max_size=120),
       block=st.sampled_from([1, 2, 5, 4096]))
def test_the_vectorised_recursion_equals_the_plain_one(data, block):
    c, m, new = (np.array(x) for x in zip(*data))
    assert smooth(c, m, new, block=block) == pytest.approx(_reference(c, m, new), abs=1e-12)


def test_a_long_series_neither_overflows_nor_drifts():
    # 20 000 full nights: 1 - m^20000 = 1 to machine precision; runs are cut before m^-k overflows
    got = M.strength_score(np.full(20_000, 60.0), 60)
    assert np.isfinite(got).all()
    assert got[-1] == pytest.approx(1.0, abs=1e-12)
    assert got[999] == pytest.approx(1 - M1 ** 1000, abs=1e-12)
    assert math.isclose(got[0], 1 - M1)
