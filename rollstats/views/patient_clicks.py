"""Nights to look at: the night under a click on the review's calendar or timeline, and the nights
with a problem to step through.

A click comes as the browser reports it (ipyevents' event: ``offsetX``, ``offsetY`` in the
displayed picture, ``boundingRectWidth`` and ``boundingRectHeight`` its displayed size);
:func:`clicked_night` takes it to the night through the figure's own transforms
(:mod:`rollstats.plots.where`). :func:`problem_nights` lists the nights a clinician wants to
audit: a rule failed there (:func:`rollstats.metrics.failures`) or no rolling on a night of the
daily phase.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import failures
from ..plots.calendar import calendar_grid
from ..plots.where import calendar_night, data_point, timeline_night
from .patient import SubjectTables


def clicked_night(tables: SubjectTables, name: str, drawing, dpi: float, event: dict) -> pd.Timestamp | None:
    """The night under a click on the picture of the figure ``name`` ("calendar" or "timeline"),
    ``drawing`` as the review drew it (:func:`rollstats.views.review_drawing`, laid out), its
    picture drawn at ``dpi``; None off the cells and bars, or on a night outside observation.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, review_drawing, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> calendar = review_drawing(review(tables), "calendar")[0]
    >>> calendar.figure.draw_without_rendering()   # lay it out, as drawing its picture does
    >>> box = calendar.image.get_window_extent()   # the cells, in pixels from the bottom left
    >>> height = calendar.figure.bbox.height       # the first week's Tuesday: half a cell in, 1.5 down
    >>> click = {"offsetX": box.x0 + box.width / 13 / 2, "offsetY": height - box.y1 + box.height / 7 * 1.5,
    ...          "boundingRectWidth": calendar.figure.bbox.width, "boundingRectHeight": height}
    >>> str(clicked_night(tables, "calendar", calendar, calendar.figure.dpi, click).date())   # weeks from Mon 12 Jan
    '2026-01-13'
    """
    try:
        x, y = float(event["offsetX"]), float(event["offsetY"])
        width, height = float(event["boundingRectWidth"]), float(event["boundingRectHeight"])
    except (KeyError, TypeError, ValueError):
        return None
    fig = drawing.figure
    if name == "calendar":
        start, _, _, n_weeks = calendar_grid(tables.nights["night"])
        night = calendar_night(data_point(fig, drawing.image.axes, dpi, x, y, width, height), start, n_weeks)
    elif name == "timeline":
        points = (data_point(fig, ax, dpi, x, y, width, height) for ax in fig.axes)
        night = timeline_night(next((p for p in points if p is not None), None))
    else:
        return None
    if night is None or not (tables.first_night <= night <= tables.last_night):
        return None
    return night


def problem_nights(tables: SubjectTables) -> list[pd.Timestamp]:
    """The nights with a problem, in order: a rule failed (:func:`rollstats.metrics.failures`), or
    no rolling on a night of the daily phase.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import subject_tables
    >>> [str(n.date()) for n in problem_nights(subject_tables(load_sample("patient").segments, "P1"))[:2]]
    ['2026-01-13', '2026-01-17']
    """
    failed = failures(tables.audit)["night"]
    n = tables.nights
    rest = n.loc[(n["phase"] == "daily").to_numpy(dtype=bool) & (n["rolled_s"].to_numpy(dtype="float64") <= 0),
                 "night"]
    nights = pd.to_datetime(pd.concat([failed, rest], ignore_index=True)).dropna()
    return [pd.Timestamp(v) for v in np.unique(nights.to_numpy())]


def step_night(problems: list[pd.Timestamp], night, step: int) -> pd.Timestamp | None:
    """The problem night after (``step`` 1) or before (-1) ``night``, None when there is none.

    >>> p = [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-05")]
    >>> step_night(p, "2026-03-03", 1).day, step_night(p, "2026-03-03", -1).day, step_night(p, "2026-03-05", 1)
    (5, 2, None)
    """
    night = pd.Timestamp(night)
    later = [p for p in problems if (p > night if step > 0 else p < night)]
    if not later:
        return None
    return later[0] if step > 0 else later[-1]
