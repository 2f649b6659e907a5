"""One subject's progression timeline: nightly seconds, the running total, phases and windows."""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, NullFormatter

from ..metrics import maintenance_windows
from ..program import Program
from ._common import COLOURS, VEIL, day, one_subject, seconds_text, texts_clip


def window_status(windows: pd.DataFrame) -> pd.Series:
    """``met``, ``not_met`` or ``partial`` per maintenance window (rows of :func:`rollstats.maintenance_windows`).

    >>> w = pd.DataFrame({"complete": [True, True, False], "met": pd.array([True, False, pd.NA], dtype="boolean")})
    >>> window_status(w).tolist()
    ['met', 'not_met', 'partial']
    """
    met = windows["met"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    complete = windows["complete"].to_numpy(dtype=bool)
    return pd.Series(np.where(~complete, "partial", np.where(met, "met", "not_met")), index=windows.index)


def _bars(x: np.ndarray, height: np.ndarray, colours: list, width: float = 0.8) -> PolyCollection:
    """One collection of bars (fast for a year of nights): x in date numbers, centred."""
    left, right = x - width / 2, x + width / 2
    zeros = np.zeros_like(height)
    verts = np.stack([np.c_[left, zeros], np.c_[left, height], np.c_[right, height], np.c_[right, zeros]], axis=1)
    return PolyCollection(verts, facecolors=colours, edgecolors="none")


@dataclass
class Timeline:
    """A drawn timeline (:func:`timeline_drawing`) and the artists a range shown changes."""

    figure: Figure
    title: Text                                   #: the first line: the nights shown (a figure title)
    veils: list[tuple[Axes, Rectangle, Rectangle]]   #: per panel: its veils before and after the range

    @property
    def moving(self) -> list:
        """The veils of every panel (a range moves them anywhere in their panel)."""
        return [veil for _, before, after in self.veils for veil in (before, after)]


def plot_timeline(nights_table: pd.DataFrame, windows: pd.DataFrame | None = None, subject: str | None = None,
                  program: Program | None = None, shown=None) -> Figure:
    """Progression timeline of one subject, three panels sharing the date axis.

    Top: seconds rolled on hips and legs each night (bars; green when compliant, orange when
    under ``daily.minimum_s``, dashed line at the minimum). Middle: the running total of those
    seconds (s) and the ``progression.total_s`` threshold (in ``single_night`` mode the
    threshold is drawn on the top panel instead). Bottom: the phases, the daily phase up to
    and including the progression night (purple line, in every panel), then the maintenance
    windows of ``maintenance.window_nights`` nights, each labelled with its compliant nights,
    green when met (at least ``maintenance.min_per_window``), red when not, grey when partial
    (observation ends inside it). ``nights_table`` is :func:`rollstats.nights`' table;
    ``windows`` is :func:`rollstats.maintenance_windows`' (computed from the nights when None).
    ``shown=(first, last)`` fades the nights outside that range (:func:`show_timeline_nights`);
    the panels always span the whole table, so phases and windows keep their place.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=12),
    ...     "night_index": range(12), "rolled_s": [100.0, 120, 90, 0, 0, 70, 0, 80, 0, 0, 0, 0],
    ...     "cumulative_s": [100.0, 220, 310, 310, 310, 380, 380, 460, 460, 460, 460, 460],
    ...     "phase": ["daily"] * 3 + ["maintenance"] * 9, "progression": [False, False, True] + [False] * 9,
    ...     "maintenance_window": pd.array([pd.NA] * 3 + [0] * 7 + [1] * 2, dtype="Int64")})
    >>> t["compliant"] = t["rolled_s"] >= 60
    >>> fig = plot_timeline(t)
    >>> len(fig.axes), sorted(g for p in fig.axes[2].patches if (g := p.get_gid()) and not g.startswith("veil"))
    (3, ['daily_phase', 'window:0:met', 'window:1:partial'])
    """
    return timeline_drawing(nights_table, windows, subject, program, shown).figure


def timeline_drawing(nights_table: pd.DataFrame, windows: pd.DataFrame | None = None, subject: str | None = None,
                     program: Program | None = None, shown=None) -> Timeline:
    """The timeline of :func:`plot_timeline` (same arguments) as a :class:`Timeline`.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=4),
    ...     "night_index": range(4), "rolled_s": [100.0, 0, 0, 0], "cumulative_s": [100.0] * 4,
    ...     "phase": "daily", "progression": False, "compliant": [True, False, False, False],
    ...     "maintenance_window": pd.array([pd.NA] * 4, dtype="Int64")})
    >>> timeline = timeline_drawing(t)
    >>> timeline.title.get_text(), len(timeline.moving)   # two veils in each of the three panels
    ('a: 2 Mar 2026 to 5 Mar 2026', 6)
    """
    program = program or Program.default()
    subject, rows = one_subject(nights_table, subject)
    rows = rows.sort_values("night")
    if windows is None:
        windows = maintenance_windows(rows, program)
    elif "subject_id" in windows:
        windows = windows.loc[windows["subject_id"].astype("str") == subject]
    minimum, total = program.daily.minimum_s, program.progression.total_s
    cumulative_mode = program.progression.mode == "cumulative"

    night = pd.to_datetime(rows["night"])
    x = mdates.date2num(night.to_numpy())
    seconds = rows["rolled_s"].to_numpy(dtype="float64")
    compliant = rows["compliant"].to_numpy(dtype=bool)
    first, last = x[0] - 0.5, x[-1] + 0.5
    hit = np.flatnonzero(rows["progression"].to_numpy(dtype=bool))
    p_x = x[hit[0]] if len(hit) else None

    fig = Figure(figsize=(10, 6.2), layout="constrained")
    # three panels over the same dates; not shared, so the upper two skip the date labels they hide
    top, middle, bottom = fig.subplots(3, 1, height_ratios=[3, 2, 1.3])
    for ax, name in ((top, "seconds"), (middle, "total"), (bottom, "phase")):
        ax.set_label(name)

    top.add_collection(_bars(x, seconds, [COLOURS["compliant"] if ok else COLOURS["short"] for ok in compliant]))
    top.axhline(minimum, color="black", linewidth=1, linestyle="--")
    ymax = max(float(seconds.max(initial=0)), minimum, 0 if cumulative_mode else total) * 1.15
    top.set_ylim(0, ymax)
    top.set_ylabel("seconds per night")
    handles = [Patch(color=COLOURS["compliant"], label=f"at least {minimum:g} s"),
               Patch(color=COLOURS["short"], label=f"under {minimum:g} s"),
               Line2D([], [], color="black", linewidth=1, linestyle="--", label=f"daily minimum, {minimum:g} s")]
    if not cumulative_mode:
        top.axhline(total, color=COLOURS["progression"], linewidth=1, linestyle=":")
        handles.append(Line2D([], [], color=COLOURS["progression"], linestyle=":",
                              label=f"progression: {total:g} s in one night"))

    cumulative = rows["cumulative_s"].to_numpy(dtype="float64")
    daily = (rows["phase"] == "daily").to_numpy(dtype=bool)
    middle.plot(x[daily], cumulative[daily], color=COLOURS["line"], linewidth=1.5, drawstyle="steps-mid",
                marker="o" if daily.sum() <= 20 else None, markersize=3, gid="cumulative")
    clip = texts_clip(middle)
    if cumulative_mode:
        middle.axhline(total, color=COLOURS["progression"], linewidth=1, linestyle=":")
        middle.text(last, total, f"progression threshold: {seconds_text(total)} in total ",
                    ha="right", va="bottom", fontsize=7.5, color=COLOURS["progression"], clip_path=clip)
    middle.set_ylim(0, max(float(cumulative[daily].max(initial=0)), total) * 1.25)
    if p_x is not None:
        middle.text(p_x, middle.get_ylim()[1] * 0.5, f"  {seconds_text(cumulative[hit[0]])} by the progression night;"
                    " the running total no longer matters in maintenance", fontsize=7.5, color="#525252", va="center",
                    clip_path=clip)
    middle.set_ylabel("total seconds\nin daily phase")

    _phases(bottom, rows, windows, x, first, last, p_x, program, handles)
    veils = []
    ticks = _date_ticks(bottom, first, last)
    for ax in (top, middle, bottom):
        ax.set_xlim(first, last)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()) if ax is bottom
                                     else NullFormatter())
        if p_x is not None:
            ax.axvline(p_x, color=COLOURS["progression"], linewidth=1.5, gid="progression", zorder=0.9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        # over the nights outside a range shown, above the data (added as artists: the limits are set)
        veils.append((ax, *(ax.add_artist(Rectangle((first, 0), 0, 1, transform=ax.get_xaxis_transform(),
                                                    facecolor=VEIL, edgecolor="none", zorder=4.5, visible=False,
                                                    gid=f"{gid}:{ax.get_label()}"))
                            for gid in ("veil_before", "veil_after"))))

    if p_x is not None:
        p = rows.iloc[hit[0]]
        complete = int(windows["complete"].sum())
        met = (f"maintenance windows met over the whole observation: {int((window_status(windows) == 'met').sum())}"
               f" of {complete} complete" if complete else "no complete maintenance window yet")
        status = f"progression night {day(p['night'])} (night {int(p['night_index']) + 1}); {met}"
    else:
        status = f"no progression yet: {seconds_text(rows['cumulative_s'].iloc[-1])} of {seconds_text(total)} so far"
    # two lines: which nights are shown (a figure title: a widget moves it with the range), then the status
    title = fig.suptitle(f"{subject}: {day(night.iloc[0])} to {day(night.iloc[-1])}", x=0.01, ha="left",
                         fontsize=10, gid="title")
    top.set_title(status, fontsize=10, loc="left", gid="status")
    timeline = Timeline(fig, title, veils)
    if shown is not None:
        show_timeline_nights(timeline, *shown)
    return timeline


def show_timeline_nights(timeline: Timeline, first=None, last=None) -> list:
    """Fade the nights before ``first`` and after ``last`` (dates; None: the ends) on a drawn timeline,
    in all three panels; returns the veils changed (two per panel).

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=4),
    ...     "night_index": range(4), "rolled_s": [100.0, 0, 0, 0], "cumulative_s": [100.0] * 4,
    ...     "phase": "daily", "progression": False, "compliant": [True, False, False, False],
    ...     "maintenance_window": pd.array([pd.NA] * 4, dtype="Int64")})
    >>> _, before, after = timeline_drawing(t, shown=("2026-03-03", "2026-03-04")).veils[2]   # the phase lane
    >>> [mdates.num2date(v).strftime("%d %H:%M") for v in (before.get_x(), before.get_x() + before.get_width())]
    ['01 12:00', '02 12:00']
    >>> after.get_visible(), mdates.num2date(after.get_x()).strftime("%d %H:%M")
    (True, '04 12:00')
    """
    changed = []
    for ax, *veils in timeline.veils:
        lo, hi = ax.get_xlim()   # the whole observation: half a night beyond its first and last
        start = lo if first is None else max(lo, mdates.date2num(pd.Timestamp(first)) - 0.5)
        end = hi if last is None else min(hi, mdates.date2num(pd.Timestamp(last)) + 0.5)
        for veil, x0, x1 in zip(veils, (lo, end), (start, hi)):
            veil.set_x(x0)
            veil.set_width(max(x1 - x0, 0.0))
            veil.set_visible(bool(x1 > x0))
            changed.append(veil)
    return changed


def _date_ticks(ax, first: float, last: float) -> np.ndarray:
    """The dates ticked on a timeline from ``first`` to ``last`` (date numbers): those matplotlib's
    automatic date locator picks for that span, found once (every panel has them, and the span never
    changes) rather than at every draw of every panel."""
    ax.set_xlim(first, last)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    locator.set_axis(ax.xaxis)
    return np.asarray(locator())


def _window_boxes(ax, starts: np.ndarray, ends: np.ndarray, status: list[str], numbers: list[int]) -> None:
    """The boxes of the maintenance windows (from ``starts`` to ``ends``, date numbers), in their order,
    coloured by ``status``, the partial one hatched: each run of neighbouring windows hatched alike is
    one collection (``gid`` ``windows:<first>-<last>``, their ``numbers``), a run of one window a
    rectangle (``window:<number>:<status>``; a collection of one box is stamped as a marker, which
    may land a pixel away). Drawn in the windows' order, so that the shared edges look as before."""
    if not status:
        return
    hatched = np.array([s == "partial" for s in status], dtype=bool)
    for run in np.split(np.arange(len(status)), np.flatnonzero(np.diff(hatched)) + 1):
        style = {"edgecolor": "white", "linewidth": 1, "hatch": "//" if hatched[run[0]] else None}
        if len(run) == 1:
            i = int(run[0])
            ax.add_patch(Rectangle((starts[i], 0.1), ends[i] - starts[i], 0.8, facecolor=COLOURS[status[i]],
                                   gid=f"window:{numbers[i]}:{status[i]}", **style))
            continue
        x0, low = starts[run], np.full(len(run), 0.1)
        x1, high = x0 + (ends[run] - x0), low + 0.8    # as a rectangle's corners: start plus width
        # corners in a rectangle's order, so that edges are stroked as a rectangle's
        boxes = np.stack([np.c_[x0, low], np.c_[x1, low], np.c_[x1, high], np.c_[x0, high]], axis=1)
        ax.add_collection(PolyCollection(boxes, facecolors=[COLOURS[status[i]] for i in run], joinstyle="miter",
                                         capstyle="butt", gid=f"windows:{numbers[run[0]]}-{numbers[run[-1]]}",
                                         **style),
                          autolim=False)


def _phases(ax, rows: pd.DataFrame, windows: pd.DataFrame, x: np.ndarray, first: float, last: float,
            p_x: float | None, program: Program, handles: list) -> None:
    """The bottom lane: the daily phase, then one box per maintenance window; under it the legend of
    the figure (``handles``: the entries of the upper panels, then those of the lane)."""
    daily_end = p_x + 0.5 if p_x is not None else last
    ax.add_patch(Rectangle((first, 0.1), daily_end - first, 0.8, facecolor=COLOURS["daily"],
                           edgecolor="#6baed6", gid="daily_phase"))
    clip = texts_clip(ax)   # one for the lane's many numbers
    n_daily = int((rows["phase"] == "daily").sum())
    label = f"daily phase, {n_daily} nights" + ("" if p_x is not None else ": not progressed")
    if daily_end - first >= 0.12 * (last - first):
        ax.text((first + daily_end) / 2, 0.5, label, ha="center", va="center", fontsize=8, clip_path=clip)
    else:
        ax.text(first, 1.0, label, ha="left", va="bottom", fontsize=7.5, clip_path=clip)
    need = program.maintenance.min_per_window
    status = window_status(windows)
    starts = mdates.date2num(pd.to_datetime(windows["first_night"]).to_numpy()) - 0.5
    ends = mdates.date2num(pd.to_datetime(windows["last_night"]).to_numpy()) + 0.5
    _window_boxes(ax, starts, ends, status.tolist(), [int(i) for i in windows["maintenance_window"]])
    for x0, x1, s, c in zip(starts, ends, status, windows["compliant_nights"]):
        if x1 - x0 >= 3:
            ax.text((x0 + x1) / 2, 0.5, str(int(c)), ha="center", va="center", fontsize=7.5,
                    color="black" if s == "partial" else "white", fontweight="bold", clip_path=clip)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_ylabel("phase", rotation=0, ha="right", va="center")
    handles = handles + [Patch(facecolor=COLOURS["daily"], edgecolor="#6baed6", label="daily phase")]
    if len(windows):
        handles += [Patch(facecolor=COLOURS["met"], label=f"window met (at least {need} compliant nights)"),
                    Patch(facecolor=COLOURS["not_met"], label="window not met"),
                    Patch(facecolor=COLOURS["partial"], hatch="//", label="window partial")]
    handles.append(Line2D([], [], color=COLOURS["progression"], linewidth=1.5, label="progression night"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.62), ncol=(len(handles) + 1) // 2,
              fontsize=7.5, frameon=False, title="number in a window: its compliant nights", title_fontsize=7.5)
