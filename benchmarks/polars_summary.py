"""The card's per-subject figures as one lazy Polars query: the benchmark's second reference engine.

Written from ``docs/definitions.md`` (the list of figures is :data:`duckdb_summary.COLUMNS`),
not from rollstats' code, so that it checks the figures as much as it times them. It does not
compute the research measures (strength score, data days, alerts, symptoms), as the SQL does
not. Unlike the SQL it follows both progression modes and both streak scopes of the program.

Input: the canonical segment table (``rollstats.load(...).segments``), a pandas DataFrame;
its nine columns the query reads are handed to Polars (through Arrow). Output: one row per
subject with a rolling segment, sorted by subject, as pandas.

>>> import rollstats
>>> from rollstats.datasets import generate_cohort
>>> from rollstats.io import canonicalise
>>> from rollstats.program import Program
>>> from duckdb_summary import differences
>>> seg = canonicalise(generate_cohort(n_subjects=5, n_nights=30, seed=2), "demo", Program.default()).segments
>>> differences(summarize_polars(seg), rollstats.summarize(seg))
{}
"""
from __future__ import annotations

import pandas as pd
import polars as pl

from duckdb_summary import COLUMNS
from rollstats.program import Program
from rollstats.regions import REGIONS

#: The columns of the canonical table the query reads.
INPUT = ("subject_id", "night", "start", "duration_s", "region", "activity", "trigger", "hold_count", "hold_s")
S = "subject_id"


def frame_of(segments: pd.DataFrame) -> pl.LazyFrame:
    """The columns the query reads, as a Polars LazyFrame (labels as text, nights as dates)."""
    table = pl.from_pandas(segments[list(INPUT)])
    return table.lazy().with_columns(
        pl.col("night").dt.date(),
        *[pl.col(c).cast(pl.String) for c in ("region", "activity", "trigger")])


