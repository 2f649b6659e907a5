"""Pain before and after rolling, week by week: one subject's weekly means as a small figure.

A review shows the weeks of the whole observation and fades, under a white veil as on the
timeline, the weeks that hold no night of the range (:func:`show_pain_weeks`, in place): the
trend before and after the range stays in view, and a new range moves two veils and rewrites
the title only.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from ._common import VEIL, day, figure_and_axes

#: Colours of the two scores, before rolling (dark red) and after (blue), and of the relief between them (grey).
PAIN_COLOURS: dict[str, str] = {"before": "#b2182b", "after": "#2166ac", "relief": "#bdbdbd"}


@dataclass
class PainChart:
    """A drawn pain figure (:func:`pain_drawing`) and the artists a new range changes."""

    figure: Figure
    before: Line2D   #: weekly mean pain before rolling (points, 0 to 10)
    after: Line2D    #: weekly mean pain after rolling
    title: Text
    veils: tuple[Rectangle, Rectangle]   #: white over the weeks before and after those of the range
    subject: str
    heading: str     #: the title when no week is faded
    grid: tuple[float, float] | None     #: the first night of a week (matplotlib date number), nights a week

    @property
    def moving(self) -> list:
        """The two veils (a range moves them anywhere in the axes)."""
        return list(self.veils)


def plot_pain(weeks: pd.DataFrame, subject: str = "", span: tuple | None = None, ax: Axes | None = None) -> Figure:
    """Weekly mean pain before and after rolling (points, 0-10) of one subject.

    ``weeks`` are rows of :func:`rollstats.metrics.pain_weeks` (``week_first``, ``week_last``,
    ``mean_pain_before``, ``mean_pain_after``, ``sessions``). Each week is drawn at its middle:
    a dark red circle for the mean score before rolling, a blue square for after, a grey stem
    between them (the relief rolling brought), and a line through each score across the weeks.
    ``span`` = (first, last) nights sets the dates shown (default: the weeks'); the dates are
    widened to the whole weeks drawn. A week without any score is left out; without any week
    the figure says so in words.

    >>> w = pd.DataFrame({"week_first": pd.to_datetime(["2026-03-02", "2026-03-09"]),
    ...     "week_last": pd.to_datetime(["2026-03-08", "2026-03-15"]), "sessions": [3, 2],
    ...     "mean_pain_before": [6.0, 4.5], "mean_pain_after": [3.0, np.nan]})
    >>> fig = plot_pain(w, "a")
    >>> [float(y) for y in fig.axes[0].get_lines()[0].get_ydata()], [float(v) for v in fig.axes[0].get_ylim()]
    ([6.0, 4.5], [0.0, 10.5])
    """
    return pain_drawing(weeks, subject, span, ax).figure


def pain_drawing(weeks: pd.DataFrame, subject: str = "", span: tuple | None = None, ax: Axes | None = None,
                 shown: tuple | None = None) -> PainChart:
    """The figure of :func:`plot_pain` (same arguments) as a :class:`PainChart`; ``shown`` = (first,
    last) nights fades the weeks outside them (:func:`show_pain_weeks`).

    >>> chart = pain_drawing(pd.DataFrame(columns=["week_first", "week_last", "sessions",
    ...     "mean_pain_before", "mean_pain_after"]), "a", ("2026-03-02", "2026-03-08"))
    >>> chart.title.get_text()
    'a: no pain score logged from 2 Mar 2026 to 8 Mar 2026'
    """
    fig, ax = figure_and_axes(ax, (10, 2.6))
    first = mdates.date2num(pd.to_datetime(weeks["week_first"]).to_numpy()) if len(weeks) else np.zeros(0)
    last = mdates.date2num(pd.to_datetime(weeks["week_last"]).to_numpy()) if len(weeks) else np.zeros(0)
    middle = (first + last) / 2
    before = weeks["mean_pain_before"].to_numpy(dtype="float64")
    after = weeks["mean_pain_after"].to_numpy(dtype="float64")
    both = ~np.isnan(before) & ~np.isnan(after)
    ax.vlines(middle[both], after[both], before[both], color=PAIN_COLOURS["relief"], linewidth=3, zorder=1)
    line_before, = ax.plot(middle[~np.isnan(before)], before[~np.isnan(before)], color=PAIN_COLOURS["before"],
                           marker="o", markersize=5, linewidth=1.2, label="before rolling", gid="pain_before")
    line_after, = ax.plot(middle[~np.isnan(after)], after[~np.isnan(after)], color=PAIN_COLOURS["after"],
                          marker="s", markersize=5, linewidth=1.2, linestyle="--", label="after rolling",
                          gid="pain_after")
    ax.set_ylim(0, 10.5)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.set_ylabel("pain (0-10)")
    if span is not None:
        lo, hi = (mdates.date2num(pd.Timestamp(v)) for v in span)
    else:
        lo, hi = (float(first.min()), float(last.max())) if len(first) else (0.0, 6.0)
    where = f"from {day(mdates.num2date(lo))} to {day(mdates.num2date(hi))}"
    # whole weeks: a week that the span cuts is drawn with its middle inside the axes
    lo, hi = (min(lo, float(first.min())), max(hi, float(last.max()))) if len(first) else (lo, hi)
    ax.set_xlim(lo - 0.5, max(hi + 0.5, lo + 7))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="y", color="#eeeeee")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # over the weeks outside a range shown, above the scores (as the timeline's veils)
    veils = tuple(ax.add_patch(Rectangle((lo - 0.5, 0), 0, 1, transform=ax.get_xaxis_transform(), facecolor=VEIL,
                                         edgecolor="none", zorder=4.5, visible=False, gid=gid))
                  for gid in ("veil_before", "veil_after"))
    if len(middle):   # beside the axes, clear of the veils: a new range does not draw it again
        relief = Line2D([], [], color=PAIN_COLOURS["relief"], linewidth=3, label="relief rolling brought")
        ax.legend(handles=[line_before, line_after, relief], loc="upper left", bbox_to_anchor=(1.01, 1),
                  fontsize=7.5, frameon=False, title="weekly mean of the\nsessions with a score",
                  title_fontsize=7.5, alignment="left")
        heading = f"{subject}: pain before and after rolling, by week" + (f" ({where})" if span is not None else "")
    else:
        heading = f"{subject}: no pain score logged" + (f" {where}" if span is not None else "")
    title = ax.set_title(heading, loc="left", fontsize=10, gid="pain_title")
    grid = (float(first[0]), float(last[0] - first[0] + 1)) if len(first) else None
    chart = PainChart(fig, line_before, line_after, title, veils, subject, heading, grid)
    if shown is not None:
        show_pain_weeks(chart, *shown)
    return chart


def clear_weeks(chart: PainChart, first=None, last=None) -> tuple[float, float]:
    """The dates (matplotlib date numbers, from half a night before the first to half a night after
    the last) of the weeks holding a night from ``first`` to ``last`` (None: the ends), within the
    axes; without any week drawn, those nights themselves.

    >>> w = pd.DataFrame({"week_first": pd.to_datetime(["2026-03-02"]), "week_last": pd.to_datetime(["2026-03-08"]),
    ...     "sessions": [1], "mean_pain_before": [6.0], "mean_pain_after": [3.0]})
    >>> chart = pain_drawing(w, "a", ("2026-03-02", "2026-03-31"))
    >>> start, end = clear_weeks(chart, "2026-03-11", "2026-03-17")   # Wed 11 to Tue 17: weeks of Mon 9 and 16
    >>> day(mdates.num2date(start + 0.5)), day(mdates.num2date(end - 0.5))
    ('9 Mar 2026', '22 Mar 2026')
    """
    lo, hi = chart.title.axes.get_xlim()
    start = lo if first is None else mdates.date2num(pd.Timestamp(first))
    end = hi if last is None else mdates.date2num(pd.Timestamp(last))
    if chart.grid is not None and first is not None:
        origin, length = chart.grid
        start = origin + np.floor((start - origin) / length) * length
    if chart.grid is not None and last is not None:
        origin, length = chart.grid
        end = origin + np.floor((end - origin) / length) * length + length - 1
    return max(lo, float(start) - 0.5), min(hi, float(end) + 0.5)


def show_pain_weeks(chart: PainChart, first=None, last=None) -> list:
    """Fade the weeks that hold no night from ``first`` to ``last`` (dates; None: the ends) on a drawn
    pain figure and name the weeks left clear in its title; returns the artists changed (the two
    veils and the title).

    >>> w = pd.DataFrame({"week_first": pd.to_datetime(["2026-03-02", "2026-03-16"]),
    ...     "week_last": pd.to_datetime(["2026-03-08", "2026-03-22"]), "sessions": [3, 2],
    ...     "mean_pain_before": [6.0, 4.5], "mean_pain_after": [3.0, 2.0]})
    >>> chart = pain_drawing(w, "a", ("2026-03-02", "2026-03-22"))
    >>> changed = show_pain_weeks(chart, "2026-03-10", "2026-03-12")
    >>> chart.title.get_text()
    'a: the weeks of 9 Mar 2026 to 15 Mar 2026 (this range); the other weeks faded'
    >>> [v.get_visible() for v in chart.veils], len(changed)
    ([True, True], 3)
    """
    ax = chart.title.axes
    lo, hi = ax.get_xlim()
    start, end = clear_weeks(chart, first, last)
    for veil, x0, x1 in zip(chart.veils, (lo, end), (start, hi)):
        veil.set_x(x0)
        veil.set_width(max(x1 - x0, 0.0))
        veil.set_visible(bool(x1 > x0))
    faded = any(veil.get_visible() for veil in chart.veils)
    chart.title.set_text(f"{chart.subject}: the weeks of {day(mdates.num2date(start + 0.5))} to "
                         f"{day(mdates.num2date(end - 0.5))} (this range); the other weeks faded"
                         if faded and chart.grid is not None else chart.heading)
    return [*chart.veils, chart.title]
