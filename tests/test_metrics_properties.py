"""Properties of the metrics over generated exports (hypothesis).

Durations and hold seconds are whole numbers, so every sum is exact whatever the order.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollstats import metrics as M
from rollstats.io import load

try:
    from metrics_helpers import segments
except ImportError:  # pragma: no cover
    from tests.metrics_helpers import segments

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# label -> whether rolling on it counts as hips and legs under the default program
LABELS = {"quads": True, "hamstrings": True, "IT band": True, "adductors": True, "calves": True,
          "glutes": True, "hip": True, "unspecified": True, "": True, "other": False,
          "back": False}
BASE = dt.datetime(2026, 3, 1, 0, 0)


@st.composite
def native_rows(draw, min_size=1, max_size=25):
    n = draw(st.integers(min_size, max_size))
    rows = []
    for _ in range(n):
        minutes = draw(st.integers(0, 14 * 24 * 60))          # any time over 14 days
        duration = draw(st.integers(1, 400))
        local = BASE + dt.timedelta(minutes=minutes)
        r = {
            "subject_id": draw(st.sampled_from(["a", "b", "c"])),
            "start": local.strftime("%Y-%m-%dT%H:%M:00") + "+01:00",
            "duration_s": duration,
            "region": draw(st.sampled_from(sorted(LABELS))),
            "activity": draw(st.sampled_from(["rolling"] * 4 + ["strengthening", "other"])),
            "trigger": draw(st.sampled_from(["routine", "routine", "symptom"])),
            "hold_count": "",
            "hold_s": "",
        }
        if draw(st.booleans()):
            r["hold_count"] = draw(st.integers(0, 6))
            r["hold_s"] = draw(st.integers(0, duration))
        rows.append(r)
    return rows


def _sorted(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.sort_values("subject_id", kind="stable").reset_index(drop=True)


@SETTINGS
@given(rows=native_rows(), seed=st.integers(0, 2**32 - 1))
def test_shuffling_rows_gives_the_same_summary(rows, seed):
    segs = segments(rows)
    shuffled = segs.sample(frac=1, random_state=seed).reset_index(drop=True)
    pd.testing.assert_frame_equal(_sorted(M.summarize(segs)), _sorted(M.summarize(shuffled)))


@SETTINGS
@given(rows=native_rows(min_size=2), data=st.data())
def test_two_overlapping_files_give_the_same_summary_as_one(rows, data):
    # two exports of overlapping time ranges: the rows up to one start, and the rows from a start
    # no later (rows of one start stay together, as in an app's export)
    starts = sorted({r["start"] for r in rows})  # one offset: text order is time order
    k2 = data.draw(st.integers(0, len(starts) - 1))
    k1 = data.draw(st.integers(0, k2))
    frame = pd.DataFrame(rows)
    overlap = int(frame["start"].between(starts[k1], starts[k2]).sum())
    with tempfile.TemporaryDirectory() as tmp:
        whole = os.path.join(tmp, "whole.csv")
        first = os.path.join(tmp, "part1.csv")
        second = os.path.join(tmp, "part2.csv")
        frame.to_csv(whole, index=False)
        frame.loc[frame["start"] <= starts[k2]].to_csv(first, index=False)
        frame.loc[frame["start"] >= starts[k1]].to_csv(second, index=False)   # overlap: starts k1 to k2
        one_file = load(whole)
        two_files = load([first, second])
    assert len(one_file.rejects) == 0 and len(two_files.rejects) == 0
    assert two_files.report.duplicates_dropped >= overlap
    pd.testing.assert_frame_equal(_sorted(M.summarize(one_file.segments)),
                                  _sorted(M.summarize(two_files.segments)))


@SETTINGS
@given(rows=native_rows())
def test_counts_and_rates_are_in_range(rows):
    summary = M.summarize(segments(rows))
    for _, s in summary.iterrows():
        assert 0 <= s["compliant_nights"] <= s["nights_observed"]
        assert 0 <= s["daily_phase_compliant_nights"] <= s["daily_phase_nights"] <= s["nights_observed"]
        assert 0 <= s["daily_adherence"] <= 1
        assert 0 <= s["current_streak"] <= s["longest_streak"] <= s["compliant_nights"]
        assert s["nights_observed"] == (s["last_night"] - s["first_night"]).days + 1
        if not pd.isna(s["maintenance_adherence"]):
            assert 0 <= s["maintenance_adherence"] <= 1
        assert s["maintenance_windows_met"] <= s["maintenance_windows_complete"]


def _night(start: str) -> dt.date:
    local = dt.datetime.fromisoformat(start[:19])               # wall clock of the record
    return (local - dt.timedelta(hours=4)).date()                # day_start 04:00


@SETTINGS
@given(rows=native_rows())
def test_progression_night_is_the_first_night_reaching_300_cumulative(rows):
    summary = M.summarize(segments(rows))
    end = max(_night(r["start"]) for r in rows)                  # latest night of the table
    for subject in sorted({r["subject_id"] for r in rows}):
        mine = [r for r in rows if r["subject_id"] == subject]
        per_night: dict[dt.date, int] = {}
        for r in mine:
            if r["activity"] == "rolling" and LABELS[r["region"]]:
                per_night[_night(r["start"])] = per_night.get(_night(r["start"]), 0) + r["duration_s"]
        first = min(_night(r["start"]) for r in mine)
        expected = None
        total = 0
        day = first
        while day <= end:
            total += per_night.get(day, 0)
            if total >= 300:
                expected = day
                break
            day += dt.timedelta(days=1)
        got = summary[summary["subject_id"] == subject]
        if not any(r["activity"] == "rolling" for r in mine):
            assert len(got) == 0                                 # no rolling: no summary row
            continue
        assert len(got) == 1
        night = got["progression_night"].iloc[0]
        if expected is None:
            assert pd.isna(night)
        else:
            assert night == pd.Timestamp(expected)
            assert got["nights_to_progression"].iloc[0] == (expected - first).days + 1
