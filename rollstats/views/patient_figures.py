"""The figures of a review: built once per subject, narrowed to a date range, rendered to PNG."""
from __future__ import annotations

import io

import matplotlib.dates as mdates
from matplotlib.figure import Figure

from .patient import FIGURES, Review, SubjectTables
from .patient_words import day




# ----------------------------------------------------------------- figures
def timeline_figure(tables: SubjectTables) -> Figure:
    """The progression timeline of the subject's whole observation (:func:`rollstats.plot_timeline`).

    Built once per subject; :func:`show_range` then narrows it to a range, so that phases,
    the progression night and the windows stay those of the whole observation.
    """
    from ..plots import plot_timeline

    return plot_timeline(tables.nights, tables.windows, subject=tables.subject, program=tables.program)


def show_range(fig: Figure, view: Review) -> Figure:
    """Narrow a :func:`timeline_figure` to the nights of ``view`` (in place; returns the figure).

    The date axis (shared by the panels) is set to the range, labels outside it are clipped, and
    the first title line names the range shown out of the observation. Labels anchored at a
    date outside the range are hidden; others are clipped at the panel's edges.
    """
    axes = fig.axes
    lo, hi = mdates.date2num(view.first) - 0.5, mdates.date2num(view.last) + 0.5
    for ax in axes:
        for text in ax.texts:  # labels placed at a date: hidden when that date is out of view, else clipped
            text.set_clip_box(ax.bbox)
            text.set_clip_on(True)
            if text.get_transform() == ax.transData:
                text.set_visible(bool(lo <= text.get_position()[0] <= hi))
    axes[0].set_xlim(lo, hi)
    status = axes[0].get_title(loc="left").split("\n", 1)[-1]
    t = view.tables
    whole = view.first == t.first_night and view.last == t.last_night
    shown = (f"{view.subject}: {day(view.first)} to {day(view.last)}" if whole else
             f"{view.subject}: {day(view.first)} to {day(view.last)} (observed {day(t.first_night)} to "
             f"{day(t.last_night)})")
    axes[0].set_title(f"{shown}\n{status}", fontsize=10, loc="left")
    return fig


def review_figure(view: Review, name: str) -> Figure:
    """The figure ``name`` (one of :data:`FIGURES`) of the range (object API, no pyplot state).

    The calendar shows the nights of the range; the timeline the whole observation narrowed to
    the range (:func:`show_range`); the body map the seconds rolled in the range.
    """
    from ..plots import plot_body_map, plot_calendar

    if name == "calendar":
        return plot_calendar(view.nights, subject=view.subject, program=view.program)
    if name == "timeline":
        return show_range(timeline_figure(view.tables), view)
    if name == "bodymap":
        # the title names no dates (the range is on every view of it): equal seconds, equal picture
        return plot_body_map(view.region_seconds, subject=view.subject,
                             title=f"{view.subject}: where the rolling time went")
    raise ValueError(f"no figure named {name!r}; the figures are: {', '.join(FIGURES)}")


def figure_key(view: Review, name: str) -> tuple:
    """What the figure ``name`` of ``view`` depends on: equal keys, equal figures (to skip redraws)."""
    if name == "bodymap":
        rs = view.region_seconds
        return (view.subject, tuple(zip(rs["region"], rs["side"].fillna(""), rs["seconds"])))
    return (view.subject, view.first, view.last, name)


def png(fig: Figure, dpi: float = 72, keep: bool = False) -> bytes:
    """The figure as PNG bytes (fast compression); unless ``keep``, the figure is cleared afterwards.

    >>> fig = Figure(figsize=(1, 1))
    >>> png(fig, dpi=10)[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    if not keep:
        fig.clear()
    return buffer.getvalue()


def review_images(view: Review, dpi: float = 100, names=FIGURES) -> dict[str, bytes]:
    """PNG bytes of each figure of the range."""
    return {name: png(review_figure(view, name), dpi) for name in names}
