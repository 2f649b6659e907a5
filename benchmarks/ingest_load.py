"""``rollstats.load`` of a native CSV export against ``pyarrow.csv.read_csv`` of the same file.

    python benchmarks/ingest_load.py [--sizes 1e6 1e7] [--repeat 5] [--baseline /tmp/base-tree]

Each run is one step in a fresh Python process (the file is in the page cache after the first
read): ``load`` (``rollstats.load(path)``, the table kept), ``arrow`` (``pyarrow.csv.read_csv``)
and, with ``--baseline``, ``base`` (``rollstats.load`` of the code in that folder, put first on
``PYTHONPATH``). The steps alternate (load, arrow, base, load, arrow, base ...) so that the
noise of a shared machine falls on all of them alike. Printed per size: the median seconds of
each step, load / arrow (the goal: at most 2, aim 1.3), and memory: the step's peak resident
set above what the process held before it, over ``Table.nbytes`` of the table pyarrow reads
(the goal: at most 2.5).

The exports are ``/tmp/rollstats-bench/n<size>/export.csv``, written by
:func:`rollstats.datasets.scale.write_cohort_csv` when missing (as ``benchmarks/run.py`` does).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path("/tmp/rollstats-bench")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from procmem import reset_peak, status  # noqa: E402 (this folder, on the path just above)


def measure(step: str, csv: str) -> dict:
    """One step in this (fresh) process: seconds, resident set before and peak (bytes)."""
    import pyarrow.csv as pacsv

    import rollstats

    gc.collect()
    before = status()["VmRSS"]
    reset_peak()  # the peak starts again from here
    began = time.perf_counter()
    out = pacsv.read_csv(csv) if step == "arrow" else rollstats.load(csv).segments
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "above": status()["VmHWM"] - before, "rows": len(out)}


def run(step: str, csv: Path, baseline: str | None) -> dict:
    env = dict(os.environ)
    if step == "base":
        env["PYTHONPATH"] = baseline + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", "arrow" if step == "arrow" else "load",
               "--csv", str(csv)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def export(size: int) -> Path:
    csv = ROOT / f"n{size}" / "export.csv"
    if not csv.exists():
        from rollstats.datasets.scale import write_cohort_csv

        csv.parent.mkdir(parents=True, exist_ok=True)
        write_cohort_csv(csv, max(1, round(size / (365 * 2.3))), 365, seed=1)
    return csv


def arguments(description: str) -> argparse.ArgumentParser:
    """The options of the ingest benchmarks that compare this tree with a baseline one."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", help="a folder holding another copy of the rollstats package")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    parser = arguments(__doc__.split("\n")[0])
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.csv)))
        return
    import pyarrow.csv as pacsv

    steps = ["load", "arrow"] + (["base"] if args.baseline else [])
    for size in map(int, args.sizes):
        csv = export(size)
        arrow_bytes = pacsv.read_csv(csv).nbytes
        got: dict[str, list[dict]] = {s: [] for s in steps}
        for _ in range(args.repeat):
            for step in steps:
                got[step].append(run(step, csv, args.baseline))
        med = {s: statistics.median(r["seconds"] for r in got[s]) for s in steps}
        mem = {s: statistics.median(r["above"] for r in got[s]) / arrow_bytes for s in steps}
        print(f"{size:,} rows ({got['load'][0]['rows']:,} segments), {csv.stat().st_size / 2**20:,.0f} MiB, "
              f"Arrow table {arrow_bytes / 2**20:,.0f} MiB; medians of {args.repeat} interleaved runs")
        for s in steps:
            runs = ", ".join(f"{r['seconds']:.2f}" for r in got[s])
            print(f"  {s:>5}: {med[s]:7.3f} s  ({runs}); memory {mem[s]:.2f}x Arrow")
        print(f"  load / arrow = {med['load'] / med['arrow']:.2f}x (goal <= 2, aim 1.3)"
              + (f"; base / arrow = {med['base'] / med['arrow']:.2f}x; load / base = {med['load'] / med['base']:.2f}"
                 if args.baseline else ""))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