def _nights(seg: pl.LazyFrame, p: Program) -> pl.LazyFrame:
    """Every observed night of every subject, with its seconds: the nights table of the definitions."""
    rolling = pl.col("activity") == "rolling"

    def seconds(condition: pl.Expr) -> pl.Expr:
        return pl.col("duration_s").filter(condition).sum()

    per_night = seg.group_by(S, "night").agg(
        seconds(rolling & pl.col("region").is_in(list(p.hips_and_legs))).alias("rolled_s"),
        rolling.sum().alias("segments"),
        (pl.col("activity") == "strengthening").sum().alias("strengthening_segments"),
        seconds(rolling & pl.col("region").is_in(list(p.mistakes.lateral_regions))).alias("lateral_s"),
        seconds(rolling & pl.col("region").is_in(list(p.mistakes.thigh_regions))).alias("thigh_s"),
        *[seconds(rolling & (pl.col("region") == r)).alias(f"seconds_{r}") for r in REGIONS],
        seconds(pl.col("activity") == "strengthening").alias("strengthening_s"))
    # observation: from each subject's first night (any activity) to the table's latest night
    subjects = seg.group_by(S).agg(pl.col("night").min().alias("first_night"))
    end = seg.select(pl.col("night").max().alias("end_night"))
    grid = (subjects.join(end, how="cross")
            .with_columns(pl.date_ranges("first_night", "end_night", "1d").alias("night"))
            .explode("night").drop("end_night"))
    counts = [c for c in per_night.collect_schema().names() if c not in (S, "night")]
    n = (grid.join(per_night, on=[S, "night"], how="left")
         .with_columns(pl.col(counts).fill_null(0))
         .sort(S, "night")
         .with_columns((pl.col("night") - pl.col("first_night")).dt.total_days().alias("night_index")))
    compliant = pl.col("rolled_s") >= p.daily.minimum_s
    n = n.with_columns(compliant.alias("compliant"),
                       pl.col("rolled_s").cum_sum().over(S).alias("cumulative_s"))
    reached = pl.col("cumulative_s") if p.progression.mode == "cumulative" else pl.col("rolled_s")
    n = n.with_columns(pl.col("night_index").filter(reached >= p.progression.total_s).min().over(S)
                       .alias("p_index"))
    after = pl.col("p_index").is_not_null() & (pl.col("night_index") > pl.col("p_index"))
    return n.with_columns(
        after.alias("maintenance"),
        pl.when(after).then((pl.col("night_index") - pl.col("p_index") - 1)
                            // p.maintenance.window_nights).alias("mwindow"),
        (pl.col("night_index") // p.mistakes.window_nights).alias("cwindow"))


def _streaks(n: pl.LazyFrame, p: Program) -> pl.LazyFrame:
    """Longest and current run of compliant nights, over the program's scope."""
    scope = n if p.daily.streak_scope == "observation" else n.filter(~pl.col("maintenance"))
    done = pl.col("compliant").cast(pl.Int64).cum_sum().over(S)
    # the run's length on each night: compliant nights so far minus those before the latest miss
    base = pl.when(~pl.col("compliant")).then(done).forward_fill().over(S).fill_null(0)
    return (scope.with_columns((done - base).alias("streak"))
            .group_by(S).agg(pl.col("streak").max().alias("longest_streak"),
                             pl.col("streak").last().alias("current_streak")))


def _maintenance(n: pl.LazyFrame, p: Program) -> pl.LazyFrame:
    m = p.maintenance
    windows = (n.filter(pl.col("mwindow").is_not_null()).group_by(S, "mwindow")
               .agg(pl.len().alias("nights"), pl.col("compliant").sum().alias("compliant_nights")))
    complete = pl.col("nights") == m.window_nights
    return windows.group_by(S).agg(
        complete.sum().alias("maintenance_windows_complete"),
        (complete & (pl.col("compliant_nights") >= m.min_per_window)).sum().alias("maintenance_windows_met"),
        (complete & (pl.col("compliant_nights") > m.max_per_window)).sum().alias("maintenance_windows_over_max"))


def _flag(window_flag: str) -> pl.Expr:
    """Subject flag of nullable window flags: true if any is true, false if some is false, else NA."""
    col = pl.col(window_flag)
    return pl.when(col.any()).then(True).when(col.is_not_null().any()).then(False).otherwise(None)


def _checks(n: pl.LazyFrame, p: Program, exercises: pl.LazyFrame) -> pl.LazyFrame:
    """Standalone and narrow check windows per subject (``exercises``: one row, one boolean:
    whether the table holds a segment other than rolling)."""
    named = [r for r in p.daily.counted_regions if r != "unspecified"]
    covered = pl.sum_horizontal([(pl.col(f"seconds_{r}").sum() > 0).cast(pl.Int64) for r in named]) \
        if named else pl.lit(0)
    windows = n.group_by(S, "cwindow").agg(
        pl.col("segments").sum().alias("rolling_segments"),
        pl.col("strengthening_segments").sum().alias("strengthening_segments"),
        covered.alias("covered")).join(exercises, how="cross")
    windows = windows.with_columns(
        pl.when((pl.col("rolling_segments") > 0) & pl.col("exercises"))
        .then(pl.col("strengthening_segments") == 0).alias("standalone"),
        pl.when(pl.col("covered") > 0).then(pl.col("covered") < p.mistakes.min_regions).alias("narrow"))
    return windows.group_by(S).agg(
        pl.col("standalone").sum().alias("standalone_windows"),
        pl.col("narrow").sum().alias("narrow_windows"),
        _flag("standalone").alias("flag_standalone"), _flag("narrow").alias("flag_narrow"))


def _sessions(seg: pl.LazyFrame, p: Program) -> pl.LazyFrame:
    """Sessions (any activity, gaps up to ``night.session_gap_s``), kept when they hold rolling."""
    rolling = pl.col("activity") == "rolling"
    start = pl.col("start").dt.epoch("us")
    end = start + (pl.col("duration_s") * 1_000_000).round().cast(pl.Int64)
    gap = p.night.session_gap_s * 1_000_000
    latest = end.cum_max().shift(1).over(S)
    ordered = seg.sort(S, "start").with_columns(
        ((latest.is_null()) | (start - latest > gap)).cast(pl.Int64).cum_sum().over(S).alias("session"))
    holds = rolling & pl.col("hold_count").is_not_null() & pl.col("hold_s").is_not_null() & (pl.col("hold_count") > 0)
    sessions = ordered.group_by(S, "session").agg(
        rolling.sum().alias("rolling_segments"),
        (pl.col("trigger") == "symptom").any().alias("symptom"),
        pl.col("hold_count").filter(holds).sum().alias("holds"),
        pl.col("hold_s").filter(holds).sum().alias("held_s"))
    fast = (pl.col("holds") > 0) & (pl.col("held_s") / pl.col("holds") < p.mistakes.min_hold_s)
    return (sessions.filter(pl.col("rolling_segments") > 0).with_columns(fast.alias("fast"))
            .group_by(S).agg(pl.len().alias("sessions"), pl.col("symptom").sum().alias("symptom_sessions"),
                             pl.col("fast").sum().alias("too_fast_sessions"),
                             pl.when(pl.col("fast").any()).then(True)
                             .when((pl.col("holds") > 0).any()).then(False).otherwise(None).alias("flag_too_fast")))


def query(seg: pl.LazyFrame, program: Program | None = None) -> pl.LazyFrame:
    """The lazy query over a frame of :data:`INPUT` (see :func:`frame_of`)."""
    p = program or Program.default()
    exercises = seg.select((pl.col("activity") != "rolling").any().alias("exercises"))
    n = _nights(seg, p)
    regions = [f"seconds_{r}" for r in REGIONS]
    daily = ~pl.col("maintenance")
    totals = n.group_by(S).agg(
        pl.col("first_night").first(), pl.col("night").max().alias("last_night"),
        pl.len().alias("nights_observed"), pl.col("compliant").sum().alias("compliant_nights"),
        daily.sum().alias("daily_phase_nights"),
        (daily & pl.col("compliant")).sum().alias("daily_phase_compliant_nights"),
        pl.col("rolled_s").sum(), pl.col("p_index").first(), pl.col("segments").sum().alias("rolling_segments"),
        pl.col("lateral_s").sum().alias("lateral_thigh_s"), pl.col("thigh_s").sum(),
        *[pl.col(r).sum() for r in regions], pl.col("strengthening_s").sum())
    checks = _checks(n, p, exercises)
    out = (totals.join(_streaks(n, p), on=S, how="left")
           .join(_maintenance(n, p), on=S, how="left")
           .join(_sessions(seg, p), on=S, how="left")
           .join(checks, on=S, how="left")
           .filter(pl.col("rolling_segments") > 0))
    zero = ["maintenance_windows_complete", "maintenance_windows_met", "maintenance_windows_over_max",
            "sessions", "symptom_sessions", "too_fast_sessions", "standalone_windows", "narrow_windows"]
    others = [f"seconds_{r}" for r in REGIONS if r != "unspecified"]
    out = out.with_columns(pl.col(zero).fill_null(0)).with_columns(
        (pl.col("daily_phase_compliant_nights") / pl.col("daily_phase_nights")).alias("daily_adherence"),
        (pl.col("first_night") + pl.duration(days=pl.col("p_index"))).alias("progression_night"),
        (pl.col("p_index") + 1).alias("nights_to_progression"),
        pl.when(pl.col("maintenance_windows_complete") > 0)
        .then(pl.col("maintenance_windows_met") / pl.col("maintenance_windows_complete"))
        .alias("maintenance_adherence"),
        pl.when(pl.col("thigh_s") > 0).then(pl.col("lateral_thigh_s") / pl.col("thigh_s")).alias("lateral_thigh_share"),
        pl.when(pl.col("lateral_thigh_s") > 0).then(True)
        .when(pl.sum_horizontal(others) > 0).then(False).otherwise(None).alias("flag_lateral_thigh"))
    return out.select(COLUMNS).sort(S)


def summarize_polars(segments: pd.DataFrame, program: Program | None = None) -> pd.DataFrame:
    """The figures of ``duckdb_summary.COLUMNS`` per subject who rolled, computed by Polars.

    Seconds as in the definitions; nights as dates; flags nullable. ``segments`` is a
    canonical segment table (pandas). Example: see the module's docstring.
    """
    return query(frame_of(segments), program).collect().to_pandas()
