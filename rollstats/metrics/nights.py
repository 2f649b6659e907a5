"""The nights table: one row per subject and observed night, the base of every figure.

Pure functions: canonical segments in, tables out; no I/O, no plotting.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..program import Program
from ..regions import REGIONS
from .enrolment import observation_windows, within_windows
from .observation import observed

REGION_COLUMNS: tuple[str, ...] = tuple(f"seconds_{r}" for r in REGIONS)


def rolled_any(table: pd.DataFrame) -> np.ndarray:
    """Per row of a table of ``seconds_*`` region columns (a nights table, or summed seconds per
    subject): whether it holds any rolling on a region. A summary counts the subjects who have
    such a row (unless an enrolment names them all).

    >>> rolled_any(pd.DataFrame({"seconds_calf": [0.0, 30.0], "seconds_hip": [0.0, 0.0]})).tolist()
    [False, True]
    """
    regions = [c for c in REGION_COLUMNS if c in table]
    return table[regions].to_numpy(dtype="float64").sum(axis=1) > 0


def _lengths(first: pd.Series, end: pd.Timestamp | pd.Series) -> np.ndarray:
    """Nights from each subject's first night to ``end`` (one night or one per subject), both
    counted; 0 when ``end`` is before the first night (int64, numpy: no pandas overhead)."""
    def days(nights) -> np.ndarray:  # nights are midnights: whole days since 1970
        values = nights.to_numpy(dtype="datetime64[us]") if isinstance(nights, pd.Series) else \
            np.datetime64(pd.Timestamp(nights).as_unit("us").to_datetime64())
        return values.astype("datetime64[D]").astype("int64")
    return np.maximum(days(end) - days(first) + 1, 0)


def _exact_sums(seconds: np.ndarray) -> bool:
    """Whether any sums of ``seconds`` are exact in float64: finite multiples of 1/1024 s whose
    absolute values add up to less than 2**42 s (each partial sum then needs at most 52 bits).

    >>> _exact_sums(np.array([60.0, 0.5, 3600.0])), _exact_sums(np.array([0.1])), _exact_sums(np.array([np.nan]))
    (True, False, False)
    """
    scaled = seconds * 1024.0
    return bool(np.isfinite(scaled).all() and (scaled == np.round(scaled)).all()
                and np.abs(seconds).sum() < 2.0 ** 42)


def _grid(first: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """Every (subject, night) from each subject's first night to ``end``."""
    lengths = _lengths(first, end)
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    night_index = np.arange(total) - starts
    first_nights = np.repeat(first.to_numpy(dtype="datetime64[us]"), lengths)
    # text ids as text; the integer codes summarize works on stay integers (no text per row)
    coded = len(first) > 0 and pd.api.types.is_integer_dtype(first.index)
    subjects = pd.Series(first.index, dtype=first.index.dtype if coded else "str").array
    return pd.DataFrame({
        "subject_id": subjects.take(np.repeat(np.arange(len(lengths)), lengths)),
        "night": first_nights + night_index.astype("timedelta64[D]").astype("timedelta64[us]"),
        "night_index": night_index.astype("int64"),
    })


