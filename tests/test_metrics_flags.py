"""Mistake flags worked by hand: lateral thigh, too fast (sessions), standalone and narrow.

Defaults: mistakes.lateral_regions = [thigh_lateral], thigh_regions = the six thigh regions,
min_hold_s = 5, min_regions = 3, window_nights = 7; night.session_gap_s = 900.
"""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.program import Program

try:
    from metrics_helpers import N, by_night, flag, flags, is_na, of, one, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, by_night, flag, flags, is_na, of, one, row, segments


# --------------------------------------------------------------------------- lateral thigh

def test_lateral_seconds_and_share_of_thigh_time():
    # 3 Mar: 30 s IT band + 90 s quads + 60 s calf
    # lateral 30; thigh = 30 + 90 = 120 (calf is no thigh) -> share 30 / 120 = 0.25
    segs = segments([row(3, 30, "IT band", side="right"), row(3, 90, "quads", hhmm="21:01"),
                     row(3, 60, "calf", hhmm="21:03")])
    r = by_night(M.nights(segs))[N(3)]
    assert r["lateral_s"] == 30
    assert r["thigh_s"] == 120
    assert r["lateral_share"] == pytest.approx(0.25)
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 30
    assert s["lateral_thigh_share"] == pytest.approx(0.25)
    assert flag(s["flag_lateral_thigh"]) is True


def test_clock_3_right_and_clock_9_left_are_both_lateral():
    # right thigh 3 o'clock 40 s -> thigh_lateral; left thigh 9 o'clock 40 s -> 12 - 9 = 3 ->
    # thigh_lateral; left thigh 3 o'clock 20 s -> 12 - 3 = 9 -> thigh_inner
    # lateral 80, thigh 100 -> share 0.8
    segs = segments([row(3, 40, "thigh", side="right", clock=3),
                     row(3, 40, "thigh", side="left", clock=9, hhmm="21:01"),
                     row(3, 20, "thigh", side="left", clock=3, hhmm="21:02")])
    r = by_night(M.nights(segs))[N(3)]
    assert r["seconds_thigh_lateral"] == 80
    assert r["seconds_thigh_inner"] == 20
    assert r["lateral_s"] == 80
    assert r["thigh_s"] == 100
    assert r["lateral_share"] == pytest.approx(0.8)
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 80
    assert flag(s["flag_lateral_thigh"]) is True


def test_subject_lateral_share_is_a_ratio_of_sums_not_a_mean_of_nights():
    # 3 Mar: 30 lateral + 30 quads (night share 0.5); 4 Mar: 90 quads (night share 0)
    # subject: 30 / (60 + 90) = 0.2 (the mean of nightly shares would be 0.25)
    segs = segments([row(3, 30, "ITB", side="left"), row(3, 30, "quads", hhmm="21:01"),
                     row(4, 90, "quads")])
    n = by_night(M.nights(segs))
    assert n[N(3)]["lateral_share"] == pytest.approx(0.5)
    assert n[N(4)]["lateral_share"] == 0
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 30
    assert s["lateral_thigh_share"] == pytest.approx(0.2)


def test_no_lateral_with_thigh_rolling_is_false():
    # 60 s quads + 60 s hamstrings: lateral 0, thigh 120 -> share 0.0, flag False
    segs = segments([row(3, 60, "quads"), row(3, 60, "hamstrings", hhmm="21:01")])
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 0
    assert s["lateral_thigh_share"] == 0
    assert flag(s["flag_lateral_thigh"]) is False
    assert s["flag_lateral_thigh"] is not pd.NA


def test_no_thigh_time_gives_nan_share_and_false_flag_for_calf_rolling():
    # 60 s calf only: lateral 0, thigh 0 -> share NaN; rolling on a region other than
    # unspecified and none lateral -> flag False
    segs = segments([row(3, 60, "calf")])
    r = by_night(M.nights(segs))[N(3)]
    assert r["thigh_s"] == 0
    assert pd.isna(r["lateral_share"])
    s = one(M.summarize(segs))
    assert pd.isna(s["lateral_thigh_share"])
    assert flag(s["flag_lateral_thigh"]) is False


