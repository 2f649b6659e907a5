"""Time ``rollstats.summarize`` against the Polars and DuckDB summaries, interleaved.

Run by hand, not by the test suite, on the Parquet datasets that ``benchmarks/run.py`` writes:

    python benchmarks/summary_profile.py                           # 1 M and 10 M segments, 5 rounds
    python benchmarks/summary_profile.py --sizes 1e6 --repeat 7
    python benchmarks/summary_profile.py --baseline /tmp/base      # also an older rollstats, e.g.
        # made with: git archive HEAD | tar -x -C /tmp/base

For each size the canonical table is read once into memory; the figures of every engine are
compared first (the run stops on a difference: the 38 figures of ``duckdb_summary.COLUMNS``
for DuckDB and Polars, the whole table with ``assert_frame_equal`` for the baseline). Then
each engine runs once per round, in turn (a, b, c, a, b, c ...), so that a busy machine slows
all alike; the script prints each engine's median in seconds and its ratio to the faster of
DuckDB and Polars (the issue's target for rollstats is 1.0 or less). With ``--profile``, the
20 functions of rollstats with the most cumulative time in one more run are printed.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.util
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def load_baseline(folder: str):
    """The ``rollstats`` package found in ``folder``, imported as ``rollstats_baseline``."""
    init = Path(folder) / "rollstats" / "__init__.py"
    if not init.is_file():
        raise SystemExit(f"--baseline {folder}: no rollstats/__init__.py in it")
    spec = importlib.util.spec_from_file_location("rollstats_baseline", init,
                                                  submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["rollstats_baseline"] = module
    spec.loader.exec_module(module)
    return module


def run_size(size: int, args) -> dict:
    import pandas as pd

    import rollstats
    from duckdb_summary import differences, summarize_duckdb
    from polars_summary import summarize_polars

    dataset = Path(args.workdir) / f"n{size}" / "dataset"
    if not dataset.exists():
        raise SystemExit(f"{dataset} is missing: write it first with benchmarks/run.py --sizes {size:g}")
    segments = rollstats.load(dataset).segments
    print(f"== {len(segments):,} segments ({dataset})", flush=True)
    steps = {"summarize": lambda: rollstats.summarize(segments),
             "polars": lambda: summarize_polars(segments),
             "duckdb": lambda: summarize_duckdb(segments)}
    ours = steps["summarize"]()
    for name in ("polars", "duckdb"):
        diff = differences(ours, steps[name]())
        if diff:
            raise SystemExit(f"{name} and rollstats disagree: {diff}")
    if args.baseline:
        base = load_baseline(args.baseline)
        steps = {"summarize": steps["summarize"], "baseline": lambda: base.summarize(segments),
                 "polars": steps["polars"], "duckdb": steps["duckdb"]}
        pd.testing.assert_frame_equal(steps["baseline"](), ours, check_exact=True)
    print(f"check: {len(ours):,} subjects, the same figures from every engine", flush=True)
    del ours
    times: dict[str, list[float]] = {name: [] for name in steps}
    for r in range(args.repeat):
        for name, fn in steps.items():
            gc.collect()
            began = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - began)
        print(f"round {r + 1}/{args.repeat}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
              flush=True)
    median = {name: statistics.median(v) for name, v in times.items()}
    fastest = min(median["polars"], median["duckdb"])
    for name, value in median.items():
        print(f"{name:>10}: median {value:7.2f} s   / faster of DuckDB and Polars {value / fastest:5.2f}x")
    if args.baseline:
        print(f"summarize now / baseline: {median['summarize'] / median['baseline']:.2f}x")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        rollstats.summarize(segments)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats("rollstats", 20)
    return {"size": size, "runs": times, "median": median}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7],
                        help="segments per dataset, as benchmarks/run.py names them (n1000000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of timings (default 5)")
    parser.add_argument("--workdir", default="/tmp/rollstats-bench", help="where run.py wrote the datasets")
    parser.add_argument("--baseline", help="a folder holding another version of the rollstats package")
    parser.add_argument("--profile", action="store_true", help="print where summarize spends its time")
    args = parser.parse_args(argv)
    for size in args.sizes:
        run_size(int(size), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
