"""The summary table, one fully hand-worked export.

s1  2 Mar 21:00  strengthening, hip, 300 s            (first night of s1: any activity)
    3 Mar 21:00  quads right 60 s, 3 holds / 9 s        session A (holds: mean 3 s -> too fast)
    3 Mar 21:01  IT band right 40 s                     session A
    3 Mar 21:02  rolling on `other` 50 s                session A
    4 Mar 22:00  calves 100 s, trigger symptom          session B (symptom)
    6 Mar 21:00  unspecified 120 s                      session C
s2  4 Mar 21:00  glutes 30 s
    8 Mar 21:00  quads 60 s                             -> latest night of the table: 8 Mar
s3  5 Mar 21:00  strengthening only                     -> no summary row

s1: nights 2..8 Mar = 7; hips and legs per night 0, 100, 100, 0, 120, 0, 0 (other excluded)
    compliant 3, 4, 6 Mar = 3; cumulative 0, 100, 200, 200, 320 -> progression 6 Mar,
    nights_to_progression 5 (2..6); daily phase 2..6 = 5 nights, 3 compliant -> 0.6
    streaks (observation): [3-4]=2, [6]=1, 8 Mar not compliant -> longest 2, current 0
    maintenance: W0 7..13 Mar, observation ends 8 Mar -> partial: complete 0, met 0, NaN
    rolled_s 60 + 40 + 100 + 120 = 320; lateral 40 of thigh 100 -> share 0.4, flag True
    seconds: thigh_front 60, thigh_lateral 40, calf 100, unspecified 120, other 50, others 0
    strengthening 300; sessions with rolling A, B, C = 3; symptom 1; too fast 1 -> flag True
    check window W0 2..8: strengthening on 2 Mar -> standalone False; regions thigh_front,
    thigh_lateral, calf = 3 -> narrow False
s2: nights 4..8 Mar = 5; 30, 0, 0, 0, 60 -> compliant 1 (8 Mar); cumulative 90 -> no progression;
    daily phase 5 nights, adherence 1/5 = 0.2; streaks longest 1, current 1 (8 Mar)
    lateral 0 of thigh 60 -> share 0, flag False; sessions 2, no holds -> too fast NA
    W0 4..10 (partial): rolling, no strengthening, the table has strengthening -> standalone True;
    regions hip, thigh_front = 2 -> narrow True
"""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats import metrics as M

try:
    from metrics_helpers import N, flag, is_na, one, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, flag, is_na, one, row, segments

REGIONS = ("thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back", "thigh_lateral",
           "thigh_inner", "calf", "hip", "unspecified", "other")

COLUMNS = ["subject_id", "first_night", "last_night", "nights_observed", "compliant_nights",
           "daily_phase_nights", "daily_phase_compliant_nights", "daily_adherence",
           "longest_streak", "current_streak", "rolled_s", "progression_night",
           "nights_to_progression", "maintenance_windows_complete", "maintenance_windows_met",
           "maintenance_windows_over_max", "maintenance_adherence", "lateral_thigh_s",
           "lateral_thigh_share", *[f"seconds_{r}" for r in REGIONS], "strengthening_s",
           "sessions", "symptom_sessions", "too_fast_sessions", "standalone_windows",
           "narrow_windows", "flag_lateral_thigh", "flag_too_fast", "flag_standalone",
           "flag_narrow"]


def export():
    return segments([
        row(2, 300, "hip", activity="strengthening"),
        row(3, 60, "quads", side="right", hold_count=3, hold_s=9),
        row(3, 40, "IT band", side="right", hhmm="21:01"),
        row(3, 50, "other", hhmm="21:02"),
        row(4, 100, "calves", hhmm="22:00", trigger="symptom"),
        row(6, 120, "unspecified"),
        row(4, 30, "glutes", subject_id="s2"),
        row(8, 60, "quads", subject_id="s2"),
        row(5, 200, "calf", subject_id="s3", activity="strengthening"),
    ])


def test_summary_has_every_documented_column():
    summary = M.summarize(export())
    missing = [c for c in COLUMNS if c not in summary.columns]
    assert missing == []


def test_one_row_per_subject_that_rolled():
    summary = M.summarize(export())
    assert sorted(summary["subject_id"]) == ["s1", "s2"]   # s3 only strengthened
    assert summary["subject_id"].is_unique


def test_subject_with_only_other_activity_is_absent_but_rolling_on_other_is_present():
    # s4: activity `other` only -> no rolling segment -> absent
    # s5: rolling on region `other` -> a rolling segment -> present with rolled_s 0
    segs = segments([row(3, 60), row(3, 60, "other", subject_id="s4", activity="other"),
                     row(3, 60, "other", subject_id="s5")])
    summary = M.summarize(segs)
    assert sorted(summary["subject_id"]) == ["s1", "s5"]
    s5 = one(summary, "s5")
    assert s5["rolled_s"] == 0
    assert s5["seconds_other"] == 60