def test_only_unspecified_rolling_gives_na_flag():
    # 60 s + 80 s unspecified: the data cannot say where -> flag NA, share NaN, lateral 0
    segs = segments([row(3, 60, "unspecified"), row(4, 80, "")])
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 0
    assert pd.isna(s["lateral_thigh_share"])
    assert flag(s["flag_lateral_thigh"]) is None
    assert M.summarize(segs)["flag_lateral_thigh"].dtype == "boolean"


def test_lateral_strengthening_is_not_lateral_rolling():
    # 60 s strengthening on IT band + 60 s rolling on quads -> lateral 0, flag False
    segs = segments([row(3, 60, "IT band", activity="strengthening"),
                     row(3, 60, "quads", hhmm="21:05")])
    s = one(M.summarize(segs))
    assert s["lateral_thigh_s"] == 0
    assert flag(s["flag_lateral_thigh"]) is False


# --------------------------------------------------------------------------- too fast / sessions

def sessions_of(segs, subject="s1", program=None):
    s = M.sessions(segs, program=program)
    return s[s["subject_id"] == subject].sort_values("first_start").reset_index(drop=True)


def test_sessions_columns():
    s = M.sessions(segments([row(3, 60, hold_count=4, hold_s=12)]))
    for c in ["subject_id", "session", "first_start", "night", "segments", "rolled_s",
              "hold_count", "hold_s", "mean_hold_s", "too_fast", "symptom"]:
        assert c in s.columns
    assert s["too_fast"].dtype == "boolean"


def test_mean_hold_3s_is_too_fast():
    # 4 holds, 12 s -> mean 3 s < 5 -> too fast
    s = sessions_of(segments([row(3, 60, hold_count=4, hold_s=12)]))
    assert len(s) == 1
    assert s["hold_count"].iloc[0] == 4
    assert s["hold_s"].iloc[0] == 12
    assert s["mean_hold_s"].iloc[0] == pytest.approx(3.0)
    assert flags(s["too_fast"]) == [True]


def test_mean_hold_6s_is_not_too_fast():
    # 4 holds, 24 s -> 6 s >= 5 -> not too fast
    s = sessions_of(segments([row(3, 60, hold_count=4, hold_s=24)]))
    assert s["mean_hold_s"].iloc[0] == pytest.approx(6.0)
    assert flags(s["too_fast"]) == [False]


def test_mean_hold_is_over_the_whole_session():
    # 21:00 60 s with 2 holds / 4 s (2 s each), 21:01 60 s with 2 holds / 16 s (8 s each):
    # one session (gap 0); mean = (4 + 16) / (2 + 2) = 5 s -> not under 5 -> not too fast
    s = sessions_of(segments([row(3, 60, hold_count=2, hold_s=4),
                              row(3, 60, hhmm="21:01", hold_count=2, hold_s=16)]))
    assert len(s) == 1
    assert s["segments"].iloc[0] == 2
    assert s["hold_count"].iloc[0] == 4
    assert s["hold_s"].iloc[0] == 20
    assert s["mean_hold_s"].iloc[0] == pytest.approx(5.0)
    assert flags(s["too_fast"]) == [False]


def test_no_hold_data_is_unknown():
    # no hold_count / hold_s logged -> mean hold NA, too_fast NA
    s = sessions_of(segments([row(3, 60)]))
    assert is_na(s["mean_hold_s"].iloc[0])
    assert flags(s["too_fast"]) == [None]
    summary = one(M.summarize(segments([row(3, 60)])))
    assert flag(summary["flag_too_fast"]) is None
    assert summary["too_fast_sessions"] == 0


