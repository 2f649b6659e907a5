"""Observation: which segments a figure looks at, and the last night it looks at.

One export, one end: unless told otherwise, every subject is observed up to the latest night of
the whole table, so that a subject who stopped rolling weeks before the export is seen to have
stopped. Pure: a table in, a table and a date out.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd


def observed(segments: pd.DataFrame, until: str | dt.date | None = None) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The segments within observation and the last night of observation.

    Observation ends at ``until`` when given, else at the latest night of the whole table.

    >>> from rollstats.schema import empty_segments
    >>> observed(empty_segments(), "2026-03-01")[1]
    Timestamp('2026-03-01 00:00:00')
    """
    if until is not None:
        end = pd.Timestamp(until).normalize()
        segments = segments.loc[segments["night"] <= end]
    else:
        end = segments["night"].max()
    return segments, end


def exercises_logged(segments: pd.DataFrame) -> bool:
    """Whether the table logs any exercise other than rolling (strengthening or other): the
    standalone check can only say something when it does.

    >>> exercises_logged(pd.DataFrame({"activity": ["rolling", "strengthening"]}))
    True
    >>> exercises_logged(pd.DataFrame({"activity": ["rolling"]}))
    False
    """
    return bool((segments["activity"] != "rolling").any())
