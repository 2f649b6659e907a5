"""The checks of ingest in two compiled engines, on the same parsed CSV: which one to build on.

    python benchmarks/ingest_engines.py [--size 1e6] [--repeat 5]

Both engines start from the cells as text (``pyarrow.csv.read_csv``, every column a string,
as ``rollstats.load`` reads a native export) and make the checks of
``docs/definitions.md``: trimmed cells, ISO times with their offsets (instant and wall clock),
numbers, region and side aliases, the thigh clock, activity and trigger words, and every
refusal with its column and reason.

- **Arrow**: rollstats' checking core, :func:`rollstats.io.checks.check` (pyarrow.compute
  kernels and numpy on the Arrow buffers), which builds the canonical table and the rejects.
- **Polars**: the same checks as one lazy Polars query, written here (times in the one layout
  of the generated export; Polars has no zone-rule fallback to the reference parser).

Printed: medians of interleaved runs, CPU time, the peak memory above the input of each in a
fresh process, and whether both refuse the same rows and give the same durations and regions.
It also times the small-file case: ``canonicalise`` (checking core) against
``canonicalise_reference`` (the pandas definition) on a 12-row table, in CPU milliseconds.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from rollstats.program import Program
from rollstats.regions import ALIASES, RIGHT_THIGH_CLOCK, SIDE_ALIASES
from rollstats.schema import ACTIVITY_ALIASES, TRIGGER_ALIASES

from procmem import status  # this folder, on the path when the script runs


def read_text(path: Path) -> pa.Table:
    """Every cell as text, empty cells null (what the CSV reader of rollstats gives)."""
    names = pacsv.read_csv(path, read_options=pacsv.ReadOptions(skip_rows_after_names=0)).column_names
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=True, quoted_strings_can_be_null=True))


def arrow_checks(table: pa.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    from rollstats.io.checks import check

    raw = table.to_pandas()
    segments, rejects, _, _ = check(raw, "export.csv", Program.default(), None, np.arange(1, len(raw) + 1))
    return segments, rejects


def polars_checks(table: pa.Table):
    import polars as pl

    program = Program.default()
    frame = pl.from_arrow(table).lazy()
    have = set(table.column_names)

    def cell(name: str) -> pl.Expr:
        if name not in have:
            return pl.lit(None, dtype=pl.String)
        text = pl.col(name).str.strip_chars()
        return pl.when(text != "").then(text)

    def key(name: str) -> pl.Expr:
        return cell(name).fill_null("").str.to_lowercase().str.replace_all(r"[\s_]+", " ")

    def number(name: str) -> pl.Expr:
        return cell(name).cast(pl.Float64, strict=False)

    def instant(name: str) -> pl.Expr:
        return cell(name).str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", strict=False, time_unit="us", time_zone="UTC")

    regions = {k: v for k, v in ALIASES.items()}
    clock_right = {float(h): r for h, r in RIGHT_THIGH_CLOCK.items()}
    clock_left = {float(h): RIGHT_THIGH_CLOCK[12 if h == 12 else 12 - h] for h in range(1, 13)}
    limit = program.limits.max_segment_s
    x = frame.with_columns(
        subject=cell("subject_id"), start=instant("start"), end=instant("end"),
        local=cell("start").str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us"),
        duration=number("duration_s"), duration_text=cell("duration_s"),
        region_key=key("region"), side=key("side").replace_strict(SIDE_ALIASES, default=None),
        side_text=cell("side"), clock=number("clock"), clock_text=cell("clock"),
        activity=key("activity").replace_strict(ACTIVITY_ALIASES, default=None),
        trigger=key("trigger").replace_strict(TRIGGER_ALIASES, default=None),
        hold_count=number("hold_count"), hold_s=number("hold_s"),
        pain_before=number("pain_before"), pain_after=number("pain_after"),
    ).with_columns(
        by_end=(pl.col("end") - pl.col("start")).dt.total_microseconds() / 1e6,
        region=pl.col("region_key").replace_strict(regions, default="other"),
        thigh=pl.col("region_key").is_in(["thigh", ""]) & pl.col("clock_text").is_not_null(),
        hour_ok=pl.col("clock").is_in([float(h) for h in range(1, 13)]),
    ).with_columns(
        seconds=pl.coalesce("duration", "by_end"),
        by_clock=pl.when(pl.col("side") == "left").then(pl.col("clock").replace_strict(clock_left, default=None))
        .when((pl.col("side") == "right") | pl.col("clock").is_in([6.0, 12.0]))
        .then(pl.col("clock").replace_strict(clock_right, default=None)),
    )
    checks = [
        (pl.col("subject").is_null(), "subject_id: missing subject"),
        (pl.col("start").is_null(), "start: unreadable or missing time"),
        (cell("end").is_not_null() & pl.col("end").is_null(), "end: unreadable time"),
        (pl.col("duration_text").is_not_null() & pl.col("duration").is_null(), "duration_s: not a number"),
        ((pl.col("duration") - pl.col("by_end")).abs() > 1.0, "duration_s: disagrees with end - start"),
        (pl.col("seconds") <= 0, "duration_s: duration of zero or less"),
        (pl.col("seconds") > limit, f"duration_s: longer than limits.max_segment_s = {limit:g} s: implausible"),
        (pl.col("thigh") & ~pl.col("hour_ok"), "clock: clock must be a whole hour from 1 to 12"),
        (pl.col("thigh") & pl.col("hour_ok") & pl.col("by_clock").is_null(), "clock: thigh clock position ..."),
        (pl.col("side_text").is_not_null() & pl.col("side").is_null(), "side: side must be left, right or both"),
        (pl.col("activity").is_null(), "activity: not one of ..."),
        (pl.col("trigger").is_null(), "trigger: not one of ..."),
        ((pl.col("hold_count") < 0) | (pl.col("hold_count") != pl.col("hold_count").floor()),
         "hold_count: must be a whole number of 0 or more"),
        (pl.col("hold_s") < 0, "hold_s: must be 0 or more"),
        (pl.col("hold_s") > pl.col("seconds"), "hold_s: longer than the segment itself"),
        ((pl.col("pain_before") < 0) | (pl.col("pain_before") > 10), "pain_before: pain must be on the 0-10 scale"),
        ((pl.col("pain_after") < 0) | (pl.col("pain_after") > 10), "pain_after: pain must be on the 0-10 scale"),
    ]
    reason = pl.concat_str([pl.when(m.fill_null(False)).then(pl.lit(why)) for m, why in checks],
                           separator="; ", ignore_nulls=True)
    x = x.with_columns(reason=pl.when(reason != "").then(reason), row=pl.int_range(1, pl.len() + 1))
    out = x.with_columns(region=pl.when(pl.col("thigh")).then(pl.col("by_clock"))
                         .when(pl.col("region_key") == "thigh").then(pl.lit("unspecified"))
                         .otherwise(pl.col("region")))
    segments = out.filter(pl.col("reason").is_null()).select(
        "subject", "start", "local", "seconds", "region", "side", "activity", "trigger", "hold_count", "hold_s",
        "pain_before", "pain_after", "row")
    rejects = out.filter(pl.col("reason").is_not_null()).select("row", "reason")
    both = pl.collect_all([segments, rejects])
    return both[0], both[1]


def tiny_cpu_ms(repeat: int = 300) -> dict:
    from rollstats.datasets import generate_cohort
    from rollstats.io.base import canonicalise
    from rollstats.io.reference import canonicalise_reference

    raw = generate_cohort(n_subjects=1, n_nights=8, seed=3).head(12).astype("string").astype("str")
    program = Program.default()
    out = {}
    for fn in (canonicalise_reference, canonicalise, canonicalise_reference, canonicalise):
        began = time.process_time()
        for _ in range(repeat):
            fn(raw, "tiny.csv", program)
        out.setdefault(fn.__name__, []).append((time.process_time() - began) / repeat * 1000)
    return {k: min(v) for k, v in out.items()}


def peak(engine: str, path: str) -> dict:
    """Run one engine in this fresh process; its peak resident set above the input table."""
    table = read_text(Path(path))
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before = status()["VmRSS"]
    out = (arrow_checks if engine == "arrow" else polars_checks)(table)
    return {"engine": engine, "above_input": status()["VmHWM"] - before, "arrow": table.nbytes, "rows": len(out[0])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1e6, help="segments in the generated export")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", default="/tmp/rollstats-bench")
    parser.add_argument("--peak", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak:
        print(json.dumps(peak(*args.peak)))
        return 0
    from rollstats.datasets.scale import write_cohort_csv

    subjects = max(2, round(args.size / (2.3 * 365)))
    path = Path(args.workdir) / f"checks-{int(args.size)}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_cohort_csv(path, subjects, 365, seed=1)
    table = read_text(path)
    a_seg, a_rej = arrow_checks(table)
    p_seg, p_rej = polars_checks(table)
    same = (len(a_seg) == len(p_seg) and len(a_rej) == len(p_rej)
            and np.array_equal(a_seg["duration_s"].to_numpy(), p_seg["seconds"].to_numpy())
            and a_seg["region"].astype(str).tolist() == p_seg["region"].to_list()
            and np.array_equal(a_seg["start"].array.asi8, p_seg["start"].cast(int).to_numpy()))
    print(f"{table.num_rows:,} rows, {table.nbytes / 2**20:,.0f} MiB as Arrow text; "
          f"accepted {len(a_seg):,} / {len(p_seg):,}, refused {len(a_rej):,} / {len(p_rej):,}; "
          f"same rows, starts, durations and regions: {same}")
    wall = {"read_csv": [], "arrow": [], "polars": []}
    cpu = {"arrow": [], "polars": []}
    for _ in range(args.repeat):
        for name, fn in (("read_csv", lambda: read_text(path)), ("arrow", lambda: arrow_checks(table)),
                         ("polars", lambda: polars_checks(table))):
            began, began_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - began)
            if name in cpu:
                cpu[name].append(time.process_time() - began_cpu)
    med = {k: statistics.median(v) for k, v in wall.items()}
    for name in ("arrow", "polars"):
        got = subprocess.run([sys.executable, __file__, "--peak", name, str(path)], capture_output=True, text=True)
        memory = json.loads(got.stdout.strip().splitlines()[-1]) if got.returncode == 0 else None
        mem = f"{memory['above_input'] / memory['arrow']:.2f}x the input" if memory else got.stderr[-200:]
        print(f"{name:>6}: {med[name]:.3f} s wall (median of {args.repeat}), {statistics.median(cpu[name]):.3f} s CPU, "
              f"{med[name] / med['read_csv']:.2f}x the parse ({med['read_csv']:.3f} s); peak memory above input {mem}")
    tiny = tiny_cpu_ms()
    print(f"12-row table: canonicalise {tiny['canonicalise']:.2f} ms CPU, the pandas reference "
          f"{tiny['canonicalise_reference']:.2f} ms ({tiny['canonicalise_reference'] / tiny['canonicalise']:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
