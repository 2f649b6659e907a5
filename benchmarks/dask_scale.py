"""A cohort bigger than the workers' memory, summarised by the Dask engine with bounded memory.

    python benchmarks/dask_scale.py --segments 1e8              # about 2 GB of Parquet in /tmp
    python benchmarks/dask_scale.py --segments 1e7 --memory 600MB --sample 100
    python benchmarks/run.py --quick --dask-segments 1e6         # the same, after run.py's table

1. ``rollstats.datasets.scale.write_cohort_parquet`` writes the cohort (subjects x 365 nights,
   about 2.3 segments a subject-night) as Parquet files of about 250,000 segments, unless the
   same cohort (size, seed) is already in the work folder; the free disk space is checked first.
2. ``rollstats.engines.summarize_dask`` summarises it on a local cluster of two worker
   processes (one thread each) whose memory limit (``--memory``, each) is far below the data's
   Arrow size. The workers' peak memory is each worker process's peak resident set
   (``ru_maxrss``, read on the workers at the end), and the largest sum of the two sampled
   every 0.2 s while they run; a worker that Dask had to restart would show as a new process.
3. The same figures in pandas on a sample of subjects: their rows are read from the files with
   a filter (pyarrow), written as a small dataset, read by ``rollstats.load`` and summarised by
   ``rollstats.summarize`` with the whole table's end of observation (``until=``, its latest
   night) and ``exercises_logged=`` (whether it holds a segment other than rolling), both found
   by an independent scan with pyarrow; the Dask rows of those subjects must equal them
   (``pandas.testing.assert_frame_equal``, every column).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

NIGHTS = 365
SEGMENTS_PER_NIGHT = 2.3
#: Parquet bytes a generated segment takes on disk (206 MB for 10 M segments), with a margin.
DISK_PER_SEGMENT = 30


def dataset_for(segments: int, workdir: Path, seed: int, log) -> tuple[Path, dict]:
    """The generated cohort of about ``segments`` segments (made unless already there)."""
    from rollstats.datasets.scale import write_cohort_parquet

    subjects = max(2, round(segments / (SEGMENTS_PER_NIGHT * NIGHTS)))
    folder = workdir / f"n{segments}"
    dataset, stamp = folder / "dataset", folder / "generated.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if (info.get("subjects"), info.get("nights"), info.get("seed")) == (subjects, NIGHTS, seed):
            log(f"dataset: {info['segments']:,} segments of {subjects:,} subjects already in {dataset} "
                f"(generated in {info['seconds']:.0f} s)")
            return dataset, info
    folder.mkdir(parents=True, exist_ok=True)
    need, free = segments * DISK_PER_SEGMENT, shutil.disk_usage(folder).free
    if free < 2 * need:
        raise SystemExit(f"{folder}: {free / 1e9:.1f} GB free, the dataset needs about {need / 1e9:.1f} GB "
                         f"(and as much again for Dask's spill): choose --workdir elsewhere")
    log(f"dataset: writing {subjects:,} subjects x {NIGHTS} nights to {dataset} "
        f"({free / 1e9:.0f} GB free, about {need / 1e9:.1f} GB needed) ...")
    stamp.unlink(missing_ok=True)
    info = write_cohort_parquet(dataset, subjects, NIGHTS, seed=seed)
    info.pop("files")
    stamp.write_text(json.dumps(info))
    log(f"dataset: {info['segments']:,} segments in {info['parts']} files, {info['seconds']:.0f} s")
    return dataset, info


def sizes_of(dataset: Path) -> dict:
    """On disk, and as Arrow (each file read in turn: the whole would not fit in memory)."""
    import pyarrow.parquet as pq

    files = sorted(dataset.glob("*.parquet"))
    arrow = sum(pq.read_table(f).nbytes for f in files)
    return {"files": len(files), "disk_bytes": sum(f.stat().st_size for f in files), "arrow_bytes": arrow}


def whole_table_figures(dataset: Path) -> tuple:
    """The latest night and whether any segment is not rolling, by a pyarrow scan (not rollstats)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    end, exercises = None, False
    for batch in ds.dataset(dataset, format="parquet").to_batches(columns=["night", "activity"]):
        if batch.num_rows:
            top = pc.max(batch.column("night")).as_py()
            end = top if end is None or top > end else end
            exercises = exercises or pc.any(pc.not_equal(pc.cast(batch.column("activity"), "string"),
                                                         "rolling")).as_py()
    return end, exercises


