"""Cohort figures: the spread of daily adherence, adherence by week since start, time to progression."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from ..program import Program
from ._common import COLOURS, figure_and_axes

_PERCENT = ([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
_AT_RISK_PT = 7.5   # font size of the Kaplan-Meier figure's at-risk row


def _points(size) -> float:
    """A font size as matplotlib takes it (points or a word such as ``"medium"``), in points."""
    return FontProperties(size=size).get_size_in_points()


def plot_adherence_distribution(summary: pd.DataFrame, column: str = "daily_adherence", bins: int = 10,
                                ax: Axes | None = None, label: str | None = None) -> Figure:
    """Histogram of a share per subject (default ``daily_adherence``) from :func:`rollstats.summarize`.

    ``bins`` equal bins from 0% to 100% (the last one includes 100%); subjects with no value
    (NaN) are left out and counted in the title; a dashed line marks the median. ``label``
    names the share on the axis and in the title (default: the column's name in words).

    >>> s = pd.DataFrame({"daily_adherence": [0.05, 0.5, 0.55, 0.95, 1.0, float("nan")]})
    >>> fig = plot_adherence_distribution(s)
    >>> [int(p.get_height()) for p in fig.axes[0].patches if p.get_height() > 0]
    [1, 2, 2]
    """
    values = pd.to_numeric(summary[column], errors="coerce").dropna().to_numpy(dtype="float64")
    missing = int(summary[column].isna().sum())
    fig, ax = figure_and_axes(ax, (6.0, 3.6))
    ax.hist(values, bins=np.linspace(0, 1, bins + 1), color="#6baed6", edgecolor="white")
    if len(values):
        median = float(np.median(values))
        ax.axvline(median, color="black", linestyle="--", linewidth=1, gid="median")
        ax.text(median, 1.0, f" median {median:.0%}", transform=blended_transform_factory(ax.transData, ax.transAxes),
                va="top", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xticks(*_PERCENT)
    label = label or column.replace("_", " ")
    ax.set_xlabel(label)
    ax.set_ylabel("subjects")
    ax.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    note = f"\n({missing} without a value left out)" if missing else ""
    ax.set_title(f"{label} of {len(values)} subjects{note}", fontsize=10, loc="left")
    return fig


def plot_adherence_by_week(by_week: pd.DataFrame, ax: Axes | None = None, level: float = 0.95,
                           program: Program | None = None, min_subjects: int | None = None) -> Figure:
    """Mean adherence by week since start with its interval, from
    :func:`rollstats.metrics.cohort.adherence_by_week_since_start`.

    x: week since each subject's first night (week 1 = nights 1-7; whole weeks only); y: the
    mean of the subjects' weekly shares of compliant nights, the ``level`` interval around it
    (band; Student t, see the metric). The number of subjects behind each week (n) is written
    along the bottom, under its point. Weeks with fewer than ``min_subjects`` subjects (default:
    a quarter of the largest week's n, at least 3) are drawn apart: hollow points, not joined to
    the line and without a band, as a mean of so few says little (often a last, partial week that
    few subjects reached). ``level`` only labels the band: pass the level the table was made
    with. Unless the table covers the daily phase only, a dashed line marks the maintenance
    phase's ask (``maintenance.min_per_window`` of ``maintenance.window_nights`` nights).

    >>> w = pd.DataFrame({"week": [0, 1, 2], "subjects": [12, 10, 2], "mean": [0.8, 0.6, 0.0],
    ...     "low": [0.6, 0.3, float("nan")], "high": [1.0, 0.9, float("nan")]})
    >>> fig = plot_adherence_by_week(w)
    >>> line = [a for a in fig.axes[0].get_lines() if a.get_gid() == "mean"][0]
    >>> line.get_ydata().tolist(), [a.get_gid() for a in fig.axes[0].get_lines()][1]   # week 3: n = 2, apart
    ([0.8, 0.6, nan], 'few')
    """
    fig, ax = figure_and_axes(ax, (7.5, 3.8))
    week = by_week["week"].to_numpy(dtype="int64") + 1
    n = by_week["subjects"].to_numpy(dtype="int64")
    mean = by_week["mean"].to_numpy(dtype="float64")
    if min_subjects is None:
        min_subjects = max(3, int(np.ceil(n.max(initial=0) / 4)))
    few = n < min_subjects
    low = np.where(few, np.nan, by_week["low"].to_numpy(dtype="float64"))
    high = np.where(few, np.nan, by_week["high"].to_numpy(dtype="float64"))
    ax.fill_between(week, low, high, color=COLOURS["line"], alpha=0.18, linewidth=0, label=f"{level:.0%} interval",
                    gid="interval")
    ax.plot(week, np.where(few, np.nan, mean), color=COLOURS["line"], marker="o", markersize=3.5, linewidth=1.5,
            label="mean of subjects' weekly share", gid="mean")
    ax.plot(week[few], mean[few], linestyle="none", marker="o", markersize=5, markerfacecolor="white",
            markeredgecolor=COLOURS["line"], label=f"weeks with fewer than {min_subjects} subjects (apart)", gid="few")
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    for w, k, f in zip(week, n, few):
        ax.text(w, 0.02, str(int(k)), transform=transform, ha="center", va="bottom",
                fontsize=6.5 if len(week) <= 26 else 5, color="#b2182b" if f else "#525252")
    ax.text(-0.02, 0.02, "n", transform=ax.transAxes, fontsize=6.5, color="#525252", va="bottom", ha="right")
    phase = str(by_week["phase"].iloc[0]) if "phase" in by_week and len(by_week) else "all"
    if phase != "daily":
        rules = (program or Program.default()).maintenance
        ax.axhline(rules.min_per_window / rules.window_nights, color="#54278f", linestyle="--", linewidth=1,
                   label=f"maintenance asks {rules.min_per_window} of {rules.window_nights} nights")
    ax.set_ylim(-0.12, 1.05)
    ax.set_yticks(*_PERCENT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if len(week):
        ax.set_xlim(week.min() - 0.6, week.max() + 0.6)
    ax.set_xlabel("week since the subject's first night (n: subjects that week)")
    ax.set_ylabel("compliant nights")
    ax.legend(fontsize=7.5, frameon=False, loc="upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    nights_ = {"all": "all nights", "daily": "daily-phase nights", "maintenance": "maintenance-phase nights"}
    ax.set_title(f"adherence by week since start ({nights_.get(phase, phase)})", fontsize=10, loc="left")
    return fig


def plot_time_to_progression(km: pd.DataFrame, ax: Axes | None = None, progressed: bool = False,
                             level: float = 0.95) -> Figure:
    """Kaplan-Meier curve of time to progression, from :func:`rollstats.metrics.cohort.kaplan_meier`.

    A step curve of the share of subjects not yet progressed by night since start (or, with
    ``progressed=True``, its complement: the share progressed), the ``level`` interval as a
    band, a ``+`` where subjects were censored (observation ended before they progressed), and
    the number still at risk at each tick, in a row right under the tick labels (the axis label
    below it).

    >>> km = pd.DataFrame({"nights": [0.0, 3, 5], "at_risk": [2, 2, 1], "progressed": [0, 1, 0],
    ...     "censored": [0, 0, 1], "survival": [1.0, 0.5, 0.5], "low": [1.0, 0.2, 0.2], "high": [1.0, 0.9, 0.9]})
    >>> fig = plot_time_to_progression(km)
    >>> fig.axes[0].get_lines()[0].get_ydata().tolist()
    [1.0, 0.5, 0.5]
    """
    fig, ax = figure_and_axes(ax, (7.5, 4.0))
    x = km["nights"].to_numpy(dtype="float64")
    s, low, high = (km[c].to_numpy(dtype="float64") for c in ("survival", "low", "high"))
    if progressed:
        s, low, high = 1 - s, 1 - high, 1 - low
    ax.step(x, s, where="post", color=COLOURS["line"], linewidth=1.8, gid="km",
            label="progressed" if progressed else "not yet progressed")
    ax.fill_between(x, low, high, step="post", color=COLOURS["line"], alpha=0.18, linewidth=0,
                    label=f"{level:.0%} interval", gid="interval")
    censored = km["censored"].to_numpy(dtype="int64") > 0
    ax.plot(x[censored], s[censored], linestyle="none", marker="+", markersize=9, color="black",
            label="censored (no progression by end of observation)", gid="censored")
    ax.set_ylim(0, 1.02)
    end = km_axis_end(km)
    ax.set_xlim(0, end)
    last = float(x.max(initial=0))
    flat = f" (no further progression up to night {last:g})" if last > end else ""
    ax.set_yticks(*_PERCENT)
    ax.set_xlabel(f"nights since the subject's first night{flat}")
    ax.set_ylabel("subjects progressed" if progressed else "subjects not yet progressed")
    ax.legend(fontsize=8, frameon=False, loc="lower right" if progressed else "upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ticks = [t for t in ax.get_xticks() if 0 <= t <= min(end, x.max(initial=0))]
    at_risk = [int((km.loc[km["nights"] >= t, "at_risk"].iloc[0]) if (km["nights"] >= t).any() else 0)
               for t in ticks]
    # the at-risk row right under the tick labels, the axis label under it: offsets in points, so the
    # row keeps its place whatever the figure's height
    below = rcParams["xtick.major.size"] + rcParams["xtick.major.pad"] + 1.25 * _points(rcParams["xtick.labelsize"])
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    row = {"textcoords": "offset points", "va": "top", "fontsize": _AT_RISK_PT, "color": "#525252",
           "annotation_clip": False, "gid": "at_risk"}
    for t, n in zip(ticks, at_risk):
        ax.annotate(str(n), (t, 0), xycoords=transform, xytext=(0, -below), ha="center", **row)
    ax.annotate("at risk", (0, 0), xycoords="axes fraction", xytext=(-12, -below), ha="right", **row)
    ax.xaxis.labelpad = 1.25 * _AT_RISK_PT + 6
    n = int(km["at_risk"].iloc[0]) if len(km) else 0
    ax.set_title(f"time to progression (Kaplan-Meier), {n} subjects, {int(km['progressed'].sum())} progressed",
                 fontsize=10, loc="left")
    return fig


def km_axis_end(km: pd.DataFrame) -> float:
    """Where the Kaplan-Meier figure's night axis ends: past the last progression by half its night
    (at least 3 nights), but never past the last night observed.

    >>> km = pd.DataFrame({"nights": [0.0, 3, 7, 110], "progressed": [0, 2, 1, 0]})
    >>> km_axis_end(km), km_axis_end(km.iloc[:3])
    (11.0, 7.0)
    """
    x = km["nights"].to_numpy(dtype="float64")
    events = x[km["progressed"].to_numpy(dtype="int64") > 0]
    last = float(x.max(initial=1))
    if not len(events):
        return max(last, 1.0)
    return max(1.0, min(last, float(np.ceil(events.max() + max(3.0, events.max() / 2)))))
