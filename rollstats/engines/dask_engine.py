"""The Dask engine: the per-subject summary on a cluster, for cohorts bigger than one machine's memory.

The summary of a subject depends on its own segments and on two figures of the *whole*
table: the end of observation (the latest night of all subjects) and whether the table holds
any segment other than rolling (the standalone check). :func:`summarize_dask` computes those
two first, in one pass over three columns, then runs :func:`rollstats.summarize` on each
partition of whole subjects with them, and stacks the rows. The result is the table that
``rollstats.summarize`` gives in pandas (``tests/test_dask.py`` checks it frame for frame).

Input: what the door lists (:func:`rollstats.io.sources.parquet_pieces`): cohort stores (one
partition per subject bucket) and datasets of canonical Parquet files (one partition per
file, as :func:`rollstats.datasets.scale.write_cohort_parquet` writes them, whole subjects per
file), in any number, or a ``dask.dataframe``. Each row keeps the position of its source, and
each partition is made one table by the rule of every load
(:func:`rollstats.io.combine.merge_parts`): corrections, exact duplicates, canonical order.
When a subject's rows lie in several partitions, they are shuffled by subject first (Dask's
shuffle spills to disk, so the data may exceed the cluster's memory). Each worker thread holds
one partition at a time: a partition's canonical table times about three must fit in a
worker's memory (250,000 segments need about 150 MB).

Workers import rollstats: install the same version on every worker.

>>> import tempfile
>>> from distributed import Client, LocalCluster
>>> import rollstats
>>> from rollstats.datasets.scale import write_cohort_parquet
>>> with tempfile.TemporaryDirectory() as tmp, LocalCluster(n_workers=1, processes=False,
...         dashboard_address=None) as cluster, Client(cluster) as client:
...     _ = write_cohort_parquet(tmp, n_subjects=6, n_nights=21, seed=3, subjects_per_part=2)
...     on_dask = summarize_dask(tmp, client=client)
...     in_pandas = summarize(rollstats.load(tmp).segments)
>>> on_dask.equals(in_pandas)
True
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..io.combine import merge_parts
from ..io.sources import Piece, parquet_pieces
from ..metrics import summarize
from ..program import Program
from ..schema import SEGMENT_COLUMNS, SEGMENT_DTYPES, empty_segments

_ORDER = "_rollstats_order"  # row order of the input, kept through a shuffle (first copy wins)
#: The column :func:`read_dask` adds with ``parts=True``: each row's source, in the order given.
PART = "_rollstats_part"
_PART_BITS = 40  # rows per partition below 2 ** 40


def _config():
    import dask

    # strings stay pandas' own "str" dtype, as in the pandas path (docs/pitfalls.md)
    return dask.config.set({"dataframe.convert-string": False})


def _client(client=None, scheduler: str | None = None):
    """(client, close when done): the given one, one connected to ``scheduler``, the current
    default client, or a new local cluster."""
    from distributed import Client, LocalCluster

    if client is not None:
        return client, False
    if scheduler:
        return Client(scheduler), True
    try:
        from distributed import default_client
        return default_client(), False
    except ValueError:
        pass
    cluster = LocalCluster(dashboard_address=None)
    new = Client(cluster)
    new._rollstats_cluster = cluster  # closed with the client
    return new, True


def _partitions(data) -> list[list[Piece]]:
    """The pieces the door lists for ``data``, grouped into partitions (in the order given)."""
    groups: dict[tuple, list[Piece]] = {}
    for piece in parquet_pieces(data):
        groups.setdefault(piece.group, []).append(piece)
    return [groups[g] for g in sorted(groups)]


def _read_files(pieces: list[Piece], names: list[str], day_start: dt.time, parts: bool) -> pd.DataFrame:
    """One partition (pieces of one source): its files' rows in order, canonical dtypes, a
    store's nights read again with ``day_start``, and each row's source in :data:`PART` if ``parts``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..times import night_of

    renight = pieces[0].renight
    wanted = list(dict.fromkeys(names + (["local_start"] if renight else [])))
    tables = [pq.read_table(p.path, columns=wanted) for p in pieces]
    table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    frame = table.to_pandas().astype({c: SEGMENT_DTYPES[c] for c in wanted})
    if renight:
        frame["night"] = night_of(frame["local_start"], day_start)
    frame = frame[names]
    if parts:
        frame[PART] = np.repeat([p.part for p in pieces], [len(t) for t in tables]).astype("int64")
    return frame


def read_dask(data, program: Program | None = None, columns=SEGMENT_COLUMNS, parts: bool = False):
    """A dask DataFrame of what ``data`` points at: cohort stores and datasets of canonical
    segments, listed by the door (:func:`rollstats.io.sources.parquet_pieces`); rows as stored,
    before the rule of :func:`rollstats.io.combine.merge_parts` (``parts=True`` adds each row's
    source, 0 = first, as column :data:`PART`). A store's nights follow ``program``.

    >>> import tempfile
    >>> from rollstats.datasets.scale import write_cohort_parquet
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     info = write_cohort_parquet(tmp, n_subjects=4, n_nights=14, seed=2, subjects_per_part=2)
    ...     ddf = read_dask(tmp, columns=["subject_id", "duration_s"], parts=True)
    ...     ddf.npartitions, len(ddf.compute(scheduler="sync")) == info["segments"], list(ddf.columns)
    (2, True, ['subject_id', 'duration_s', '_rollstats_part'])
    """
    import dask.dataframe as dd

    groups = _partitions(data)
    day_start = (program or Program.default()).night.day_start
    columns = list(columns)
    meta = empty_segments()[columns]
    if parts:
        meta[PART] = pd.Series(dtype="int64")
    with _config():
        # not ``columns=``: dask would take it for a column projection of the meta
        return dd.from_map(_read_files, groups, names=columns, day_start=day_start, parts=parts,
                           meta=meta, label="read-segments", enforce_metadata=False)


