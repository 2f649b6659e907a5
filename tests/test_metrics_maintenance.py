"""Maintenance windows, worked by hand (window_nights 7, min_per_window 2, max_per_window 3).

The shared pattern: 300 s on 1 Mar -> progression night P = 1 Mar (cumulative 300).
Maintenance starts on 2 Mar; windows of 7 nights from there:
  W0  2 -  8 Mar: compliant 3, 5 Mar            -> 2 -> met, not over max
  W1  9 - 15 Mar: compliant 10 Mar              -> 1 -> not met
  W2 16 - 22 Mar: compliant 16, 17, 18, 19 Mar  -> 4 -> met, over max (4 > 3)
  W3 23 - 29 Mar: observation ends 25 Mar (60 s on 25 Mar) -> partial: 3 observed nights,
                  1 compliant, complete False, met NA
Complete windows 3, met 2 (W0, W2), over max 1 (W2) -> maintenance adherence 2/3.
A 30 s night on 12 Mar (not compliant) checks that only compliant nights are counted.
"""
from __future__ import annotations

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.program import Program

try:
    from metrics_helpers import N, by_night, flags, is_na, of, one, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, by_night, flags, is_na, of, one, row, segments

COMPLIANT = [3, 5, 10, 16, 17, 18, 19, 25]


def pattern():
    return segments([row(1, 300)] + [row(d, 60) for d in COMPLIANT] + [row(12, 30)])


def windows_of(segs, program=None):
    w = M.maintenance_windows(M.nights(segs, program=program), program=program)
    return w[w["subject_id"] == "s1"].sort_values("maintenance_window").reset_index(drop=True)


def test_maintenance_window_columns():
    w = M.maintenance_windows(M.nights(pattern()))
    for c in ["subject_id", "maintenance_window", "first_night", "last_night", "nights",
              "compliant_nights", "complete", "met", "over_max"]:
        assert c in w.columns


def test_windows_start_the_night_after_progression():
    w = windows_of(pattern())
    assert list(w["maintenance_window"]) == [0, 1, 2, 3]
    # W0 2..8, W1 9..15, W2 16..22, W3 from 23
    assert list(w["first_night"]) == [N(2), N(9), N(16), N(23)]
    assert list(w["last_night"][:3]) == [N(8), N(15), N(22)]


def test_met_with_two_not_met_with_one_over_max_with_four():
    w = windows_of(pattern())
    assert list(w["nights"]) == [7, 7, 7, 3]             # W3: 23, 24, 25 Mar observed
    assert list(w["compliant_nights"]) == [2, 1, 4, 1]
    assert flags(w["complete"]) == [True, True, True, False]
    assert flags(w["met"]) == [True, False, True, None]  # 2>=2, 1<2, 4>=2, partial -> NA
    assert flags(w["over_max"][:3]) == [False, False, True]  # 2, 1 not > 3; 4 > 3
    assert w["met"].dtype == "boolean"   # NA for a partial window: must be nullable


def test_partial_window_is_not_over_max_with_one_compliant_night():
    # W3 has 1 compliant night: 1 > 3 is false (over_max is a plain comparison, no NA rule)
    w = windows_of(pattern())
    assert flags(w["over_max"])[3] is False


def test_partial_window_last_night_is_the_window_end():
    # "complete (the window's last night is within observation)": W3's last night is
    # 23 + 6 = 29 Mar, beyond the end of observation (25 Mar)
    w = windows_of(pattern())
    assert w["last_night"].iloc[3] == N(29)


def test_maintenance_summary_counts_and_adherence():
    s = one(M.summarize(pattern()))
    assert s["progression_night"] == N(1)
    assert s["maintenance_windows_complete"] == 3
    assert s["maintenance_windows_met"] == 2
    assert s["maintenance_windows_over_max"] == 1
    assert s["maintenance_adherence"] == pytest.approx(2 / 3)


def test_maintenance_window_column_of_the_nights_table():
    n = by_night(M.nights(pattern()))
    assert is_na(n[N(1)]["maintenance_window"])        # progression night: daily phase
    assert n[N(1)]["phase"] == "daily"
    assert n[N(2)]["maintenance_window"] == 0
    assert n[N(8)]["maintenance_window"] == 0
    assert n[N(9)]["maintenance_window"] == 1
    assert n[N(22)]["maintenance_window"] == 2
    assert n[N(25)]["maintenance_window"] == 3
    assert n[N(2)]["phase"] == "maintenance"


