"""The fast paths of the summary: integer subject codes, runs in place of sorts, exact plain sums.

``rollstats.summarize`` hands its tables on with ``subject_id`` replaced by integer codes of the
sorted ids, rows in (subject, night) order; several metrics then skip sorts and two-key
group-bys. Each test checks such a path against the text path (the group-by code, which does
not take it) or against exact sums worked out with ``math.fsum``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rollstats.datasets import generate_cohort
from rollstats.io import canonicalise
from rollstats.metrics import (alerts_summary, data_days, maintenance_windows, nights, no_rolling_runs,
                               streaks, strength, strength_summary, summarize)
from rollstats.program import Program

PROGRAMS = {
    "card": Program.default(),
    "daily phase streaks, single night": Program.default().replace(
        daily={"streak_scope": "daily_phase"}, progression={"mode": "single_night", "total_s": 120}),
}


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return canonicalise(generate_cohort(n_subjects=12, n_nights=100, seed=4), "demo", Program.default()).segments


def _decoded(frame: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """``frame`` with integer codes turned back into the text ids (column or index)."""
    frame = frame.copy()
    if "subject_id" in frame.columns:
        frame["subject_id"] = pd.array(ids.take(frame["subject_id"].to_numpy()), dtype="str")
    else:
        frame.index = pd.Index(ids.take(frame.index.to_numpy()), name=frame.index.name, dtype="str")
    return frame


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_coded_nights_table_gives_the_figures_of_the_text_one(segments, name):
    program = PROGRAMS[name]
    table = nights(segments, program)
    codes, ids = pd.factorize(table["subject_id"], sort=True)
    coded = table.assign(subject_id=codes)
    pairs = {
        "streaks": lambda t: streaks(t, program),
        "data_days": lambda t: data_days(t, program),
        "no_rolling_runs": no_rolling_runs,
        "alerts_summary": lambda t: alerts_summary(t, program),
        "strength_summary": lambda t: strength_summary(strength(t, program)),
        "maintenance_windows": lambda t: maintenance_windows(t, program),
    }
    for what, figures in pairs.items():
        expected = figures(table)
        assert len(expected) > 0, what
        pd.testing.assert_frame_equal(_decoded(figures(coded), ids), expected, check_exact=True, obj=what)


def test_streaks_on_codes_worked_by_hand():
    t = pd.DataFrame({"subject_id": [0, 0, 0, 0, 0, 1, 1, 1],
                      "compliant": [True, True, False, True, True, True, False, False]})
    s = streaks(t)
    assert s["longest_streak"].tolist() == [2, 1]
    assert s["current_streak"].tolist() == [2, 0]


def test_no_rolling_runs_on_codes_worked_by_hand():
    t = pd.DataFrame({"subject_id": [0] * 5 + [1] * 3, "night": pd.to_datetime(
        ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05",
         "2026-03-02", "2026-03-03", "2026-03-04"]), "segments": [0, 0, 1, 0, 0, 1, 0, 1]})
    runs = no_rolling_runs(t)
    assert runs["subject_id"].tolist() == [0, 0, 1]
    assert runs["run_nights"].tolist() == [2, 2, 1]
    assert runs["ongoing"].tolist() == [False, True, False]
    assert [str(d.date()) for d in runs["run_start"]] == ["2026-03-01", "2026-03-04", "2026-03-03"]


def test_whole_second_sums_are_exact(segments):
    """Whole seconds take plain sums: each night's and each subject's totals are exact."""
    table = nights(segments)
    rolling = segments.loc[(segments["activity"] == "rolling") & (segments["region"] == "calf")]
    for (subject, night), group in rolling.groupby(["subject_id", "night"]):
        got = table.loc[(table["subject_id"] == subject) & (table["night"] == night), "seconds_calf"]
        assert got.item() == math.fsum(group["duration_s"])
    last = table.groupby("subject_id")[["cumulative_s"]].last()["cumulative_s"]
    by_subject = table.groupby("subject_id")["rolled_s"].apply(math.fsum)
    assert (last == by_subject).all()


def test_fractional_seconds_keep_the_compensated_group_sums(segments):
    """Durations that are not multiples of 1/1024 s go through pandas' group-by sums, as before."""
    fractional = segments.assign(duration_s=segments["duration_s"] + 0.1)
    table = nights(fractional)
    rolling = fractional.loc[(fractional["activity"] == "rolling") & (fractional["region"] == "hip")]
    expected = rolling.groupby(["subject_id", "night"])["duration_s"].sum()
    got = table.set_index(["subject_id", "night"])["seconds_hip"].reindex(expected.index)
    assert (got.to_numpy() == expected.to_numpy()).all()
    assert np.isclose(table["cumulative_s"].max(), table.groupby("subject_id")["rolled_s"].sum().max())


def test_summary_of_a_part_with_text_ids_matches_the_whole(segments):
    """The codes are the summary's own business: its rows keep the text ids, in their order."""
    whole = summarize(segments)
    assert whole["subject_id"].dtype == "str"
    rolled = segments.loc[segments["activity"] == "rolling", "subject_id"].unique()
    assert whole["subject_id"].tolist() == sorted(rolled)
    some = sorted(rolled)[3:7]
    part = summarize(segments.loc[segments["subject_id"].isin(some)], until=segments["night"].max())
    expected = whole.loc[whole["subject_id"].isin(some)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, expected, check_exact=True)
