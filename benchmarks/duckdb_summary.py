"""The card's per-subject figures in SQL, run by DuckDB: the benchmark's reference engine.

Written from ``docs/definitions.md`` alone (not from rollstats' code), so that it checks the
figures as much as it times them. It covers every column of :func:`rollstats.summarize`
except the research measures (strength score, data days, alerts, symptoms), which need
recursions SQL does not express well; the benchmark compares the columns in
:data:`COLUMNS`.

Input: the canonical segment table (``rollstats.load(...).segments``), a pandas DataFrame
that DuckDB scans in place. Output: one row per subject who rolled, sorted by subject.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from rollstats.program import Program
from rollstats.regions import REGIONS

COLUMNS: tuple[str, ...] = (
    "subject_id", "first_night", "last_night", "nights_observed", "compliant_nights",
    "daily_phase_nights", "daily_phase_compliant_nights", "daily_adherence", "longest_streak",
    "current_streak", "rolled_s", "progression_night", "nights_to_progression",
    "maintenance_windows_complete", "maintenance_windows_met", "maintenance_windows_over_max",
    "maintenance_adherence", "lateral_thigh_s", "lateral_thigh_share",
    *[f"seconds_{r}" for r in REGIONS], "strengthening_s", "sessions", "symptom_sessions",
    "too_fast_sessions", "standalone_windows", "narrow_windows", "flag_lateral_thigh",
    "flag_too_fast", "flag_standalone", "flag_narrow",
)


def _list(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")" if values else "('')"


def sql(program: Program | None = None) -> str:
    """The query, with the program's numbers written in (the input view is ``seg``)."""
    p = program or Program.default()
    if p.progression.mode != "cumulative" or p.daily.streak_scope != "observation":
        raise NotImplementedError("the SQL reference covers the default modes only")
    hips = _list(p.hips_and_legs)
    named = [r for r in p.daily.counted_regions if r != "unspecified"]
    region_sums = ",\n        ".join(
        f"sum(duration_s) FILTER (WHERE rolling AND region = '{r}') AS seconds_{r}" for r in REGIONS)
    region_cols = ", ".join(f"coalesce(pn.seconds_{r}, 0) AS seconds_{r}" for r in REGIONS)
    region_totals = ", ".join(f"sum(seconds_{r}) AS seconds_{r}" for r in REGIONS)
    covered = " + ".join(f"(sum(seconds_{r}) > 0)::INT" for r in named) or "0"
    any_rolling = " + ".join(f"seconds_{r}" for r in REGIONS)
    mw = p.maintenance.window_nights
    return f"""
WITH
s AS (
    SELECT subject_id, night, start, duration_s, region::VARCHAR AS region,
           activity::VARCHAR = 'rolling' AS rolling, activity::VARCHAR AS activity,
           trigger::VARCHAR AS trigger, hold_count, hold_s
    FROM seg
),
ends AS (SELECT max(night) AS end_night, bool_or(activity <> 'rolling') AS exercises FROM s),
subjects AS (SELECT subject_id, min(night) AS first_night FROM s GROUP BY subject_id),
grid AS (
    SELECT subject_id, first_night,
           unnest(generate_series(first_night, end_night, INTERVAL 1 DAY)) AS night
    FROM subjects, ends
),
per_night AS (
    SELECT subject_id, night,
        sum(duration_s) FILTER (WHERE rolling AND region IN {hips}) AS rolled_s,
        sum(duration_s) FILTER (WHERE activity = 'strengthening') AS strengthening_s,
        sum(duration_s) FILTER (WHERE rolling AND region IN {_list(p.mistakes.lateral_regions)}) AS lateral_s,
        sum(duration_s) FILTER (WHERE rolling AND region IN {_list(p.mistakes.thigh_regions)}) AS thigh_s,
        {region_sums}
    FROM s GROUP BY subject_id, night
),
n AS (
    SELECT g.subject_id, g.night, g.first_night,
        datediff('day', g.first_night, g.night) AS night_index,
        coalesce(pn.rolled_s, 0) AS rolled_s, coalesce(pn.strengthening_s, 0) AS strengthening_s,
        coalesce(pn.lateral_s, 0) AS lateral_s, coalesce(pn.thigh_s, 0) AS thigh_s, {region_cols}
    FROM grid g LEFT JOIN per_night pn ON pn.subject_id = g.subject_id AND pn.night = g.night
),
n2 AS (
    SELECT *, rolled_s >= {p.daily.minimum_s} AS compliant,
        sum(rolled_s) OVER (PARTITION BY subject_id ORDER BY night_index
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative_s
    FROM n
),
prog AS (
    SELECT subject_id, min(night_index) FILTER (WHERE cumulative_s >= {p.progression.total_s}) AS p_index
    FROM n2 GROUP BY subject_id
),
n3 AS (
    SELECT n2.*, prog.p_index,
        prog.p_index IS NOT NULL AND night_index > prog.p_index AS maintenance,
        CASE WHEN prog.p_index IS NOT NULL AND night_index > prog.p_index
             THEN (night_index - prog.p_index - 1) // {mw} END AS mwindow,
        night_index // {p.mistakes.window_nights} AS cwindow,
        sum(CASE WHEN rolled_s >= {p.daily.minimum_s} THEN 0 ELSE 1 END)
            OVER (PARTITION BY n2.subject_id ORDER BY night_index
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
    FROM n2 JOIN prog USING (subject_id)
),
runs AS (
    SELECT subject_id, run, sum(compliant::INT) AS length, max(night_index) AS last_index
    FROM n3 GROUP BY subject_id, run
),
streaks AS (
    SELECT subject_id, max(length) AS longest_streak, arg_max(length, last_index) AS current_streak
    FROM runs GROUP BY subject_id
),
windows AS (
    SELECT subject_id, mwindow, count(*) AS nights, sum(compliant::INT) AS compliant_nights
    FROM n3 WHERE mwindow IS NOT NULL GROUP BY subject_id, mwindow
),
maintenance AS (
    SELECT subject_id,
        count(*) FILTER (WHERE nights = {mw}) AS complete,
        count(*) FILTER (WHERE nights = {mw} AND compliant_nights >= {p.maintenance.min_per_window}) AS met,
        count(*) FILTER (WHERE nights = {mw} AND compliant_nights > {p.maintenance.max_per_window}) AS over_max
    FROM windows GROUP BY subject_id
),
checks AS (
    SELECT subject_id, cwindow, sum(rolled_s) AS rolled_s, sum({any_rolling}) AS any_rolling_s,
        sum(strengthening_s) AS strengthening_s, {covered} AS covered
    FROM n3 GROUP BY subject_id, cwindow
),
checks2 AS (
    SELECT subject_id,
        CASE WHEN any_rolling_s > 0 AND (SELECT exercises FROM ends) THEN strengthening_s <= 0 END AS standalone,
        CASE WHEN rolled_s > 0 AND covered > 0 THEN covered < {p.mistakes.min_regions} END AS narrow
    FROM checks
),
check_flags AS (
    SELECT subject_id,
        count(*) FILTER (WHERE standalone) AS standalone_windows,
        count(*) FILTER (WHERE narrow) AS narrow_windows,
        CASE WHEN bool_or(standalone) THEN TRUE WHEN count(standalone) > 0 THEN FALSE END AS flag_standalone,
        CASE WHEN bool_or(narrow) THEN TRUE WHEN count(narrow) > 0 THEN FALSE END AS flag_narrow
    FROM checks2 GROUP BY subject_id
),
seg_end AS (
    SELECT *, max(start + to_microseconds(round(duration_s * 1000000)::BIGINT)) OVER (
        PARTITION BY subject_id ORDER BY start
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end
    FROM s
),
seg_session AS (
    SELECT *, sum(CASE WHEN latest_end IS NULL
                        OR epoch_us(start) - epoch_us(latest_end) > {p.night.session_gap_s * 1_000_000}
                       THEN 1 ELSE 0 END)
               OVER (PARTITION BY subject_id ORDER BY start
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
    FROM seg_end
),
sessions AS (
    SELECT subject_id, session,
        count(*) FILTER (WHERE rolling) AS segments,
        bool_or(trigger = 'symptom') AS symptom,
        sum(hold_count) FILTER (WHERE rolling AND hold_count > 0 AND hold_s IS NOT NULL) AS holds,
        sum(hold_s) FILTER (WHERE rolling AND hold_count > 0 AND hold_s IS NOT NULL) AS held_s
    FROM seg_session GROUP BY subject_id, session
),
session_flags AS (
    SELECT subject_id, count(*) AS sessions,
        count(*) FILTER (WHERE symptom) AS symptom_sessions,
        count(*) FILTER (WHERE holds > 0 AND held_s / holds < {p.mistakes.min_hold_s}) AS too_fast_sessions,
        CASE WHEN bool_or(holds > 0 AND held_s / holds < {p.mistakes.min_hold_s}) THEN TRUE
             WHEN count(*) FILTER (WHERE holds > 0) > 0 THEN FALSE END AS flag_too_fast
    FROM sessions WHERE segments > 0 GROUP BY subject_id
),
totals AS (
    SELECT subject_id, min(night) AS first_night, max(night) AS last_night, count(*) AS nights_observed,
        sum(compliant::INT) AS compliant_nights,
        count(*) FILTER (WHERE NOT maintenance) AS daily_phase_nights,
        count(*) FILTER (WHERE NOT maintenance AND compliant) AS daily_phase_compliant_nights,
        sum(rolled_s) AS rolled_s, min(p_index) AS p_index,
        sum(lateral_s) AS lateral_thigh_s, sum(thigh_s) AS thigh_s,
        {region_totals}, sum(strengthening_s) AS strengthening_s
    FROM n3 GROUP BY subject_id
)
SELECT t.subject_id, t.first_night, t.last_night, t.nights_observed, t.compliant_nights,
    t.daily_phase_nights, t.daily_phase_compliant_nights,
    t.daily_phase_compliant_nights / t.daily_phase_nights AS daily_adherence,
    st.longest_streak, st.current_streak, t.rolled_s,
    t.first_night + to_days(t.p_index::INT) AS progression_night,
    t.p_index + 1 AS nights_to_progression,
    coalesce(m.complete, 0) AS maintenance_windows_complete,
    coalesce(m.met, 0) AS maintenance_windows_met,
    coalesce(m.over_max, 0) AS maintenance_windows_over_max,
    CASE WHEN m.complete > 0 THEN m.met / m.complete END AS maintenance_adherence,
    t.lateral_thigh_s, CASE WHEN t.thigh_s > 0 THEN t.lateral_thigh_s / t.thigh_s END AS lateral_thigh_share,
    {", ".join(f"t.seconds_{r}" for r in REGIONS)}, t.strengthening_s,
    coalesce(sf.sessions, 0) AS sessions, coalesce(sf.symptom_sessions, 0) AS symptom_sessions,
    coalesce(sf.too_fast_sessions, 0) AS too_fast_sessions,
    coalesce(cf.standalone_windows, 0) AS standalone_windows, coalesce(cf.narrow_windows, 0) AS narrow_windows,
    CASE WHEN t.lateral_thigh_s > 0 THEN TRUE
         WHEN ({" + ".join(f"t.seconds_{r}" for r in REGIONS if r != "unspecified")}) > 0 THEN FALSE END
         AS flag_lateral_thigh,
    sf.flag_too_fast, cf.flag_standalone, cf.flag_narrow
FROM totals t
JOIN streaks st USING (subject_id)
LEFT JOIN maintenance m USING (subject_id)
LEFT JOIN session_flags sf USING (subject_id)
LEFT JOIN check_flags cf USING (subject_id)
WHERE ({" + ".join(f"t.seconds_{r}" for r in REGIONS)}) > 0
ORDER BY t.subject_id
"""


