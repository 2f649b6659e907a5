"""A contribution-style calendar of one subject's nights: weeks as columns, weekdays as rows."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.text import Text

from ..program import Program
from ..words import count_text
from ._common import COLOURS, VEIL, day, figure_and_axes, one_subject, texts_clip
from .calendar_cells import calendar_grid, cells_before, phase_boundary  # noqa: F401  (imported from here too)

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


@dataclass
class Calendar:
    """A drawn calendar (:func:`draw_calendar`) and the artists its nights and its range change."""

    figure: Figure
    image: AxesImage                      #: the cells: one pixel per day, 7 rows (Monday on top) by weeks
    labels: dict[tuple[int, int], Text]   #: the seconds written in a cell, by (week, weekday); {} unannotated
    frame: Rectangle                      #: the frame of the progression night
    boundary: Line2D                      #: the line between the daily and the maintenance phase
    veils: tuple[Polygon, Polygon]        #: white over the nights before and after the range shown
    title: Text                           #: the nights shown and how many of them were compliant
    marks: dict[str, Line2D] = field(default_factory=dict)   #: corner marks by mistake (calendar_marks)

    @property
    def changing(self) -> list:
        """Every artist that :func:`repaint_calendar` may change."""
        return [self.image, *self.labels.values(), self.frame, self.boundary, *self.veils, self.title]


def plot_calendar(nights_table: pd.DataFrame, subject: str | None = None, program: Program | None = None,
                  ax: Axes | None = None, annotate: bool | None = None, shown: tuple | None = None,
                  marks: pd.DataFrame | None = None) -> Figure:
    """Calendar heatmap of one subject's nights (the rows of :func:`rollstats.nights`).

    One cell per observed night, weeks as columns (labelled by month), weekdays as rows
    (Monday on top). Colour: green when the night is compliant (at least ``daily.minimum_s``
    seconds on hips and legs; three shades for 1x, 2x and 3x the minimum), orange when rolled
    but under the minimum, grey for a daily-phase night without rolling (a miss), very light
    grey for a maintenance-phase night without rolling (a rest night, not a miss). A purple
    frame marks the progression night and a purple line separates the daily phase (before and
    including it) from the maintenance phase. With ``annotate`` (default: at most 26 weeks)
    each rolled night shows its seconds. ``subject`` is needed when the table holds several.
    ``shown`` = (first, last) picks a range of nights: the others stay in place, faded, and
    the title counts the range (:func:`show_nights` moves it on a drawn calendar).
    ``marks`` (rows of :func:`rollstats.metrics.mistake_nights`) puts a small mark in a corner
    of each night a common mistake touched, one corner and shape per mistake, with a legend
    (:mod:`rollstats.plots.calendar_marks`). :func:`calendar_drawing` gives the same figure with
    its changing artists at hand.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=10),
    ...     "rolled_s": [70.0, 0, 30, 200, 90, 60, 0, 0, 70, 0], "phase": ["daily"] * 5 + ["maintenance"] * 5,
    ...     "compliant": [True, False, False, True, True, True, False, False, True, False],
    ...     "progression": [False] * 4 + [True] + [False] * 5})
    >>> fig = plot_calendar(t)
    >>> fig.axes[0].images[0].get_array().shape
    (7, 2, 4)
    """
    return calendar_drawing(nights_table, subject, program, ax, annotate, shown, marks).figure


def calendar_drawing(nights_table: pd.DataFrame, subject: str | None = None, program: Program | None = None,
                     ax: Axes | None = None, annotate: bool | None = None, shown: tuple | None = None,
                     marks: pd.DataFrame | None = None) -> Calendar:
    """The calendar of :func:`plot_calendar` (same arguments) as a :class:`Calendar`.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=10),
    ...     "rolled_s": 60.0, "phase": "daily", "compliant": True, "progression": False})
    >>> calendar = calendar_drawing(t, shown=("2026-03-05", "2026-03-08"))
    >>> veil = calendar.veils[0].get_path().get_extents()   # white over Mon 2 to Wed 4 Mar:
    >>> [float(v) for v in (veil.x0, veil.x1, veil.y0, veil.y1)]   # week 0, rows 0 to 2 (cells 1 wide)
    [-0.5, 0.5, -0.5, 2.5]
    >>> veil = calendar.veils[1].get_path().get_extents()   # and over Mon 9 to Wed 11 Mar...
    >>> [float(v) for v in (veil.x0, veil.x1, veil.y0, veil.y1)]   # ...to the end of week 1 (empty cells)
    [0.5, 1.5, -0.5, 6.5]
    """
    _, rows = one_subject(nights_table, subject)
    start, _, _, n_weeks = calendar_grid(rows["night"])
    calendar = draw_calendar(start, n_weeks, program or Program.default(), ax,
                             n_weeks <= 26 if annotate is None else annotate, marked=marks is not None)
    repaint_calendar(calendar, nights_table, subject, program, shown)
    if marks is not None:
        from .calendar_marks import paint_marks
        paint_marks(calendar, marks)
    return calendar


def repaint_calendar(calendar: Calendar, nights_table: pd.DataFrame, subject: str | None = None,
                     program: Program | None = None, shown: tuple | None = None) -> list:
    """Colour and title a drawn calendar for ``nights_table`` (nights of the same weeks; arguments as
    for :func:`plot_calendar`): :func:`paint_calendar`, then :func:`show_nights`. Returns the artists changed.

    >>> t = pd.DataFrame({"subject_id": "plan", "night": pd.date_range("2026-03-02", periods=7),
    ...     "rolled_s": 60.0, "phase": "daily", "compliant": True, "progression": False})
    >>> calendar = calendar_drawing(t)
    >>> t.loc[2, ["rolled_s", "compliant"]] = (0.0, False)   # no rolling on Wednesday
    >>> changed = repaint_calendar(calendar, t)
    >>> calendar.title.get_text().splitlines()[1]
    'daily phase: 6 of 7 nights at least 60 s'
    """
    program = program or Program.default()
    subject, rows = one_subject(nights_table, subject)
    rows = rows.sort_values("night")
    return paint_calendar(calendar, rows, program) + show_nights(calendar, rows, subject, program,
                                                                 *(shown or (None, None)))


def draw_calendar(start: pd.Timestamp, n_weeks: int, program: Program, ax: Axes | None = None,
                  annotate: bool = False, marked: bool = False) -> Calendar:
    """The calendar's frame for ``n_weeks`` weeks from the Monday ``start``: blank cells, weekday and
    month labels, legend, progression marks and veils hidden, an empty title; with ``annotate``, an
    empty label in every cell; with ``marked``, empty corner marks of the mistakes and their legend.
    :func:`paint_calendar` colours it and :func:`show_nights` titles it.

    >>> calendar = draw_calendar(pd.Timestamp("2026-03-02"), 3, Program.default(), annotate=True)
    >>> calendar.image.get_array().shape, len(calendar.labels), calendar.frame.get_visible()
    ((7, 3, 4), 21, False)
    """
    width = min(16.0, max(8.0 if marked else 6.5, 0.36 * n_weeks + 1.6))  # room for the title and legend
    owned = ax is None
    fig, ax = figure_and_axes(ax, (width, 4.4 if marked else 3.4))
    # 8-bit colours: matplotlib would scale a float image to 8 bits at every draw
    image = ax.imshow(np.zeros((7, n_weeks, 4), dtype=np.uint8), aspect="equal", interpolation="nearest",
                      gid="calendar")
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
    labels = {}
    if annotate:
        clip = texts_clip(ax)
        labels = {(c, r): ax.text(c, r, "", ha="center", va="center", fontsize=6.5, gid=f"cell:{c}:{r}", clip_path=clip)
                  for c in range(n_weeks) for r in range(7)}

    minimum = program.daily.minimum_s
    _, greens, green_labels = compliant_levels(minimum)
    handles = [Patch(facecolor=g, label=lab) for g, lab in zip(greens, green_labels)]
    handles += [Patch(facecolor=COLOURS["short"], label=f"rolled, under {minimum:g} s"),
                Patch(facecolor=COLOURS["missed"], label="no rolling (daily phase)"),
                Patch(facecolor=COLOURS["rest"], edgecolor="#bdbdbd", label="no rolling (maintenance: rest)"),
                Line2D([], [], color=COLOURS["progression"], linewidth=2.5,
                       label="progression night (framed); maintenance after the line")]
    marks = {}
    if marked:
        from .calendar_marks import draw_marks, legend_marks
        marks = draw_marks(ax)
        handles += legend_marks(marks)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3,
              fontsize=7.5, frameon=False, title="seconds rolled on hips and legs per night"
              + ("; corner marks: the nights a common mistake touched" if marked else ""), title_fontsize=8)
    colour = COLOURS["progression"]
    frame = ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=colour, linewidth=2.5, gid="progression",
                                   zorder=3, visible=False))
    boundary, = ax.plot([], [], color=colour, linewidth=1.5, linestyle=(0, (3, 2)), gid="phase_boundary", zorder=3)
    # the nights outside the range shown, faded by a white veil over them (and over their numbers)
    veils = tuple(ax.add_patch(Polygon([(0, 0)], closed=True, facecolor=VEIL, edgecolor="none", gid=gid, zorder=4))
                  for gid in ("veil_before", "veil_after"))
    if owned:  # the title from the figure's left edge: a calendar of a few weeks is narrower than its title
        title = fig.suptitle(" \n ", x=0.01, ha="left", fontsize=10, gid="calendar_title")
    else:
        title = ax.set_title(" \n ", fontsize=10, loc="left", gid="calendar_title")
    return Calendar(fig, image, labels, frame, boundary, veils, title, marks)



def paint_calendar(calendar: Calendar, rows: pd.DataFrame, program: Program) -> list:
    """Colour the cells of a :func:`draw_calendar` frame by ``rows`` (nights of the same weeks), write
    their seconds when the frame has cell labels, and place the progression marks; returns the
    artists changed."""
    minimum = program.daily.minimum_s
    _, col, row, n_weeks = calendar_grid(rows["night"])
    image = calendar.image
    if image.get_array().shape[1] != n_weeks:
        raise ValueError(f"these nights span {n_weeks} weeks; the calendar has {image.get_array().shape[1]}")
    seconds = rows["rolled_s"].to_numpy(dtype="float64")
    compliant = rows["compliant"].to_numpy(dtype=bool)
    maintenance = (rows["phase"] == "maintenance").to_numpy(dtype=bool)
    bounds, greens, _ = compliant_levels(minimum)
    level = np.clip(np.searchsorted(bounds, seconds, side="right") - 1, 0, 2)
    palette = np.array([to_rgba(COLOURS["short"]), to_rgba(COLOURS["missed"]), to_rgba(COLOURS["rest"])])
    cell = np.where(compliant, -1, np.where(seconds > 0, 0, np.where(maintenance, 2, 1)))
    colours = np.where(cell[:, None] >= 0, palette[np.clip(cell, 0, 2)], np.array(greens)[level])
    cells = np.zeros((7, n_weeks, 4), dtype=np.uint8)   # RGBA, 0 to 255 (days outside: transparent)
    cells[row, col] = np.round(colours * 255)
    image.set_data(cells)
    changed = [image]

    labels = calendar.labels
    if labels:   # each cell's words and colour, set only where they change (most cells stay blank)
        shown = dict.fromkeys(labels, ("", "black"))
        for c, r, s, lv, ok in zip(col.tolist(), row.tolist(), seconds.tolist(), level.tolist(), compliant.tolist()):
            if s > 0:
                shown[(c, r)] = (f"{s:.0f}", "white" if ok and lv >= 1 else "black")
        for cell, (text, colour) in shown.items():
            label = labels[cell]
            if label.get_text() != text:
                label.set_text(text)
            if label.get_color() != colour:
                label.set_color(colour)
        changed += list(labels.values())

    frame, boundary = calendar.frame, calendar.boundary
    progression = rows["progression"].to_numpy(dtype=bool)
    if progression.any():
        i = int(np.flatnonzero(progression)[0])
        c, r = int(col[i]), int(row[i])
        frame.set(xy=(c - 0.5, r - 0.5), visible=True)
        boundary.set_data(*phase_boundary(c, r, n_weeks))
    else:
        frame.set_visible(False)
        boundary.set_data([], [])
    return changed + [frame, boundary]


def show_nights(calendar: Calendar, rows: pd.DataFrame, subject: str, program: Program, first=None,
                last=None) -> list:
    """Show the nights ``first`` to ``last`` (None: the ends) on a drawn calendar.

    ``rows`` are the calendar's nights. The cells of other nights are veiled in white and the
    title counts the nights of the range; returns the artists changed (two veils and the title).
    """
    nights = pd.to_datetime(rows["night"]).reset_index(drop=True)
    lo = nights.iloc[0] if first is None else max(pd.Timestamp(first), nights.iloc[0])
    hi = nights.iloc[-1] if last is None else min(pd.Timestamp(last), nights.iloc[-1])
    start, _, _, n_weeks = calendar_grid(nights)
    inside = ((nights >= lo) & (nights <= hi)).to_numpy()
    (c0, r0), (c1, r1) = divmod((lo - start).days, 7), divmod((hi - start).days, 7)
    # every cell before the first night shown (weeks before it, then its week's days before it), and after the last
    before = cells_before(c0, r0)
    after = [(n_weeks - 1.0 - x, 6.0 - y) for x, y in cells_before(n_weeks - 1 - c1, 6 - r1)]  # the same, turned
    for veil, corners in zip(calendar.veils, (before, after)):
        veil.set_visible(bool(corners))
        veil.set_xy(corners or [(0.0, 0.0)])

    minimum = program.daily.minimum_s
    ok = rows["compliant"].to_numpy(dtype=bool)[inside]
    maintenance = (rows["phase"] == "maintenance").to_numpy(dtype=bool)[inside]
    shown_n = count_text(int(inside.sum()), "night")
    line = f"{subject}: {day(lo)} to {day(hi)} ({shown_n}{'' if inside.all() else '; others faded'})"
    daily, kept = int((~maintenance).sum()), int((ok & ~maintenance).sum())
    scope = "" if inside.all() else "in this range, "
    counts = (f"{scope}daily phase: {kept} of {count_text(daily, 'night')} at least {minimum:g} s" if daily
              else "no night of the daily phase in this range")
    if maintenance.any():
        counts += (f"; maintenance: {int((ok & maintenance).sum())} of "
                   f"{count_text(int(maintenance.sum()), 'night')} compliant")
    calendar.title.set_text(f"{line}\n{counts}")
    return [*calendar.veils, calendar.title]
