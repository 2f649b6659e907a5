"""The shapes of the body map: the legs front and back and the thigh clocks, drawn blank.

:mod:`rollstats.plots.bodymap` lays these out on its axes and shades them by seconds. All
sizes are in axes units (a thigh is about 2.4 wide and 4.4 long). Patches that are shaded carry
a gid ``"<leg>:<region>:<view>"`` (view: ``front``, ``back``, ``clock``) and are handed back in a
dict by that gid, the texts that will carry their seconds in another.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Ellipse, Patch, Polygon, Wedge

from ..regions import RIGHT_THIGH_CLOCK
from ._common import COLOURS

#: Regions drawn on the map; ``unspecified`` and ``other`` have no place and are listed below it.
MAPPED: tuple[str, ...] = ("thigh_front", "thigh_back", "thigh_outer_front", "thigh_outer_back", "thigh_lateral",
                           "thigh_inner", "calf", "hip")
# thigh bands, as fractions of the thigh's width from its outer (lateral) edge to its inner edge
_FRONT_BANDS = (("thigh_lateral", 0.0, 0.12), ("thigh_outer_front", 0.12, 0.32), ("thigh_front", 0.32, 0.8),
                ("thigh_inner", 0.8, 1.0))
_BACK_BANDS = (("thigh_lateral", 0.0, 0.12), ("thigh_outer_back", 0.12, 0.32), ("thigh_back", 0.32, 0.8),
               ("thigh_inner", 0.8, 1.0))
OUTLINE = "#636363"
# labels that never overlap a shaded region are painted under them: a new shading then redraws
# only the regions and their numbers (rollstats.render.LiveFigure), not every label drawn after them
UNDER = 0.5


def clock_hours(region: str, side: str) -> list[int]:
    """The thigh clock hours of ``region`` on the ``side`` thigh (mirrored on the left).

    >>> clock_hours("thigh_lateral", "right"), clock_hours("thigh_lateral", "left")
    ([3], [9])
    """
    hours = [h for h, r in RIGHT_THIGH_CLOCK.items() if r == region]
    return sorted(hours if side == "right" else [12 if h == 12 else 12 - h for h in hours])


def draw_pelvis(ax) -> None:
    """The pelvis, a white trapezoid above both legs, under everything else on ``ax``.

    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> draw_pelvis(ax)
    >>> ax.patches[0].get_xy()[:4].tolist()
    [[-2.75, 9.3], [2.75, 9.3], [2.45, 11.3], [-2.45, 11.3]]
    """
    ax.add_patch(Polygon([(-2.75, 9.3), (2.75, 9.3), (2.45, 11.3), (-2.45, 11.3)], closed=True, facecolor="white",
                         edgecolor=OUTLINE, linewidth=1, zorder=UNDER - 0.1))  # under everything, labels too


def draw_leg(ax, leg: str, view: str, cx: float, out: int, shades: dict, values: dict) -> None:
    """One leg: thigh bands between the hip and the knee, knee, lower leg, foot; ``out`` = +1 if lateral is +x.

    ``leg`` is ``left`` or ``right``, ``view`` ``front`` or ``back``, ``cx`` the x of the thigh's
    centre at the hip (axes units). Patches shaded by seconds go to ``shades`` and the texts that
    carry their seconds to ``values``, keyed by gid ``"<leg>:<region>:<view>"``.

    >>> from matplotlib.figure import Figure
    >>> shades, values = {}, {}
    >>> draw_leg(Figure().subplots(), "left", "back", 1.35, 1, shades, values)
    >>> list(shades)
    ['left:thigh_lateral:back', 'left:thigh_outer_back:back', 'left:thigh_back:back', 'left:thigh_inner:back', 'left:calf:back', 'left:hip:back']
    >>> list(values)
    ['left:hip:back', 'left:calf:back']
    """
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
        shade(Polygon(corners, closed=True, facecolor="white", edgecolor=OUTLINE, linewidth=0.8,
                      gid=f"{leg}:{region}:{view}"))
    # the lateral line, on the thigh's outer edge so that the band's shade stays visible
    ax.plot([edge(0.0, y_knee), edge(0.0, y_top)], [y_knee, y_top], color=COLOURS["avoid"], linewidth=2.2,
            linestyle=(0, (3, 1.5)), gid="lateral_line", zorder=4)
    ax.add_patch(Ellipse((c_knee, y_knee - 0.3), 2 * w_knee * 0.95, 0.75, facecolor="white", edgecolor=OUTLINE,
                         linewidth=0.8))
    # lower leg: calf bulge on the back view; the shin (front) is not a region of the card
    ys = np.array([4.95, 4.2, 3.4, 2.4, 1.2, 0.55])
    half = np.array([0.66, 0.74, 0.7, 0.55, 0.38, 0.34])
    centre = c_knee - out * 0.08 * (4.95 - ys) / 4.4
    poly = np.r_[np.c_[centre - half, ys], np.c_[centre + half, ys][::-1]]
    calf = view == "back"
    lower = Polygon(poly, closed=True, facecolor="white", edgecolor=OUTLINE, linewidth=0.8,
                    gid=f"{leg}:calf:back" if calf else None)
    if calf:
        shade(lower)
    else:  # the shin, under the knee and the labels (it is never shaded)
        lower.set_zorder(UNDER - 0.05)
        ax.add_patch(lower)
    ax.add_patch(Ellipse((centre[-1], 0.25), 0.75, 0.6 if calf else 0.5,
                         facecolor="white", edgecolor=OUTLINE, linewidth=0.8))
    if calf:  # buttock, over the top of the thigh
        shade(Ellipse((cx + out * 0.05, 9.95), 2.55, 2.0, facecolor="white", edgecolor=OUTLINE, linewidth=0.8,
                      gid=f"{leg}:hip:back", zorder=2))
        for region, xy in (("hip", (cx + out * 0.05, 9.95)), ("calf", (c_knee - out * 0.04, 3.3))):
            values[f"{leg}:{region}:back"] = ax.text(*xy, "", ha="center", va="center", fontsize=7.5, zorder=3)
    else:  # side of the hip, around the belt line
        shade(Ellipse((cx + out * 1.15, 10.05), 0.6, 1.4, facecolor="white", edgecolor=OUTLINE, linewidth=0.8,
                      gid=f"{leg}:hip:front", zorder=2))
        ax.text(cx + out * 1.15, 10.85, "hip", ha="center", va="bottom", fontsize=7, zorder=UNDER)


def draw_clock(ax, leg: str, cx: float, shades: dict, values: dict) -> None:
    """One thigh seen from above: a ring of sectors by clock hour, hours marked, lateral hour in red.

    The clock is centred at (``cx``, 0) with a radius of 1 (axes units); its sectors go to
    ``shades`` and the texts that carry their seconds to ``values``, keyed by gid
    ``"<leg>:<region>:clock"``.

    >>> from matplotlib.figure import Figure
    >>> shades, values = {}, {}
    >>> draw_clock(Figure().subplots(), "right", 1.7, shades, values)
    >>> wedge = shades["right:thigh_lateral:clock"]
    >>> wedge.center, wedge.theta1, wedge.theta2, list(values) == list(shades)
    ((1.7, 0), -15.0, 15.0, True)
    """
    inner, outer = 0.32, 1.0
    for region in MAPPED[:6]:
        hours = {h % 12 for h in clock_hours(region, leg)}  # contiguous on the clock, 12 read as 0
        start, span = next(h for h in hours if (h - 1) % 12 not in hours), len(hours)
        theta2 = 90 - 30 * (start - 0.5)
        theta1 = theta2 - 30 * span
        gid = f"{leg}:{region}:clock"
        shades[gid] = ax.add_patch(Wedge((cx, 0), outer, theta1, theta2, width=outer - inner, facecolor="white",
                                         edgecolor=OUTLINE, linewidth=0.8, gid=gid))
        mid = np.deg2rad((theta1 + theta2) / 2)
        values[gid] = ax.text(cx + 0.66 * np.cos(mid), 0.66 * np.sin(mid), "", ha="center", va="center", fontsize=7)
    ax.add_patch(Ellipse((cx, 0), 2 * inner, 2 * inner, facecolor="white", edgecolor=OUTLINE, linewidth=0.8,
                         zorder=UNDER))
    ax.text(cx, 0, "bone", ha="center", va="center", fontsize=6.5, color="#969696", zorder=UNDER)
    lateral = 3 if leg == "right" else 9
    for hour in range(1, 13):
        a = np.deg2rad(90 - 30 * hour)
        avoid = hour == lateral
        ax.text(cx + 1.14 * np.cos(a), 1.14 * np.sin(a), str(hour), ha="center", va="center",
                fontsize=8.5 if avoid else 7.5, color=COLOURS["avoid"] if avoid else "#525252",
                fontweight="bold" if avoid else "normal", zorder=UNDER)
    centre = 90 - 30 * lateral
    ax.add_patch(Wedge((cx, 0), outer, centre - 15, centre + 15, width=outer - inner, fill=False,
                       edgecolor=COLOURS["avoid"], linewidth=2.2, linestyle=(0, (3, 1.5)), gid="lateral_line",
                       zorder=4))
    side = 1 if leg == "right" else -1
    ax.text(cx + side * 1.25, -0.2, "outside", ha="center", va="top", fontsize=7, color="#525252", zorder=UNDER)
    ax.text(cx - side * 1.25, -0.2, "inside", ha="center", va="top", fontsize=7, color="#525252", zorder=UNDER)
    ax.text(cx, 1.32, "front", ha="center", va="bottom", fontsize=7, color="#525252", zorder=UNDER)
    ax.text(cx, -1.38, f"{leg.upper()} thigh\n{lateral} o'clock = lateral line: avoid", ha="center", va="top",
            fontsize=8, color="black", zorder=UNDER)
