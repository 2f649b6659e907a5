"""The pandas engine: the summary in this process, on a table already loaded.

:func:`rollstats.summarize` is the engine itself; :func:`summarize_in_parts` runs it by groups
of subjects so that a long summary can show progress, with the same result.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..metrics import exercises_logged, observed, summarize


def summarize_in_parts(segments: pd.DataFrame, program=None, until=None, parts: int = 20,
                       progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """:func:`rollstats.summarize` computed by groups of subjects: the same table, in steps.

    The two figures of the whole table that every subject's row depends on (the last night
    of observation, and whether any segment is not rolling) are taken from the whole table
    first, as :mod:`rollstats.engines.dask_engine` does on a cluster. ``progress(done, parts)`` is
    called after each group.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.metrics import summarize
    >>> segments = load_sample("cohort").segments
    >>> summarize_in_parts(segments, parts=4).equals(summarize(segments))
    True
    """

    inside, end = observed(segments, until)
    exercises = exercises_logged(inside)
    codes, ids = pd.factorize(segments["subject_id"], sort=True)
    parts = max(1, min(parts, len(ids)))
    bounds = np.linspace(0, len(ids), parts + 1).round().astype(int)
    order = np.argsort(codes, kind="stable")
    cuts = np.searchsorted(codes[order], bounds)
    frames = []
    for i in range(parts):
        rows = order[cuts[i]:cuts[i + 1]]
        if len(rows):
            part = segments.iloc[np.sort(rows)]
            frames.append(summarize(part, program, until=end if pd.notna(end) else until,
                                    exercises_logged=exercises))
        if progress is not None:
            progress(i + 1, parts)
    if not frames:
        return summarize(segments, program, until=until)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.reset_index(drop=True)
