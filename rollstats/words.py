"""Dates and durations in the words people read them in: one place for every view and figure."""
from __future__ import annotations

import numpy as np
import pandas as pd


def date_text(value) -> str:
    """A date as '3 Mar 2026'.

    >>> date_text("2026-03-03")
    '3 Mar 2026'
    """
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def weekday_text(value) -> str:
    """A night as 'Tue 3 Mar 2026'.

    >>> weekday_text("2026-03-03")
    'Tue 3 Mar 2026'
    """
    ts = pd.Timestamp(value)
    return f"{ts:%a} {ts.day} {ts:%b %Y}"


def seconds_text(value: float) -> str:
    """Seconds for people: '45 s', '4 min 10 s', '1 h 05 min'.

    >>> seconds_text(45), seconds_text(250), seconds_text(3900)
    ('45 s', '4 min 10 s', '1 h 05 min')
    """
    value = float(np.round(value))
    if value < 60:
        return f"{value:.0f} s"
    minutes, secs = divmod(int(value), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
