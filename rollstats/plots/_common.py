"""Shared helpers of the figures: picking one subject, making a figure or using an axes, colours."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import TransformedPatchPath

from ..words import date_text as day, seconds_text  # noqa: F401  (the figures import them from here)

#: Colours with a meaning, used the same way in every figure.
COLOURS: dict[str, str] = {
    "compliant": "#1a9850",      # a night that meets the daily minimum (green)
    "short": "#fdae61",          # rolled, but under the daily minimum (orange)
    "missed": "#bdbdbd",         # daily phase, no rolling (grey)
    "rest": "#f0f0f0",           # maintenance phase, no rolling: a rest night, not a miss
    "met": "#1a9850",            # maintenance window met
    "not_met": "#d73027",        # maintenance window not met (red)
    "partial": "#d9d9d9",        # maintenance window cut by the end of observation
    "daily": "#deebf7",          # daily-phase background (light blue)
    "maintenance": "#efedf5",    # maintenance-phase background (light purple)
    "progression": "#542788",    # the progression night (dark purple)
    "avoid": "#d7191c",          # the lateral line, the place to avoid (red)
    "line": "#2166ac",           # a cohort mean or a curve (blue)
}

#: White over the nights outside the range shown (calendar and timeline): they stay readable, faded.
VEIL: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 0.72)


def figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` and its (root) figure, or a new figure with one axes."""
    if ax is not None:
        return ax.get_figure(root=True), ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots()


def texts_clip(ax: Axes) -> TransformedPatchPath:
    """A clip path to the axes ``ax`` for its many texts: ``ax.text(..., clip_path=texts_clip(ax))``.

    Without it, ``ax.text`` builds a clip box of its own for each text (about half the cost of
    writing a text); an axes' texts are drawn unclipped unless asked (``clip_on=False``), so one
    path for all of them changes no picture.

    >>> ax = Figure().subplots()
    >>> clip = texts_clip(ax)
    >>> [t.get_clip_path() is clip for t in (ax.text(0, 0, "a", clip_path=clip), ax.text(1, 1, "b", clip_path=clip))]
    [True, True]
    """
    return TransformedPatchPath(ax.patch)


def one_subject(table: pd.DataFrame, subject: str | None) -> tuple[str, pd.DataFrame]:
    """The rows of ``subject``; with ``subject=None`` the table must hold a single subject."""
    if "subject_id" not in table:
        return (subject or ""), table
    ids = pd.unique(table["subject_id"].astype("str"))
    if subject is None:
        if len(ids) != 1:
            raise ValueError(f"the table holds {len(ids)} subjects: choose one with subject=...")
        subject = str(ids[0])
    rows = table.loc[table["subject_id"].astype("str") == str(subject)]
    if rows.empty:
        raise ValueError(f"no rows for subject {subject!r}")
    return str(subject), rows
