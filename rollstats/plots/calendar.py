"""A contribution-style calendar of one subject's nights: weeks as columns, weekdays as rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..program import Program
from ._common import COLOURS, day, figure_and_axes, one_subject

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def compliant_levels(minimum_s: float) -> tuple[np.ndarray, list[tuple[float, float, float, float]], list[str]]:
    """Lower bounds (s), colours and legend labels of the shades of compliant nights.

    Three shades of green: at least 1x, 2x and 3x the daily minimum.

    >>> compliant_levels(60)[2]
    ['60-119 s', '120-179 s', '180 s or more']
    """
    bounds = np.array([1.0, 2.0, 3.0]) * minimum_s
    greens = colormaps["Greens"]
    colours = [tuple(float(c) for c in greens(x)) for x in (0.45, 0.68, 0.9)]
    labels = [f"{bounds[0]:g}-{bounds[1] - 1:g} s", f"{bounds[1]:g}-{bounds[2] - 1:g} s", f"{bounds[2]:g} s or more"]
    return bounds, colours, labels


def calendar_grid(nights: pd.Series) -> tuple[pd.Timestamp, np.ndarray, np.ndarray, int]:
    """The Monday of the first week, each night's column (week) and row (0 = Monday), and the week count."""
    nights = pd.to_datetime(nights)
    first = nights.min()
    start = first - pd.Timedelta(days=int(first.day_of_week))
    offset = (nights - start).dt.days.to_numpy()
    return start, offset // 7, offset % 7, int(offset.max() // 7 + 1) if len(offset) else 0


def plot_calendar(nights_table: pd.DataFrame, subject: str | None = None, program: Program | None = None,
                  ax: Axes | None = None, annotate: bool | None = None) -> Figure:
    """Calendar heatmap of one subject's nights (the rows of :func:`rollstats.nights`).

    One cell per observed night, weeks as columns (labelled by month), weekdays as rows
    (Monday on top). Colour: green when the night is compliant (at least ``daily.minimum_s``
    seconds on hips and legs; three shades for 1x, 2x and 3x the minimum), orange when rolled
    but under the minimum, grey for a daily-phase night without rolling (a miss), very light
    grey for a maintenance-phase night without rolling (a rest night, not a miss). A purple
    frame marks the progression night and a purple line separates the daily phase (before and
    including it) from the maintenance phase. With ``annotate`` (default: at most 26 weeks)
    each rolled night shows its seconds. ``subject`` is needed when the table holds several.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=10),
    ...     "rolled_s": [70.0, 0, 30, 200, 90, 60, 0, 0, 70, 0], "phase": ["daily"] * 5 + ["maintenance"] * 5,
    ...     "compliant": [True, False, False, True, True, True, False, False, True, False],
    ...     "progression": [False] * 4 + [True] + [False] * 5})
    >>> fig = plot_calendar(t)
    >>> fig.axes[0].images[0].get_array().shape
    (7, 2, 4)
    """
    program = program or Program.default()
    minimum = program.daily.minimum_s
    subject, rows = one_subject(nights_table, subject)
    rows = rows.sort_values("night")
    start, col, row, n_weeks = calendar_grid(rows["night"])
    seconds = rows["rolled_s"].to_numpy(dtype="float64")
    compliant = rows["compliant"].to_numpy(dtype=bool)
    maintenance = (rows["phase"] == "maintenance").to_numpy(dtype=bool)

    bounds, greens, green_labels = compliant_levels(minimum)
    level = np.clip(np.searchsorted(bounds, seconds, side="right") - 1, 0, 2)
    palette = np.array([to_rgba(COLOURS["short"]), to_rgba(COLOURS["missed"]), to_rgba(COLOURS["rest"])])
    cell = np.where(compliant, -1, np.where(seconds > 0, 0, np.where(maintenance, 2, 1)))
    colours = np.where(cell[:, None] >= 0, palette[np.clip(cell, 0, 2)], np.array(greens)[level])
    image = np.zeros((7, n_weeks, 4))
    image[row, col] = colours

    width = min(16.0, max(5.0, 0.36 * n_weeks + 1.6))
    fig, ax = figure_and_axes(ax, (width, 3.4))
    ax.imshow(image, aspect="equal", interpolation="nearest", gid="calendar")
    # white gaps between cells (two line collections: far cheaper than a grid of minor ticks)
    ax.vlines(np.arange(n_weeks + 1) - 0.5, -0.5, 6.5, color="white", linewidth=2)
    ax.hlines(np.arange(8) - 0.5, -0.5, n_weeks - 0.5, color="white", linewidth=2)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_yticks(range(7), WEEKDAYS, fontsize=8)
    week_starts = start + pd.to_timedelta(np.arange(n_weeks) * 7, unit="D")
    month_start = np.r_[True, week_starts.month[1:] != week_starts.month[:-1]]
    ax.xaxis.tick_top()
    ax.set_xticks(np.flatnonzero(month_start), [f"{w:%b %Y}" if i == 0 or w.month == 1 else f"{w:%b}"
                                                for i, w in enumerate(week_starts[month_start])], fontsize=8)

    if annotate is None:
        annotate = n_weeks <= 26
    if annotate:
        for c, r, s, lv, ok in zip(col, row, seconds, level, compliant):
            if s > 0:
                dark = ok and lv >= 1
                ax.text(c, r, f"{s:.0f}", ha="center", va="center", fontsize=6.5,
                        color="white" if dark else "black")

    handles = [Patch(facecolor=g, label=lab) for g, lab in zip(greens, green_labels)]
    handles += [Patch(facecolor=COLOURS["short"], label=f"rolled, under {minimum:g} s"),
                Patch(facecolor=COLOURS["missed"], label="no rolling (daily phase)")]
    if maintenance.any():
        handles.append(Patch(facecolor=COLOURS["rest"], edgecolor="#bdbdbd", label="no rolling (maintenance: rest)"))
    progression = rows["progression"].to_numpy(dtype=bool)
    if progression.any():
        i = int(np.flatnonzero(progression)[0])
        _phase_boundary(ax, int(col[i]), int(row[i]), n_weeks)
        handles.append(Line2D([], [], color=COLOURS["progression"], linewidth=2.5,
                              label=f"progression night ({day(rows['night'].iloc[i])}); maintenance after"))
    # a narrow calendar (a few weeks) stacks its legend in two columns so it stays inside the figure
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3 if width >= 6 else 2,
              fontsize=7.5,
              frameon=False, title="seconds rolled on hips and legs per night", title_fontsize=8)

    n_daily = int((~maintenance).sum())
    ax.set_title(f"{subject}: {len(rows)} nights, {day(rows['night'].iloc[0])} to {day(rows['night'].iloc[-1])}\n"
                 f"daily phase: {int((compliant & ~maintenance).sum())} of {n_daily} nights at least {minimum:g} s",
                 fontsize=10, loc="left")
    return fig


def _phase_boundary(ax: Axes, col: int, row: int, n_weeks: int) -> None:
    """Frame the progression cell and draw the line between it and the next night (maintenance)."""
    colour = COLOURS["progression"]
    ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=colour, linewidth=2.5,
                           gid="progression", zorder=3))
    # the step line between night <= progression and night > progression, as month lines on a calendar
    xs, ys = [col + 0.5, col + 0.5], [-0.5, row + 0.5]
    if row < 6:
        xs += [col - 0.5, col - 0.5]
        ys += [row + 0.5, 6.5]
    if col + 1 < n_weeks or row < 6:
        ax.plot(xs, ys, color=colour, linewidth=1.5, linestyle=(0, (3, 2)), gid="phase_boundary", zorder=3)
