"""Synthetic cohorts at scale: millions of segments written to a Parquet store.

:func:`write_cohort_parquet` cuts the subjects into parts of about 250,000 segments; each
part is a cohort of :func:`~rollstats.datasets.generate_cohort` (seeded from ``seed`` and the
part's number, so a part never depends on how many parts there are), read through
:func:`rollstats.io.canonicalise` like any export, and written as one Parquet file of the
**canonical segment table** (the table ``rollstats ingest -o`` writes). The store is then
ready for ``rollstats summary STORE/`` on either engine, with no text left to parse.

Parts are made in parallel processes (``workers``) and each holds whole subjects, so the
store is partitioned by subject: what :mod:`rollstats.engines.dask_engine` wants.

>>> import tempfile
>>> from rollstats.datasets.scale import write_cohort_parquet
>>> with tempfile.TemporaryDirectory() as tmp:
...     info = write_cohort_parquet(tmp, n_subjects=6, n_nights=20, seed=1, subjects_per_part=4)
...     segments = pd.read_parquet(tmp)
>>> info["parts"], info["segments"] == len(segments), segments["subject_id"].unique().tolist()[:3]
(2, True, ['S000001', 'S000002', 'S000003'])
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..program import Program
from .synthetic import generate_cohort

#: Segments a generated subject-night holds on average (about 2.3 with the default mix).
SEGMENTS_PER_NIGHT = 2.3
#: Aim of one part, in segments.
PART_SEGMENTS = 250_000
ID_DIGITS = 6


def part_seed(seed: int, part: int) -> int:
    """The seed of one part: a function of the cohort's seed and the part's number only."""
    return int(np.random.SeedSequence([int(seed), int(part)]).generate_state(1, dtype=np.uint64)[0] >> 1)


def raw_part(n_subjects: int, n_nights: int, seed: int, part: int, first_subject: int,
             start: str = "2026-01-05") -> pd.DataFrame:
    """One part as a native export (what :func:`~rollstats.datasets.generate_cohort` gives).

    Its subjects are ``first_subject + 1`` ... ``+ n_subjects`` of the cohort: ids are ``S``
    and a 6-digit (or wider) number unique in the whole cohort.
    """
    raw = generate_cohort(n_subjects=n_subjects, n_nights=n_nights, seed=part_seed(seed, part), start=start)
    # S01 ... S40 of this part -> S000041 ... of the cohort (a whole-column Arrow operation)
    local = pc.cast(pc.utf8_slice_codeunits(pa.array(raw["subject_id"].array), 1), pa.int64())
    width = max(ID_DIGITS, len(str(first_subject + n_subjects)))
    number = pc.cast(pc.add(local, first_subject), pa.string())
    ids = pc.binary_join_element_wise("S", pc.utf8_lpad(number, width, "0"), "")
    raw["subject_id"] = pd.Series(pd.array(ids, dtype="str"), index=raw.index)
    return raw


def cohort_part(n_subjects: int, n_nights: int, seed: int, part: int, first_subject: int,
                start: str = "2026-01-05", program: Program | None = None) -> pd.DataFrame:
    """The canonical segments of one part (:func:`raw_part` read by ``canonicalise``)."""
    from ..io.base import canonicalise

    raw = raw_part(n_subjects, n_nights, seed, part, first_subject, start)
    return canonicalise(raw, f"synthetic:seed={seed}:part={part}", program or Program.default()).segments


def parts(n_subjects: int, n_nights: int, subjects_per_part: int | None = None) -> list[tuple[int, int, int]]:
    """(part, first subject, subjects) of each part of a cohort: about 250,000 segments each."""
    per = subjects_per_part or max(1, int(PART_SEGMENTS / (SEGMENTS_PER_NIGHT * n_nights)))
    return [(i, lo, min(per, n_subjects - lo)) for i, lo in enumerate(range(0, n_subjects, per))]


def write_cohort_csv(path: str | Path, n_subjects: int, n_nights: int, seed: int = 0, *,
                     start: str = "2026-01-05", subjects_per_part: int | None = None) -> dict:
    """The same cohort as :func:`write_cohort_parquet` as one native CSV export at ``path``.

    Reading it with ``rollstats.load`` gives the store's segments (with other sources).
    Returns ``path``, ``rows`` and ``seconds``.
    """
    import pyarrow.csv as pacsv

    began = time.perf_counter()
    rows = 0
    writer = None
    try:
        for part, lo, count in parts(n_subjects, n_nights, subjects_per_part):
            raw = raw_part(count, n_nights, seed, part, lo, start)
            table = pa.Table.from_pandas(raw, preserve_index=False)
            table = table.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type)
                                          else f for f in table.schema]))
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema,
                                         write_options=pacsv.WriteOptions(quoting_style="needed"))
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return {"path": str(path), "rows": rows, "seconds": time.perf_counter() - began}


def _write_part(args) -> tuple[str, int, float]:
    path, n_subjects, n_nights, seed, part, first_subject, start = args
    began = time.perf_counter()
    segments = cohort_part(n_subjects, n_nights, seed, part, first_subject, start)
    table = pa.Table.from_pandas(segments, preserve_index=False)
    pq.write_table(table, path, compression="zstd", row_group_size=256 * 1024)
    return str(path), len(segments), time.perf_counter() - began


def write_cohort_parquet(path: str | Path, n_subjects: int, n_nights: int, seed: int = 0, *,
                         start: str = "2026-01-05", subjects_per_part: int | None = None,
                         workers: int | None = None) -> dict:
    """Write a synthetic cohort of ``n_subjects`` x ``n_nights`` as a Parquet store at ``path``.

    ``path`` becomes a folder of ``part-00000.parquet`` ... files of the canonical segment
    table, about 250,000 segments each (``subjects_per_part`` to choose; small enough for a Dask
    worker with a few hundred MB), whole subjects in
    each. The same arguments give the same store, whatever ``workers`` (processes, default
    up to the number of cores). Returns what was written: ``path``, ``parts``, ``segments``,
    ``subjects``, ``seconds`` and the ``files``.
    """
    if n_subjects < 1 or n_nights < 1:
        raise ValueError("a cohort needs at least one subject and one night")
    began = time.perf_counter()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("part-*.parquet"):
        old.unlink()
    jobs = [(path / f"part-{i:05d}.parquet", count, n_nights, seed, i, lo, start)
            for i, lo, count in parts(n_subjects, n_nights, subjects_per_part)]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(_write_part, jobs))
    else:
        done = [_write_part(job) for job in jobs]
    return {"path": str(path), "parts": len(done), "segments": sum(n for _, n, _ in done),
            "subjects": n_subjects, "nights": n_nights, "seed": seed,
            "seconds": time.perf_counter() - began, "files": [f for f, _, _ in done]}
