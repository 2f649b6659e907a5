"""The two parts of ``rollstats.load`` of a native CSV export, timed apart, against another tree.

    python benchmarks/ingest_parts.py [--sizes 1e6 1e7] [--repeat 5] [--baseline /tmp/base-tree]

The parts: **read and check** (``rollstats.io.csvstream.canonical``: parse, check every cell,
build the canonical columns) and **combine** (``rollstats.io.combine.combine`` of that one part:
superseded rows, duplicates, canonical order, report). Each tree (this checkout, and with
``--baseline`` the rollstats package in that folder, put first on ``PYTHONPATH``) runs in its
own fresh process, the trees alternating; in each, after one warm-up call, ``--repeat`` calls of
each part give the median wall time and the median CPU time (every thread of the process).
Printed per size: the medians of each tree and new / baseline.

The exports are ``/tmp/rollstats-bench/n<size>/export.csv`` (written as ``ingest_load.py``
writes them when missing).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_load import arguments, export  # noqa: E402 (this folder, on the path just above)


def measure(csv: str, repeat: int) -> dict:
    """Medians (s) of wall and CPU time of each part, in this process."""
    from rollstats.io import csvstream
    from rollstats.io.combine import combine
    from rollstats.program import Program

    program = Program.default()
    combine([csvstream.canonical(csv, program)], [csv])  # warm-up
    runs = {"read_check": [], "combine": []}
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        part = csvstream.canonical(csv, program)
        runs["read_check"].append((time.perf_counter() - wall, time.process_time() - cpu))
        wall, cpu = time.perf_counter(), time.process_time()
        combine([part], [csv])
        runs["combine"].append((time.perf_counter() - wall, time.process_time() - cpu))
        del part
    return {k: {"wall": statistics.median(w for w, _ in v), "cpu": statistics.median(c for _, c in v)}
            for k, v in runs.items()}


def run(tree: str | None, csv: Path, repeat: int) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = (tree or str(Path(__file__).resolve().parents[1])) + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(csv), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    args = arguments(__doc__.split("\n")[0]).parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    trees = {"new": None, **({"base": args.baseline} if args.baseline else {})}
    for size in args.sizes:
        csv = export(int(size))
        got = {name: run(tree, csv, args.repeat) for name, tree in trees.items()}
        print(f"{int(size):,} rows; medians of {args.repeat} calls per process")
        for part in ("read_check", "combine"):
            line = "  ".join(f"{name} {got[name][part]['wall']:.3f} s wall, {got[name][part]['cpu']:.3f} s CPU"
                             for name in trees)
            if "base" in got:
                line += (f"  |  new / base: wall {got['new'][part]['wall'] / got['base'][part]['wall']:.2f}x, "
                         f"CPU {got['new'][part]['cpu'] / got['base'][part]['cpu']:.2f}x")
            print(f"  {part:10s} {line}")


if __name__ == "__main__":
    main()
