"""Compliance and the nights table, worked by hand from docs/rules.md and docs/definitions.md.

Default program: daily.minimum_s = 60, night.day_start = 04:00, unspecified counts.
All starts are written with the offset +01:00 and read on that wall clock.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.program import Program

try:
    from metrics_helpers import N, by_night, flag, is_na, nights_list, of, row, segments
except ImportError:  # pragma: no cover - tests/ made a package
    from tests.metrics_helpers import N, by_night, flag, is_na, nights_list, of, row, segments

REGIONS = ("thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back", "thigh_lateral",
           "thigh_inner", "calf", "hip", "unspecified", "other")


def test_nights_table_has_the_documented_columns():
    nights = M.nights(segments([row(3, 60)]))
    expected = ["subject_id", "night", "night_index", "rolled_s",
                *[f"seconds_{r}" for r in REGIONS], "strengthening_s", "segments", "compliant",
                "cumulative_s", "phase", "maintenance_window", "check_window", "lateral_s",
                "thigh_s", "lateral_share"]
    missing = [c for c in expected if c not in nights.columns]
    assert missing == []


def test_59_seconds_is_not_compliant_60_is():
    # night 3 Mar: 59 s quads -> 59 < 60 -> not compliant
    # night 4 Mar: 60 s quads -> 60 >= 60 -> compliant
    nights = M.nights(segments([row(3, 59), row(4, 60)]))
    n = by_night(nights)
    assert list(n) == [N(3), N(4)]
    assert n[N(3)]["rolled_s"] == 59
    assert flag(n[N(3)]["compliant"]) is False
    assert n[N(4)]["rolled_s"] == 60
    assert flag(n[N(4)]["compliant"]) is True


def test_compliant_is_a_nullable_boolean_and_night_a_midnight():
    nights = M.nights(segments([row(3, 60)]))
    # `compliant` is never unknown, so a plain or a nullable boolean will do
    assert pd.api.types.is_bool_dtype(nights["compliant"].dtype)
    assert nights["night"].dtype == "datetime64[us]"
    assert nights["night"].iloc[0] == pd.Timestamp("2026-03-03")


def test_two_30s_segments_either_side_of_midnight_make_one_compliant_night():
    # 23:50 on 3 Mar -> 19:50 on 3 Mar after subtracting day_start 04:00 -> night 3 Mar
    # 00:30 on 4 Mar -> 20:30 on 3 Mar -> night 3 Mar
    # 30 + 30 = 60 >= 60 -> compliant; one night only (observation ends at its latest night, 3 Mar)
    nights = M.nights(segments([row(3, 30, hhmm="23:50"), row(4, 30, hhmm="00:30")]))
    n = by_night(nights)
    assert list(n) == [N(3)]
    assert n[N(3)]["rolled_s"] == 60
    assert n[N(3)]["segments"] == 2
    assert flag(n[N(3)]["compliant"]) is True


def test_day_start_boundary_0359_and_0400():
    # 03:59 on 5 Mar -> night 4 Mar (30 s); 04:00 on 5 Mar -> night 5 Mar (30 s)
    # 21:00 on 4 Mar 30 s -> night 4 Mar: 30 + 30 = 60 compliant; night 5 Mar: 30 not compliant
    nights = M.nights(segments([row(4, 30), row(5, 30, hhmm="03:59"), row(5, 30, hhmm="04:00")]))
    n = by_night(nights)
    assert list(n) == [N(4), N(5)]
    assert n[N(4)]["rolled_s"] == 60 and flag(n[N(4)]["compliant"]) is True
    assert n[N(5)]["rolled_s"] == 30 and flag(n[N(5)]["compliant"]) is False


def test_rolling_on_other_does_not_count():
    # night 3 Mar: 100 s rolling on `other` + 30 s quads -> hips and legs = 30 -> not compliant
    # night 4 Mar: 600 s on `other` only -> rolled_s 0, not compliant
    nights = M.nights(segments([row(3, 100, "other"), row(3, 30, "quads", hhmm="21:05"),
                                row(4, 600, "other")]))
    n = by_night(nights)
    assert n[N(3)]["rolled_s"] == 30
    assert n[N(3)]["seconds_other"] == 100
    assert n[N(3)]["seconds_thigh_front"] == 30
    assert flag(n[N(3)]["compliant"]) is False
    assert n[N(4)]["rolled_s"] == 0
    assert n[N(4)]["seconds_other"] == 600
    assert flag(n[N(4)]["compliant"]) is False


def test_strengthening_does_not_count():
    # night 3 Mar: 120 s strengthening (region quads) + 30 s rolling on quads
    # -> rolled_s 30 (rolling only), seconds_thigh_front 30 (rolling only), strengthening_s 120,
    #    segments 1 (rolling segments), not compliant
    nights = M.nights(segments([row(3, 120, "quads", activity="strengthening"),
                                row(3, 30, "quads", hhmm="21:10")]))
    n = by_night(nights)
    r = n[N(3)]
    assert r["rolled_s"] == 30
    assert r["seconds_thigh_front"] == 30
    assert r["strengthening_s"] == 120
    assert r["segments"] == 1
    assert flag(r["compliant"]) is False


def test_strengthening_alone_is_not_compliant_and_not_cumulative():
    # 3 Mar: 600 s strengthening only -> rolled_s 0, cumulative 0, not compliant
    nights = M.nights(segments([row(3, 600, "hip", activity="strengthening")]))
    r = by_night(nights)[N(3)]
    assert r["rolled_s"] == 0
    assert r["cumulative_s"] == 0
    assert flag(r["compliant"]) is False


def test_unspecified_counts_by_default():
    # 3 Mar: 60 s rolling with region `unspecified` -> counts -> rolled_s 60, compliant
    nights = M.nights(segments([row(3, 60, "unspecified")]))
    r = by_night(nights)[N(3)]
    assert r["rolled_s"] == 60
    assert r["seconds_unspecified"] == 60
    assert flag(r["compliant"]) is True


def test_empty_region_cell_is_unspecified_and_counts():
    # an empty region cell reads as `unspecified` (docs/rules.md, Regions) -> counts by default
    nights = M.nights(segments([row(3, 60, "")]))
    r = by_night(nights)[N(3)]
    assert r["seconds_unspecified"] == 60
    assert r["rolled_s"] == 60
    assert flag(r["compliant"]) is True


def test_unspecified_does_not_count_when_the_program_says_so():
    # daily.unspecified_counts = False:
    # 3 Mar: 60 s unspecified -> rolled_s 0 -> not compliant; seconds_unspecified still 60
    # 4 Mar: 40 s unspecified + 30 s calf -> rolled_s 30 -> not compliant
    program = Program.default().replace(daily={"unspecified_counts": False})
    segs = segments([row(3, 60, "unspecified"), row(4, 40, "unspecified"),
                     row(4, 30, "calf", hhmm="21:05")], program)
    n = by_night(M.nights(segs, program=program))
    assert n[N(3)]["rolled_s"] == 0
    assert n[N(3)]["seconds_unspecified"] == 60
    assert flag(n[N(3)]["compliant"]) is False
    assert n[N(4)]["rolled_s"] == 30
    assert flag(n[N(4)]["compliant"]) is False
    # and with the default program the same table: 60 -> compliant, 70 -> compliant
    d = by_night(M.nights(segs))
    assert d[N(3)]["rolled_s"] == 60 and flag(d[N(3)]["compliant"]) is True
    assert d[N(4)]["rolled_s"] == 70 and flag(d[N(4)]["compliant"]) is True


def test_program_minimum_changes_compliance():
    # daily.minimum_s = 90: 60 s -> not compliant, 90 s -> compliant
    program = Program.default().replace(daily={"minimum_s": 90})
    n = by_night(M.nights(segments([row(3, 60), row(4, 90)], program), program=program))
    assert flag(n[N(3)]["compliant"]) is False
    assert flag(n[N(4)]["compliant"]) is True


def test_symptom_triggered_sessions_count_like_any_other():
    # 3 Mar: 60 s with trigger symptom -> compliant
    # 4 Mar: 30 s routine at 21:00 + 30 s symptom at 23:30 -> 60 -> compliant
    nights = M.nights(segments([row(3, 60, trigger="symptom"), row(4, 30),
                                row(4, 30, hhmm="23:30", trigger="symptom")]))
    n = by_night(nights)
    assert n[N(3)]["rolled_s"] == 60 and flag(n[N(3)]["compliant"]) is True
    assert n[N(4)]["rolled_s"] == 60 and flag(n[N(4)]["compliant"]) is True


def test_nights_with_nothing_appear_with_zero_and_not_compliant():
    # rolling on 3 Mar (60 s) and 6 Mar (60 s) -> nights 3, 4, 5, 6 Mar; 4 and 5 empty
    nights = M.nights(segments([row(3, 60), row(6, 60)]))
    s1 = of(nights)
    assert nights_list(nights) == [N(3), N(4), N(5), N(6)]
    assert list(s1["night_index"]) == [0, 1, 2, 3]
    assert list(s1["rolled_s"]) == [60, 0, 0, 60]
    assert list(s1["segments"]) == [1, 0, 0, 1]
    assert [flag(x) for x in s1["compliant"]] == [True, False, False, True]
    # running total: 60, 60, 60, 120
    assert list(s1["cumulative_s"]) == [60, 60, 60, 120]
    for region in REGIONS:
        assert s1[f"seconds_{region}"].iloc[1] == 0


def test_observation_ends_at_the_latest_night_of_the_whole_table():
    # s1 rolls on 3 Mar only; s2 rolls on 3 Mar and 7 Mar -> one export, one end: 7 Mar
    # s1 nights: 3, 4, 5, 6, 7 Mar (5 rows), 4..7 with 0 s
    nights = M.nights(segments([row(3, 60), row(3, 60, subject_id="s2"),
                                row(7, 60, subject_id="s2")]))
    assert nights_list(nights, "s1") == [N(3), N(4), N(5), N(6), N(7)]
    assert list(of(nights, "s1")["rolled_s"]) == [60, 0, 0, 0, 0]
    assert nights_list(nights, "s2") == [N(3), N(4), N(5), N(6), N(7)]


def test_observation_end_counts_nights_of_any_activity():
    # s1 rolls on 3 Mar; s2 only strengthens, on 6 Mar -> latest night of the table 6 Mar
    # ("all subjects, all activities") -> s1 observed 3, 4, 5, 6 Mar
    nights = M.nights(segments([row(3, 60), row(6, 300, "hip", subject_id="s2",
                                                activity="strengthening")]))
    assert nights_list(nights, "s1") == [N(3), N(4), N(5), N(6)]


def test_observation_starts_at_the_first_night_of_any_activity():
    # s1 strengthens on 2 Mar, rolls on 4 Mar -> observation from 2 Mar: nights 2, 3, 4
    nights = M.nights(segments([row(2, 100, "hip", activity="strengthening"), row(4, 60)]))
    s1 = of(nights)
    assert nights_list(nights) == [N(2), N(3), N(4)]
    assert list(s1["night_index"]) == [0, 1, 2]
    assert list(s1["strengthening_s"]) == [100, 0, 0]
    assert list(s1["rolled_s"]) == [0, 0, 60]


def test_until_extends_observation():
    # rolling on 3 Mar; until 6 Mar -> nights 3, 4, 5, 6 (string and datetime.date alike)
    segs = segments([row(3, 60)])
    for until in ("2026-03-06", dt.date(2026, 3, 6)):
        nights = M.nights(segs, until=until)
        assert nights_list(nights) == [N(3), N(4), N(5), N(6)]
        assert list(of(nights)["rolled_s"]) == [60, 0, 0, 0]


def test_until_cuts_observation_and_later_segments_are_ignored():
    # rolling 3 Mar 60 s, 4 Mar 70 s, 8 Mar 500 s; until 5 Mar -> nights 3, 4, 5;
    # the 8 Mar segment is ignored: cumulative 60, 130, 130 (no 630 anywhere)
    segs = segments([row(3, 60), row(4, 70), row(8, 500)])
    nights = M.nights(segs, until="2026-03-05")
    assert nights_list(nights) == [N(3), N(4), N(5)]
    assert list(of(nights)["rolled_s"]) == [60, 70, 0]
    assert list(of(nights)["cumulative_s"]) == [60, 130, 130]


def test_until_is_a_night_a_segment_after_midnight_of_the_until_night_counts():
    # until 5 Mar; a segment at 01:00 on 6 Mar belongs to the night of 5 Mar (04:00 day start),
    # so it is inside observation: night 5 Mar has 60 s. The one at 04:30 on 6 Mar is night
    # 6 Mar, after until: ignored.
    segs = segments([row(3, 60), row(6, 60, hhmm="01:00"), row(6, 90, hhmm="04:30")])
    nights = M.nights(segs, until="2026-03-05")
    assert nights_list(nights) == [N(3), N(4), N(5)]
    assert list(of(nights)["rolled_s"]) == [60, 0, 60]


def test_per_region_seconds_and_sides_add_up():
    # 3 Mar: quads left 40 + quads right 40 + glutes 30 + calves 25 + IT band 15
    # thigh_front 80, hip 30, calf 25, thigh_lateral 15 -> rolled_s 150
    nights = M.nights(segments([row(3, 40, "quads", side="left"),
                                row(3, 40, "Quadriceps", side="right", hhmm="21:01"),
                                row(3, 30, "glutes", hhmm="21:02"),
                                row(3, 25, "calves", hhmm="21:03"),
                                row(3, 15, "IT band", side="right", hhmm="21:04")]))
    r = by_night(nights)[N(3)]
    assert r["seconds_thigh_front"] == 80
    assert r["seconds_hip"] == 30
    assert r["seconds_calf"] == 25
    assert r["seconds_thigh_lateral"] == 15
    assert r["seconds_thigh_back"] == 0
    assert r["rolled_s"] == 150
    assert r["segments"] == 5


def test_each_subject_has_its_own_nights_and_first_night():
    # s1 first night 3 Mar, s2 first night 5 Mar, end 6 Mar
    nights = M.nights(segments([row(3, 60), row(5, 20, subject_id="s2"),
                                row(6, 60, subject_id="s2")]))
    assert nights_list(nights, "s1") == [N(3), N(4), N(5), N(6)]
    assert nights_list(nights, "s2") == [N(5), N(6)]
    assert list(of(nights, "s2")["night_index"]) == [0, 1]
    assert list(of(nights, "s2")["cumulative_s"]) == [20, 80]


def test_check_window_column_counts_seven_nights_from_the_first():
    # nights 1..15 Mar (rolling on 1 and 15) -> night_index 0..14 -> check_window index // 7
    nights = M.nights(segments([row(1, 60), row(15, 60)]))
    s1 = of(nights)
    assert list(s1["check_window"]) == [0] * 7 + [1] * 7 + [2]


def test_other_activity_is_neither_rolling_nor_strengthening():
    # 3 Mar: 100 s activity `other` (stretching) on quads + 30 s rolling -> rolled_s 30,
    # strengthening_s 0, seconds_thigh_front 30, segments 1
    nights = M.nights(segments([row(3, 100, "quads", activity="stretching"),
                                row(3, 30, hhmm="21:05")]))
    r = by_night(nights)[N(3)]
    assert r["rolled_s"] == 30
    assert r["strengthening_s"] == 0
    assert r["seconds_thigh_front"] == 30
    assert r["segments"] == 1
