"""The card's per-subject figures the way a typical analysis script computes them.

For each subject, its segments are grouped by night once; then a Python loop walks over every
night of the observation (streaks, progression, maintenance windows, check windows) and
another over the subject's segments in time order (sessions). It is written plainly from
``docs/definitions.md``, idiomatic pandas inside each subject, and is the benchmark's
"plain per-subject pandas loop": correct, readable, and slow in proportion to the rows.

It computes the columns of :data:`duckdb_summary.COLUMNS` (the research measures are left out,
as in the SQL).
"""
from __future__ import annotations

import math

import pandas as pd

from rollstats.program import Program
from rollstats.regions import REGIONS


def _flag(values: list) -> object:
    """True if any is true, False if some are false and none true, NA with no known value."""
    known = [v for v in values if v is not None]
    if any(known):
        return True
    return False if known else pd.NA


def loop_summary(segments: pd.DataFrame, program: Program | None = None, subjects=None) -> pd.DataFrame:
    """One row per subject who rolled (only ``subjects`` when given), as a loop over nights."""
    p = program or Program.default()
    hips = set(p.hips_and_legs)
    named = [r for r in p.daily.counted_regions if r != "unspecified"]
    end = segments["night"].max()
    exercises_logged = bool((segments["activity"] != "rolling").any())
    wanted = None if subjects is None else set(subjects)
    gap = pd.Timedelta(seconds=p.night.session_gap_s)
    rows = []
    for subject, seg in segments.groupby("subject_id", sort=True):
        if wanted is not None and subject not in wanted:
            continue
        seg = seg.sort_values("start", kind="stable")
        rolling = seg[seg["activity"] == "rolling"]
        if not len(rolling):
            continue
        first = seg["night"].min()
        region_seconds = rolling.groupby(["night", "region"], observed=True)["duration_s"].sum()
        per_night: dict = {}
        for (night, region), seconds in region_seconds.items():
            per_night.setdefault(night, {})[region] = seconds
        strength = seg[seg["activity"] == "strengthening"].groupby("night")["duration_s"].sum().to_dict()

        # every night from the first to the end of the export
        nights = []
        cumulative = 0.0
        progression_index = None
        for i, night in enumerate(pd.date_range(first, end, freq="D")):
            regions = per_night.get(night, {})
            rolled = sum(s for r, s in regions.items() if r in hips)
            cumulative += rolled
            if progression_index is None and cumulative >= p.progression.total_s:
                progression_index = i
            nights.append({"night": night, "index": i, "regions": regions, "rolled": rolled,
                           "compliant": rolled >= p.daily.minimum_s,
                           "strengthening": strength.get(night, 0.0)})

        out = {"subject_id": subject, "first_night": first, "last_night": end,
               "nights_observed": len(nights)}
        out["compliant_nights"] = sum(n["compliant"] for n in nights)
        daily = [n for n in nights if progression_index is None or n["index"] <= progression_index]
        out["daily_phase_nights"] = len(daily)
        out["daily_phase_compliant_nights"] = sum(n["compliant"] for n in daily)
        out["daily_adherence"] = out["daily_phase_compliant_nights"] / len(daily)
        longest = current = 0
        for n in nights:
            current = current + 1 if n["compliant"] else 0
            longest = max(longest, current)
        out["longest_streak"], out["current_streak"] = longest, current
        out["rolled_s"] = sum(n["rolled"] for n in nights)
        if progression_index is None:
            out["progression_night"], out["nights_to_progression"] = pd.NaT, pd.NA
        else:
            out["progression_night"] = nights[progression_index]["night"]
            out["nights_to_progression"] = progression_index + 1

        # maintenance windows of 7 nights from the night after progression
        complete = met = over = 0
        if progression_index is not None:
            after = nights[progression_index + 1:]
            size = p.maintenance.window_nights
            for k in range(0, len(after), size):
                window = after[k:k + size]
                if len(window) < size:
                    break
                count = sum(n["compliant"] for n in window)
                complete += 1
                met += count >= p.maintenance.min_per_window
                over += count > p.maintenance.max_per_window
        out["maintenance_windows_complete"] = complete
        out["maintenance_windows_met"] = met
        out["maintenance_windows_over_max"] = over
        out["maintenance_adherence"] = met / complete if complete else math.nan

        totals = {r: sum(n["regions"].get(r, 0.0) for n in nights) for r in REGIONS}
        lateral = sum(totals[r] for r in p.mistakes.lateral_regions)
        thigh = sum(totals[r] for r in p.mistakes.thigh_regions)
        out["lateral_thigh_s"] = lateral
        out["lateral_thigh_share"] = lateral / thigh if thigh > 0 else math.nan
        for r in REGIONS:
            out[f"seconds_{r}"] = totals[r]
        out["strengthening_s"] = sum(n["strengthening"] for n in nights)

        # sessions: a new one when the gap since the latest end so far passes 15 minutes
        sessions = []
        latest_end = None
        for s in seg.itertuples(index=False):
            if latest_end is None or s.start - latest_end > gap:
                sessions.append({"rolling": 0, "symptom": False, "holds": 0.0, "held": 0.0})
            current_session = sessions[-1]
            end_time = s.start + pd.Timedelta(seconds=s.duration_s)
            latest_end = end_time if latest_end is None else max(latest_end, end_time)
            current_session["symptom"] |= s.trigger == "symptom"
            if s.activity == "rolling":
                current_session["rolling"] += 1
                if not pd.isna(s.hold_count) and s.hold_count > 0 and not pd.isna(s.hold_s):
                    current_session["holds"] += s.hold_count
                    current_session["held"] += s.hold_s
        sessions = [s for s in sessions if s["rolling"] > 0]
        too_fast = [(s["held"] / s["holds"] < p.mistakes.min_hold_s) if s["holds"] > 0 else None
                    for s in sessions]
        out["sessions"] = len(sessions)
        out["symptom_sessions"] = sum(s["symptom"] for s in sessions)
        out["too_fast_sessions"] = sum(bool(t) for t in too_fast)

        # check windows of 7 nights from the first night
        standalone, narrow = [], []
        size = p.mistakes.window_nights
        for k in range(0, len(nights), size):
            window = nights[k:k + size]
            any_rolling = sum(sum(n["regions"].values()) for n in window)
            rolled = sum(n["rolled"] for n in window)
            strengthening = sum(n["strengthening"] for n in window)
            covered = sum(1 for r in named if sum(n["regions"].get(r, 0.0) for n in window) > 0)
            standalone.append(strengthening <= 0 if any_rolling > 0 and exercises_logged else None)
            narrow.append(covered < p.mistakes.min_regions if rolled > 0 and covered > 0 else None)
        out["standalone_windows"] = sum(bool(v) for v in standalone)
        out["narrow_windows"] = sum(bool(v) for v in narrow)

        other_than_unspecified = sum(v for r, v in totals.items() if r != "unspecified")
        out["flag_lateral_thigh"] = True if lateral > 0 else (False if other_than_unspecified > 0 else pd.NA)
        out["flag_too_fast"] = _flag(too_fast)
        out["flag_standalone"] = _flag(standalone)
        out["flag_narrow"] = _flag(narrow)
        rows.append(out)
    return pd.DataFrame(rows)