def test_window_ending_on_the_last_observed_night_is_complete():
    # until 15 Mar: W0 (2..8) and W1 (9..15) both end within observation -> complete 2,
    # met 1 (W0) -> adherence 1/2
    segs = pattern()
    w = M.maintenance_windows(M.nights(segs, until="2026-03-15"))
    assert flags(w["complete"]) == [True, True]
    s = one(M.summarize(segs, until="2026-03-15"))
    assert s["maintenance_windows_complete"] == 2
    assert s["maintenance_windows_met"] == 1
    assert s["maintenance_adherence"] == 0.5


def test_no_complete_window_gives_nan_adherence():
    # progression 1 Mar, observation ends 5 Mar -> W0 (2..8) is partial: nights 2..5 (4)
    segs = segments([row(1, 300), row(3, 60), row(5, 60)])
    w = windows_of(segs)
    assert len(w) == 1
    assert w["nights"].iloc[0] == 4
    assert w["compliant_nights"].iloc[0] == 2
    assert flags(w["complete"]) == [False]
    assert flags(w["met"]) == [None]
    s = one(M.summarize(segs))
    assert s["maintenance_windows_complete"] == 0
    assert s["maintenance_windows_met"] == 0
    assert pd.isna(s["maintenance_adherence"])


def test_progression_on_the_last_night_has_no_window():
    # 300 s on 3 Mar, which is the end of observation -> no maintenance night, no window
    segs = segments([row(1, 100), row(3, 200)])
    assert len(windows_of(segs)) == 0
    s = one(M.summarize(segs))
    assert s["progression_night"] == N(3)
    assert s["maintenance_windows_complete"] == 0
    assert pd.isna(s["maintenance_adherence"])


def test_a_changed_program_changes_the_windows():
    # window_nights 5, min_per_window 3 (max_per_window stays 3), same pattern:
    #   W0  2 -  6: 3, 5            -> 2 -> not met
    #   W1  7 - 11: 10              -> 1 -> not met
    #   W2 12 - 16: 16 (12 is 30 s) -> 1 -> not met
    #   W3 17 - 21: 17, 18, 19      -> 3 -> met, over max? 3 > 3 no
    #   W4 22 - 26: ends after 25 Mar -> partial (22..25 observed: 4 nights, 1 compliant)
    # complete 4, met 1, over max 0 -> adherence 1/4
    program = Program.default().replace(maintenance={"window_nights": 5, "min_per_window": 3})
    segs = pattern()
    w = windows_of(segs, program)
    assert list(w["first_night"]) == [N(2), N(7), N(12), N(17), N(22)]
    assert list(w["compliant_nights"]) == [2, 1, 1, 3, 1]
    assert list(w["nights"]) == [5, 5, 5, 5, 4]
    assert flags(w["complete"]) == [True, True, True, True, False]
    assert flags(w["met"]) == [False, False, False, True, None]
    assert flags(w["over_max"][:4]) == [False, False, False, False]
    s = one(M.summarize(segs, program=program))
    assert s["maintenance_windows_complete"] == 4
    assert s["maintenance_windows_met"] == 1
    assert s["maintenance_windows_over_max"] == 0
    assert s["maintenance_adherence"] == 0.25


def test_max_per_window_is_a_program_setting():
    # max_per_window 2 (min 2): W2 with 4 -> over; W0 with 2 -> not (2 > 2 false)
    program = Program.default().replace(maintenance={"max_per_window": 2})
    w = windows_of(pattern(), program)
    assert flags(w["over_max"][:3]) == [False, False, True]
    program = Program.default().replace(maintenance={"max_per_window": 5})
    w = windows_of(pattern(), program)
    assert flags(w["over_max"][:3]) == [False, False, False]


def test_windows_follow_each_subjects_own_progression():
    # s2 progresses on 5 Mar (cumulative 100, 100, 100 on 3, 4, 5 Mar) -> W0 from 6 Mar;
    # observation ends 25 Mar (s1's latest night) -> W0 6..12, W1 13..19 complete,
    # W2 20..26 partial. s2 compliant on 6 and 7 Mar only -> W0 met, W1 not met.
    segs = pd.concat([pattern(), segments([row(d, 100, subject_id="s2") for d in (3, 4, 5)]
                                          + [row(d, 60, subject_id="s2") for d in (6, 7)])],
                     ignore_index=True)
    w = M.maintenance_windows(M.nights(segs))
    w2 = w[w["subject_id"] == "s2"].sort_values("maintenance_window").reset_index(drop=True)
    assert list(w2["first_night"]) == [N(6), N(13), N(20)]
    assert list(w2["compliant_nights"]) == [2, 0, 0]
    assert flags(w2["met"]) == [True, False, None]
    s = one(M.summarize(segs), "s2")
    assert s["maintenance_adherence"] == 0.5
