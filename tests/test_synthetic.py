"""The synthetic generator and the shipped samples: seeded, loadable, and true to the archetypes.

The archetype checks read the generated CSV back through ``rollstats.io.load`` and test the
behaviour on the canonical rows, independently of how the generator produced it.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from rollstats.datasets import (COLUMNS, NAIVE_ZONE, SAMPLES, generate_cohort, load_sample, sample_frame,
                                sample_path, write_sample_data)
from rollstats.datasets.archetypes import DEFAULT_MIX
from rollstats.datasets.samples import PACKAGE_DATA, REPO_SAMPLES, archetype_key
from rollstats.io import load

OFFSET = re.compile(r"[+-]\d{2}:\d{2}$")
NO_ZONE = "time has no UTC offset and no time zone was given"


def _load(df: pd.DataFrame, tmp_path, name="gen.csv", tz=None):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return load(path, tz=tz)


@pytest.fixture(scope="module")
def cohort():
    """A cohort big enough to hold several subjects of every archetype, and its loaded rows."""
    return generate_cohort(n_subjects=48, n_nights=120, seed=11)


@pytest.fixture(scope="module")
def loaded(cohort, tmp_path_factory):
    result = _load(cohort, tmp_path_factory.mktemp("cohort"))
    segments = result.segments.copy()
    segments["archetype"] = segments["subject_id"].map(cohort.attrs["archetypes"])
    return segments, result


def _subjects(cohort, name):
    found = [s for s, a in cohort.attrs["archetypes"].items() if a == name]
    assert found, f"no {name} subject in the cohort"
    return found


def _rolling(segments):
    return segments[segments["activity"] == "rolling"]


# --- seeding and shape -------------------------------------------------------------------

def test_same_seed_gives_the_same_table():
    a = generate_cohort(n_subjects=12, n_nights=60, seed=5)
    b = generate_cohort(n_subjects=12, n_nights=60, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["archetypes"] == b.attrs["archetypes"]


def test_other_seed_gives_another_table():
    a = generate_cohort(n_subjects=12, n_nights=60, seed=5)
    b = generate_cohort(n_subjects=12, n_nights=60, seed=6)
    assert not a.equals(b)
    assert set(a["start"]) != set(b["start"])


def test_columns_are_the_native_ones_and_start_carries_an_offset(cohort):
    assert tuple(cohort.columns) == COLUMNS
    assert cohort["start"].str.contains(OFFSET).all()
    assert cohort["subject_id"].nunique() == 48


def test_default_mix_has_every_archetype():
    df = generate_cohort()
    assert df["subject_id"].nunique() == 30
    kinds = pd.Series(df.attrs["archetypes"]).value_counts()
    assert set(kinds.index) == set(DEFAULT_MIX)
    assert kinds["adherent"] == kinds.max()


def test_archetypes_argument_fixes_the_subjects():
    df = generate_cohort(n_nights=30, seed=2, archetypes=["narrow", "too_fast"], id_prefix="X")
    assert df.attrs["archetypes"] == {"X1": "narrow", "X2": "too_fast"}
    assert sorted(df["subject_id"].unique()) == ["X1", "X2"]


# --- every row is valid ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_generated_row_loads(seed, tmp_path):
    df = generate_cohort(n_subjects=30, n_nights=120, seed=seed)
    segments, rejects, report = _load(df, tmp_path)
    assert len(rejects) == 0, rejects.head().to_string()
    assert report.rows_read == len(df) == report.rows_accepted
    assert report.duplicates_dropped == 0
    assert report.unknown_region_labels == {}


def test_durations_and_holds_are_plausible(cohort):
    assert ((cohort["duration_s"] > 0) & (cohort["duration_s"] < 3600)).all()
    held = cohort["hold_s"].notna()
    assert held.sum() > 100
    assert (cohort.loc[held, "hold_s"] <= cohort.loc[held, "duration_s"]).all()
    assert (cohort["hold_s"].isna() == cohort["hold_count"].isna()).all()
    assert (cohort.loc[held & (cohort["hold_count"] == 0), "hold_s"] == 0).all()


def test_rolling_segments_and_sessions_look_real(loaded):
    segments, _ = loaded
    rolling = _rolling(segments)
    assert rolling["duration_s"].between(15, 120).all()
    assert set(rolling["side"].dropna()) == {"left", "right"}
    assert rolling["side"].notna().all()
    # consecutive segments of one subject a few seconds apart, at most 8 in a run
    gap = rolling.groupby("subject_id")["start"].diff().dt.total_seconds() - \
        rolling.groupby("subject_id")["duration_s"].shift()
    close = gap.between(0, 20)
    run_id = (~close).cumsum()
    assert close.sum() > len(rolling) / 3
    assert run_id.value_counts().max() <= 8
    assert (gap.dropna() >= 0).all()  # no segment of a subject starts before the last one ended


def test_strengthening_and_symptom_sessions(cohort, loaded):
    segments, _ = loaded
    strength = segments[segments["activity"] == "strengthening"]
    assert len(strength) > 50
    assert set(strength["region"].astype(str)) <= {"other", "unspecified"}
    assert strength["side"].isna().all()
    symptom = cohort[cohort["trigger"] == "symptom"]
    assert len(symptom) > 20
    assert (symptom["activity"] == "rolling").all()
    assert (symptom["pain_before"] > symptom["pain_after"]).all()


def test_regions_use_the_export_aliases(cohort, loaded):
    segments, _ = loaded
    labels = set(cohort["region"].dropna().astype(str))
    assert {"quads", "hamstrings", "calves", "glutes", "IT band", "adductors", "thigh"} <= labels
    thigh = cohort[cohort["region"] == "thigh"]
    assert thigh["clock"].between(1, 12).all() and thigh["side"].notna().all()
    assert cohort.loc[cohort["region"] != "thigh", "clock"].isna().all()
    assert set(_rolling(segments)["region"].astype(str)) == {
        "thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back", "thigh_lateral",
        "thigh_inner", "calf", "hip"}


def test_some_sessions_cross_midnight_into_the_same_night(loaded):
    segments, _ = loaded
    local = segments["local_start"]
    after_midnight = local.dt.hour < 4
    assert after_midnight.sum() > 10
    assert (local[after_midnight].dt.strftime("%H:%M") <= "01:05").all()
    assert (segments.loc[after_midnight, "night"] == (local[after_midnight] - pd.Timedelta(days=1)).dt.normalize()).all()
    assert ((local.dt.hour == 23) & (local.dt.minute >= 0)).sum() > 10


# --- archetypes, checked on the loaded rows ----------------------------------------------

def test_never_starting_rolls_under_a_minute_in_total(cohort, loaded):
    segments, _ = loaded
    rolled = _rolling(segments).groupby("subject_id")["duration_s"].sum()
    for subject in _subjects(cohort, "never_starting"):
        assert rolled.get(subject, 0) < 60
        assert (segments["subject_id"] == subject).any()  # they do strengthen


def test_lateral_thigh_subjects_roll_on_the_side_of_the_thigh(cohort, loaded):
    segments, _ = loaded
    rolling = _rolling(segments)
    thigh = rolling[rolling["region"].astype(str).str.startswith("thigh")]
    share = thigh[thigh["region"] == "thigh_lateral"].groupby("subject_id")["duration_s"].sum() / \
        thigh.groupby("subject_id")["duration_s"].sum()
    for subject in _subjects(cohort, "lateral_thigh"):
        assert share.get(subject, 0) > 0.25
    broad = _subjects(cohort, "adherent")
    assert share.reindex(broad).fillna(0).max() < 0.2


def test_traveller_has_a_trip_in_another_offset(cohort):
    by_subject = cohort["start"].str[-6:].groupby(cohort["subject_id"]).agg(set)
    home = {"+00:00", "+01:00", "+02:00"}
    for subject in _subjects(cohort, "traveller"):
        assert len(by_subject[subject]) >= 2
        assert by_subject[subject] - home, by_subject[subject]
    for subject in _subjects(cohort, "adherent"):
        assert by_subject[subject] <= home


def test_too_fast_holds_average_under_five_seconds(cohort, loaded):
    segments, _ = loaded
    held = segments[segments["hold_count"].fillna(0) > 0]
    mean_hold = held.groupby("subject_id")["hold_s"].sum() / held.groupby("subject_id")["hold_count"].sum()
    fast = _subjects(cohort, "too_fast")
    assert (mean_hold.reindex(fast) < 5).all()
    others = mean_hold.drop(fast, errors="ignore")
    assert len(others) > 0 and (others >= 5).all()


def test_narrow_subjects_use_one_or_two_regions(cohort, loaded):
    segments, _ = loaded
    regions = _rolling(segments).groupby("subject_id")["region"].nunique()
    assert (regions.reindex(_subjects(cohort, "narrow")) <= 2).all()
    assert (regions.reindex(_subjects(cohort, "adherent")) >= 4).all()


def _rolling_nights(segments, subject):
    rolled = _rolling(segments)
    rolled = rolled[rolled["subject_id"] == subject]
    return pd.DatetimeIndex(sorted(rolled["night"].unique()))


def test_adherent_rolls_most_nights_and_lapsing_stops(cohort, loaded):
    segments, _ = loaded
    end = segments["night"].max()
    for subject in _subjects(cohort, "adherent"):
        nights = _rolling_nights(segments, subject)
        first = segments.loc[segments["subject_id"] == subject, "night"].min()
        assert len(nights) / ((end - first).days + 1) > 0.7
    for subject in _subjects(cohort, "lapsing"):
        nights = _rolling_nights(segments, subject)
        first = segments.loc[segments["subject_id"] == subject, "night"].min()
        early = (nights < first + pd.Timedelta(days=14)).sum()
        late = (nights >= first + pd.Timedelta(days=60)).sum()
        assert early >= 8 and late <= 0.25 * 60, (subject, early, late)


def test_progressing_rolls_nightly_then_two_or_three_nights_a_week(cohort, loaded):
    segments, _ = loaded
    rolling = _rolling(segments)
    end = segments["night"].max()
    for subject in _subjects(cohort, "progressing"):
        per_night = rolling[rolling["subject_id"] == subject].groupby("night")["duration_s"].sum()
        reached = per_night.cumsum() >= 300
        progression = reached.idxmax()
        assert reached.any() and (progression - per_night.index.min()).days <= 10
        after = per_night[per_night.index > progression]
        weeks = (end - progression).days / 7
        assert 1.5 <= len(after) / weeks <= 3.5, (subject, len(after), weeks)


# --- time zones --------------------------------------------------------------------------

def test_naive_output_has_no_offset_and_needs_a_zone(tmp_path):
    df = generate_cohort(n_subjects=6, n_nights=42, seed=3, start="2026-03-09", tz_naive="Europe/Berlin",
                         archetypes=["adherent", "lapsing", "traveller", "progressing", "narrow", "too_fast"])
    assert not df["start"].str.contains(OFFSET).any()
    assert df["start"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all()
    segments, rejects, _ = _load(df, tmp_path, tz="Europe/Berlin")
    assert len(rejects) == 0 and len(segments) == len(df)
    shift = (segments["local_start"] - segments["start"].dt.tz_localize(None)).dt.total_seconds()
    assert set(shift) >= {3600.0, 7200.0}  # winter and summer time of Berlin
    segments, rejects, _ = _load(df, tmp_path, name="again.csv")
    assert len(segments) == 0 and len(rejects) == len(df)
    assert rejects["reason"].str.contains(NO_ZONE).all()


def test_aware_times_follow_the_home_zone_across_dst(cohort):
    # Europe/Berlin (+01:00, then +02:00) or Europe/London (+00:00, then +01:00): one hour on
    travellers = set(_subjects(cohort, "traveller"))
    home = cohort[~cohort["subject_id"].isin(travellers)]
    offset = home["start"].str[-6:]
    winter = offset[home["start"] < "2026-03-29"].groupby(home["subject_id"]).agg(set)
    summer = offset[home["start"] > "2026-03-30"].groupby(home["subject_id"]).agg(set)
    shifted = {"+00:00": {"+01:00"}, "+01:00": {"+02:00"}}
    assert len(summer) > 20
    for subject, after in summer.items():
        (before,) = winter[subject]
        assert after == shifted[before], subject


# --- the shipped samples -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(SAMPLES))
def test_shipped_sample_is_what_the_generator_writes(name):
    path = sample_path(name)
    assert path.is_file() and path.name == f"{name}.csv"
    expected = sample_frame(name).to_csv(index=False, lineterminator="\n")
    assert path.read_text(encoding="utf-8") == expected, "sample is stale: python -m rollstats.datasets"
    repo_copy = REPO_SAMPLES / f"{name}.csv"
    if repo_copy.is_file():
        assert repo_copy.read_bytes() == (PACKAGE_DATA / f"{name}.csv").read_bytes()


def test_samples_load_without_rejects_and_cohort_is_small():
    assert sample_path("cohort").stat().st_size < 2_000_000
    for name in SAMPLES:
        segments, rejects, report = load_sample(name)
        assert len(rejects) == 0 and report.rows_accepted == report.rows_read > 0
    segments, _, _ = load_sample("cohort")
    assert segments["subject_id"].nunique() == 30
    assert segments["night"].nunique() >= 115


def test_naive_sample_spans_dst_and_is_refused_without_zone():
    segments, rejects, _ = load_sample("naive_local")
    assert segments["subject_id"].nunique() == 5
    dates = segments["local_start"].dt.normalize()
    assert dates.min() < pd.Timestamp("2026-03-29") < dates.max()
    _, rejects, report = load(sample_path("naive_local"))
    assert report.rows_accepted == 0 and len(rejects) == report.rows_read
    assert rejects["reason"].str.contains(NO_ZONE).all()
    assert load_sample("naive_local", tz=NAIVE_ZONE).report.rows_rejected == 0


def test_patient_progresses_misses_weeks_and_touches_the_it_band():
    segments, _, _ = load_sample("patient")
    assert segments["subject_id"].unique().tolist() == ["P1"]
    rolling = _rolling(segments)
    per_night = rolling.groupby("night")["duration_s"].sum()
    first, last = segments["night"].min(), segments["night"].max()
    assert 80 <= (last - first).days + 1 <= 95
    assert (per_night.cumsum() >= 300).idxmax() - first <= pd.Timedelta(days=14)
    assert rolling.loc[rolling["region"] == "thigh_lateral", "duration_s"].sum() > 0
    active = pd.Series(0, index=pd.date_range(first, last)).add(
        segments.groupby("night").size(), fill_value=0)
    idle = (active == 0).astype(int)
    runs = idle.groupby((idle != idle.shift()).cumsum()).sum()
    assert (runs >= 7).sum() >= 2


def test_readme_key_matches_the_samples():
    readme = REPO_SAMPLES / "README.md"
    assert readme.is_file(), "sample_data/README.md must ship with the samples"
    text = readme.read_text(encoding="utf-8")
    assert archetype_key({name: sample_frame(name) for name in SAMPLES}) in text
    assert "synthetic" in text.lower() and "--tz Europe/Berlin" in text


def test_write_sample_data_writes_three_files(tmp_path):
    paths = write_sample_data(tmp_path, seed=9)
    assert {p.name for p in paths.values()} == {"cohort.csv", "patient.csv", "naive_local.csv"}
    again = write_sample_data(tmp_path / "again", seed=9)
    for name in paths:
        assert paths[name].read_bytes() == again[name].read_bytes()


def test_unknown_sample_name_is_refused():
    with pytest.raises(ValueError, match="cohort, patient, naive_local"):
        sample_path("cohrot")


def test_generator_scales():
    # ~270,000 segments: a loop per row would take minutes, the vectorised generator ~1 s
    import time
    t0 = time.perf_counter()
    df = generate_cohort(n_subjects=1000, n_nights=120, seed=4)
    elapsed = time.perf_counter() - t0
    assert len(df) > 200_000 and df["subject_id"].nunique() == 1000
    assert elapsed < 20, f"{len(df)} segments took {elapsed:.1f} s"


@pytest.mark.parametrize("kwargs, message", [
    ({"tz_naive": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
    ({"archetypes": ["adherent", "sloth"]}, "unknown archetype 'sloth'"),
    ({"n_subjects": 0}, "at least one subject"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        generate_cohort(**kwargs)
