"""Corner marks on the calendar: the nights each of the card's common mistakes touched.

Each mistake has its own corner of the cell, its own shape and its own colour, so a mark reads
without colour too (the legend names the corner). Marks are drawn under the calendar's veils:
the nights outside the range shown fade with their marks.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

#: Per mistake: (x, y) offset from the cell's centre (y grows downwards: Monday is on top), the
#: marker, its colour and the legend's words.
MARKS: dict[str, tuple[float, float, str, str, str]] = {
    "lateral_thigh": (-0.3, -0.3, "v", "#d7191c", "top left: on the side of the thigh"),
    "too_fast": (0.3, -0.3, "D", "#8c510a", "top right: holds too short"),
    "standalone": (-0.3, 0.3, "s", "#2166ac", "bottom left: a week without strengthening"),
    "narrow": (0.3, 0.3, "o", "#252525", "bottom right: a week of too few regions"),
}


def draw_marks(ax: Axes) -> dict[str, Line2D]:
    """Empty corner marks of every mistake on a calendar's axes (above the cells, under the veils),
    by mistake; :func:`paint_marks` places them.

    >>> from matplotlib.figure import Figure
    >>> marks = draw_marks(Figure().subplots())
    >>> list(marks), marks["lateral_thigh"].get_marker()
    (['lateral_thigh', 'too_fast', 'standalone', 'narrow'], 'v')
    """
    return {kind: ax.plot([], [], linestyle="none", marker=marker, markersize=4.6, color=colour,
                          markeredgecolor="white", markeredgewidth=0.4, label=label, zorder=3.5,
                          gid=f"mark:{kind}")[0]
            for kind, (_, _, marker, colour, label) in MARKS.items()}


def legend_marks(marks: dict[str, Line2D]) -> list[Line2D]:
    """Legend entries showing the corner marks as drawn, a little larger.

    >>> from matplotlib.figure import Figure
    >>> [h.get_label() for h in legend_marks(draw_marks(Figure().subplots()))][0]
    'top left: on the side of the thigh'
    """
    return [Line2D([], [], linestyle="none", marker=line.get_marker(), markersize=6, color=line.get_color(),
                   markeredgecolor="white", label=line.get_label()) for line in marks.values()]


def paint_marks(calendar, marks: pd.DataFrame) -> list:
    """Place the corner marks of a calendar drawn with ``marked=True`` on the nights of ``marks``
    (rows of :func:`rollstats.metrics.mistake_nights`: a ``night`` column and a true/false column
    per mistake; the same nights as the calendar's, from its first night). Returns the marks.

    >>> from rollstats.plots import calendar_drawing
    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-04", periods=3),
    ...     "rolled_s": 60.0, "phase": "daily", "compliant": True, "progression": False})
    >>> m = pd.DataFrame({"night": t["night"], "lateral_thigh": [False, True, False], "too_fast": False,
    ...     "standalone": False, "narrow": [True, True, True]})
    >>> calendar = calendar_drawing(t, marks=m)   # Wed 4 to Fri 6 Mar: week 0, rows 2 to 4
    >>> calendar.marks["lateral_thigh"].get_data()
    ([-0.3], [2.7])
    >>> [round(y, 1) for y in calendar.marks["narrow"].get_data()[1]]
    [2.3, 3.3, 4.3]
    """
    nights = pd.to_datetime(marks["night"])
    if len(nights):
        start = nights.min() - pd.Timedelta(days=int(nights.min().day_of_week))
        offset = (nights - start).dt.days.to_numpy()
    else:
        offset = np.zeros(0, dtype="int64")
    col, row = offset // 7, offset % 7
    for kind, line in calendar.marks.items():
        dx, dy = MARKS[kind][:2]
        hit = marks[kind].to_numpy(dtype=bool) if kind in marks else np.zeros(len(offset), dtype=bool)
        line.set_data([float(c + dx) for c in col[hit]], [float(r + dy) for r in row[hit]])
    return list(calendar.marks.values())
