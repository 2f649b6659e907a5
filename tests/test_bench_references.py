"""The benchmark's reference engines give rollstats' figures: DuckDB's SQL and the Polars query.

``benchmarks/run.py`` times ``rollstats.summarize`` against them only after checking that the
38 figures agree; these tests pin that on three subjects worked out by hand (the cases where a
flag is NA) and on a generated cohort under other program settings. No test times anything.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("duckdb")
pytest.importorskip("polars")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import rollstats  # noqa: E402
from duckdb_summary import COLUMNS, differences, normalised, summarize_duckdb  # noqa: E402
from polars_summary import summarize_polars  # noqa: E402
from rollstats.datasets import generate_cohort  # noqa: E402
from rollstats.io import canonicalise  # noqa: E402
from rollstats.program import Program  # noqa: E402

ROWS = [  # subject, start (UTC), seconds, region, activity, holds, held seconds
    ("u", "2026-03-01T21:00:00+00:00", 120, "unspecified", "rolling", None, None),
    ("f", "2026-03-01T21:00:00+00:00", 60, "quads", "rolling", 20, 60),       # mean hold 3 s: too fast
    ("f", "2026-03-01T21:02:00+00:00", 30, "IT band", "rolling", None, None),  # same session (1 min gap)
    ("f", "2026-03-03T21:00:00+00:00", 240, "calves", "rolling", 4, 40),      # mean hold 10 s
    ("s", "2026-03-02T21:00:00+00:00", 300, "hip", "strengthening", None, None),
    ("s", "2026-03-02T21:30:00+00:00", 90, "hamstrings", "rolling", None, None),  # 25 min later: a new session
]

# By hand (definitions.md): the table ends on 3 Mar and logs strengthening (s's).
# u: 120 s unspecified on 1 Mar; all rolling unspecified -> lateral NA, narrow NA; no holds -> too fast NA.
# f: 90 s on 1 Mar (30 s lateral of 90 s thigh), 240 s on 3 Mar -> 330 s cumulative, progression 3 Mar;
#    sessions 2, the first too fast; window 0 covers front, lateral, calf: not narrow.
# s: observed 2-3 Mar (its first night is its strengthening's); 90 s on the back of the thigh:
#    one region, narrow; a strengthening segment in its window: not standalone.
EXPECTED = pd.DataFrame({
    "subject_id": ["f", "s", "u"],
    "nights_observed": [3, 2, 3], "compliant_nights": [2, 1, 1], "rolled_s": [330.0, 90.0, 120.0],
    "longest_streak": [1, 1, 1], "current_streak": [1, 0, 0], "nights_to_progression": [3, np.nan, np.nan],
    "lateral_thigh_s": [30.0, 0.0, 0.0], "lateral_thigh_share": [1 / 3, 0.0, np.nan],
    "sessions": [2, 1, 1], "too_fast_sessions": [1, 0, 0],
    "flag_lateral_thigh": [1.0, 0.0, np.nan], "flag_too_fast": [1.0, np.nan, np.nan],
    "flag_standalone": [1.0, 0.0, 1.0], "flag_narrow": [0.0, 1.0, np.nan],
})


def _hand() -> pd.DataFrame:
    raw = pd.DataFrame(ROWS, columns=["subject_id", "start", "duration_s", "region", "activity",
                                      "hold_count", "hold_s"])
    return canonicalise(raw, "hand.csv", Program.default()).segments


@pytest.mark.parametrize("engine", [summarize_duckdb, summarize_polars], ids=["duckdb", "polars"])
def test_reference_engines_give_the_figures_worked_out_by_hand(engine):
    segments = _hand()
    got = normalised(engine(segments))
    pd.testing.assert_frame_equal(got[list(EXPECTED.columns)], EXPECTED, check_dtype=False)
    assert differences(engine(segments), rollstats.summarize(segments)) == {}


def test_a_changed_figure_is_found():
    segments = _hand()
    changed = summarize_polars(segments)
    changed.loc[changed["subject_id"] == "f", "current_streak"] = 2
    changed.loc[changed["subject_id"] == "u", "flag_narrow"] = True  # NA made true
    assert differences(changed, rollstats.summarize(segments)) == {"current_streak": 1, "flag_narrow": 1}


@pytest.mark.parametrize("settings", [
    {},
    {"progression": {"mode": "single_night"}},
    {"daily": {"streak_scope": "daily_phase", "minimum_s": 90}},
    {"daily": {"unspecified_counts": False}, "maintenance": {"min_per_window": 3}},
], ids=["card", "single-night", "daily-phase-streaks", "unspecified-not-counted"])
def test_polars_query_gives_summarize_s_figures_on_a_generated_cohort(settings):
    program = Program.default().replace(**settings)
    segments = canonicalise(generate_cohort(n_subjects=40, n_nights=70, seed=11), "gen", program).segments
    expected = rollstats.summarize(segments, program)
    assert len(expected) > 30
    assert differences(summarize_polars(segments, program), expected) == {}
    if not settings:  # the SQL covers the card's modes only
        assert differences(summarize_duckdb(segments, program), expected) == {}


def test_a_table_of_rolling_only_cannot_say_standalone():
    segments = _hand()
    rolling = segments[segments["activity"] == "rolling"].reset_index(drop=True)
    got = normalised(summarize_polars(rolling))
    assert got["flag_standalone"].isna().all() and (got["standalone_windows"] == 0).all()
    assert differences(summarize_polars(rolling), rollstats.summarize(rolling)) == {}
    assert list(summarize_polars(rolling).columns) == list(COLUMNS)
