"""The engines that compute the summary of a canonical table, and what each reads.

- **pandas** (:mod:`rollstats.engines.pandas_engine`), in this process: the table comes from
  :func:`rollstats.load`; :func:`summarize_in_parts` is :func:`rollstats.summarize` by
  groups of subjects, for progress on long runs.
- **dask** (:mod:`rollstats.engines.dask_engine`, extra ``rollstats[dask]``), on a cluster:
  :func:`summarize_dask` and :func:`read_dask` read cohort stores and Parquet datasets
  through the door's listing (:func:`rollstats.io.sources.parquet_pieces`) and apply the rule of
  every load partition by partition.

Both engines take their input from the one door, :mod:`rollstats.io.sources`, and give the
same summary, frame for frame. Dask itself is imported only when the Dask engine runs.

>>> from rollstats.datasets import load_sample
>>> segments = load_sample("cohort").segments
>>> ENGINES, summarize_in_parts(segments, parts=3).equals(summarize_in_parts(segments, parts=1))
(('pandas', 'dask'), True)
"""
from .dask_engine import read_dask, summarize_dask
from .pandas_engine import summarize_in_parts

#: The engines ``rollstats summary --engine`` offers.
ENGINES: tuple[str, ...] = ("pandas", "dask")

__all__ = ["ENGINES", "summarize_in_parts", "summarize_dask", "read_dask"]
