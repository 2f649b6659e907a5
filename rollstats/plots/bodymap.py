"""The body map: both legs front and back, and each thigh as a clock seen from above, shaded by seconds.

The clock is the one of :mod:`rollstats.regions`: 12 o'clock to the front, mirrored between
the legs, so the lateral line (``thigh_lateral``, the place to avoid) is at 3 o'clock on the
right thigh and 9 o'clock on the left.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Patch, Polygon, Wedge
from matplotlib.text import Text

from ..regions import REGIONS, RIGHT_THIGH_CLOCK
from ._common import COLOURS, seconds_text

#: Regions drawn on the map; ``unspecified`` and ``other`` have no place and are listed below it.
MAPPED: tuple[str, ...] = ("thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back", "thigh_lateral",
                           "thigh_inner", "calf", "hip")
LEGS: tuple[str, ...] = ("left", "right")
_REGION_ROWS = {region: i for i, region in enumerate(REGIONS)}
_SIDE_COLUMNS = {side: i for i, side in enumerate(["left", "right", "both", ""])}   # "": no side logged
CMAP = "Blues"
# thigh bands, as fractions of the thigh's width from its outer (lateral) edge to its inner edge
_FRONT_BANDS = (("thigh_lateral", 0.0, 0.12), ("thigh_outer_front", 0.12, 0.32), ("thigh_front", 0.32, 0.8),
                ("thigh_inner", 0.8, 1.0))
_BACK_BANDS = (("thigh_lateral", 0.0, 0.12), ("thigh_outer_back", 0.12, 0.32), ("thigh_back", 0.32, 0.8),
               ("thigh_inner", 0.8, 1.0))
_OUTLINE = "#636363"
# labels that never overlap a shaded region are painted under them: a new shading then redraws
# only the regions and their numbers (rollstats.render.LiveFigure), not every label drawn after them
_UNDER = 0.5


def clock_hours(region: str, side: str) -> list[int]:
    """The thigh clock hours of ``region`` on the ``side`` thigh (mirrored on the left).

    >>> clock_hours("thigh_lateral", "right"), clock_hours("thigh_lateral", "left")
    ([3], [9])
    """
    hours = [h for h, r in RIGHT_THIGH_CLOCK.items() if r == region]
    return sorted(hours if side == "right" else [12 if h == 12 else 12 - h for h in hours])


def leg_seconds(data: pd.DataFrame, subject: str | None = None) -> tuple[pd.DataFrame, dict[str, float]]:
    """Seconds per mapped region on each leg, and the seconds the map cannot place.

    ``data`` is long, with columns ``region``, ``seconds`` and optionally ``side`` (as from
    :func:`rollstats.metrics.cohort.region_side_seconds`), or wide, with ``seconds_<region>``
    columns (the nights table or the summary). Rows are summed (a cohort gives a cohort map)
    unless ``subject`` picks one ``subject_id``. A leg's seconds are its own side's plus
    ``both`` (rolling both legs at once counts on each) plus those with no side logged (shown
    on both legs). Returns a frame indexed by region with columns ``left`` and ``right``, and
    the totals ``unspecified``, ``other``, ``both`` and ``no_side`` (seconds).

    >>> t = pd.DataFrame({"region": ["calf", "calf", "hip"], "side": ["left", "both", None], "seconds": [30.0, 20, 10]})
    >>> legs, extra = leg_seconds(t)
    >>> legs.loc["calf"].tolist(), legs.loc["hip"].tolist(), extra["no_side"]
    ([50.0, 20.0], [10.0, 10.0], 10.0)
    """
    if subject is not None and "subject_id" in data:
        data = data.loc[data["subject_id"].astype("str") == str(subject)]
    if {"region", "seconds"} <= set(data.columns):
        regions = data["region"].astype("str").to_numpy()
        sides = (data["side"].astype("string").fillna("").to_numpy() if "side" in data
                 else np.full(len(data), "", dtype=object))
        seconds = data["seconds"].to_numpy(dtype="float64")
    else:
        cols = [f"seconds_{r}" for r in REGIONS if f"seconds_{r}" in data]
        if not cols:
            raise ValueError("expected columns region and seconds, or seconds_<region> columns")
        regions = np.array([c.removeprefix("seconds_") for c in cols], dtype=object)
        sides = np.full(len(cols), "", dtype=object)
        seconds = data[cols].sum().to_numpy(dtype="float64")
    # seconds by region (rows) and side (columns: left, right, both, none), summed; other
    # regions and sides are left out
    row, col = _codes(regions, _REGION_ROWS), _codes(sides, _SIDE_COLUMNS)
    keep = (row >= 0) & (col >= 0)
    grid = np.zeros((len(REGIONS), len(_SIDE_COLUMNS)))
    np.add.at(grid, (row[keep], col[keep]), seconds[keep])
    shared = grid[:, 2] + grid[:, 3]
    mapped = [_REGION_ROWS[r] for r in MAPPED]
    legs = pd.DataFrame({leg: (grid[:, i] + shared)[mapped] for i, leg in enumerate(LEGS)}, index=list(MAPPED))
    extra = {"unspecified": float(grid[_REGION_ROWS["unspecified"]].sum()),
             "other": float(grid[_REGION_ROWS["other"]].sum()),
             "both": float(grid[:, 2].sum()), "no_side": float(grid[mapped, 3].sum())}
    return legs, extra


def _codes(values: np.ndarray, positions: dict[str, int]) -> np.ndarray:
    """The position of each value in ``positions`` (-1 for a value not in it), by distinct value."""
    codes, distinct = pd.factorize(values)
    lookup = np.array([positions.get(v, -1) for v in distinct] + [-1], dtype=np.intp)  # [-1]: codes of NA
    return lookup[codes]


@dataclass
class BodyMap:
    """A drawn body map and the artists :func:`paint_body_map` changes (keyed by their gid)."""

    figure: Figure
    shades: dict[str, Patch]      #: patches shaded by seconds, by gid ``"<leg>:<region>:<view>"``
    values: dict[str, Text]       #: the seconds written on them, by the same gid
    bar: Colorbar                 #: the colour scale: a share of the most-rolled region (0 to 1)
    texts: dict[str, Text]        #: ``title``, ``lateral`` (the warning) and ``notes`` (with the unit)

    @property
    def changing(self) -> list:
        """Every artist a new painting may change."""
        return [*self.shades.values(), *self.values.values(), *self.texts.values()]


def plot_body_map(data: pd.DataFrame, subject: str | None = None, title: str | None = None) -> Figure:
    """Body map: where the rolling time went, per region and leg, shaded by seconds.

    Left: both legs from the front and from the back (the patient's right leg is on your left
    in the front view, on your right in the back view), thigh bands, calves (back) and hips
    (buttocks in the back view, side of the hip in the front view). Right: each thigh as a
    clock seen from above, 12 o'clock to the front, mirrored between legs (right thigh 3
    o'clock = outside, left thigh 9 o'clock = outside), each sector labelled with its time.
    One colour scale for both legs and all views: the share of the most-rolled region (darker =
    more; the notes under it give that region's time), with a colour bar; the numbers are
    seconds per leg, or minutes when a region holds an hour or more; the lateral line (3 o'clock right, 9 o'clock left: the IT band,
    the place to avoid) is drawn as a red dashed line, and the time logged on it is written
    above the clocks. ``data`` is as for :func:`leg_seconds`; seconds that have no place on
    the map (``unspecified``, ``other``) are listed under it. The drawing
    (:func:`draw_body_map`) and the shading (:func:`paint_body_map`) are separate, so that a
    widget can shade the same drawing again.

    Shaded patches carry a gid ``"<leg>:<region>:<view>"`` (view: ``front``, ``back``, ``clock``);
    the lateral-line markers carry ``"lateral_line"``.

    >>> t = pd.DataFrame({"region": ["thigh_front", "thigh_lateral", "calf"], "side": ["right", "right", "left"],
    ...     "seconds": [120.0, 30, 60]})
    >>> fig = plot_body_map(t)
    >>> len(fig.axes)  # front, back, clocks, colour bar
    4
    """
    drawing = draw_body_map()
    paint_body_map(drawing, data, subject, title)
    return drawing.figure


def draw_body_map() -> BodyMap:
    """The body map's outlines, labels and colour bar, every region blank (see :func:`plot_body_map`)."""
    fig = Figure(figsize=(12, 6.2), layout="constrained")
    front, back, clocks = fig.subplots(1, 3, width_ratios=[1, 1, 1.9])
    shades: dict[str, Patch] = {}
    values: dict[str, Text] = {}
    # front view: the patient's right leg on the viewer's left, lateral side outward
    for ax, view, placement in ((front, "front", {"right": (-1.35, -1), "left": (1.35, 1)}),
                                (back, "back", {"right": (1.35, 1), "left": (-1.35, -1)})):
        _pelvis(ax)
        for leg, (cx, out) in placement.items():
            _leg(ax, leg, view, cx, out, shades, values)
            ax.text(cx, -0.25, "RIGHT" if leg == "right" else "LEFT", ha="center", va="top", fontsize=9,
                    fontweight="bold", zorder=_UNDER)
        ax.text(0, 11.75, "FRONT (facing you)" if view == "front" else "BACK", ha="center", va="bottom",
                fontsize=10, zorder=_UNDER)
        ax.set_xlim(-3.4, 3.4)
        ax.set_ylim(-1.0, 12.4)
        ax.set_aspect("equal")
        ax.set_axis_off()
    out_x = -1.35 - 1.2 * 0.92
    # the words over the leg outlines, their arrow under the shaded thigh it points at
    # (low enough to stay clear of the knee and the calf: nothing is drawn over it)
    front.text(-3.35, 0.6, "lateral\nline\n(IT band):\navoid", fontsize=8, color=COLOURS["avoid"], ha="left")
    front.annotate("", xy=(out_x, 7.6), xytext=(-3.0, 2.15), zorder=_UNDER,
                   arrowprops={"arrowstyle": "->", "color": COLOURS["avoid"]})

    for leg, cx in (("left", -1.7), ("right", 1.7)):
        _clock(clocks, leg, cx, shades, values)
    clocks.set_xlim(-3.2, 3.2)
    clocks.set_ylim(-1.85, 1.6)
    clocks.set_aspect("equal")
    clocks.set_axis_off()
    clocks.set_title("thighs seen from above (12 o'clock = front)", fontsize=10, pad=48)
    texts = {"lateral": clocks.text(0, 1.75, " ", ha="center", va="bottom", fontsize=9),
             "title": fig.suptitle(" ", fontsize=11),
             # a super label, so that the layout keeps a line for the notes under the colour bar
             "notes": fig.supxlabel(" ", x=0.01, ha="left", fontsize=8, color="#525252")}
    bar = fig.colorbar(ScalarMappable(norm=Normalize(0.0, 1.0), cmap=colormaps[CMAP]), ax=[front, back, clocks],
                       orientation="horizontal", fraction=0.04, shrink=0.6, aspect=40, pad=0.02)
    # one scale for every shading, so that it is drawn once: the share of the most-rolled region
    bar.set_ticks([0.0, 0.25, 0.5, 0.75, 1.0], labels=["0%", "25%", "50%", "75%", "100%"])
    bar.set_label("time on the region, per leg, as a share of the most-rolled one (darker = more)", fontsize=9)
    return BodyMap(fig, shades, values, bar, texts)


def paint_body_map(drawing: BodyMap, data: pd.DataFrame, subject: str | None = None, title: str | None = None) -> None:
    """Shade a :func:`draw_body_map` drawing by the seconds of ``data`` (as for :func:`leg_seconds`)."""
    legs, extra = leg_seconds(data, subject)
    seconds = legs.to_numpy()
    vmax = float(seconds.max(initial=0.0)) or 1.0
    unit, words = ("s", "seconds") if vmax < 3600 else ("min", "minutes")   # a cohort: minutes read better
    scale = 60.0 if unit == "min" else 1.0
    # each shaded patch's seconds (gid "<leg>:<region>:<view>"), coloured in one call of the colour map
    where = [(legs.index.get_loc(region), legs.columns.get_loc(leg))
             for leg, region, _ in (gid.split(":") for gid in drawing.shades)]
    value = np.array([seconds[i, j] for i, j in where])
    for (gid, patch), v, colour in zip(drawing.shades.items(), value, colormaps[CMAP](value / vmax)):
        patch.set_facecolor(colour)
        if gid in drawing.values:
            region = gid.split(":")[1]
            number = f"{v / scale:.0f}"
            drawing.values[gid].set_text(f"{region}\n{number} {unit}" if region in ("calf", "hip") else number)
            drawing.values[gid].set_color("white" if v / vmax > 0.55 else "black")
    notes = [f"numbers: {words} per leg; darkest (100%): {seconds_text(vmax)}"
             if seconds.max(initial=0.0) > 0 else "nothing rolled on the regions of the map"]
    if extra["both"] > 0:
        notes.append(f"{seconds_text(extra['both'])} logged on both legs at once count on each leg")
    if extra["no_side"] > 0:
        notes.append(f"{seconds_text(extra['no_side'])} with no side logged are shown on both legs")
    unplaced = [f"{seconds_text(extra[k])} {'with no region' if k == 'unspecified' else 'on other body parts'}"
                for k in ("unspecified", "other") if extra[k] > 0]
    if unplaced:
        notes.append("not on the map: " + ", ".join(unplaced))
    texts = drawing.texts
    texts["notes"].set_text("; ".join(notes) or " ")
    texts["title"].set_text(title or "Where the rolling time went")
    lateral = legs.loc["thigh_lateral"]
    warning = texts["lateral"]
    if lateral.max() > 0:
        warning.set_text(f"On the lateral line: {seconds_text(lateral['right'])} right, "
                         f"{seconds_text(lateral['left'])} left.\nThe card says to roll just in front of and "
                         "behind it (2 and 4 o'clock right, 10 and 8 left).")
        warning.set(color=COLOURS["avoid"], gid="lateral_warning")
    else:
        warning.set_text("Nothing logged on the lateral line (3 o'clock right, 9 o'clock left).")
        warning.set(color="#525252", gid="lateral_clear")


def _pelvis(ax) -> None:
    ax.add_patch(Polygon([(-2.75, 9.3), (2.75, 9.3), (2.45, 11.3), (-2.45, 11.3)], closed=True, facecolor="white",
                         edgecolor=_OUTLINE, linewidth=1, zorder=_UNDER - 0.1))  # under everything, labels too


def _leg(ax, leg: str, view: str, cx: float, out: int, shades: dict, values: dict) -> None:
    """One leg: thigh bands between the hip and the knee, knee, lower leg, foot; ``out`` = +1 if lateral is +x.

    Patches shaded by seconds go to ``shades`` and the texts that carry their seconds to ``values``."""
    y_top, y_knee, w_top, w_knee = 9.7, 5.3, 1.2, 0.72
    c_top, c_knee = cx, cx - out * 0.15

    def edge(frac: float, y: float) -> float:
        t = (y - y_knee) / (y_top - y_knee)
        centre, half = c_knee + t * (c_top - c_knee), w_knee + t * (w_top - w_knee)
        return centre + out * half * (1 - 2 * frac)

    def shade(patch: Patch) -> Patch:
        shades[patch.get_gid()] = ax.add_patch(patch)
        return patch

    for region, f0, f1 in (_FRONT_BANDS if view == "front" else _BACK_BANDS):
        corners = [(edge(f0, y_knee), y_knee), (edge(f1, y_knee), y_knee), (edge(f1, y_top), y_top),
                   (edge(f0, y_top), y_top)]
        shade(Polygon(corners, closed=True, facecolor="white", edgecolor=_OUTLINE, linewidth=0.8,
                      gid=f"{leg}:{region}:{view}"))
    # the lateral line, on the thigh's outer edge so that the band's shade stays visible
    ax.plot([edge(0.0, y_knee), edge(0.0, y_top)], [y_knee, y_top], color=COLOURS["avoid"], linewidth=2.2,
            linestyle=(0, (3, 1.5)), gid="lateral_line", zorder=4)
    ax.add_patch(Ellipse((c_knee, y_knee - 0.3), 2 * w_knee * 0.95, 0.75, facecolor="white", edgecolor=_OUTLINE,
                         linewidth=0.8))
    # lower leg: calf bulge on the back view; the shin (front) is not a region of the card
    ys = np.array([4.95, 4.2, 3.4, 2.4, 1.2, 0.55])
    half = np.array([0.66, 0.74, 0.7, 0.55, 0.38, 0.34])
    centre = c_knee - out * 0.08 * (4.95 - ys) / 4.4
    poly = np.r_[np.c_[centre - half, ys], np.c_[centre + half, ys][::-1]]
    calf = view == "back"
    lower = Polygon(poly, closed=True, facecolor="white", edgecolor=_OUTLINE, linewidth=0.8,
                    gid=f"{leg}:calf:back" if calf else None)
    if calf:
        shade(lower)
    else:  # the shin, under the knee and the labels (it is never shaded)
        lower.set_zorder(_UNDER - 0.05)
        ax.add_patch(lower)
    ax.add_patch(Ellipse((centre[-1], 0.25), 0.75, 0.6 if calf else 0.5,
                         facecolor="white", edgecolor=_OUTLINE, linewidth=0.8))
    if calf:  # buttock, over the top of the thigh
        shade(Ellipse((cx + out * 0.05, 9.95), 2.55, 2.0, facecolor="white", edgecolor=_OUTLINE, linewidth=0.8,
                      gid=f"{leg}:hip:back", zorder=2))
        for region, xy in (("hip", (cx + out * 0.05, 9.95)), ("calf", (c_knee - out * 0.04, 3.3))):
            values[f"{leg}:{region}:back"] = ax.text(*xy, "", ha="center", va="center", fontsize=7.5, zorder=3)
    else:  # side of the hip, around the belt line
        shade(Ellipse((cx + out * 1.15, 10.05), 0.6, 1.4, facecolor="white", edgecolor=_OUTLINE, linewidth=0.8,
                      gid=f"{leg}:hip:front", zorder=2))
        ax.text(cx + out * 1.15, 10.85, "hip", ha="center", va="bottom", fontsize=7, zorder=_UNDER)


def _clock(ax, leg: str, cx: float, shades: dict, values: dict) -> None:
    """One thigh seen from above: a ring of sectors by clock hour, hours marked, lateral hour in red."""
    inner, outer = 0.32, 1.0
    for region in MAPPED[:6]:
        hours = {h % 12 for h in clock_hours(region, leg)}  # contiguous on the clock, 12 read as 0
        start, span = next(h for h in hours if (h - 1) % 12 not in hours), len(hours)
        theta2 = 90 - 30 * (start - 0.5)
        theta1 = theta2 - 30 * span
        gid = f"{leg}:{region}:clock"
        shades[gid] = ax.add_patch(Wedge((cx, 0), outer, theta1, theta2, width=outer - inner, facecolor="white",
                                         edgecolor=_OUTLINE, linewidth=0.8, gid=gid))
        mid = np.deg2rad((theta1 + theta2) / 2)
        values[gid] = ax.text(cx + 0.66 * np.cos(mid), 0.66 * np.sin(mid), "", ha="center", va="center", fontsize=7)
    ax.add_patch(Ellipse((cx, 0), 2 * inner, 2 * inner, facecolor="white", edgecolor=_OUTLINE, linewidth=0.8,
                         zorder=_UNDER))
    ax.text(cx, 0, "bone", ha="center", va="center", fontsize=6.5, color="#969696", zorder=_UNDER)
    lateral = 3 if leg == "right" else 9
    for hour in range(1, 13):
        a = np.deg2rad(90 - 30 * hour)
        avoid = hour == lateral
        ax.text(cx + 1.14 * np.cos(a), 1.14 * np.sin(a), str(hour), ha="center", va="center",
                fontsize=8.5 if avoid else 7.5, color=COLOURS["avoid"] if avoid else "#525252",
                fontweight="bold" if avoid else "normal", zorder=_UNDER)
    centre = 90 - 30 * lateral
    ax.add_patch(Wedge((cx, 0), outer, centre - 15, centre + 15, width=outer - inner, fill=False,
                       edgecolor=COLOURS["avoid"], linewidth=2.2, linestyle=(0, (3, 1.5)), gid="lateral_line",
                       zorder=4))
    side = 1 if leg == "right" else -1
    ax.text(cx + side * 1.25, -0.2, "outside", ha="center", va="top", fontsize=7, color="#525252", zorder=_UNDER)
    ax.text(cx - side * 1.25, -0.2, "inside", ha="center", va="top", fontsize=7, color="#525252", zorder=_UNDER)
    ax.text(cx, 1.32, "front", ha="center", va="bottom", fontsize=7, color="#525252", zorder=_UNDER)
    ax.text(cx, -1.38, f"{leg.upper()} thigh\n{lateral} o'clock = lateral line: avoid", ha="center", va="top",
            fontsize=8, color="black", zorder=_UNDER)