def nights(segments: pd.DataFrame, program: Program | None = None,
           until: str | dt.date | None = None, enrolment: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per subject and night: seconds rolled, compliance, phase and windows.

    ``segments`` is a canonical segment table. Every night from the subject's first night
    to the end of observation is a row, with zeros where nothing was logged. Seconds are
    rolling time in seconds; see ``docs/definitions.md`` for each column.

    With an ``enrolment`` table (see :func:`rollstats.enrolment.enrolment_table`),
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
    # integer subject codes in the order of the sorted ids: one hash of the ids, then numpy
    codes, ids = pd.factorize(segments["subject_id"], sort=True)
    first = pd.Series(segments["night"].to_numpy(dtype="datetime64[us]")).groupby(codes).min()
    first.index = pd.Index(ids, name="subject_id")
    if enrolment is not None:  # observation windows set by the study, not by the export
        windows = observation_windows(segments, enrolment, until)
        segments = within_windows(segments, windows)
        first, end = windows["first_night"], windows["last_night"]
    if not len(first):
        first, end = pd.Series(dtype="datetime64[us]"), pd.Timestamp(0)
    grid = _grid(first, end)
    # vectorised on positions: each segment's row in the grid is its subject's first row plus
    # its night's index; sums per (row, region) by one group-by on integer keys, in input order
    # (pandas' compensated sums, as a group-by on the labels gives)
    lengths = _lengths(first, end)
    size = int(lengths.sum())
    subject_row = np.cumsum(lengths) - lengths
    grid_subject = np.repeat(np.arange(len(lengths)), lengths)
    if enrolment is None:
        which = codes
    else:
        codes, ids = pd.factorize(segments["subject_id"])
        which = np.where(codes >= 0, first.index.get_indexer(ids)[np.maximum(codes, 0)] if len(ids) else -1, -1)
    row = np.zeros(len(segments), dtype="int64")
    inside = np.zeros(len(segments), dtype=bool)
    if len(first):
        which_ = np.maximum(which, 0)
        offset = ((segments["night"].to_numpy(dtype="datetime64[us]") - first.to_numpy(dtype="datetime64[us]")[which_])
                  // np.timedelta64(1, "D"))
        inside = (which >= 0) & (offset >= 0) & (offset < lengths[which_])
        row = np.where(inside, subject_row[which_] + offset, 0)
    activity = segments["activity"]
    rolling = (activity == "rolling").to_numpy(dtype=bool) & inside
    region = pd.Categorical(segments["region"], categories=list(REGIONS)).codes.astype("int64")
    duration = segments["duration_s"].to_numpy(dtype="float64")

    # whole 1/1024 s adding up to less than 2**42 s: every partial sum is exact, whatever the
    # order, so plain sums equal pandas' compensated ones to the last bit (no keys to hash)
    exact = _exact_sums(duration)

    def total(mask: np.ndarray, key: np.ndarray, length: int) -> np.ndarray:
        if exact:
            return np.bincount(key[mask], weights=duration[mask], minlength=length).astype("float64", copy=False)
        out = np.zeros(length)
        sums = pd.Series(duration[mask]).groupby(key[mask], sort=False).sum()
        out[sums.index.to_numpy()] = sums.to_numpy()
        return out

    counted = rolling & (region >= 0)
    # one column per region, each contiguous (region-major keys)
    seconds = total(counted, region * size + row, size * len(REGIONS)).reshape(len(REGIONS), size).T
    columns = {"subject_id": grid["subject_id"], "night": grid["night"], "night_index": grid["night_index"]}
    for i, name in enumerate(REGIONS):
        columns[f"seconds_{name}"] = seconds[:, i]

    def region_sum(regions) -> np.ndarray:
        out = np.zeros(size)
        for r in regions:
            out += seconds[:, REGIONS.index(r)]
        return out

    rolled = region_sum(program.hips_and_legs)
    columns["rolled_s"] = rolled
    columns["strengthening_s"] = total((activity == "strengthening").to_numpy(dtype=bool) & inside, row, size)
    columns["segments"] = np.bincount(row[rolling], minlength=size).astype("int64")
    columns["compliant"] = rolled >= program.daily.minimum_s
    if exact:   # running totals restarting with each subject, exact as above
        running = np.cumsum(rolled)
        before = np.r_[0.0, running][subject_row]
        cumulative = running - np.repeat(before, lengths)
    else:
        cumulative = pd.Series(rolled).groupby(grid_subject, sort=False).cumsum().to_numpy()
    columns["cumulative_s"] = cumulative

    reached_on = (cumulative if program.progression.mode == "cumulative" else rolled) >= program.progression.total_s
    hits = np.flatnonzero(reached_on)
    hit_subjects, first_hit = np.unique(grid_subject[hits], return_index=True)
    progression_index = np.full(len(lengths), np.nan)
    progression_index[hit_subjects] = grid["night_index"].to_numpy()[hits[first_hit]]
    p_index = progression_index[grid_subject]
    index = grid["night_index"].to_numpy()
    columns["progression"] = index == p_index
    maintenance = index > p_index
    # two labels taken by position: far cheaper than converting a numpy array of text to str
    columns["phase"] = pd.Index(["daily", "maintenance"], dtype="str").take(maintenance.astype("int8")).array
    window = pd.Series((index - p_index - 1) // program.maintenance.window_nights)
    columns["maintenance_window"] = window.where(maintenance).astype("Int64").array
    columns["check_window"] = index // program.mistakes.window_nights
    lateral, thigh = region_sum(program.mistakes.lateral_regions), region_sum(program.mistakes.thigh_regions)
    columns["lateral_s"] = lateral
    columns["thigh_s"] = thigh
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["lateral_share"] = np.where(thigh > 0, lateral / thigh, np.nan)
    return pd.DataFrame(columns, copy=False)


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
