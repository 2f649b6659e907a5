"""The nights table: one row per subject and observed night, the base of every figure.

Pure functions: canonical segments in, tables out; no I/O, no plotting.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..program import Program
from ..regions import REGIONS

REGION_COLUMNS: tuple[str, ...] = tuple(f"seconds_{r}" for r in REGIONS)


def observed(segments: pd.DataFrame, until: str | dt.date | None = None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The segments within observation and the last night of observation.

    Observation ends at ``until`` when given, else at the latest night of the whole table.

    >>> from rollstats.schema import empty_segments
    >>> observed(empty_segments(), "2026-03-01")[1]
    Timestamp('2026-03-01 00:00:00')
    """
    if until is not None:
        end = pd.Timestamp(until).normalize()
        segments = segments.loc[segments["night"] <= end]
    else:
        end = segments["night"].max()
    return segments, end


def _grid(first: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """Every (subject, night) from each subject's first night to ``end``."""
    lengths = ((end - first).dt.days + 1).clip(lower=0).to_numpy()
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    night_index = np.arange(total) - starts
    first_nights = np.repeat(first.to_numpy(dtype="datetime64[us]"), lengths)
    return pd.DataFrame({
        "subject_id": pd.Series(np.repeat(first.index.to_numpy(dtype=object), lengths), dtype="str"),
        "night": first_nights + night_index.astype("timedelta64[D]").astype("timedelta64[us]"),
        "night_index": night_index.astype("int64"),
    })


def nights(segments: pd.DataFrame, program: Program | None = None,
           until: str | dt.date | None = None, enrolment: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per subject and night: seconds rolled, compliance, phase and windows.

    ``segments`` is a canonical segment table. Every night from the subject's first night
    to the end of observation is a row, with zeros where nothing was logged. Seconds are
    rolling time in seconds; see ``docs/definitions.md`` for each column.

    With an ``enrolment`` table (see :func:`rollstats.metrics.enrolment.enrolment_table`),
    the enrolled subjects are observed from their start to their end night instead: nights
    outside are ignored, and an enrolled subject who never rolled has a row per night.

    >>> from rollstats.io import canonicalise
    >>> raw = pd.DataFrame({"subject_id": ["a", "a"], "region": ["quads", "calves"],
    ...     "start": ["2026-03-03T23:50+01:00", "2026-03-05T21:00+01:00"], "duration_s": [45, 70]})
    >>> t = nights(canonicalise(raw, "demo", Program.default()).segments)
    >>> t[["rolled_s", "compliant"]].values.tolist()
    [[45.0, False], [0.0, False], [70.0, True]]
    """
    program = program or Program.default()
    segments, end = observed(segments, until)
    first = segments.groupby("subject_id", sort=True)["night"].min()
    if enrolment is not None:  # observation windows set by the study, not by the export
        from .enrolment import observation_windows, within_windows
        windows = observation_windows(segments, enrolment, until)
        segments = within_windows(segments, windows)
        first, end = windows["first_night"], windows["last_night"]
    grid = _grid(first, end) if len(first) else _grid(pd.Series(dtype="datetime64[us]"), pd.Timestamp(0))
    key = pd.MultiIndex.from_frame(grid[["subject_id", "night"]])

    rolling = segments.loc[segments["activity"] == "rolling"]
    by_region = (rolling.groupby(["subject_id", "night", "region"], observed=False)["duration_s"].sum()
                 .unstack("region", fill_value=0.0))
    by_region = by_region.reindex(index=key, columns=list(REGIONS), fill_value=0.0).fillna(0.0)
    table = grid.copy()
    seconds = by_region.to_numpy(dtype="float64")
    for i, region in enumerate(REGIONS):
        table[f"seconds_{region}"] = seconds[:, i]

    def region_sum(regions) -> np.ndarray:
        cols = [REGIONS.index(r) for r in regions]
        return seconds[:, cols].sum(axis=1) if cols else np.zeros(len(table))

    table["rolled_s"] = region_sum(program.hips_and_legs)
    strength = segments.loc[segments["activity"] == "strengthening"]
    table["strengthening_s"] = (strength.groupby(["subject_id", "night"])["duration_s"].sum()
                                .reindex(key, fill_value=0.0).to_numpy())
    table["segments"] = (rolling.groupby(["subject_id", "night"]).size()
                         .reindex(key, fill_value=0).to_numpy().astype("int64"))
    table["compliant"] = table["rolled_s"] >= program.daily.minimum_s
    table["cumulative_s"] = table.groupby("subject_id", sort=False)["rolled_s"].cumsum()

    reached_on = (table["cumulative_s"] if program.progression.mode == "cumulative"
                  else table["rolled_s"]) >= program.progression.total_s
    progression_index = table.loc[reached_on].groupby("subject_id")["night_index"].min()
    p_index = table["subject_id"].map(progression_index).astype("float64")
    table["progression"] = (table["night_index"] == p_index).to_numpy(dtype=bool, na_value=False)
    maintenance = table["night_index"] > p_index
    table["phase"] = np.where(maintenance, "maintenance", "daily")
    window = (table["night_index"] - p_index - 1) // program.maintenance.window_nights
    table["maintenance_window"] = window.where(maintenance).astype("Int64")
    table["check_window"] = table["night_index"] // program.mistakes.window_nights
    table["lateral_s"] = region_sum(program.mistakes.lateral_regions)
    table["thigh_s"] = region_sum(program.mistakes.thigh_regions)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["lateral_share"] = np.where(table["thigh_s"] > 0, table["lateral_s"] / table["thigh_s"], np.nan)
    return table


def progression_nights(nights_table: pd.DataFrame) -> pd.DataFrame:
    """Per subject: the progression night (NaT if none) and the nights it took, both counted.

    >>> t = pd.DataFrame({"subject_id": ["a"] * 3, "night_index": [0, 1, 2],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]),
    ...     "progression": [False, True, False]})
    >>> progression_nights(t)["nights_to_progression"].tolist()
    [2]
    """
    subjects = pd.Index(nights_table["subject_id"].drop_duplicates(), name="subject_id")
    hit = nights_table.loc[nights_table["progression"]].set_index("subject_id")
    return pd.DataFrame({
        "progression_night": hit["night"].reindex(subjects),
        "nights_to_progression": (hit["night_index"] + 1).reindex(subjects).astype("Int64"),
    }, index=subjects)
