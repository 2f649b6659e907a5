"""Bar charts of one subject (or a cohort): time per region and side, adherence per calendar week."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..metrics.cohort import weekly_adherence
from ..program import Program
from ..regions import REGIONS
from ._common import COLOURS, day, figure_and_axes, one_subject

#: Regions as people read them.
REGION_LABELS: dict[str, str] = {
    "thigh_front": "front of thigh", "thigh_back": "back of thigh", "thigh_outer_front": "outer thigh, front",
    "thigh_outer_back": "outer thigh, back", "thigh_lateral": "side of thigh (IT band)",
    "thigh_inner": "inner thigh", "calf": "calves", "hip": "hips", "unspecified": "region not logged",
    "other": "other body parts",
}
_SIDE_ORDER = (("left", "left", "#6baed6"), ("right", "right", "#2171b5"), ("both", "both legs at once", "#9e9ac8"),
               ("", "side not logged", "#bdbdbd"))


def plot_region_seconds(data: pd.DataFrame, subject: str | None = None, ax: Axes | None = None) -> Figure:
    """Horizontal bars: seconds rolled per region, one bar per side (left, right, both, not logged).

    ``data`` is :func:`rollstats.metrics.cohort.region_side_seconds`' table (``region``,
    ``side``, ``seconds``), or any table with ``seconds_<region>`` columns (then one bar per
    region, side not logged); rows are summed unless ``subject`` picks one. Regions without
    time are left out; the side of the thigh is labelled as the place to avoid.

    >>> t = pd.DataFrame({"region": ["calf", "calf", "hip"], "side": ["left", "right", None],
    ...     "seconds": [30.0, 50, 20]})
    >>> fig = plot_region_seconds(t)
    >>> sorted(round(p.get_width()) for p in fig.axes[0].patches if p.get_width() > 0)
    [20, 30, 50]
    """
    if subject is not None and "subject_id" in data:
        data = data.loc[data["subject_id"].astype("str") == str(subject)]
    if {"region", "seconds"} <= set(data.columns):
        side = data["side"].astype("string") if "side" in data else pd.Series(pd.NA, index=data.index, dtype="string")
        long = pd.DataFrame({"region": data["region"].astype("str").to_numpy(), "side": side.fillna("").to_numpy(),
                             "seconds": data["seconds"].to_numpy(dtype="float64")})
    else:
        cols = [f"seconds_{r}" for r in REGIONS if f"seconds_{r}" in data]
        long = pd.DataFrame({"region": [c.removeprefix("seconds_") for c in cols], "side": "",
                             "seconds": data[cols].sum().to_numpy(dtype="float64")})
    table = long.pivot_table(index="region", columns="side", values="seconds", aggfunc="sum", fill_value=0.0)
    regions = [r for r in REGIONS if r in table.index and table.loc[r].sum() > 0]
    sides = [s for s in _SIDE_ORDER if s[0] in table.columns and table[s[0]].sum() > 0]
    table = table.reindex(index=regions, columns=[s[0] for s in sides], fill_value=0.0)

    fig, ax = figure_and_axes(ax, (7.5, 0.45 * max(len(regions), 2) * max(len(sides), 1) ** 0.5 + 1.4))
    height = 0.8 / max(len(sides), 1)
    y = np.arange(len(regions))
    for i, (key, label, colour) in enumerate(sides):
        offset = (i - (len(sides) - 1) / 2) * height
        bars = ax.barh(y + offset, table[key].to_numpy(), height=height * 0.95, color=colour, label=label)
        ax.bar_label(bars, labels=[f"{v:.0f}" if v > 0 else "" for v in table[key]], fontsize=7, padding=2)
    ax.set_yticks(y, [REGION_LABELS.get(r, r) + (": avoid" if r == "thigh_lateral" else "") for r in regions])
    for tick, region in zip(ax.get_yticklabels(), regions):
        if region == "thigh_lateral":
            tick.set_color(COLOURS["avoid"])
    ax.invert_yaxis()
    ax.set_xlabel("seconds rolled")
    ax.margins(x=0.12)
    if len(sides) > 1:
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"{subject + ': ' if subject else ''}time per region and side", fontsize=10, loc="left")
    return fig


def plot_weekly_adherence(nights_table: pd.DataFrame, subject: str | None = None, program: Program | None = None,
                          ax: Axes | None = None) -> Figure:
    """Bars: share of compliant nights in each calendar week (Monday to Sunday) of one subject.

    From :func:`rollstats.nights`' table through
    :func:`rollstats.metrics.cohort.weekly_adherence`. A bar is the week's compliant nights /
    its observed nights (in %, the count written on it), coloured by phase: daily (the card
    asks for every night), maintenance (it asks for ``maintenance.min_per_window`` of
    ``maintenance.window_nights``, drawn as a dashed line), or the week of the change.

    >>> t = pd.DataFrame({"subject_id": "a", "night": pd.date_range("2026-03-02", periods=10),
    ...     "compliant": [True] * 6 + [False, True, False, False], "phase": ["daily"] * 10})
    >>> fig = plot_weekly_adherence(t)
    >>> [round(float(p.get_height()), 3) for p in fig.axes[0].patches]
    [0.857, 0.333]
    """
    program = program or Program.default()
    subject, rows = one_subject(nights_table, subject)
    weeks = weekly_adherence(rows)
    fig, ax = figure_and_axes(ax, (min(14.0, max(5.0, 0.32 * len(weeks) + 2)), 3.4))
    colour = {"daily": "#6baed6", "maintenance": "#9e9ac8", "mixed": COLOURS["progression"]}
    x = np.arange(len(weeks))
    bars = ax.bar(x, weeks["adherence"].to_numpy(), width=0.8, color=[colour[p] for p in weeks["phase"]])
    if len(weeks) <= 30:
        ax.bar_label(bars, labels=[f"{c}/{n}" for c, n in zip(weeks["compliant_nights"], weeks["nights"])],
                     fontsize=6.5, padding=1)
    rules = program.maintenance
    target = rules.min_per_window / rules.window_nights
    handles = []
    if (weeks["phase"] != "daily").any():
        ax.axhline(target, color="#54278f", linewidth=1, linestyle="--")
        handles.append(Line2D([], [], color="#54278f", linewidth=1, linestyle="--",
                              label=f"maintenance asks {rules.min_per_window} of {rules.window_nights} nights"))
    step = max(1, len(weeks) // 12)
    ax.set_xticks(x[::step], [f"{pd.Timestamp(w):%d %b}" for w in weeks["week_start"].iloc[::step]], fontsize=7.5)
    ax.set_xlabel("week starting (Monday)")
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_ylabel("compliant nights")
    phases = [p for p in ("daily", "mixed", "maintenance") if (weeks["phase"] == p).any()]
    names = {"daily": "daily phase", "mixed": "week of progression", "maintenance": "maintenance phase"}
    handles = [Patch(color=colour[p], label=names[p]) for p in phases] + handles
    ax.legend(handles=handles, fontsize=7.5, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.22),
              ncol=len(handles))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"{subject}: share of compliant nights per week, {day(rows['night'].min())} to "
                 f"{day(rows['night'].max())}", fontsize=10, loc="left")
    return fig
