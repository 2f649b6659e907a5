"""The body map: both legs front and back, and each thigh as a clock seen from above, shaded by seconds.

The clock is the one of :mod:`rollstats.regions`: 12 o'clock to the front, mirrored between
the legs, so the lateral line (``thigh_lateral``, the place to avoid) is at 3 o'clock on the
right thigh and 9 o'clock on the left. The outlines themselves are drawn by
:mod:`rollstats.plots.bodymap_shapes`; this module lays them out, counts the seconds and shades them.
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
from matplotlib.patches import Patch
from matplotlib.text import Text

from ..regions import REGIONS
from ._common import COLOURS, seconds_text
from .bodymap_shapes import MAPPED, UNDER, draw_clock, draw_leg, draw_pelvis

LEGS: tuple[str, ...] = ("left", "right")
_REGION_ROWS = {region: i for i, region in enumerate(REGIONS)}
_SIDE_COLUMNS = {side: i for i, side in enumerate(["left", "right", "both", ""])}   # "": no side logged
CMAP = "Blues"


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
        draw_pelvis(ax)
        for leg, (cx, out) in placement.items():
            draw_leg(ax, leg, view, cx, out, shades, values)
            ax.text(cx, -0.25, "RIGHT" if leg == "right" else "LEFT", ha="center", va="top", fontsize=9,
                    fontweight="bold", zorder=UNDER)
        ax.text(0, 11.75, "FRONT (facing you)" if view == "front" else "BACK", ha="center", va="bottom",
                fontsize=10, zorder=UNDER)
        ax.set_xlim(-3.4, 3.4)
        ax.set_ylim(-1.0, 12.4)
        ax.set_aspect("equal")
        ax.set_axis_off()
    out_x = -1.35 - 1.2 * 0.92
    # the words over the leg outlines, their arrow under the shaded thigh it points at
    # (low enough to stay clear of the knee and the calf: nothing is drawn over it)
    front.text(-3.35, 0.6, "lateral\nline\n(IT band):\navoid", fontsize=8, color=COLOURS["avoid"], ha="left")
    front.annotate("", xy=(out_x, 7.6), xytext=(-3.0, 2.15), zorder=UNDER,
                   arrowprops={"arrowstyle": "->", "color": COLOURS["avoid"]})

    for leg, cx in (("left", -1.7), ("right", 1.7)):
        draw_clock(clocks, leg, cx, shades, values)
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