def _with_order(part: pd.DataFrame, partition_info=None) -> pd.DataFrame:
    number = (partition_info or {}).get("number", 0)
    return part.assign(**{_ORDER: (np.int64(number) << _PART_BITS) + np.arange(len(part), dtype="int64")})


def _unique_subjects(part: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"subject_id": pd.unique(part["subject_id"].astype("str"))})


def _prepared(part: pd.DataFrame) -> pd.DataFrame:
    """A partition as ``rollstats.load`` gives its subjects: typed, the rule applied, sorted."""
    if _ORDER in part:
        part = part.sort_values(_ORDER, kind="stable")
    source = part[PART].to_numpy(dtype="int64") if PART in part else np.zeros(len(part), dtype="int64")
    return merge_parts(part[list(SEGMENT_COLUMNS)].astype(SEGMENT_DTYPES).reset_index(drop=True), source)


def _summarize_part(part: pd.DataFrame, program: Program, end: pd.Timestamp, exercises: bool,
                    meta: pd.DataFrame) -> pd.DataFrame:
    if not len(part):
        return meta
    return summarize(_prepared(part), program, until=end, exercises_logged=exercises)


def _meta(program: Program, end: pd.Timestamp, exercises: bool) -> pd.DataFrame:
    """An empty summary with the real columns and dtypes (from a two-row export)."""
    from ..io.base import canonicalise

    raw = pd.DataFrame({"subject_id": ["meta", "meta"], "start": ["2026-01-01T21:00:00+00:00"] * 2,
                        "duration_s": ["60", "60"], "region": ["quads", "hip"],
                        "activity": ["rolling", "strengthening"]})
    segments = canonicalise(raw, "meta", program).segments
    return summarize(segments, program, exercises_logged=exercises).iloc[:0]


def summarize_dask(data, program: Program | None = None, until: str | dt.date | None = None, *,
                   scheduler: str | None = None, client=None,
                   progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """``rollstats.summarize`` of a store on a Dask cluster; the same table as in pandas.

    ``data``: what :func:`rollstats.load` reads as canonical tables (cohort stores, datasets of
    Parquet files of canonical segments; several follow the rule of a load: a later source's
    version of a segment wins, exact duplicates count once), or a ``dask.dataframe`` of
    canonical segments. ``until`` as in
    :func:`rollstats.summarize`. The cluster: ``client`` (a ``distributed.Client``), else
    ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``), else the current default
    client, else a local cluster started for the call. ``progress(done, total)`` is called as
    partitions finish.
    """
    import dask
    import dask.dataframe as dd
    from distributed import as_completed

    program = program or Program.default()
    with _config():
        if isinstance(data, dd.DataFrame):
            ddf = light = data[list(SEGMENT_COLUMNS)]
        else:  # a first pass reads four columns only
            ddf = read_dask(data, program, parts=True)
            light = read_dask(data, program, columns=["subject_id", "night", "activity"])
        client, close = _client(client, scheduler)
        try:
            # the two figures of the whole table, and which partition holds which subjects
            end = pd.Timestamp(until).normalize() if until is not None else light["night"].max()
            observed = light if until is None else light[light["night"] <= pd.Timestamp(until).normalize()]
            exercises = (observed["activity"].astype("str") != "rolling").any()
            subjects = light.map_partitions(_unique_subjects, meta={"subject_id": "str"})
            end, exercises, subjects = dask.compute(end, exercises, subjects)
            end, exercises = pd.Timestamp(end), bool(exercises)
            if pd.isna(end):  # no segment at all
                return _meta(program, end, exercises).reset_index(drop=True)
            if subjects["subject_id"].duplicated().any():  # a subject in several partitions
                ddf = ddf.map_partitions(_with_order, meta={**ddf.dtypes.to_dict(), _ORDER: "int64"})
                ddf = ddf.shuffle(on="subject_id", npartitions=ddf.npartitions)
            meta = _meta(program, end, exercises)
            parts = ddf.map_partitions(_summarize_part, program, end, exercises, meta, meta=meta).to_delayed()
            futures = client.compute(parts)
            done = 0
            for _ in as_completed(futures):
                done += 1
                if progress is not None:
                    progress(done, len(futures))
            frames = [f for f in client.gather(futures) if len(f)]
        finally:
            if close:
                cluster = getattr(client, "_rollstats_cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()
    if not frames:
        return meta.reset_index(drop=True)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.sort_values("subject_id", kind="stable").reset_index(drop=True)
