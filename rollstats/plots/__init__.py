"""Figures: pure functions from the tables of :mod:`rollstats.metrics` to matplotlib figures.

Each function takes tables (the nights table, maintenance windows, the summary, or the small
display tables of :mod:`rollstats.metrics.cohort`) and returns a :class:`matplotlib.figure.Figure`
built with the object API (no pyplot state), so it works headless, in reports and in widgets.
Functions with one axes accept ``ax=`` to draw into an existing one. Nothing here caches or
encodes a picture: :mod:`rollstats.render` does. For a figure that is changed in place, the
calendar, the timeline and the body map also come as drawings (:func:`calendar_drawing`,
:func:`timeline_drawing`, :func:`draw_body_map`): small dataclasses holding the figure and the
artists that a new range or new nights change.

One subject: :func:`plot_calendar`, :func:`plot_timeline`, :func:`plot_body_map`,
:func:`plot_region_seconds`, :func:`plot_weekly_adherence`, :func:`plot_pain`. A cohort:
:func:`plot_adherence_distribution`, :func:`plot_adherence_by_week`,
:func:`plot_time_to_progression`.
"""
from ._common import COLOURS
from .bars import plot_region_seconds, plot_weekly_adherence
from .bodymap import BodyMap, draw_body_map, leg_seconds, paint_body_map, plot_body_map
from .calendar import Calendar, calendar_drawing, plot_calendar, repaint_calendar, show_nights
from .pain import PainChart, pain_drawing, plot_pain
from .cohort import plot_adherence_by_week, plot_adherence_distribution, plot_time_to_progression
from .timeline import Timeline, plot_timeline, show_timeline_nights, timeline_drawing

__all__ = ["plot_calendar", "plot_timeline", "plot_body_map", "plot_region_seconds", "plot_weekly_adherence",
           "plot_adherence_distribution", "plot_adherence_by_week", "plot_time_to_progression", "leg_seconds",
           "COLOURS", "BodyMap", "Calendar", "Timeline", "calendar_drawing", "draw_body_map", "paint_body_map",
           "repaint_calendar", "show_nights", "show_timeline_nights", "timeline_drawing"]