def test_only_segments_logging_both_with_holds_count():
    # segment A: 2 holds / 4 s (logs both, count > 0) -> used
    # segment B: 3 holds, hold_s not logged -> not used
    # segment C: 0 holds / 0 s -> count not > 0 -> not used
    # mean = 4 / 2 = 2 s -> too fast
    s = sessions_of(segments([row(3, 60, hold_count=2, hold_s=4),
                              row(3, 60, hhmm="21:01", hold_count=3),
                              row(3, 60, hhmm="21:02", hold_count=0, hold_s=0)]))
    assert len(s) == 1
    assert s["mean_hold_s"].iloc[0] == pytest.approx(2.0)
    assert flags(s["too_fast"]) == [True]


def test_zero_holds_only_is_unknown():
    s = sessions_of(segments([row(3, 60, hold_count=0, hold_s=0)]))
    assert flags(s["too_fast"]) == [None]


def test_session_gap_of_900s_joins_901s_splits():
    # A 21:00:00 + 60 s -> ends 21:01:00; B starts 21:16:00 -> gap 900 -> same session
    # B + 60 s ends 21:17:00; C starts 21:32:01 -> gap 901 > 900 -> new session
    s = sessions_of(segments([row(3, 60, hhmm="21:00:00"), row(3, 60, hhmm="21:16:00"),
                              row(3, 60, hhmm="21:32:01")]))
    assert list(s["segments"]) == [2, 1]
    assert list(s["rolled_s"]) == [120, 60]


def test_session_gap_is_measured_from_the_latest_end_so_far():
    # A 21:00 1800 s -> ends 21:30; B 21:05 60 s (inside A) -> ends 21:06;
    # C 21:40 -> gap from the latest end (21:30) = 600 s <= 900 -> one session
    # (measured from B's end it would be 2040 s and split)
    s = sessions_of(segments([row(3, 1800, hhmm="21:00"), row(3, 60, "calf", hhmm="21:05"),
                              row(3, 60, "hip", hhmm="21:40")]))
    assert list(s["segments"]) == [3]
    assert list(s["rolled_s"]) == [1920]


def test_session_gap_is_a_program_setting():
    # session_gap_s 600: gap 900 now splits
    program = Program.default().replace(night={"session_gap_s": 600})
    segs = segments([row(3, 60, hhmm="21:00:00"), row(3, 60, hhmm="21:16:00")], program)
    assert list(sessions_of(segs, program=program)["segments"]) == [1, 1]


def test_sessions_bridge_over_strengthening_segments():
    # rolling 21:00 60 s (ends 21:01), strengthening 21:10 600 s (ends 21:20),
    # rolling 21:30 60 s: gaps 540 and 600 -> one session of any activity;
    # rolled_s = 60 + 60 = 120 (strengthening is no rolling). (Whether the `segments` column
    # counts the strengthening segment is not defined, so it is not asserted.)
    s = sessions_of(segments([row(3, 60), row(3, 600, "hip", hhmm="21:10", activity="strengthening"),
                              row(3, 60, hhmm="21:30")]))
    assert len(s) == 1
    assert list(s["rolled_s"]) == [120]
    # without the strengthening segment the gap 21:01 -> 21:30 is 1740 s > 900: two sessions
    s = sessions_of(segments([row(3, 60), row(3, 60, hhmm="21:30")]))
    assert list(s["rolled_s"]) == [60, 60]


def test_session_across_midnight_is_one_session_of_its_night():
    # 23:55 on 3 Mar 600 s (ends 00:05), 00:10 on 4 Mar -> gap 300 -> one session, night 3 Mar
    s = sessions_of(segments([row(3, 600, hhmm="23:55"), row(4, 60, hhmm="00:10")]))
    assert len(s) == 1
    assert s["night"].iloc[0] == N(3)


def test_sessions_of_different_subjects_never_merge():
    segs = segments([row(3, 60), row(3, 60, hhmm="21:01", subject_id="s2")])
    assert len(sessions_of(segs, "s1")) == 1
    assert len(sessions_of(segs, "s2")) == 1


