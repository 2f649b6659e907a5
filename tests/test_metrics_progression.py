"""Progression and phases, worked by hand (progression.total_s = 300, mode cumulative)."""
from __future__ import annotations

import pandas as pd

from rollstats import metrics as M
from rollstats.program import Program

try:
    from metrics_helpers import N, is_na, of, one, row, segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import N, is_na, of, one, row, segments


def test_cumulative_progression_on_the_night_the_total_reaches_300():
    # nights 3, 4, 5, 6, 7 Mar with 100, 100, 50, 60, 10 s
    # cumulative 100, 200, 250, 310, 320 -> first >= 300 on 6 Mar (night 4 of observation)
    segs = segments([row(3, 100), row(4, 100), row(5, 50), row(6, 60), row(7, 10)])
    nights = of(M.nights(segs))
    assert list(nights["cumulative_s"]) == [100, 200, 250, 310, 320]
    assert list(nights["phase"]) == ["daily", "daily", "daily", "daily", "maintenance"]
    s = one(M.summarize(segs))
    assert s["progression_night"] == pd.Timestamp("2026-03-06")
    # 3, 4, 5, 6 Mar counted, both ends included -> 4
    assert s["nights_to_progression"] == 4
    # daily phase 3..6 Mar: 4 nights; compliant: 100, 100 -> yes; 50 -> no; 60 -> yes -> 3
    assert s["daily_phase_nights"] == 4
    assert s["daily_phase_compliant_nights"] == 3
    assert s["daily_adherence"] == 0.75


def test_exactly_300_reaches_progression():
    # 200 + 100 = 300 on the second night -> progression 4 Mar; 3rd night is maintenance
    segs = segments([row(3, 200), row(4, 100), row(5, 60)])
    nights = of(M.nights(segs))
    assert list(nights["cumulative_s"]) == [200, 300, 360]
    assert list(nights["phase"]) == ["daily", "daily", "maintenance"]
    s = one(M.summarize(segs))
    assert s["progression_night"] == N(4)
    assert s["nights_to_progression"] == 2


def test_299_does_not_reach_progression():
    # 200 + 99 = 299 < 300 -> no progression
    segs = segments([row(3, 200), row(4, 99)])
    s = one(M.summarize(segs))
    assert is_na(s["progression_night"])


def test_progression_on_the_first_night():
    # 300 s on 3 Mar alone -> progression night 3 Mar, nights_to_progression 1,
    # daily phase = 1 night; 4 and 5 Mar are maintenance
    segs = segments([row(3, 300), row(5, 60)])
    nights = of(M.nights(segs))
    assert list(nights["phase"]) == ["daily", "maintenance", "maintenance"]
    s = one(M.summarize(segs))
    assert s["progression_night"] == N(3)
    assert s["nights_to_progression"] == 1
    assert s["daily_phase_nights"] == 1
    assert s["daily_phase_compliant_nights"] == 1
    assert s["daily_adherence"] == 1.0


def test_cumulative_counts_empty_nights_and_starts_at_observation():
    # 3 Mar 150, 4-6 Mar nothing, 7 Mar 150 -> cumulative 150,150,150,150,300 -> progression 7 Mar,
    # nights_to_progression 5 (3..7 Mar)
    segs = segments([row(3, 150), row(7, 150)])
    s = one(M.summarize(segs))
    assert s["progression_night"] == N(7)
    assert s["nights_to_progression"] == 5


def test_single_night_mode_needs_one_night_alone():
    # nights 3..7 Mar: 100, 200, 250, 300, 10 s
    # cumulative mode: 100, 300 -> progression 4 Mar
    # single_night mode: first night alone >= 300 -> 6 Mar (300), nights_to_progression 4
    segs = segments([row(3, 100), row(4, 200), row(5, 250), row(6, 300), row(7, 10)])
    assert one(M.summarize(segs))["progression_night"] == N(4)

    program = Program.default().replace(progression={"mode": "single_night"})
    s = one(M.summarize(segs, program=program))
    assert s["progression_night"] == N(6)
    assert s["nights_to_progression"] == 4
    nights = of(M.nights(segs, program=program))
    assert list(nights["phase"]) == ["daily"] * 4 + ["maintenance"]


def test_single_night_mode_adds_segments_of_one_night():
    # single_night: 3 Mar has 200 s at 21:00 and 100 s at 00:30 on 4 Mar (same night) -> 300
    program = Program.default().replace(progression={"mode": "single_night"})
    segs = segments([row(2, 250), row(3, 200), row(4, 100, hhmm="00:30")])
    s = one(M.summarize(segs, program=program))
    assert s["progression_night"] == N(3)
    assert s["nights_to_progression"] == 2


def test_never_progressing_stays_daily():
    # 5 nights of 50 s -> cumulative 250 < 300 -> no progression; all nights daily,
    # maintenance_window NA everywhere, daily phase = whole observation
    segs = segments([row(d, 50) for d in range(3, 8)])
    nights = of(M.nights(segs))
    assert list(nights["phase"]) == ["daily"] * 5
    assert nights["maintenance_window"].isna().all()
    s = one(M.summarize(segs))
    assert is_na(s["progression_night"])
    assert is_na(s["nights_to_progression"])
    assert s["nights_observed"] == 5
    assert s["daily_phase_nights"] == 5
    assert s["daily_phase_compliant_nights"] == 0
    assert s["daily_adherence"] == 0.0
    assert s["maintenance_windows_complete"] == 0
    assert s["maintenance_windows_met"] == 0
    assert pd.isna(s["maintenance_adherence"])
    assert len(M.maintenance_windows(M.nights(segs))) == 0


def test_strengthening_and_other_do_not_progress():
    # 3 Mar: 400 s strengthening, 400 s rolling on other, 100 s quads -> cumulative 100 only
    segs = segments([row(3, 400, "hip", activity="strengthening"),
                     row(3, 400, "other", hhmm="21:10"), row(3, 100, hhmm="21:20")])
    nights = of(M.nights(segs))
    assert list(nights["cumulative_s"]) == [100]
    assert is_na(one(M.summarize(segs))["progression_night"])


def test_unspecified_progresses_only_when_it_counts():
    # 3 Mar 300 s unspecified: default -> progression 3 Mar; unspecified_counts False -> none
    segs = segments([row(3, 300, "unspecified"), row(4, 60)])
    assert one(M.summarize(segs))["progression_night"] == N(3)
    program = Program.default().replace(daily={"unspecified_counts": False})
    s = one(M.summarize(segs, program=program))
    assert is_na(s["progression_night"])


def test_progression_total_is_a_program_setting():
    # total_s 120: 100 + 100 -> cumulative 200 >= 120 on 4 Mar (100 < 120 on 3 Mar)
    program = Program.default().replace(progression={"total_s": 120})
    segs = segments([row(3, 100), row(4, 100), row(5, 100)])
    assert one(M.summarize(segs, program=program))["progression_night"] == N(4)


def test_progression_night_type_is_a_timestamp():
    segs = segments([row(3, 300), row(4, 60), row(1, 60, subject_id="s2")])
    s = M.summarize(segs)
    assert isinstance(one(s)["progression_night"], pd.Timestamp)
    # s2: 60 s only -> NaT
    assert one(s, "s2")["progression_night"] is pd.NaT
