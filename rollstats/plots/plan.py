"""The Planner's calendar: the calendar of a plan's projected nights, with the nights that break
the card marked.

The cells, colours and progression marks are those of :func:`rollstats.plots.calendar_drawing`;
this module sizes the figure for a column of a page (larger cell numbers) and adds one artist, a
red dot in the corner of each night that :func:`rollstats.plan.broken_nights` names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..program import Program
from ._common import COLOURS
from .calendar import Calendar, calendar_drawing, calendar_grid, repaint_calendar

#: the legend's words for a marked night
MARK_LABEL = "breaks the card (see the warnings)"


@dataclass
class PlanCalendar:
    """A plan's calendar (:func:`plan_calendar_drawing`) and its marks of nights that break the card."""

    calendar: Calendar
    marks: Line2D   #: one red dot per marked night, in the top right corner of its cell

    @property
    def figure(self) -> Figure:
        return self.calendar.figure

    @property
    def changing(self) -> list:
        """The artists :func:`repaint_plan_calendar` changes in place (the marks move: not among them)."""
        return self.calendar.changing


def plan_calendar_drawing(nights: pd.DataFrame, program: Program | None = None, marked=(),
                          cell_fontsize: float = 8.0) -> PlanCalendar:
    """The calendar of a plan's projected ``nights`` (:attr:`rollstats.plan.Projection.nights`), a
    figure about 6 inches wide for up to 12 weeks, cell numbers at ``cell_fontsize`` points (up to 12
    weeks), and a red dot on each night of ``marked`` (dates).

    >>> from rollstats.plan import Plan, project
    >>> p = project(Plan("2026-03-02", nights=("Mon", "Wed"), seconds={"quads": 60, "calves": 60}, weeks=1))
    >>> drawing = plan_calendar_drawing(p.nights, marked=["2026-03-03"])
    >>> drawing.marks.get_xdata().tolist(), drawing.marks.get_ydata().tolist()   # week 0, Tuesday
    ([0.3], [0.7])
    """
    program = program or Program.default()
    _, _, _, weeks = calendar_grid(nights["night"])
    calendar = calendar_drawing(nights, program=program, annotate=weeks <= 12)
    fig = calendar.figure   # its title runs from the figure's left edge, not the axes'
    fig.set_size_inches(min(11.0, max(6.0, 0.3 * weeks + 2.2)), 3.9)
    ax = calendar.image.axes
    for label in calendar.labels.values():
        label.set_fontsize(cell_fontsize)
    marks, = ax.plot([], [], linestyle="none", marker="o", markersize=5, color=COLOURS["avoid"],
                     markeredgecolor="white", markeredgewidth=0.8, zorder=5, gid="broken_nights")
    old = ax.get_legend()
    handles = [*old.legend_handles, Line2D([], [], linestyle="none", marker="o", markersize=5,
                                           color=COLOURS["avoid"])]
    labels = [t.get_text() for t in old.get_texts()] + [MARK_LABEL]
    ax.legend(handles=handles, labels=labels, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2,
              fontsize=7.5, frameon=False, title=old.get_title().get_text(), title_fontsize=8)
    drawing = PlanCalendar(calendar, marks)
    mark_nights(drawing, nights, marked)
    return drawing


def mark_nights(drawing: PlanCalendar, nights: pd.DataFrame, marked) -> list:
    """Put the red dots on the nights ``marked`` (dates among ``nights``); returns the artists changed."""
    start, _, _, _ = calendar_grid(nights["night"])
    days = (pd.to_datetime(pd.Index(list(marked))) - start).days.to_numpy() if len(marked) else np.zeros(0, int)
    drawing.marks.set_data(days // 7 + 0.3, days % 7 - 0.3)
    return [drawing.marks]


def repaint_plan_calendar(drawing: PlanCalendar, nights: pd.DataFrame, program: Program | None = None,
                          marked=()) -> list:
    """Colour a drawn plan calendar for new ``nights`` of the same weeks and mark ``marked``."""
    return repaint_calendar(drawing.calendar, nights, program=program) + mark_nights(drawing, nights, marked)
