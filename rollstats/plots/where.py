"""Where a click on a figure's picture lands: from the pixel a browser reports to the night under it.

A widget shows a figure as a PNG drawn at some resolution (``dpi``) and the browser may show
that picture larger or smaller than its pixels (a narrow window). A click reports its place in
the displayed picture (CSS pixels from its top left corner) and the displayed size; these
functions take it back to the picture's pixels, then to the figure's display coordinates (its
own dpi, origin at the bottom left) and, through the axes' own transform
(``ax.transData.inverted()``), to data coordinates: a calendar's week and weekday, a timeline's
date.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def data_point(fig: Figure, ax: Axes, dpi: float, x: float, y: float, shown_width: float,
               shown_height: float) -> tuple[float, float] | None:
    """The data coordinates of ``ax`` under the point (``x``, ``y``) of ``fig``'s picture, or None
    when the point is outside the axes.

    The picture is ``fig`` drawn at ``dpi`` dots per inch, displayed ``shown_width`` by
    ``shown_height`` (CSS pixels); (``x``, ``y``) is measured from its top left corner in those
    pixels (a browser's ``offsetX``, ``offsetY``). The figure may be laid out at another dpi than
    the picture's: display coordinates are scaled.

    A 4 x 2 in figure at 50 dpi is a 200 x 100 px picture; its axes cover x 50 to 150 px and
    y 10 to 90 px (from the bottom) and show 0 to 10 by 0 to 4. Shown twice as large, the
    click at (200, 100) is the picture's pixel (100, 50), display point (100, 50): data (5, 2).

    >>> fig = Figure(figsize=(4, 2), dpi=50)
    >>> ax = fig.add_axes((0.25, 0.1, 0.5, 0.8), xlim=(0, 10), ylim=(0, 4))
    >>> [float(v) for v in data_point(fig, ax, 50, 200, 100, 400, 200)]
    [5.0, 2.0]
    >>> data_point(fig, ax, 50, 20, 100, 400, 200) is None   # left of the axes
    True
    """
    if shown_width <= 0 or shown_height <= 0:
        return None
    width, height = fig.get_size_inches() * dpi                    # the picture's pixels
    px, py = x * width / shown_width, y * height / shown_height    # from its top left corner
    scale = fig.dpi / dpi                                          # picture pixels to display units
    display = (px * scale, (height - py) * scale)                  # display: from the bottom left
    if not ax.bbox.contains(*display):
        return None
    dx, dy = ax.transData.inverted().transform(display)
    return float(dx), float(dy)


def calendar_cell(point: tuple[float, float] | None, n_weeks: int) -> tuple[int, int] | None:
    """The (week, weekday) of a calendar's cell at the data ``point`` (cells 1 wide, centred on
    their week and weekday, as :func:`rollstats.plots.draw_calendar` draws them), None outside.

    >>> calendar_cell((1.4, 2.6), 3), calendar_cell((3.2, 0.0), 3), calendar_cell(None, 3)
    ((1, 3), None, None)
    """
    if point is None:
        return None
    week, weekday = int(np.floor(point[0] + 0.5)), int(np.floor(point[1] + 0.5))
    return (week, weekday) if 0 <= week < n_weeks and 0 <= weekday < 7 else None


def calendar_night(point: tuple[float, float] | None, start, n_weeks: int) -> pd.Timestamp | None:
    """The night of a calendar starting on the Monday ``start`` at the data ``point`` (None outside).

    >>> str(calendar_night((1.0, 2.0), pd.Timestamp("2026-03-02"), 3).date())   # week 1, Wednesday
    '2026-03-11'
    """
    cell = calendar_cell(point, n_weeks)
    if cell is None:
        return None
    return pd.Timestamp(start).normalize() + pd.Timedelta(days=7 * cell[0] + cell[1])


def timeline_night(point: tuple[float, float] | None) -> pd.Timestamp | None:
    """The night of a timeline's bar at the data ``point`` (x in matplotlib date numbers, each bar
    centred on its night), None for no point.

    >>> str(timeline_night((float(mdates.date2num(pd.Timestamp("2026-03-04"))) + 0.3, 10.0)).date())
    '2026-03-04'
    """
    if point is None:
        return None
    return pd.Timestamp(mdates.num2date(np.floor(point[0] + 0.5))).tz_localize(None).normalize()
