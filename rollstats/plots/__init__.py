"""Figures: pure functions from the tables of :mod:`rollstats.metrics` to matplotlib figures.

Each function takes tables (the nights table, maintenance windows, the summary, or the small
display tables of :mod:`rollstats.metrics.cohort`) and returns a :class:`matplotlib.figure.Figure`
built with the object API (no pyplot state), so it works headless, in reports and in widgets.
Functions with one axes accept ``ax=`` to draw into an existing one. A widget that shows
the same figure again and again keeps it drawn with :class:`rollstats.plots.live.LiveFigure`.

One subject: :func:`plot_calendar`, :func:`plot_timeline`, :func:`plot_body_map`,
:func:`plot_region_seconds`, :func:`plot_weekly_adherence`. A cohort:
:func:`plot_adherence_distribution`, :func:`plot_adherence_by_week`,
:func:`plot_time_to_progression`.
"""
from .bars import plot_region_seconds, plot_weekly_adherence
from .bodymap import leg_seconds, plot_body_map
from .calendar import plot_calendar
from .cohort import plot_adherence_by_week, plot_adherence_distribution, plot_time_to_progression
from .timeline import plot_timeline

__all__ = ["plot_calendar", "plot_timeline", "plot_body_map", "plot_region_seconds", "plot_weekly_adherence",
           "plot_adherence_distribution", "plot_adherence_by_week", "plot_time_to_progression", "leg_seconds"]
