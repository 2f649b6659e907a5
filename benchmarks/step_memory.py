"""One step of ``run.py`` measured in a fresh process: its seconds and its peak memory.

``run.py`` calls :func:`measured`, which runs this file as a script in a new Python process, so
that the step's peak resident set (Linux ``VmHWM``, reset just before the step) is its own and
not what earlier steps left behind; the child prints its result as one line of JSON::

    python benchmarks/step_memory.py ingest --dataset DIR --csv FILE --seed 1

Steps: ``summarize``, ``summarize_in_parts``, ``duckdb``, ``polars`` (on the dataset's canonical
table, read before the step), ``ingest`` (``rollstats.load`` of the CSV), ``pyarrow_read``,
``polars_read`` and ``duckdb_read`` (the CSV readers).
"""
from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from procmem import reset_peak, status  # noqa: E402 (the folder is on the path just above)


def measure(step: str, dataset: str, csv: str, seed: int) -> dict:
    """Run one step in this (fresh) process; its seconds and memory, as a dict."""
    import pandas as pd
    import pyarrow.csv as pacsv

    import rollstats
    from rollstats.io import load as read_dataset  # the door reads a dataset as it is

    inputs = None
    if step in ("summarize", "duckdb", "polars", "summarize_in_parts"):
        inputs = read_dataset(dataset).segments
    gc.collect()
    before = status()["VmRSS"]
    exact = reset_peak()
    began = time.perf_counter()
    if step == "summarize":
        out = rollstats.summarize(inputs)
    elif step == "summarize_in_parts":
        from rollstats.engines import summarize_in_parts
        out = summarize_in_parts(inputs)
    elif step == "duckdb":
        from duckdb_summary import summarize_duckdb
        out = summarize_duckdb(inputs)
    elif step == "polars":
        from polars_summary import summarize_polars
        out = summarize_polars(inputs)
    elif step == "ingest":
        out = rollstats.load(csv).segments
    elif step == "pyarrow_read":
        out = pacsv.read_csv(csv)
    elif step == "polars_read":
        import polars as pl
        out = pl.read_csv(csv)
    elif step == "duckdb_read":
        import duckdb
        duckdb.execute("SET enable_progress_bar = false")
        out = duckdb.read_csv(str(csv)).to_arrow_table()
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - began
    after = status()
    return {"step": step, "seconds": seconds, "rss_before": before, "peak": after["VmHWM"],
            "peak_exact": exact, "rows_out": len(out), "pandas": pd.__version__}


def measured(step: str, dataset: Path, csv: Path, seed: int) -> dict:
    """Run :func:`measure` of ``step`` in a fresh Python process; its dict, or ``{"step", "error"}``."""
    command = [sys.executable, str(Path(__file__).resolve()), step, "--dataset", str(dataset), "--csv", str(csv),
               "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"step": step, "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", help="summarize, summarize_in_parts, duckdb, polars, ingest, pyarrow_read, "
                        "polars_read or duckdb_read")
    parser.add_argument("--dataset", help="the Parquet dataset of the canonical table")
    parser.add_argument("--csv", help="the same cohort as one CSV export")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.step, args.dataset, args.csv, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
