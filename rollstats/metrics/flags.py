"""The card's common mistakes: lateral thigh, rolling too fast, standalone use, narrow rolling.

Each flag is a nullable boolean: true, false, or NA where the data cannot say.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..program import Program
from ..regions import REGIONS
from ._runs import runs


def _label_dtype(subject: pd.Series):
    """Text ids stay text (``str``); integer codes (:func:`rollstats.summarize` works on them)
    keep their own dtype."""
    return "str" if pd.api.types.is_string_dtype(subject) or subject.dtype == object else subject.dtype


def sessions(segments: pd.DataFrame, program: Program | None = None, pain: bool = False) -> pd.DataFrame:
    """One row per session: segments of one subject with gaps of at most ``night.session_gap_s``.

    The gap is the next segment's start minus the latest end so far (seconds, absolute time).
    ``rolled_s`` is hips-and-legs rolling (s); ``mean_hold_s`` is total held seconds over holds
    for rolling segments that log both ``hold_count > 0`` and ``hold_s``; ``too_fast`` is
    NA without hold data. With ``pain``, two more columns: the first ``pain_before`` and the
    last ``pain_after`` logged in the session (by segment start; NaN where none).

    >>> from rollstats.io import canonicalise
    >>> raw = pd.DataFrame({"subject_id": ["a", "a"], "region": ["quads", "calves"],
    ...     "start": ["2026-03-03T21:00+01:00", "2026-03-03T21:01+01:00"], "duration_s": [60, 60],
    ...     "hold_count": [2, 2], "hold_s": [4, 4]})
    >>> sessions(canonicalise(raw, "demo", Program.default()).segments)[["segments", "mean_hold_s", "too_fast"]].values.tolist()
    [[2, 2.0, True]]
    """
    program = program or Program.default()
    # vectorised on integer subject codes (sorted ids): sort only when the input is not sorted
    # by subject and start, and sum per session with reduceat over contiguous runs
    codes, ids = pd.factorize(segments["subject_id"], sort=True)
    start_ns = segments["start"].dt.as_unit("ns").array.asi8
    order = None
    if len(codes) > 1:
        dc, ds = np.diff(codes), np.diff(start_ns)
        if not ((dc > 0) | ((dc == 0) & (ds >= 0))).all():
            order = np.lexsort((start_ns, codes))
            codes, start_ns = codes[order], start_ns[order]
    columns = ["start", "night", "duration_s", "activity", "region", "hold_count", "hold_s", "trigger"]
    columns += ["pain_before", "pain_after"] if pain else []
    seg = segments[columns] if order is None else segments[columns].take(order)
    duration = seg["duration_s"].to_numpy(dtype="float64")
    end_ns = start_ns + np.round(duration * 1e9).astype("int64")
    first_row = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, dtype=bool)
    latest_end = pd.Series(end_ns).groupby(codes).cummax().to_numpy()
    previous = np.r_[np.int64(0), latest_end[:-1]] if len(codes) else latest_end
    new = first_row | ((start_ns - previous) > program.night.session_gap_s * 1e9)
    session_id = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    subject_of = codes[starts]
    number = session_id[starts] - session_id[first_row][subject_of]

    rolling = (seg["activity"] == "rolling").to_numpy()
    counted = seg["region"].isin(program.hips_and_legs).to_numpy() & rolling
    holds = (rolling & seg["hold_count"].gt(0).fillna(False).to_numpy(dtype=bool)
             & seg["hold_s"].notna().to_numpy())

    def per_session(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts) if len(starts) else values[:0]

    hold_count = per_session(np.where(holds, seg["hold_count"].to_numpy(dtype="float64", na_value=0), 0.0))
    hold_s = per_session(np.where(holds, seg["hold_s"].to_numpy(dtype="float64", na_value=0), 0.0))
    out = pd.DataFrame({
        "subject_id": pd.Series(ids.take(subject_of), dtype=_label_dtype(segments["subject_id"])).array,
        "session": number.astype("int64"),
        "first_start": seg["start"].array.take(starts),
        "night": seg["night"].array.take(starts),
        "segments": per_session(rolling.astype("int64")),
        "rolled_s": per_session(np.where(counted, duration, 0.0)),
        "hold_count": hold_count,
        "hold_s": hold_s,
        "symptom": per_session((seg["trigger"] == "symptom").to_numpy(dtype=bool).astype("int64")) > 0,
    })
    has_holds = out["hold_count"] > 0
    out["mean_hold_s"] = (out["hold_s"] / out["hold_count"]).where(has_holds)
    too_fast = pd.array(out["mean_hold_s"] < program.mistakes.min_hold_s, dtype="boolean")
    too_fast[~has_holds.to_numpy()] = pd.NA
    out["too_fast"] = too_fast
    out["hold_count"] = out["hold_count"].astype("int64")
    if pain:  # first pain_before and last pain_after logged in each session, by start
        place = np.arange(len(seg))
        before = seg["pain_before"].to_numpy(dtype="float64", na_value=np.nan)
        after = seg["pain_after"].to_numpy(dtype="float64", na_value=np.nan)
        first = np.minimum.reduceat(np.where(np.isnan(before), len(seg), place), starts) if len(starts) else place
        last = np.maximum.reduceat(np.where(np.isnan(after), -1, place), starts) if len(starts) else place
        out["pain_before"] = np.where(first < len(seg), before[np.minimum(first, max(len(seg) - 1, 0))], np.nan)
        out["pain_after"] = np.where(last >= 0, after[np.maximum(last, 0)], np.nan)
    return out


def check_windows(nights_table: pd.DataFrame, program: Program | None = None,
                  exercises_logged: bool = True) -> pd.DataFrame:
    """Standalone and narrow rolling per window of ``mistakes.window_nights`` from the first night.

    ``exercises_logged`` says whether the export logs any exercise other than rolling; when
    it does not, the standalone check cannot say (NA). ``regions_covered`` counts distinct
    regions of ``daily.counted_regions`` with rolling time (``unspecified`` is no region).

    >>> t = pd.DataFrame({"subject_id": ["a"] * 2, "check_window": [0, 0],
    ...     "night": pd.to_datetime(["2026-03-01", "2026-03-02"]), "rolled_s": [60.0, 60.0],
    ...     "strengthening_s": [0.0, 0.0], "seconds_calf": [60.0, 0.0], "seconds_hip": [0.0, 60.0]})
    >>> check_windows(t)[["regions_covered", "standalone", "narrow"]].values.tolist()
    [[2, True, True]]
    """
    program = program or Program.default()
    named = [r for r in program.daily.counted_regions if r != "unspecified"]
    columns = [f"seconds_{r}" for r in REGIONS if f"seconds_{r}" in nights_table]
    run = runs(nights_table, "check_window")
    covered = np.zeros(len(run.starts), dtype="int64")   # named regions with rolling time in the window
    for region in named:
        if f"seconds_{region}" in nights_table:
            covered += run.sum(nights_table[f"seconds_{region}"]) > 0
    out = pd.DataFrame({
        "subject_id": run.subjects, "check_window": run.keys,
        "first_night": run.first(nights_table["night"]), "last_night": run.last(nights_table["night"]),
        "rolled_s": run.sum(nights_table["rolled_s"]), "strengthening_s": run.sum(nights_table["strengthening_s"]),
        "regions_covered": covered,
    })
    rolled_any = run.sum(nights_table[columns].sum(axis=1)) > 0
    standalone = pd.array(out["strengthening_s"] <= 0, dtype="boolean")
    standalone[~(rolled_any & exercises_logged)] = pd.NA
    narrow = pd.array(out["regions_covered"] < program.mistakes.min_regions, dtype="boolean")
    narrow[~((out["rolled_s"] > 0) & (out["regions_covered"] > 0)).to_numpy()] = pd.NA
    out["standalone"] = standalone
    out["narrow"] = narrow
    return out


def any_flag(values: pd.Series, by: pd.Series) -> pd.Series:
    """Per group: true if any value is true, false if some are false and none true, else NA.

    >>> v = pd.array([True, pd.NA, False, pd.NA, pd.NA], dtype="boolean")
    >>> any_flag(pd.Series(v), pd.Series(["a", "a", "b", "b", "c"])).tolist()
    [True, False, <NA>]
    """
    values = values.astype("boolean")
    frame = pd.DataFrame({"by": by.to_numpy(), "t": values.fillna(False).to_numpy(dtype=bool),
                          "known": values.notna().to_numpy()})
    grouped = frame.groupby("by", sort=True)
    has_true = grouped["t"].any()
    has_known = grouped["known"].any()
    out = pd.Series(pd.array(has_true.to_numpy(), dtype="boolean"), index=has_true.index)
    out[~has_known.to_numpy()] = pd.NA
    return out
