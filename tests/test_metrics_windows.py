"""Check and maintenance windows are sums over runs of a sorted nights table (numpy's reduceat).

Here they are checked against an independent computation, a plain pandas group-by of the same
nights table, on a generated cohort, and on the same table with its rows shuffled (the windows
of a table do not depend on the order of its rows).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rollstats import metrics as M
from rollstats.datasets import generate_cohort
from rollstats.io import canonicalise
from rollstats.program import Program
from rollstats.regions import REGIONS

PROGRAM = Program.default()


@pytest.fixture(scope="module")
def cohort_nights() -> pd.DataFrame:
    segments = canonicalise(generate_cohort(n_subjects=12, n_nights=60, seed=21), "cohort.csv", PROGRAM).segments
    return M.nights(segments, PROGRAM)


def grouped_check_windows(t: pd.DataFrame, exercises_logged: bool) -> pd.DataFrame:
    """The check windows by pandas' group-by: the reference."""
    named = [f"seconds_{r}" for r in PROGRAM.daily.counted_regions if r != "unspecified"]
    every = [f"seconds_{r}" for r in REGIONS]
    work = t.assign(any_rolling_s=t[every].sum(axis=1))
    g = work.groupby(["subject_id", "check_window"], sort=True)
    out = g.agg(first_night=("night", "min"), last_night=("night", "max"), rolled_s=("rolled_s", "sum"),
                strengthening_s=("strengthening_s", "sum"), any_rolling_s=("any_rolling_s", "sum"))
    out["regions_covered"] = (g[named].sum() > 0).sum(axis=1)
    out = out.reset_index()
    rolled = out["rolled_s"] > 0
    out["standalone"] = (out["strengthening_s"] <= 0).where((out["any_rolling_s"] > 0) & exercises_logged)
    out["narrow"] = (out["regions_covered"] < PROGRAM.mistakes.min_regions).where(rolled & (out["regions_covered"] > 0))
    return out.drop(columns="any_rolling_s")


def grouped_maintenance_windows(t: pd.DataFrame) -> pd.DataFrame:
    rows = t.loc[t["maintenance_window"].notna()]
    out = (rows.groupby(["subject_id", "maintenance_window"], sort=True)
           .agg(first_night=("night", "min"), nights=("night", "size"), compliant_nights=("compliant", "sum"))
           .reset_index())
    complete = out["nights"] == PROGRAM.maintenance.window_nights
    out["met"] = (out["compliant_nights"] >= PROGRAM.maintenance.min_per_window).where(complete)
    return out


def same_values(ours: pd.DataFrame, reference: pd.DataFrame, columns: list[str]) -> None:
    assert len(ours) == len(reference)
    for column in columns:
        mine, theirs = ours[column].reset_index(drop=True), reference[column].reset_index(drop=True)
        assert [None if pd.isna(v) else v for v in mine.astype(object)] == \
            [None if pd.isna(v) else v for v in theirs.astype(object)], column


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("exercises_logged", [True, False])
def test_check_windows_equal_a_group_by(cohort_nights, shuffled, exercises_logged):
    table = cohort_nights.sample(frac=1, random_state=4) if shuffled else cohort_nights
    ours = M.check_windows(table, PROGRAM, exercises_logged)
    reference = grouped_check_windows(cohort_nights, exercises_logged)
    assert ours["subject_id"].nunique() == 12 and len(ours) > 12 * 8   # 60 nights: 9 windows of 7 each
    same_values(ours, reference, ["subject_id", "check_window", "first_night", "last_night", "regions_covered",
                                  "standalone", "narrow"])
    np.testing.assert_allclose(ours["rolled_s"], reference["rolled_s"])
    np.testing.assert_allclose(ours["strengthening_s"], reference["strengthening_s"])
    assert ours["standalone"].isna().any() if not exercises_logged else ours["standalone"].notna().any()


@pytest.mark.parametrize("shuffled", [False, True])
def test_maintenance_windows_equal_a_group_by(cohort_nights, shuffled):
    table = cohort_nights.sample(frac=1, random_state=9) if shuffled else cohort_nights
    ours = M.maintenance_windows(table, PROGRAM)
    reference = grouped_maintenance_windows(cohort_nights)
    assert len(ours) > 20 and ours["met"].isna().any() and ours["met"].fillna(False).any()
    same_values(ours, reference, ["subject_id", "maintenance_window", "first_night", "nights", "compliant_nights",
                                  "met"])
    last = ours["first_night"] + pd.Timedelta(days=PROGRAM.maintenance.window_nights - 1)
    assert (ours["last_night"] == last).all()


def test_an_empty_nights_table_has_no_windows(cohort_nights):
    empty = cohort_nights.iloc[:0]
    assert len(M.check_windows(empty, PROGRAM)) == 0 and len(M.maintenance_windows(empty, PROGRAM)) == 0
    assert list(M.check_windows(empty, PROGRAM).columns) == list(M.check_windows(cohort_nights, PROGRAM).columns)
