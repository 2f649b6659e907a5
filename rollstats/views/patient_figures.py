"""The figures of a review: which drawing shows a range, what changes on it, what a picture depends on.

Each figure of :data:`LIVE` is a drawing of :mod:`rollstats.plots` built once
(:func:`review_drawing`) and set to a range in place (:func:`show_review`): the calendar, the
timeline and the pain by week show the subject's whole observation and get a white veil over
the nights (for the pain, the weeks) outside the range and a title naming it; the body map is
shaded anew by the seconds of the range. Drawing them as pictures, and keeping those, is
:mod:`rollstats.render`'s work; :func:`figure_key` and :func:`drawing_key` tell it when a
picture or a drawing can be used again.
"""
from __future__ import annotations

from matplotlib.figure import Figure

from ..metrics import pain_weeks
from ..plots import Timeline, calendar_drawing, draw_body_map, paint_body_map, show_nights, show_timeline_nights
from ..plots import pain_drawing, timeline_drawing
from ..plots.pain import show_pain_weeks
from ..render import figure_png
from .patient import FIGURES, Review
from .patient_words import day

#: The small figure of pain before and after rolling by week, over the whole observation with the
#: weeks outside the range faded; shown only for a range with a pain score.
PAIN = "pain"
#: Every figure a review keeps drawn and changes in place: those of :data:`FIGURES`, then the pain.
LIVE: tuple[str, ...] = (*FIGURES, PAIN)


def _check(name: str) -> None:
    if name not in LIVE:
        raise ValueError(f"no figure named {name!r}; the figures are: {', '.join(LIVE)}")


def show_range(timeline: Timeline, view: Review) -> list:
    """Show the nights of ``view`` on a timeline of the subject's whole observation (in place): the
    nights outside the range faded in every panel, as on the calendar, and the figure's title
    naming the range out of the observation. Returns the artists changed (the veils and the title)."""
    t = view.tables
    whole = view.first == t.first_night and view.last == t.last_night
    timeline.title.set_text(
        f"{view.subject}: {day(view.first)} to {day(view.last)}" if whole else
        f"{view.subject}: {day(view.first)} to {day(view.last)}, the other nights faded (observed "
        f"{day(t.first_night)} to {day(t.last_night)})")
    return [*show_timeline_nights(timeline, view.first, view.last), timeline.title]


def review_drawing(view: Review, name: str) -> tuple:
    """The drawing of the figure ``name`` (one of :data:`LIVE`) set to ``view``, with the artists
    :func:`show_review` changes in place and those it moves: ``(drawing, changing, moving)``.

    The calendar and the timeline show the subject's whole observation, the nights outside the
    range faded (a new range moves the veils and retitles); the pain figure the weekly means of
    the whole observation, the weeks without a night of the range faded (the same); the body map
    the seconds rolled in the range (a new range shades its regions and rewrites their numbers
    and notes).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> calendar, changing, moving = review_drawing(view, "calendar")
    >>> changing == [calendar.title], len(moving)   # the title changes, the two veils move
    (True, 2)
    """
    _check(name)
    t = view.tables
    if name == "calendar":
        calendar = calendar_drawing(t.nights, subject=view.subject, program=view.program,
                                    shown=(view.first, view.last), marks=t.marks)
        return calendar, [calendar.title], list(calendar.veils)
    if name == "timeline":
        timeline = timeline_drawing(t.nights, t.windows, subject=t.subject, program=t.program)
        show_range(timeline, view)
        return timeline, [timeline.title], timeline.moving
    if name == PAIN:
        chart = pain_drawing(pain_weeks(t.pain, t.nights), view.subject, (t.first_night, t.last_night),
                             shown=(view.first, view.last))
        return chart, [chart.title], chart.moving
    body_map = draw_body_map()
    show_review(body_map, view, name)
    return body_map, body_map.changing, []