def test_symptom_sessions_and_too_fast_subject_flag():
    # session 1, 3 Mar 21:00: routine, 4 holds / 12 s -> too fast
    # session 2, 4 Mar 21:00: 30 s routine + 30 s symptom at 21:01 -> symptom session,
    #            4 holds / 24 s -> not too fast
    # session 3, 5 Mar 21:00: symptom, no holds -> NA
    segs = segments([row(3, 60, hold_count=4, hold_s=12),
                     row(4, 30, hold_count=4, hold_s=24),
                     row(4, 30, hhmm="21:01", trigger="symptom"),
                     row(5, 60, trigger="symptom")])
    s = sessions_of(segs)
    assert flags(s["too_fast"]) == [True, False, None]
    assert [bool(x) for x in s["symptom"]] == [False, True, True]
    summary = one(M.summarize(segs))
    assert summary["sessions"] == 3
    assert summary["symptom_sessions"] == 2
    assert summary["too_fast_sessions"] == 1
    assert flag(summary["flag_too_fast"]) is True


def test_too_fast_subject_flag_false_when_hold_data_and_none_too_fast():
    # one session 6 s mean, one session without holds -> False (some data, none too fast)
    segs = segments([row(3, 60, hold_count=2, hold_s=12), row(4, 60)])
    summary = one(M.summarize(segs))
    assert flag(summary["flag_too_fast"]) is False
    assert summary["too_fast_sessions"] == 0


def test_min_hold_is_a_program_setting():
    # min_hold_s 7: mean 6 s -> too fast
    program = Program.default().replace(mistakes={"min_hold_s": 7})
    s = sessions_of(segments([row(3, 60, hold_count=4, hold_s=24)]), program=program)
    assert flags(s["too_fast"]) == [True]


def test_summary_sessions_counts_only_sessions_with_rolling():
    # 3 Mar 21:00 rolling; 4 Mar 10:00 strengthening alone (its own session) -> sessions 1
    segs = segments([row(3, 60), row(4, 600, "hip", hhmm="10:00", activity="strengthening")])
    assert one(M.summarize(segs))["sessions"] == 1


# --------------------------------------------------------------------------- check windows

def cw_of(segs, exercises_logged=True, subject="s1", program=None, until=None):
    w = M.check_windows(M.nights(segs, program=program, until=until), program=program,
                        exercises_logged=exercises_logged)
    return w[w["subject_id"] == subject].sort_values("check_window").reset_index(drop=True)


def test_check_window_columns():
    w = M.check_windows(M.nights(segments([row(1, 60)])))
    for c in ["subject_id", "check_window", "first_night", "last_night", "rolled_s",
              "strengthening_s", "regions_covered", "standalone", "narrow"]:
        assert c in w.columns
    assert w["standalone"].dtype == "boolean"
    assert w["narrow"].dtype == "boolean"


def test_standalone_with_and_without_strengthening():
    # windows from the first night 1 Mar: W0 1..7, W1 8..14, W2 15..21 (partial, ends 15 Mar)
    # W0: rolling 1 Mar + strengthening 3 Mar  -> not standalone
    # W1: rolling 9 Mar only                    -> standalone
    # W2: rolling 15 Mar only (partial window)  -> standalone
    segs = segments([row(1, 60), row(3, 300, "hip", activity="strengthening"),
                     row(9, 60), row(15, 60)])
    w = cw_of(segs)
    assert list(w["first_night"]) == [N(1), N(8), N(15)]
    assert list(w["strengthening_s"]) == [300, 0, 0]
    assert list(w["rolled_s"]) == [60, 60, 60]
    assert flags(w["standalone"]) == [False, True, True]
    s = one(M.summarize(segs))
    assert s["standalone_windows"] == 2
    assert flag(s["flag_standalone"]) is True


def test_standalone_false_subject_flag():
    # W0 with strengthening on 2 Mar and rolling on 1 Mar; end 5 Mar -> one window, not standalone
    segs = segments([row(1, 60), row(2, 100, "calf", activity="strengthening"), row(5, 60)])
    s = one(M.summarize(segs))
    assert s["standalone_windows"] == 0
    assert flag(s["flag_standalone"]) is False


