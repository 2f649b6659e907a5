"""Benchmarks of rollstats at cohort scale. Run by hand, not by the test suite:

    python benchmarks/run.py                      # 1 M and 10 M segments, 3 repetitions
    python benchmarks/run.py --sizes 1e6 --repeat 5
    python benchmarks/run.py --quick              # 100,000 segments: a smoke run of everything
    python benchmarks/run.py --dask-segments 1e8  # also: 100 M segments on two Dask workers of 1 GB

For each size, in one run on one machine:

1. the generator writes the cohort as a Parquet dataset (timed) and as one CSV export;
2. the summaries are computed and **compared first** (the run stops on any difference):
   ``rollstats.summarize``, the same figures in SQL by DuckDB (``duckdb_summary.py``) and as a
   lazy Polars query (``polars_summary.py``); ``rollstats.load`` of the CSV must give the
   dataset's table, and the three CSV readers must each give all its rows;
3. timings, interleaved (a, b, c, a, b, c ...) so that a busy machine slows all alike; medians
   and ratios: summary vs the faster of DuckDB and Polars (target <= 1.0), ``rollstats.load``
   of the CSV (reading and checking every cell) vs pyarrow's CSV reader (target <= 2.0), with
   the readers of DuckDB and Polars on the same file beside it (parse only);
4. peak memory of each step, each in a fresh process (``step_memory.py``): the peak resident
   set size during the step (Linux ``VmHWM``, reset just before the step), against the Arrow
   size of the step's input (``Table.nbytes``: the canonical table for the summaries, the table
   pyarrow reads from the CSV for the ingest; target for the ingest <= 2.5).
5. with ``--dask-segments N``: ``dask_scale.py`` (N segments on two Dask workers whose memory
   limit is below the data's size; their peak memory; a sample of subjects against pandas).

The results are printed and written as JSON to ``benchmarks/results/`` (not committed).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from step_memory import measured  # noqa: E402 (the folder is on the path just above)

NIGHTS = 365
SEGMENTS_PER_NIGHT = 2.3


# --- the machine ----------------------------------------------------------------------------------

def machine() -> dict:
    import duckdb
    import numpy
    import pandas
    import polars
    import pyarrow

    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2**30, 1),
            "system": platform.platform(), "python": platform.python_version(), "pandas": pandas.__version__,
            "numpy": numpy.__version__, "pyarrow": pyarrow.__version__, "duckdb": duckdb.__version__,
            "polars": polars.__version__,
            "load_average": os.getloadavg()}


# --- one size ---------------------------------------------------------------------------------------

def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_size(size: int, args, log) -> dict:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import rollstats
    import duckdb
    import polars as pl

    from duckdb_summary import COLUMNS, differences, summarize_duckdb
    from polars_summary import summarize_polars
    from rollstats.datasets.scale import write_cohort_csv, write_cohort_parquet
    from rollstats.io import load as read_dataset  # the door reads a dataset as it is

    subjects = max(2, round(size / (SEGMENTS_PER_NIGHT * NIGHTS)))
    work = Path(args.workdir) / f"n{size}"
    dataset, csv = work / "dataset", work / "export.csv"
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"size": size, "subjects": subjects, "nights": NIGHTS}

    log(f"== {size:,} segments: {subjects:,} subjects x {NIGHTS} nights")
    written = write_cohort_parquet(dataset, subjects, NIGHTS, seed=args.seed)
    result["generator"] = {"segments": written["segments"], "files": written["parts"],
                           "seconds": written["seconds"]}
    log(f"generator: {written['segments']:,} segments in {written['parts']} Parquet files, "
        f"{written['seconds']:.1f} s")
    exported = write_cohort_csv(csv, subjects, NIGHTS, seed=args.seed)
    if exported:
        log(f"CSV export: {exported['rows']:,} rows, {csv.stat().st_size / 2**20:,.0f} MiB, {exported['seconds']:.1f} s")
    segments = read_dataset(dataset).segments
    n = len(segments)
    result["segments"] = n
    arrow_segments = pq.read_table(dataset).nbytes
    arrow_csv = pacsv.read_csv(csv).nbytes
    result["arrow_bytes"] = {"segments": arrow_segments, "csv": arrow_csv}

    # 1. the same figures, three ways: checked before anything is timed
    duckdb.execute("SET enable_progress_bar = false")  # the default connection, for read_csv
    ours = rollstats.summarize(segments)
    duck = summarize_duckdb(segments)
    polar = summarize_polars(segments)
    check = {
        "columns": list(COLUMNS),
        "duckdb_vs_rollstats": differences(ours, duck),
        "polars_vs_rollstats": differences(ours, polar),
        "subjects": len(ours),
    }
    # every reader parses the whole file (a lazy reader would be timed doing nothing)
    rows = {"pyarrow": pacsv.read_csv(csv).num_rows, "duckdb": duckdb.read_csv(str(csv)).to_arrow_table().num_rows,
            "polars": pl.read_csv(csv).height}
    check["csv_readers_rows"] = {} if len(set(rows.values())) == 1 else rows
    loaded = rollstats.load(csv).segments
    same_cols = [c for c in segments.columns if c not in ("source", "source_row")]
    if len(loaded) == len(segments) and loaded[same_cols].equals(segments[same_cols]):
        check["ingest_vs_dataset"] = {}
    else:
        differ = [c for c in same_cols if len(loaded) != len(segments) or not loaded[c].equals(segments[c])]
        check["ingest_vs_dataset"] = {"columns": differ, "rows": [len(loaded), len(segments)]}
    del loaded
    result["check"] = check
    ok = not (check["duckdb_vs_rollstats"] or check["polars_vs_rollstats"] or check["ingest_vs_dataset"]
              or check["csv_readers_rows"])
    log(f"check: {len(ours):,} subjects, {len(COLUMNS) - 1} figures each: "
        f"DuckDB {'identical' if not check['duckdb_vs_rollstats'] else check['duckdb_vs_rollstats']}, "
        f"Polars {'identical' if not check['polars_vs_rollstats'] else check['polars_vs_rollstats']}; "
        f"ingested CSV = dataset: {'yes' if not check['ingest_vs_dataset'] else check['ingest_vs_dataset']}; "
        f"CSV readers: {'all ' + format(rows['pyarrow'], ',') + ' rows' if not check['csv_readers_rows'] else rows}")
    if not ok and not args.keep_going:
        raise SystemExit("the engines disagree: fix that before timing anything")
    del ours, duck, polar

    # 2. timings, interleaved
    steps = (("summarize", lambda: rollstats.summarize(segments)),
             ("duckdb", lambda: summarize_duckdb(segments)),
             ("polars", lambda: summarize_polars(segments)),
             ("ingest", lambda: rollstats.load(csv)),
             ("pyarrow_read", lambda: pacsv.read_csv(csv)),
             ("duckdb_read", lambda: duckdb.read_csv(str(csv)).to_arrow_table()),
             ("polars_read", lambda: pl.read_csv(csv)))
    times: dict[str, list[float]] = {k: [] for k, _ in steps}
    for r in range(args.repeat):
        for name, fn in steps:
            gc.collect()
            began = time.perf_counter()
            out = fn()
            times[name].append(time.perf_counter() - began)
            del out
        log(f"repetition {r + 1}/{args.repeat}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v))
    med = {k: _median(v) for k, v in times.items()}
    fastest_read = min(med["pyarrow_read"], med["duckdb_read"], med["polars_read"])
    result["seconds"] = {"runs": times, "median": med}
    result["ratios"] = {
        "summary_vs_duckdb": med["summarize"] / med["duckdb"],
        "summary_vs_polars": med["summarize"] / med["polars"],
        "summary_vs_fastest_reference": med["summarize"] / min(med["duckdb"], med["polars"]),
        "ingest_vs_pyarrow": med["ingest"] / med["pyarrow_read"],
        "ingest_vs_fastest_read": med["ingest"] / fastest_read,
    }
    segments = None
    gc.collect()

    # 3. memory, one step per fresh process
    memory = {}
    for step in ("summarize", "duckdb", "polars", "ingest", "pyarrow_read"):
        got = measured(step, dataset, csv, args.seed)
        if "error" not in got:
            arrow = arrow_segments if step in ("summarize", "duckdb", "polars", "summarize_in_parts") else arrow_csv
            got["arrow"] = arrow
            got["peak_vs_arrow"] = got["peak"] / arrow
            got["step_vs_arrow"] = (got["peak"] - got["rss_before"]) / arrow
        memory[step] = got
        log(f"memory {step}: " + (f"peak {got['peak'] / 2**20:,.0f} MiB = {got['peak_vs_arrow']:.2f}x Arrow "
                                  f"({(got['peak'] - got['rss_before']) / 2**20:,.0f} MiB above the input)"
                                  if "error" not in got else str(got["error"])))
    result["memory"] = memory
    return result


#: The issue's targets: (ratio in the results, most allowed)
TARGETS = {"summary": ("summary_vs_fastest_reference", 1.0), "ingest": ("ingest_vs_pyarrow", 2.0),
           "ingest_memory": ("step_vs_arrow", 2.5)}


def _judged(value: float, target: float) -> str:
    return f"{value:.2f}x, {'met' if value <= target else 'missed'}"


def table(results: list[dict]) -> str:
    """The results as a Markdown table (medians of the repetitions), each target and whether met."""
    lines = ["| segments (subjects) | summarize | DuckDB SQL | Polars query "
             "| summarize / faster of DuckDB and Polars (target <= 1.0) | load CSV with checks "
             "| pyarrow read | DuckDB read | Polars read | load / pyarrow read (target <= 2.0) "
             "| memory: summarize / Arrow | memory: load / Arrow (target <= 2.5) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        m, q, mem = r["seconds"]["median"], r["ratios"], r["memory"]

        def peak(step: str, target: float | None = None) -> str:
            got = mem.get(step, {})
            if "peak_vs_arrow" not in got:
                return "n/a"
            step_ratio = _judged(got["step_vs_arrow"], target) if target else f"{got['step_vs_arrow']:.2f}x"
            return f"{step_ratio} ({got['peak_vs_arrow']:.2f}x)"

        lines.append(f"| {r['segments']:,} ({r['subjects']:,}) | {m['summarize']:.2f} s | {m['duckdb']:.2f} s | "
                     f"{m['polars']:.2f} s | {_judged(q['summary_vs_fastest_reference'], TARGETS['summary'][1])} | "
                     f"{m['ingest']:.2f} s | {m['pyarrow_read']:.2f} s | {m['duckdb_read']:.2f} s | "
                     f"{m['polars_read']:.2f} s | {_judged(q['ingest_vs_pyarrow'], TARGETS['ingest'][1])} | "
                     f"{peak('summarize')} | {peak('ingest', TARGETS['ingest_memory'][1])} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="segments per cohort, comma-separated (1e6,1e7)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions of each step")
    parser.add_argument("--quick", action="store_true", help="100,000 segments, 2 repetitions: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=os.environ.get("ROLLSTATS_BENCH_DIR", "/tmp/rollstats-bench"),
                        help="where the generated data goes (several GB at 10 M)")
    parser.add_argument("--dask-segments", help="also N segments (e.g. 1e8, generated once in --workdir) on two "
                        "Dask workers with a memory limit smaller than the data (benchmarks/dask_scale.py)")
    parser.add_argument("--dask-memory", default="1GB", help="memory limit of each of the 2 Dask workers (1GB)")
    parser.add_argument("--dask-sample", type=int, default=200, help="subjects of the Dask run checked against pandas")
    parser.add_argument("--keep-going", action="store_true", help="time even when the engines disagree")
    parser.add_argument("--out", help="JSON file (default: benchmarks/results/results-DATE.json)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "1e5", min(args.repeat, 2)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]

    def log(text: str) -> None:
        print(text, flush=True)

    began = time.perf_counter()
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; Python {info['python']}, "
        f"pandas {info['pandas']}, pyarrow {info['pyarrow']}, DuckDB {info['duckdb']}, Polars {info['polars']}; "
        f"load average {', '.join(f'{x:.1f}' for x in info['load_average'])}")
    results = [run_size(size, args, log) for size in sizes]
    report = {"machine": info, "arguments": vars(args), "results": results}
    if args.dask_segments:
        from dask_scale import run as dask_run
        report["dask"] = dask_run(int(float(args.dask_segments)), args.dask_memory, args.workdir, args.seed,
                                  args.dask_sample, log)
    report["machine"]["load_average_end"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - began
    log("")
    log(table(results))
    log("memory: the step's peak above what the process held before it (the input, the libraries), "
        "over the input's Arrow size; in brackets the whole process's peak over the same")
    if "dask" in report:
        d = report["dask"]
        log(f"Dask: {d['segments']:,} segments ({d['arrow_bytes'] / 2**30:.1f} GiB as Arrow) in {d['seconds']:.0f} s "
            f"on 2 workers limited to {d['memory_limit_per_worker'] / 2**30:.2f} GiB each; their peaks "
            f"{', '.join(f'{p / 2**20:,.0f} MiB' for p in d['worker_peak_rss'])}; sample of "
            f"{d['sample']['subjects']} subjects {'identical to' if d['sample']['identical'] else 'DIFFERS from'} pandas")
    out = Path(args.out) if args.out else HERE / "results" / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, default=str))
    log(f"written: {out} ({report['seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