def columns_of(segments: pd.DataFrame) -> pd.DataFrame:
    """The columns of the canonical table that the query reads (the rest stays in pandas)."""
    return segments[["subject_id", "night", "start", "duration_s", "region", "activity", "trigger",
                     "hold_count", "hold_s"]]


def summarize_duckdb(segments: pd.DataFrame, program: Program | None = None,
                     connection: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The figures of :data:`COLUMNS` per subject who rolled, computed by DuckDB.

    ``segments`` is a canonical segment table (pandas); DuckDB scans it in place.
    """
    con = connection or duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # no bar on stderr in the benchmark's output
    seg = columns_of(segments)  # noqa: F841 (scanned by name below)
    con.register("seg", seg)
    try:
        out = con.execute(sql(program)).df()
    finally:
        con.unregister("seg")
    return out


def normalised(frame: pd.DataFrame, columns=COLUMNS) -> pd.DataFrame:
    """Figures as plain numbers for comparison: floats with NaN for NA, dates as day numbers."""
    out = {}
    for col in columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
            days = (values - pd.Timestamp("1970-01-01")).dt.days
            out[col] = days.astype("float64")
        elif col == "subject_id":
            out[col] = values.astype("str").to_numpy(dtype=object)
        else:
            out[col] = pd.to_numeric(values.astype("object").where(values.notna(), np.nan),
                                     errors="raise").astype("float64").to_numpy()
    return pd.DataFrame(out).sort_values("subject_id", kind="stable").reset_index(drop=True)


def differences(left: pd.DataFrame, right: pd.DataFrame, columns=COLUMNS, rtol: float = 1e-9) -> dict[str, int]:
    """Per column, how many subjects differ between two summaries (NaN equals NaN)."""
    a, b = normalised(left, columns), normalised(right, columns)
    if len(a) != len(b) or not (a["subject_id"].to_numpy() == b["subject_id"].to_numpy()).all():
        only_a = sorted(set(a["subject_id"]) - set(b["subject_id"]))
        only_b = sorted(set(b["subject_id"]) - set(a["subject_id"]))
        return {"subject_id": max(len(only_a), len(only_b), 1)}
    out = {}
    for col in columns[1:]:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        same = np.isclose(x, y, rtol=rtol, atol=0.0, equal_nan=True)
        if not same.all():
            out[col] = int((~same).sum())
    return out
