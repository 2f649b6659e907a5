"""Fewer artists, the same pictures: how the calendar and the timeline are built (rollstats.plots).

A subject's first visit builds and draws a calendar and a timeline; they are built with few
artists and little work at each draw. Each economy is checked against the plain way it
replaces, built independently here: the windows of the phase lane drawn as one rectangle per
window (pixel for pixel), the dates ticked by matplotlib's own automatic date locator on a fresh
axes, the cell numbers drawn with the clip every text of an axes gets by default, and the
numbers of a calendar painted again for other nights worked out by hand.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from rollstats.plots import calendar_drawing, repaint_calendar, timeline_drawing
from rollstats.render import figure_rgba

from test_plots import nights_frame

#: progression on night 3, then windows of 7 nights: met, not met, met, then a partial one
ROLLED = [100, 120, 90] + [0, 70, 0, 80, 0, 0, 0] + [0, 0, 65, 0, 0, 30, 0] + [60, 60, 0, 0, 0, 0, 0] + [60, 0]


def window_artists(ax) -> list:
    return [a for a in ax.get_children() if (a.get_gid() or "").startswith("window")]


def test_the_windows_look_as_one_rectangle_per_window(figures):
    timeline = timeline_drawing(nights_frame(ROLLED, progression_at=2))
    fig = timeline.figure
    figures(fig)
    lane = fig.axes[2]
    # three complete windows in one collection, the partial one alone (hatched)
    assert [a.get_gid() for a in window_artists(lane)] == ["windows:0-2", "window:3:partial"]
    drawn = figure_rgba(fig, dpi=100)
    fig.set_layout_engine("none")   # keep the layout of that draw for the reference
    # the reference: the same figure with one rectangle per window, as the lane was first drawn
    for artist in window_artists(lane):
        artist.remove()
    day = mdates.date2num
    windows = [("2026-03-07", "2026-03-13", "#1a9850"), ("2026-03-14", "2026-03-20", "#d73027"),
               ("2026-03-21", "2026-03-27", "#1a9850"), ("2026-03-28", "2026-04-03", "#d9d9d9")]
    for first, last, colour in windows:
        x0, x1 = day(pd.Timestamp(first)) - 0.5, day(pd.Timestamp(last)) + 0.5
        lane.add_patch(Rectangle((x0, 0.1), x1 - x0, 0.8, facecolor=colour, edgecolor="white", linewidth=1,
                                 hatch="//" if colour == "#d9d9d9" else None))
    np.testing.assert_array_equal(figure_rgba(fig, dpi=100), drawn)


@pytest.mark.parametrize("nights", [5, 12, 40, 120, 365])
def test_every_panel_ticks_the_dates_of_the_automatic_date_locator(figures, nights):
    timeline = timeline_drawing(nights_frame([70.0] * nights, start="2026-01-05", progression_at=2))
    fig = timeline.figure
    figures(fig)
    # independently: a fresh axes over the same dates, with matplotlib's locator and formatter
    reference = Figure().subplots()
    figures(reference.figure)
    reference.set_xlim(mdates.date2num(pd.Timestamp("2026-01-05")) - 0.5,
                       mdates.date2num(pd.Timestamp("2026-01-05") + pd.Timedelta(days=nights - 1)) + 0.5)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    reference.xaxis.set_major_locator(locator)
    reference.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    expected = reference.xaxis.get_majorticklocs()
    assert 2 <= len(expected) <= 12
    for ax in fig.axes:
        assert ax.get_xlim() == pytest.approx(reference.get_xlim())
        np.testing.assert_array_equal(ax.xaxis.get_majorticklocs(), expected)
    bottom = fig.axes[2].xaxis
    formatter, shown = bottom.get_major_formatter(), reference.xaxis.get_major_formatter()
    assert formatter.format_ticks(expected) == shown.format_ticks(expected)
    assert formatter.get_offset() == shown.get_offset()


def test_cell_numbers_draw_as_texts_clipped_by_default(figures):
    calendar = calendar_drawing(nights_frame([70, 0, 30, 200, 130, 60, 0, 0, 90, 0, 45, 0], progression_at=5))
    fig = calendar.figure
    figures(fig)
    drawn = figure_rgba(fig, dpi=100)
    fig.set_layout_engine("none")
    ax = calendar.image.axes
    for label in calendar.labels.values():   # the clip ax.text gives a text of its own
        assert not label.get_clip_on()
        label.set_clip_path(ax.patch)
    np.testing.assert_array_equal(figure_rgba(fig, dpi=100), drawn)


def test_painting_other_nights_rewrites_every_cell(figures):
    # Wed 4 to Sun 15 Mar 2026 (weeks from Mon 2 Mar); numbers white from 120 s on compliant nights
    calendar = calendar_drawing(nights_frame([70, 0, 30, 200, 130, 60, 0, 0, 90, 0, 45, 0]), annotate=True)
    figures(calendar.figure)
    again = nights_frame([0, 150, 0, 0, 59, 60, 0, 0, 0, 300, 0, 0])
    repaint_calendar(calendar, again)
    shown = {cell: (label.get_text(), label.get_color()) for cell, label in calendar.labels.items()
             if label.get_text()}
    assert shown == {(0, 3): ("150", "white"),    # Thu 5 Mar
                     (0, 6): ("59", "black"),     # Sun 8 Mar: under the minimum
                     (1, 0): ("60", "black"),     # Mon 9 Mar: compliant, the lightest green
                     (1, 4): ("300", "white")}    # Fri 13 Mar
    assert len(calendar.labels) == 14 and all(label.get_color() == "black" for cell, label in
                                              calendar.labels.items() if cell not in shown)
