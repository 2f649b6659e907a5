"""Pain before and after rolling, week by week: one subject's weekly means as a small figure."""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ._common import day, figure_and_axes

#: Colours of the two scores: before rolling (dark red) and after (blue).
PAIN_COLOURS: dict[str, str] = {"before": "#b2182b", "after": "#2166ac"}


@dataclass
class PainChart:
    """A drawn pain figure (:func:`pain_drawing`) and its artists."""

    figure: Figure
    before: Line2D   #: weekly mean pain before rolling (points, 0 to 10)
    after: Line2D    #: weekly mean pain after rolling
    title: Text


def plot_pain(weeks: pd.DataFrame, subject: str = "", span: tuple | None = None, ax: Axes | None = None) -> Figure:
    """Weekly mean pain before and after rolling (points, 0-10) of one subject.

    ``weeks`` are rows of :func:`rollstats.metrics.pain_weeks` (``week_first``, ``week_last``,
    ``mean_pain_before``, ``mean_pain_after``, ``sessions``). Each week is drawn at its middle:
    a dark red circle for the mean score before rolling, a blue square for after, a grey stem
    between them (the relief rolling brought), and a line through each score across the weeks.
    ``span`` = (first, last) nights sets the dates shown (default: the weeks'). A week without
    any score is left out; without any week the figure says so in words.

    >>> w = pd.DataFrame({"week_first": pd.to_datetime(["2026-03-02", "2026-03-09"]),
    ...     "week_last": pd.to_datetime(["2026-03-08", "2026-03-15"]), "sessions": [3, 2],
    ...     "mean_pain_before": [6.0, 4.5], "mean_pain_after": [3.0, np.nan]})
    >>> fig = plot_pain(w, "a")
    >>> [float(y) for y in fig.axes[0].get_lines()[0].get_ydata()], [float(v) for v in fig.axes[0].get_ylim()]
    ([6.0, 4.5], [0.0, 10.5])
    """
    return pain_drawing(weeks, subject, span, ax).figure


def pain_drawing(weeks: pd.DataFrame, subject: str = "", span: tuple | None = None,
                 ax: Axes | None = None) -> PainChart:
    """The figure of :func:`plot_pain` (same arguments) as a :class:`PainChart`.

    >>> chart = pain_drawing(pd.DataFrame(columns=["week_first", "week_last", "sessions",
    ...     "mean_pain_before", "mean_pain_after"]), "a", ("2026-03-02", "2026-03-08"))
    >>> chart.title.get_text()
    'a: no pain score logged from 2 Mar 2026 to 8 Mar 2026'
    """
    fig, ax = figure_and_axes(ax, (10, 2.6))
    first = pd.to_datetime(weeks["week_first"]).to_numpy()
    middle = mdates.date2num(first) + 3.0 if len(first) else np.zeros(0)
    before = weeks["mean_pain_before"].to_numpy(dtype="float64")
    after = weeks["mean_pain_after"].to_numpy(dtype="float64")
    both = ~np.isnan(before) & ~np.isnan(after)
    ax.vlines(middle[both], after[both], before[both], color="#bdbdbd", linewidth=3, zorder=1)
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
    elif len(middle):
        lo, hi = float(middle.min()) - 3.5, float(middle.max()) + 3.5
    else:
        lo, hi = 0.0, 7.0
    ax.set_xlim(lo - 0.5, max(hi + 0.5, lo + 7))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="y", color="#eeeeee")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    where = f"from {day(mdates.num2date(lo))} to {day(mdates.num2date(hi))}" if span is not None else ""
    if len(middle):
        ax.legend(loc="upper right", fontsize=7.5, frameon=False, ncol=2,
                  title="mean of the week's sessions with a score; grey: the relief rolling brought",
                  title_fontsize=7.5)
        text = f"{subject}: pain before and after rolling, by week" + (f" ({where})" if where else "")
    else:
        text = f"{subject}: no pain score logged" + (f" {where}" if where else "")
    title = ax.set_title(text, loc="left", fontsize=10, gid="pain_title")
    return PainChart(fig, line_before, line_after, title)