def test_subject_rolling_only_after_until_is_absent():
    segs = segments([row(3, 60), row(9, 60, subject_id="s4")])
    assert sorted(M.summarize(segs, until="2026-03-08")["subject_id"]) == ["s1"]
    assert sorted(M.summarize(segs)["subject_id"]) == ["s1", "s4"]


def test_summary_values_s1():
    s = one(M.summarize(export()), "s1")
    assert s["first_night"] == N(2)
    assert s["last_night"] == N(8)
    assert s["nights_observed"] == 7
    assert s["compliant_nights"] == 3
    assert s["daily_phase_nights"] == 5
    assert s["daily_phase_compliant_nights"] == 3
    assert s["daily_adherence"] == pytest.approx(0.6)
    assert s["longest_streak"] == 2
    assert s["current_streak"] == 0
    assert s["rolled_s"] == 320
    assert s["progression_night"] == N(6)
    assert s["nights_to_progression"] == 5
    assert s["maintenance_windows_complete"] == 0
    assert s["maintenance_windows_met"] == 0
    assert s["maintenance_windows_over_max"] == 0
    assert pd.isna(s["maintenance_adherence"])
    assert s["lateral_thigh_s"] == 40
    assert s["lateral_thigh_share"] == pytest.approx(0.4)
    assert s["strengthening_s"] == 300
    assert s["sessions"] == 3
    assert s["symptom_sessions"] == 1
    assert s["too_fast_sessions"] == 1
    assert s["standalone_windows"] == 0
    assert s["narrow_windows"] == 0


def test_summary_seconds_per_region_s1():
    s = one(M.summarize(export()), "s1")
    expected = {"thigh_front": 60, "thigh_lateral": 40, "calf": 100, "unspecified": 120,
                "other": 50}
    for region in REGIONS:
        assert s[f"seconds_{region}"] == expected.get(region, 0), region


def test_summary_flags_s1():
    s = one(M.summarize(export()), "s1")
    assert flag(s["flag_lateral_thigh"]) is True
    assert flag(s["flag_too_fast"]) is True
    assert flag(s["flag_standalone"]) is False
    assert flag(s["flag_narrow"]) is False


def test_summary_values_and_flags_s2():
    s = one(M.summarize(export()), "s2")
    assert s["first_night"] == N(4)
    assert s["last_night"] == N(8)
    assert s["nights_observed"] == 5
    assert s["compliant_nights"] == 1
    assert s["daily_phase_nights"] == 5
    assert s["daily_phase_compliant_nights"] == 1
    assert s["daily_adherence"] == pytest.approx(0.2)
    assert s["longest_streak"] == 1
    assert s["current_streak"] == 1
    assert s["rolled_s"] == 90
    assert is_na(s["progression_night"])
    assert is_na(s["nights_to_progression"])
    assert s["seconds_hip"] == 30
    assert s["seconds_thigh_front"] == 60
    assert s["seconds_calf"] == 0
    assert s["strengthening_s"] == 0
    assert s["lateral_thigh_s"] == 0
    assert s["lateral_thigh_share"] == 0
    assert s["sessions"] == 2
    assert s["symptom_sessions"] == 0
    assert s["too_fast_sessions"] == 0
    assert s["standalone_windows"] == 1
    assert s["narrow_windows"] == 1
    assert flag(s["flag_lateral_thigh"]) is False
    assert flag(s["flag_too_fast"]) is None
    assert flag(s["flag_standalone"]) is True
    assert flag(s["flag_narrow"]) is True


def test_summary_dtypes():
    summary = M.summarize(export())
    for c in ("flag_lateral_thigh", "flag_too_fast", "flag_standalone", "flag_narrow"):
        assert summary[c].dtype == "boolean", c
    for c in ("first_night", "last_night", "progression_night"):
        assert pd.api.types.is_datetime64_dtype(summary[c].dtype), c


def test_summary_with_until_ends_observation_there():
    # until 5 Mar: s1 nights 2..5 = 4; rolled 0, 100, 100, 0 -> compliant 2, cumulative 200
    # -> no progression; the 6 Mar segment is ignored: seconds_unspecified 0, sessions 2
    s = one(M.summarize(export(), until="2026-03-05"), "s1")
    assert s["last_night"] == N(5)
    assert s["nights_observed"] == 4
    assert s["compliant_nights"] == 2
    assert s["rolled_s"] == 200
    assert s["seconds_unspecified"] == 0
    assert is_na(s["progression_night"])
    assert s["sessions"] == 2
