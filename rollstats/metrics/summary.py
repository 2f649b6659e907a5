"""The per-subject summary: every figure of the card for each subject who rolled."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..program import Program
from .enrolment import group_columns, observation_windows, within_windows
from .flags import any_flag, check_windows, sessions
from .maintenance import maintenance_adherence, maintenance_windows, streaks
from .nights import REGION_COLUMNS, nights, progression_nights, rolled_any
from .observation import exercises_logged as table_logs_exercises
from .observation import observed
from .research import research_summary

FLAG_COLUMNS: tuple[str, ...] = ("flag_lateral_thigh", "flag_too_fast", "flag_standalone", "flag_narrow")


def summarize(segments: pd.DataFrame, program: Program | None = None,
              until: str | dt.date | None = None, enrolment: pd.DataFrame | None = None,
              exercises_logged: bool | None = None) -> pd.DataFrame:
    """One row per subject with rolling in observation: adherence, progression, flags.

    With an ``enrolment`` table (:func:`rollstats.enrolment.enrolment_table`), one row
    per enrolled subject with a night in its window, rolling or not, observed over that
    window; the enrolment's group columns come last.

    Seconds are rolling seconds; adherence figures are shares from 0 to 1; dates are
    midnight Timestamps (NaT where there is none). Columns are listed in
    ``docs/definitions.md``.

    ``exercises_logged`` says whether the whole loaded table has a segment other than rolling
    (the standalone check needs it); None: read from ``segments``. A part of a bigger table
    (some of its subjects, as :mod:`rollstats.engines.dask_engine` summarises) gives the same rows as
    the whole when it is passed with ``until`` set to the whole table's last night.

    >>> from rollstats.io import canonicalise
    >>> raw = pd.DataFrame({"subject_id": ["a"] * 3, "region": ["quads", "IT band", "calves"],
    ...     "start": ["2026-03-01T21:00+01:00", "2026-03-02T21:00+01:00", "2026-03-03T21:00+01:00"],
    ...     "duration_s": [200, 30, 90]})
    >>> s = summarize(canonicalise(raw, "demo", Program.default()).segments)
    >>> row = s.iloc[0]
    >>> int(row.compliant_nights), str(row.progression_night.date()), round(float(row.lateral_thigh_share), 3)
    (2, '2026-03-03', 0.13)
    """
    program = program or Program.default()
    inside, _ = observed(segments, until)
    ids = None
    if enrolment is None and len(inside):  # every figure on integer codes of the sorted ids: text hashed once
        codes, ids = pd.factorize(inside["subject_id"], sort=True)
        if (codes >= 0).all():   # (a missing id keeps the text path, which leaves its rows out)
            inside = inside.assign(subject_id=codes)
        else:
            ids = None
    table = nights(inside, program, until, enrolment=enrolment)
    if enrolment is not None:
        observation = observation_windows(inside, enrolment, until)
        inside = within_windows(inside, observation)
    per = table.groupby("subject_id", sort=True)
    out = pd.DataFrame({
        "first_night": per["night"].min(),
        "last_night": per["night"].max(),
        "nights_observed": per.size().astype("int64"),
        "compliant_nights": per["compliant"].sum().astype("int64"),
    })
    daily = table.loc[table["phase"] == "daily", ["subject_id", "compliant"]].groupby("subject_id")
    out["daily_phase_nights"] = daily.size().reindex(out.index, fill_value=0).astype("int64")
    out["daily_phase_compliant_nights"] = (daily["compliant"].sum().reindex(out.index, fill_value=0)
                                           .astype("int64"))
    out["daily_adherence"] = out["daily_phase_compliant_nights"] / out["daily_phase_nights"]
    out = out.join(streaks(table, program))
    out["rolled_s"] = per["rolled_s"].sum()
    out = out.join(progression_nights(table))

    windows = maintenance_windows(table, program)
    maint = maintenance_adherence(windows).reindex(out.index)
    for col in ("maintenance_windows_complete", "maintenance_windows_met", "maintenance_windows_over_max"):
        maint[col] = maint[col].fillna(0).astype("int64")
    out = out.join(maint)

    out["lateral_thigh_s"] = per["lateral_s"].sum()
    thigh = per["thigh_s"].sum()
    out["lateral_thigh_share"] = (out["lateral_thigh_s"] / thigh).where(thigh > 0)
    for col in REGION_COLUMNS:
        out[col] = per[col].sum()
    out["strengthening_s"] = per["strengthening_s"].sum()

    with_pain = sessions(inside, program, pain=True)   # once: the symptom measures use it too
    sess = with_pain.loc[with_pain["segments"] > 0, ["subject_id", "symptom", "too_fast"]]
    by_subject = sess.groupby("subject_id")
    out["sessions"] = by_subject.size().reindex(out.index, fill_value=0).astype("int64")
    out["symptom_sessions"] = by_subject["symptom"].sum().reindex(out.index, fill_value=0).astype("int64")
    out["too_fast_sessions"] = (by_subject["too_fast"].sum().reindex(out.index, fill_value=0)
                                .astype("int64"))

    if exercises_logged is None:  # given when ``segments`` is a part of a bigger table (Dask)
        exercises_logged = table_logs_exercises(inside)
    checks = check_windows(table, program, exercises_logged)
    by_window = checks.groupby("subject_id")
    out["standalone_windows"] = (by_window["standalone"].sum().reindex(out.index, fill_value=0)
                                 .astype("int64"))
    out["narrow_windows"] = by_window["narrow"].sum().reindex(out.index, fill_value=0).astype("int64")

    region_seconds = out[list(REGION_COLUMNS)]
    any_rolling = region_seconds.sum(axis=1)
    named = any_rolling - out["seconds_unspecified"]
    lateral = pd.array(out["lateral_thigh_s"] > 0, dtype="boolean")
    lateral[~((out["lateral_thigh_s"] > 0) | (named > 0)).to_numpy()] = pd.NA
    out["flag_lateral_thigh"] = lateral
    out["flag_too_fast"] = any_flag(sess["too_fast"], sess["subject_id"]).reindex(out.index)
    out["flag_standalone"] = any_flag(checks["standalone"], checks["subject_id"]).reindex(out.index)
    out["flag_narrow"] = any_flag(checks["narrow"], checks["subject_id"]).reindex(out.index)
    for col in FLAG_COLUMNS:
        out[col] = out[col].astype("boolean")

    out = out.join(research_summary(table, inside, program, sessions_table=with_pain))
    if enrolment is None:
        out = out.loc[rolled_any(out)]
    else:
        out = out.join(observation[group_columns(observation)])
    if ids is not None:
        out.index = pd.Index(ids.take(out.index.to_numpy()), name=out.index.name)
    return out.reset_index().rename(columns={"index": "subject_id"}).astype({"subject_id": "str"})


