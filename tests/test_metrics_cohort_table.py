"""The per-subject table of a selection of a cohort's nights (rollstats.metrics.cohort_table).

A small cohort worked out by hand (2026, times at 21:00 +01:00; the card: 60 s a night, progression
at 300 s in all, maintenance windows of 7 nights met with 2 compliant ones; the export ends on
13 Mar, the latest night in it):

| subject | logged (rolling unless said) | nights | compliant | rolled | side of thigh |
|---|---|---|---|---|---|
| a | quads 100 s on 1-3 Mar; hamstrings 60 s on 5, quads 60 s on 8, IT band 30 s on 12 Mar | 13 | 5 | 450 s | 30 s |
| b | calves 30 s on 2 Mar, 90 s on 6 Mar, 60 s on 13 Mar | 12 | 2 (6, 13 Mar) | 180 s | 0 |
| c | strengthening only, on 3 Mar | 11 | 0 | 0 | 0 |

a reaches 300 s on 3 Mar (its 3rd night): daily phase 1-3 Mar, maintenance from 4 Mar; window 0 is
4-10 Mar (compliant 5 and 8 Mar: met), window 1 is 11-17 Mar, cut at 13 Mar (partial). b never
reaches 300 s. c has no rolling: the summary leaves c out.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from rollstats import nights, summarize
from rollstats.io import canonicalise
from rollstats.metrics.cohort_table import cohort_table, counted_subjects, progression_in_range, select_nights
from rollstats.program import Program


def _rows(subject, region, seconds, days, activity="rolling"):
    return [{"subject_id": subject, "region": region, "duration_s": seconds, "activity": activity,
             "start": f"2026-03-{d:02d}T21:00:00+01:00"} for d in days]


ROWS = (_rows("a", "quads", 100, [1, 2, 3]) + _rows("a", "hamstrings", 60, [5]) + _rows("a", "quads", 60, [8])
        + _rows("a", "IT band", 30, [12]) + _rows("b", "calves", 30, [2]) + _rows("b", "calves", 90, [6])
        + _rows("b", "calves", 60, [13]) + _rows("c", "other", 300, [3], activity="strengthening"))


@pytest.fixture(scope="module")
def segments():
    return canonicalise(pd.DataFrame(ROWS), "hand", Program.default()).segments


@pytest.fixture(scope="module")
def table(segments):
    return nights(segments)


def rows_of(t: pd.DataFrame) -> dict:
    t = t.set_index("subject_id")
    return {s: (int(r.nights_observed), int(r.compliant_nights), float(r.rolled_s), float(r.lateral_thigh_s),
                int(r.maintenance_windows_complete), int(r.maintenance_windows_met)) for s, r in t.iterrows()}


def test_only_subjects_who_rolled_are_counted(table):
    assert counted_subjects(table).tolist() == ["a", "b"]
    assert counted_subjects(table, enrolled=True).tolist() == ["a", "b", "c"]


def test_the_whole_observation(table):
    t = cohort_table(table, subjects=["a", "b"])
    assert rows_of(t) == {"a": (13, 5, 450.0, 30.0, 1, 1), "b": (12, 2, 180.0, 0.0, 0, 0)}
    a, b = t.set_index("subject_id").loc["a"], t.set_index("subject_id").loc["b"]
    assert a.adherence == pytest.approx(5 / 13) and b.adherence == pytest.approx(2 / 12)
    assert str(a.first_night.date()) == "2026-03-01" and str(b.first_night.date()) == "2026-03-02"
    assert str(a.last_night.date()) == str(b.last_night.date()) == "2026-03-13"
    assert str(a.progression_night.date()) == "2026-03-03" and a.nights_to_progression == 3
    assert pd.isna(b.progression_night) and pd.isna(b.nights_to_progression)
    assert a.maintenance_adherence == 1.0 and math.isnan(b.maintenance_adherence)
    # c, given, is a row of 11 nights without rolling; the explorer never gives it (counted_subjects)
    assert rows_of(cohort_table(table))["c"] == (11, 0, 0.0, 0.0, 0, 0)


def test_a_date_range_counts_its_nights_and_the_windows_wholly_inside(table):
    t = cohort_table(table, "2026-03-04", "2026-03-10", subjects=["a", "b"])
    # a: 5 and 8 Mar compliant, 120 s; window 4-10 Mar lies inside. b: 6 Mar, 90 s
    assert rows_of(t) == {"a": (7, 2, 120.0, 0.0, 1, 1), "b": (7, 1, 90.0, 0.0, 0, 0)}
    # progression is of the whole observation, even with 3 Mar outside the range
    assert t.set_index("subject_id").loc["a", "nights_to_progression"] == 3
    # from 5 Mar, window 4-10 Mar is no longer wholly inside
    assert rows_of(cohort_table(table, "2026-03-05", subjects=["a"]))["a"] == (9, 2, 150.0, 30.0, 0, 0)


def test_a_phase_keeps_its_nights_only(table):
    daily = cohort_table(table, phase="daily", subjects=["a", "b"])
    assert rows_of(daily) == {"a": (3, 3, 300.0, 0.0, 0, 0), "b": (12, 2, 180.0, 0.0, 0, 0)}
    assert daily["adherence"].tolist() == [1.0, pytest.approx(2 / 12)]
    maintenance = cohort_table(table, phase="maintenance", subjects=["a", "b"])
    assert rows_of(maintenance) == {"a": (10, 2, 150.0, 30.0, 1, 1)}
    assert str(maintenance["first_night"].iloc[0].date()) == "2026-03-04"
    with pytest.raises(ValueError, match="phase must be one of all, daily, maintenance"):
        cohort_table(table, phase="weekly")


def test_subjects_and_dates_select_nights(table):
    picked = select_nights(table, "2026-03-12", None, ["b"])
    assert picked["subject_id"].unique().tolist() == ["b"] and len(picked) == 2
    assert len(select_nights(table)) == 13 + 12 + 11


def test_progression_is_censored_at_the_end_of_the_range(table):
    times = progression_in_range(table, last="2026-03-02", subjects=["a", "b"])
    assert times.values.tolist() == [["a", 2, False], ["b", 1, False]]
    times = progression_in_range(table, subjects=["a", "b"])
    assert times.values.tolist() == [["a", 3, True], ["b", 12, False]]


def test_the_whole_table_is_the_summary_on_the_shared_columns(segments, table):
    summary = summarize(segments)
    assert summary["subject_id"].tolist() == counted_subjects(table).tolist()
    mine = cohort_table(table, subjects=counted_subjects(table))
    shared = [c for c in mine.columns if c in summary.columns]
    assert shared == ["subject_id", "first_night", "last_night", "nights_observed", "compliant_nights", "rolled_s",
                      "lateral_thigh_s", "progression_night", "nights_to_progression",
                      "maintenance_windows_complete", "maintenance_windows_met", "maintenance_adherence"]
    pd.testing.assert_frame_equal(mine[shared], summary[shared])