def test_standalone_unknown_when_the_table_holds_only_rolling():
    # no non-rolling segment anywhere -> every window NA, subject flag NA
    segs = segments([row(1, 60), row(9, 60), row(10, 60, subject_id="s2")])
    assert flags(cw_of(segs, exercises_logged=False)["standalone"]) == [None, None]
    s = one(M.summarize(segs))
    assert flag(s["flag_standalone"]) is None
    assert s["standalone_windows"] == 0


def test_standalone_known_when_another_subject_logged_strengthening():
    # the table (not the subject) decides whether exercises were logged: s2 strengthens, so
    # s1's windows without strengthening are standalone
    segs = segments([row(1, 60), row(9, 60),
                     row(10, 300, "hip", subject_id="s2", activity="strengthening")])
    s = one(M.summarize(segs))
    assert flag(s["flag_standalone"]) is True
    assert s["standalone_windows"] == 2


def test_standalone_known_when_other_activity_is_logged():
    # a segment of activity `other` is "a segment other than rolling": the export logs other
    # exercises, so rolling without strengthening is standalone
    segs = segments([row(1, 60), row(2, 300, "other", activity="other")])
    assert flag(one(M.summarize(segs))["flag_standalone"]) is True


def test_window_without_rolling_is_na_for_both_checks():
    # W0 1..7: rolling 1 Mar (quads, hamstrings, calf) + strengthening 2 Mar -> standalone False,
    #          3 regions -> narrow False
    # W1 8..14: strengthening on 9 Mar only, no rolling -> standalone NA, narrow NA
    # W2 15: rolling 15 Mar quads only -> standalone True, narrow True (1 region)
    segs = segments([row(1, 60, "quads"), row(1, 60, "hamstrings", hhmm="21:01"),
                     row(1, 60, "calf", hhmm="21:02"),
                     row(2, 200, "hip", activity="strengthening"),
                     row(9, 200, "hip", activity="strengthening"),
                     row(15, 60, "quads")])
    w = cw_of(segs)
    assert list(w["regions_covered"]) == [3, 0, 1]
    assert flags(w["standalone"]) == [False, None, True]
    assert flags(w["narrow"]) == [False, None, True]


def test_narrow_two_regions_not_narrow_three_na_unspecified():
    # W0 1..7:   quads 1 Mar + calf 2 Mar (both sides of quads)        -> 2 regions -> narrow
    # W1 8..14:  quads, hamstrings, glutes on 9 Mar                     -> 3 -> not narrow
    # W2 15..21: unspecified only on 16 Mar                             -> NA
    # W3 22..28: unspecified + IT band + hip on 23 Mar                 -> 2 (unspecified no region)
    #            -> narrow
    # W4 29:     quads + calf + 100 s on `other` on 29 Mar             -> 2 (other no region) -> narrow
    rows = [row(1, 60, "quads", side="left"), row(1, 60, "quads", side="right", hhmm="21:01"),
            row(2, 60, "calf"),
            row(9, 60, "quads"), row(9, 60, "hamstrings", hhmm="21:01"), row(9, 60, "glutes", hhmm="21:02"),
            row(16, 60, "unspecified"),
            row(23, 60, "unspecified"), row(23, 30, "IT band", side="left", hhmm="21:01"),
            row(23, 30, "hip", hhmm="21:02"),
            row(29, 60, "quads"), row(29, 60, "calf", hhmm="21:01"), row(29, 100, "other", hhmm="21:02")]
    segs = segments(rows)
    w = cw_of(segs, exercises_logged=False)
    assert list(w["first_night"]) == [N(1), N(8), N(15), N(22), N(29)]
    assert list(w["regions_covered"]) == [2, 3, 0, 2, 2]
    assert flags(w["narrow"]) == [True, False, None, True, True]
    s = one(M.summarize(segs))
    assert s["narrow_windows"] == 3
    assert flag(s["flag_narrow"]) is True


