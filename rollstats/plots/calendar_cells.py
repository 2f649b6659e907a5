"""Where a calendar's cells are: weeks as columns, weekdays as rows (Monday on top), cells 1 wide
and centred on their week and weekday, as :func:`rollstats.plots.draw_calendar` draws them."""
from __future__ import annotations

import numpy as np
import pandas as pd


def calendar_grid(nights: pd.Series) -> tuple[pd.Timestamp, np.ndarray, np.ndarray, int]:
    """The Monday of the first week, each night's column (week) and row (0 = Monday), and the week count.

    >>> start, col, row, weeks = calendar_grid(pd.Series(pd.date_range("2026-03-04", periods=6)))  # Wed to Mon
    >>> str(start.date()), col.tolist(), row.tolist(), weeks
    ('2026-03-02', [0, 0, 0, 0, 0, 1], [2, 3, 4, 5, 6, 0], 2)
    """
    nights = pd.to_datetime(nights)
    first = nights.min()
    start = first - pd.Timedelta(days=int(first.day_of_week))
    offset = (nights - start).dt.days.to_numpy()
    return start, offset // 7, offset % 7, int(offset.max() // 7 + 1) if len(offset) else 0


def cells_before(col: int, row: int) -> list[tuple[float, float]]:
    """The outline of the calendar cells before the one at (``col``, ``row``): whole weeks, then part
    of a week (cells 1 wide and centred on their week and weekday); [] when there are none.

    >>> cells_before(0, 2), cells_before(2, 0)
    ([(-0.5, -0.5), (0.5, -0.5), (0.5, 1.5), (-0.5, 1.5)], [(-0.5, -0.5), (1.5, -0.5), (1.5, 6.5), (-0.5, 6.5)])
    """
    left, top, bottom, x, y = -0.5, -0.5, 6.5, col - 0.5, row - 0.5
    if col == 0:
        return [(left, top), (x + 1, top), (x + 1, y), (left, y)] if row > 0 else []
    if row == 0:
        return [(left, top), (x, top), (x, bottom), (left, bottom)]
    return [(left, top), (x + 1, top), (x + 1, y), (x, y), (x, bottom), (left, bottom)]


def phase_boundary(col: int, row: int, n_weeks: int) -> tuple[list[float], list[float]]:
    """The step line between the progression night (cell ``col``, ``row``) and the next night, as
    month lines on a calendar: x and y in cells (none when the progression night is the last cell).

    >>> phase_boundary(0, 2, 3)   # Wednesday of the first week: right of it, then under it to Sunday
    ([0.5, 0.5, -0.5, -0.5], [-0.5, 2.5, 2.5, 6.5])
    """
    if col + 1 >= n_weeks and row >= 6:
        return [], []
    xs, ys = [col + 0.5, col + 0.5], [-0.5, row + 0.5]
    if row < 6:
        xs += [col - 0.5, col - 0.5]
        ys += [row + 0.5, 6.5]
    return xs, ys