class PeakSampler:
    """Largest resident set (bytes) of some processes and of their sum, sampled every ``every`` s."""

    def __init__(self, pids: list[int], every: float = 0.2):
        import psutil

        self.processes = {pid: psutil.Process(pid) for pid in pids}
        self.peak = {pid: 0 for pid in pids}
        self.peak_sum, self.every = 0, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid, proc in self.processes.items():
                try:
                    rss = proc.memory_info().rss
                except Exception:  # a worker that ended
                    rss = 0
                self.peak[pid] = max(self.peak[pid], rss)
                total += rss
            self.peak_sum = max(self.peak_sum, total)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def sample_check(dataset: Path, summary, sample: int, seed: int, log) -> dict:
    """The Dask rows of ``sample`` subjects against ``rollstats.summarize`` of their rows alone."""
    import numpy as np
    import pandas as pd
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    import rollstats

    end, exercises = whole_table_figures(dataset)
    ids = summary["subject_id"].to_numpy(dtype=object)
    chosen = sorted(np.random.default_rng(seed).choice(ids, size=min(sample, len(ids)), replace=False))
    table = ds.dataset(dataset, format="parquet").to_table(filter=ds.field("subject_id").isin(chosen))
    with tempfile.TemporaryDirectory(prefix="rollstats-sample-") as tmp:
        pq.write_table(table, Path(tmp) / "part-00000.parquet")
        segments = rollstats.load(tmp).segments
    expected = rollstats.summarize(segments, until=end, exercises_logged=exercises)
    got = summary[summary["subject_id"].isin(chosen)].reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
        difference = ""
    except AssertionError as error:
        difference = str(error).splitlines()[0] if str(error) else "differ"
    log(f"sample: {len(chosen)} subjects ({len(segments):,} segments), end of observation {end}, "
        f"other exercises logged: {exercises}; Dask rows = rollstats.summarize of their rows: "
        f"{'identical' if not difference else difference}")
    return {"subjects": len(chosen), "segments": len(segments), "until": str(end), "exercises_logged": exercises,
            "identical": not difference, "difference": difference}


def run(segments: int, memory: str = "1GB", workdir: str | Path = "/tmp/rollstats-bench", seed: int = 1,
        sample: int = 200, log=print) -> dict:
    """Generate (if needed), summarise on two bounded workers, check a sample; the figures as a dict.

    ``segments``: about how many (1e8 is 119,119 subjects x 365 nights); ``memory``: each
    worker's limit (Dask's ``memory_limit``). Example: ``run(int(1e6), "600MB", sample=20)``.
    """
    import dask
    from distributed import Client, LocalCluster

    from rollstats.engines import summarize_dask

    dataset, info = dataset_for(segments, Path(workdir), seed, log)
    size = sizes_of(dataset)
    limit = dask.utils.parse_bytes(memory)
    log(f"dataset: {size['files']} Parquet files, {size['disk_bytes'] / 2**30:.2f} GiB on disk, "
        f"{size['arrow_bytes'] / 2**30:.2f} GiB as Arrow; 2 workers of {limit / 2**30:.2f} GiB each "
        f"(limit / data = {limit / size['arrow_bytes']:.3f})")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=limit,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)
        with PeakSampler(list(pids.values())) as sampler:
            began = time.perf_counter()
            summary = summarize_dask(dataset, client=client)
            seconds = time.perf_counter() - began
        peaks = client.run(_peak_rss)
        after = client.run(os.getpid)
    restarted = sorted(after.values()) != sorted(pids.values())
    worker_peaks = sorted(peaks.values())
    log(f"Dask: {len(summary):,} subjects summarised in {seconds:.1f} s; workers' peak memory "
        f"{', '.join(f'{p / 2**20:,.0f} MiB' for p in worker_peaks)} (ru_maxrss; limit {limit / 2**20:,.0f} MiB), "
        f"largest sum of the two sampled {sampler.peak_sum / 2**20:,.0f} MiB = "
        f"{sampler.peak_sum / size['arrow_bytes']:.3f}x the data; "
        f"{'a worker was RESTARTED' if restarted else 'no worker restarted'}")
    checked = sample_check(dataset, summary, sample, seed, log)
    return {"segments": info["segments"], "subjects_generated": info["subjects"], "summary_rows": len(summary),
            "generator_seconds": info["seconds"], **size, "workers": 2, "memory_limit_per_worker": limit,
            "seconds": seconds, "worker_peak_rss": worker_peaks, "workers_peak_sum_sampled": sampler.peak_sum,
            "worker_restarted": restarted, "sample": checked}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", default="1e8", help="about how many segments (1e8)")
    parser.add_argument("--memory", default="1GB", help="memory limit of each of the 2 workers (1GB)")
    parser.add_argument("--sample", type=int, default=200, help="subjects checked against pandas (200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=os.environ.get("ROLLSTATS_BENCH_DIR", "/tmp/rollstats-bench"))
    parser.add_argument("--out", help="JSON file for the figures")
    args = parser.parse_args(argv)
    got = run(int(float(args.segments)), args.memory, args.workdir, args.seed, args.sample,
              log=lambda text: print(text, flush=True))
    if args.out:
        Path(args.out).write_text(json.dumps(got, indent=1, default=str))
    return 0 if got["sample"]["identical"] and not got["worker_restarted"] else 1


if __name__ == "__main__":
    sys.exit(main())