def test_narrow_subject_flag_false_and_na():
    # only a window with 3 regions -> False; only unspecified -> NA
    ok = segments([row(1, 60, "quads"), row(1, 60, "calf", hhmm="21:01"), row(1, 60, "hip", hhmm="21:02")])
    s = one(M.summarize(ok))
    assert flag(s["flag_narrow"]) is False
    assert s["narrow_windows"] == 0
    unknown = segments([row(1, 60, "unspecified")])
    assert flag(one(M.summarize(unknown))["flag_narrow"]) is None


def test_narrow_ignores_strengthening_regions():
    # rolling quads + calf; strengthening on hip -> 2 rolled regions -> narrow
    segs = segments([row(1, 60, "quads"), row(1, 60, "calf", hhmm="21:01"),
                     row(1, 60, "hip", hhmm="21:02", activity="strengthening")])
    w = cw_of(segs)
    assert list(w["regions_covered"]) == [2]
    assert flags(w["narrow"]) == [True]


def test_min_regions_and_window_nights_are_program_settings():
    # min_regions 2: quads + calf -> not narrow
    program = Program.default().replace(mistakes={"min_regions": 2})
    segs = segments([row(1, 60, "quads"), row(2, 60, "calf")])
    assert flags(cw_of(segs, program=program)["narrow"]) == [False]
    # window_nights 3 with rolling 1 Mar quads and 4 Mar calf: W0 1..3 and W1 4 -> two windows
    program = Program.default().replace(mistakes={"window_nights": 3})
    segs = segments([row(1, 60, "quads"), row(4, 60, "calf")])
    w = cw_of(segs, program=program)
    assert list(w["first_night"]) == [N(1), N(4)]
    assert list(w["regions_covered"]) == [1, 1]


def test_symptom_session_is_any_segment_with_trigger_symptom():
    # definitions: symptom_sessions = sessions with rolling "started by symptoms: any segment with
    # trigger = symptom". Session: rolling 21:00 60 s (routine) + strengthening 21:01 120 s
    # with trigger symptom (gap 0) -> one session with rolling, one of its segments is symptom
    # -> symptom session
    segs = segments([row(3, 60), row(3, 120, "hip", hhmm="21:01", activity="strengthening",
                                     trigger="symptom")])
    s = sessions_of(segs)
    assert len(s) == 1
    assert [bool(x) for x in s["symptom"]] == [True]
    summary = one(M.summarize(segs))
    assert summary["sessions"] == 1
    assert summary["symptom_sessions"] == 1


def test_session_gaps_are_absolute_time_for_a_traveller():
    # 23:00+01:00 (22:00 UTC) 60 s -> ends 22:01 UTC; next record 17:10-05:00 = 22:10 UTC
    # -> gap 540 s -> one session (the wall clocks differ by hours, the instants by 9 minutes)
    segs = segments([{"subject_id": "s1", "start": "2026-03-03T23:00:00+01:00", "duration_s": 60,
                      "region": "quads"},
                     {"subject_id": "s1", "start": "2026-03-03T17:10:00-05:00", "duration_s": 60,
                      "region": "calf"}])
    s = sessions_of(segs)
    assert len(s) == 1
    assert list(s["rolled_s"]) == [120]


def test_session_across_the_dst_change_keeps_its_true_gap():
    # Europe, 29 Mar 2026: 01:55+01:00 600 s ends 02:05 CET = 01:05 UTC; next at 03:10+02:00 =
    # 01:10 UTC -> gap 300 s -> one session, night 28 Mar (both wall clocks before 04:00)
    segs = segments([{"subject_id": "s1", "start": "2026-03-29T01:55:00+01:00", "duration_s": 600,
                      "region": "quads"},
                     {"subject_id": "s1", "start": "2026-03-29T03:10:00+02:00", "duration_s": 60,
                      "region": "calf"}])
    s = sessions_of(segs)
    assert len(s) == 1
    assert s["night"].iloc[0] == N(28)
    assert list(s["rolled_s"]) == [660]
