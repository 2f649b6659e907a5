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


def count_text(count: int, noun: str, many: str | None = None) -> str:
    """A count with its noun in the right number: '1 night', '2 nights', '0 nights'.

    ``many`` is the plural when adding an 's' is wrong.

    >>> count_text(1, "compliant night"), count_text(3, "compliant night"), count_text(2, "body", "bodies")
    ('1 compliant night', '3 compliant nights', '2 bodies')
    """
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def percent_text(share: float) -> str:
    """A share (0 to 1) as a whole percentage: '53%'; '-' when it cannot be worked out (NaN).

    >>> percent_text(0.5312), percent_text(float("nan"))
    ('53%', '-')
    """
    return "-" if share != share else f"{share:.0%}"


def nights_ago_text(nights: int) -> str:
    """How long before a night another one was, counted in nights: 'the same night', '1 night earlier'.

    >>> nights_ago_text(0), nights_ago_text(1), nights_ago_text(5)
    ('the same night', '1 night earlier', '5 nights earlier')
    """
    return "the same night" if nights == 0 else f"{count_text(nights, 'night')} earlier"
