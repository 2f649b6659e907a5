"""The figures of a review: built once per subject, shown for a date range, rendered to PNG."""
from __future__ import annotations

import io

from matplotlib.figure import Figure

from .._lru import LRU
from ..plots._common import by_gid
from ..plots.live import LiveFigure, png_bytes
from .patient import FIGURES, Review, SubjectTables
from .patient_words import day




# ----------------------------------------------------------------- figures
def timeline_figure(tables: SubjectTables) -> Figure:
    """The progression timeline of the subject's whole observation (:func:`rollstats.plot_timeline`).

    Built once per subject; :func:`show_range` then fades the nights outside a range, so that
    phases, the progression night and the windows stay those of the whole observation.
    """
    from ..plots import plot_timeline

    return plot_timeline(tables.nights, tables.windows, subject=tables.subject, program=tables.program)


def show_range(fig: Figure, view: Review) -> list:
    """Show the nights of ``view`` on a :func:`timeline_figure` (in place): the nights outside the
    range faded in every panel, as on the calendar, and the figure's title naming the range out
    of the observation. Returns the artists changed (the veils and the title)."""
    from ..plots.timeline import show_timeline_nights

    t = view.tables
    whole = view.first == t.first_night and view.last == t.last_night
    shown = (f"{view.subject}: {day(view.first)} to {day(view.last)}" if whole else
             f"{view.subject}: {day(view.first)} to {day(view.last)}, the other nights faded (observed "
             f"{day(t.first_night)} to {day(t.last_night)})")
    title = by_gid(fig, "title")
    title.set_text(shown)
    return [*show_timeline_nights(fig, view.first, view.last), title]


def review_figure(view: Review, name: str) -> Figure:
    """The figure ``name`` (one of :data:`FIGURES`) of the range (object API, no pyplot state).

    The calendar and the timeline show the whole observation with the nights outside the range
    faded (:func:`show_range` for the timeline); the body map the seconds rolled in the range.
    """
    from ..plots import plot_body_map, plot_calendar

    if name == "calendar":
        return plot_calendar(view.tables.nights, subject=view.subject, program=view.program,
                             shown=(view.first, view.last))
    if name == "timeline":
        fig = timeline_figure(view.tables)
        show_range(fig, view)
        return fig
    if name == "bodymap":
        return plot_body_map(view.region_seconds, subject=view.subject, title=_body_map_title(view))
    raise ValueError(f"no figure named {name!r}; the figures are: {', '.join(FIGURES)}")


def _body_map_title(view: Review) -> str:
    # the title names no dates (the range is on every view of it): equal seconds, equal picture
    return f"{view.subject}: where the rolling time went"


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


class LiveReviewFigures:
    """The review's figures kept drawn between changes of range, each change redrawing only what moves.

    Per subject (the last ``subjects`` seen), the calendar and the timeline of the whole
    observation are drawn once; a range then veils the other nights of both
    (:func:`rollstats.plots.calendar.show_nights`, :func:`show_range`).
    One body map drawing is shaded anew for each range (:func:`rollstats.plots.bodymap.paint_body_map`).
    Each picture shows what :func:`review_figure` shows for the same range (laid out once, for
    the first range drawn), drawn over the kept pixels of what did not change
    (:class:`rollstats.plots.live.LiveFigure`).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> figures = LiveReviewFigures(dpi=40)
    >>> figures.png(review(tables, "2026-01-12", "2026-01-18"), "calendar")[:4]
    b'\\x89PNG'
    """

    def __init__(self, dpi: float = 100, subjects: int = 4):
        self.dpi = dpi
        self._calendars = LRU(subjects)
        self._timelines = LRU(subjects)
        self._body_map = None

    def png(self, view: Review, name: str) -> bytes:
        """PNG bytes of the figure ``name`` (one of :data:`FIGURES`) of ``view``."""
        return png_bytes(self.live(view, name).rgba())

    def pngs(self, view: Review, names=FIGURES) -> dict[str, bytes]:
        """PNG bytes of the figures ``names`` of ``view``."""
        return {name: self.png(view, name) for name in names}

    def live(self, view: Review, name: str) -> LiveFigure:
        """The live figure ``name`` (one of :data:`FIGURES`), set to ``view``."""
        if name == "calendar":
            return self._calendar(view)
        if name == "timeline":
            return self._timeline(view)
        if name == "bodymap":
            return self._bodymap(view)
        raise ValueError(f"no figure named {name!r}; the figures are: {', '.join(FIGURES)}")

    def _calendar(self, view: Review) -> LiveFigure:
        from ..plots.calendar import show_nights

        t = view.tables
        kept = self._calendars.get(view.subject)
        if kept is None:
            fig = review_figure(view, "calendar")
            *veils, title = show_nights(fig.axes[0], t.nights, t.subject, t.program, view.first, view.last)
            kept = self._calendars.put(view.subject, LiveFigure(fig, [title], self.dpi, moving=veils))
        show_nights(kept.figure.axes[0], t.nights, t.subject, t.program, view.first, view.last)
        return kept

    def _timeline(self, view: Review) -> LiveFigure:
        kept = self._timelines.get(view.subject)
        if kept is None:
            fig = timeline_figure(view.tables)
            *veils, title = show_range(fig, view)
            kept = self._timelines.put(view.subject, LiveFigure(fig, [title], self.dpi, moving=veils))
        show_range(kept.figure, view)
        return kept

    def _bodymap(self, view: Review) -> LiveFigure:
        from ..plots.bodymap import draw_body_map, paint_body_map

        if self._body_map is None:
            drawing = draw_body_map()
            self._body_map = (drawing, LiveFigure(drawing.figure, drawing.changing, self.dpi))
        drawing, live = self._body_map
        paint_body_map(drawing, view.region_seconds, subject=view.subject, title=_body_map_title(view))
        return live