def show_review(drawing, view: Review, name: str) -> None:
    """Set a :func:`review_drawing` of the figure ``name`` (made for the same subject; any subject
    for the body map) to the range of ``view``, in place.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> timeline, _, _ = review_drawing(review(tables, "2026-01-12", "2026-01-18"), "timeline")
    >>> show_review(timeline, review(tables, "2026-02-02", "2026-02-08"), "timeline")
    >>> timeline.title.get_text().split(",")[0]
    'P1: Mon 2 Feb 2026 to Sun 8 Feb 2026'
    """
    _check(name)
    t = view.tables
    if name == "calendar":
        show_nights(drawing, t.nights, t.subject, t.program, view.first, view.last)
    elif name == "timeline":
        show_range(drawing, view)
    elif name == PAIN:
        show_pain_weeks(drawing, view.first, view.last)
    else:
        paint_body_map(drawing, view.region_seconds, subject=view.subject, title=_body_map_title(view))


def review_figure(view: Review, name: str) -> Figure:
    """The figure ``name`` (one of :data:`LIVE`) of the range, drawn from scratch (object API, no
    pyplot state): the figure of :func:`review_drawing`, the same drawing a widget keeps."""
    return review_drawing(view, name)[0].figure


def has_pain(view: Review) -> bool:
    """Whether a pain score is logged in the range (the pain figure is shown only then)."""
    return bool((view.pain["pain_before"].notna() | view.pain["pain_after"].notna()).any())


def pain_figure(view: Review) -> Figure:
    """Pain before and after rolling by week (:func:`rollstats.plots.plot_pain`) over the subject's
    whole observation, the weeks holding no night of the range faded.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-25")
    >>> [float(v) for v in pain_figure(view).axes[0].get_lines()[0].get_ydata()[:2]]   # weekly mean before rolling
    [1.2, 5.0]
    >>> pain_figure(view).axes[0].get_title(loc="left")
    'P1: the weeks of 12 Jan 2026 to 25 Jan 2026 (this range); the other weeks faded'
    """
    return review_figure(view, PAIN)


def _body_map_title(view: Review) -> str:
    # the title names no dates (the range is on every view of it): equal seconds, equal picture
    return f"{view.subject}: where the rolling time went"


def figure_key(view: Review, name: str) -> tuple:
    """What the figure ``name`` of ``view`` depends on: equal keys, equal pictures (to skip redraws).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> tables = subject_tables(load_sample("patient").segments, "P1")
    >>> figure_key(review(tables, "2026-01-12", "2026-01-18"), "calendar")[1:3]
    (Timestamp('2026-01-12 00:00:00'), Timestamp('2026-01-18 00:00:00'))
    """
    if name == "bodymap":
        rs = view.region_seconds
        return (view.subject, tuple(zip(rs["region"], rs["side"].fillna(""), rs["seconds"])))
    return (view.subject, view.first, view.last, name)


def drawing_key(view: Review, name: str) -> tuple:
    """Which drawing can show the figure ``name`` of ``view``: one calendar, one timeline and one pain
    figure per subject, one body map for all (shaded anew for each).

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> drawing_key(view, "calendar"), drawing_key(view, "bodymap")
    (('calendar', 'P1'), ('bodymap',))
    """
    _check(name)
    return (name,) if name == "bodymap" else (name, view.subject)


def review_images(view: Review, dpi: float = 100, names=LIVE) -> dict[str, bytes]:
    """PNG bytes of each figure of the range, drawn from scratch at ``dpi`` dots per inch (for a report);
    the pain figure only when the range has a pain score.

    >>> from rollstats.datasets import load_sample
    >>> from rollstats.views import review, subject_tables
    >>> view = review(subject_tables(load_sample("patient").segments, "P1"), "2026-01-12", "2026-01-18")
    >>> {name: data[:4] for name, data in review_images(view, dpi=20, names=["calendar"]).items()}
    {'calendar': b'\\x89PNG'}
    """
    return {name: figure_png(review_figure(view, name), dpi) for name in names if name != PAIN or has_pain(view)}
